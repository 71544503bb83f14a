"""Hot list reads take their rows straight from the driver (``storage.driver_rows``): the same
values as through SQLAlchemy's result layer, and the same failures."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from handlers.representation import job_fields
from storage import db, driver_rows, jobs
from storage.jobs import JobSummary
from storage.models import ApplyMethod, EmploymentType, JobStatus, RemoteType
from storage.paging import Position
from tests.support.databases import admin_conninfo
from tests.support.factories import SEED_JOB, employer_in


def summaries_through_sqlalchemy(
    session: Session, employer_id: int, status: JobStatus | None
) -> list[JobSummary]:
    """The first page as the list read it before: SQLAlchemy's rows, typed by its columns."""
    values: dict[str, Any] = {"employer_id": employer_id, "offset": 0, "limit": 50}
    if status is not None:
        values["status"] = status
    statement = jobs._PAGE_STATEMENTS[status is not None]
    return [JobSummary(*row[:-1]) for row in session.execute(statement, values).all()]


@pytest.mark.parametrize("status", [None, JobStatus.ACTIVE])
def test_a_page_reads_the_values_sqlalchemy_reads(
    rollback_database: db.Database, status: JobStatus | None
) -> None:
    """On each backend, through ``read_only`` as the API reads (on PostgreSQL, the driver's rows)
    and in a unit of work (SQLAlchemy's)."""
    database = rollback_database
    with database.unit_of_work() as session:
        employer_id = employer_in(session, job_posting=5).id
        jobs.create_job(session, employer_id, job_fields(SEED_JOB))
        other = jobs.create_job(
            session,
            employer_id,
            {
                **job_fields(SEED_JOB),
                "location": "Remote, anywhere",
                "salary_min": Decimal("50000.50"),
                "salary_max": None,
                "employment_type": EmploymentType.CONTRACT,
                "remote_type": RemoteType.FULLY_REMOTE,
                "apply_method": ApplyMethod.URL_APPLY,
                "apply_url": "https://example.com/apply",
            },
        )
        jobs.publish_job(session, employer_id, other.id, expiry_date=None)
        # Unflushed: a read in the same unit of work sees it all the same.
        jobs.get_job(session, employer_id, other.id).title = "Changed, not yet flushed"
        in_transaction = jobs.list_jobs(session, employer_id, status=status, page=1, page_size=50)
        assert in_transaction.items == summaries_through_sqlalchemy(session, employer_id, status)

    with database.read_only() as session:
        page = jobs.list_jobs(session, employer_id, status=status, page=1, page_size=50)
        expected = summaries_through_sqlalchemy(session, employer_id, status)
    assert page.items == expected == in_transaction.items
    assert page.total == len(expected) == (1 if status else 2)
    assert "Changed, not yet flushed" in [item.title for item in page.items]
    for item in page.items:
        # Typed as the columns say, not as the driver's text.
        assert type(item.employment_type) is EmploymentType
        assert type(item.status) is JobStatus
        assert item.created_at.tzinfo is not None


def test_a_slice_after_a_position_reads_the_values_sqlalchemy_reads(
    rollback_database: db.Database,
) -> None:
    database = rollback_database
    with database.unit_of_work() as session:
        employer_id = employer_in(session).id
        for _ in range(3):
            jobs.create_job(session, employer_id, job_fields(SEED_JOB))
    with database.read_only() as session:
        first = jobs.list_jobs_after(session, employer_id, status=None, after=None, limit=2)
        assert first.has_more and first.last is not None
        after: Position = first.last
        rest = jobs.list_jobs_after(session, employer_id, status=None, after=after, limit=2)
        everything = summaries_through_sqlalchemy(session, employer_id, None)
    assert first.items + rest.items == everything
    assert not rest.has_more


@pytest.fixture
def postgresql_database(postgresql_url: str) -> Iterator[db.Database]:
    database = db.Database(postgresql_url, pool_size=1)
    yield database
    database.dispose()


def test_a_salary_stored_as_nan_reads_as_none_as_through_sqlalchemy(
    postgresql_database: db.Database,
) -> None:
    """``FiniteNumeric`` reads a NaN stored before it existed as NULL; so does a list."""
    with postgresql_database.unit_of_work() as session:
        employer = employer_in(session)
        job = jobs.create_job(session, employer.id, job_fields(SEED_JOB))
        session.execute(text("UPDATE jobs SET salary_min = 'NaN' WHERE id = :id"), {"id": job.id})
    with postgresql_database.read_only() as session:
        page = jobs.list_jobs(session, employer.id, status=None, page=1, page_size=50)
        assert [item.salary_min for item in page.items] == [None]
        assert page.items == summaries_through_sqlalchemy(session, employer.id, None)


def test_a_lost_connection_fails_as_sqlalchemy_fails_and_the_next_read_reconnects(
    postgresql_database: db.Database,
) -> None:
    """The driver's error is not raised as it is: SQLAlchemy's is (the API answers 503 for it,
    ``hirebridge.errors``), and the pool drops the broken connection."""
    with postgresql_database.unit_of_work() as session:
        employer_id = employer_in(session).id
        jobs.create_job(session, employer_id, job_fields(SEED_JOB))
    with postgresql_database.read_only() as session:
        backend = session.scalar(text("SELECT pg_backend_pid()"))
        with psycopg.connect(admin_conninfo(), autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (backend,))
        with pytest.raises(OperationalError) as raised:
            jobs.list_jobs(session, employer_id, status=None, page=1, page_size=50)
        assert raised.value.connection_invalidated

    with postgresql_database.read_only() as session:
        page = jobs.list_jobs(session, employer_id, status=None, page=1, page_size=50)
        assert page.total == 1
        assert session.scalar(text("SELECT pg_backend_pid()")) != backend


def test_a_write_passes_its_values_through_the_columns_types() -> None:
    """What a draft written on the event loop sends (``driver_write``) is what SQLAlchemy sends:
    an enum member as its stored value, a timestamp in UTC; a naive timestamp or a NaN salary is
    refused before anything is sent, as a unit of work refuses it."""
    from datetime import UTC, datetime, timedelta, timezone

    from sqlalchemy.dialects.postgresql.psycopg import dialect as psycopg_dialect

    dialect = psycopg_dialect()
    job = jobs._new_job(1, job_fields(SEED_JOB))
    values = jobs._new_job_values(job)
    dubai = datetime(2026, 12, 7, 16, 0, tzinfo=timezone(timedelta(hours=4)))
    sql, sent = driver_rows.driver_write(jobs._INSERT_JOB, dialect, {**values, "created_at": dubai})
    assert sql.startswith("INSERT INTO jobs (employer_id, ") and "%(id)s" not in sql
    assert sent["status"] == "Draft" and type(sent["status"]) is str
    assert sent["employment_type"] == "FullTime" and type(sent["employment_type"]) is str
    assert sent["created_at"] == dubai and sent["created_at"].tzinfo is UTC
    with pytest.raises(ValueError, match="naive"):
        driver_rows.driver_write(
            jobs._INSERT_JOB, dialect, {**values, "created_at": datetime(2026, 12, 7)}
        )
    with pytest.raises(ValueError, match="NaN"):
        driver_rows.driver_write(
            jobs._INSERT_JOB, dialect, {**values, "salary_min": Decimal("NaN")}
        )

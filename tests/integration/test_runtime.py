"""One start-up for every process, with the invalidation of cached reads in the database layer.

A runtime started from settings alone (as a new script would start one) publishes every committed
change to jobs, keys and employers, whether it was made through the ORM or as a Core statement;
a Core write of those tables outside a session is refused rather than silently missed.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import cast

import pytest
import redis
from sqlalchemy import Table, delete, insert, text, update

from hirebridge_floor.settings import Settings
from storage import db, migrate, runtime, secret_box, webhook_targets
from storage.cache_invalidation import (
    ALL_JOBS_GENERATION_KEY,
    CACHE_NEUTRAL,
    JOBS_OF_EMPLOYER,
    PRINCIPAL_GENERATION_KEY,
    StaleCacheWrite,
    jobs_generation_key,
)
from storage.models import ApiKey, Employer, Job

REPOSITORY = Path(__file__).resolve().parents[2]
JOBS = cast(Table, Job.__table__)
EMPLOYERS = cast(Table, Employer.__table__)


@pytest.fixture
def fresh_runtime(tmp_path: Path, redis_url: str) -> Iterator[runtime.Runtime]:
    """A runtime started from nothing but settings; the process's own is put back afterwards."""
    saved = (
        runtime._current,
        db._current,
        secret_box._box,
        webhook_targets._policy,
        webhook_targets._allow_local_listeners,
    )
    url = f"sqlite:///{tmp_path / 'runtime.db'}"
    migrate.upgrade(url)
    started = runtime.start(
        Settings(database_url=url, redis_url=redis_url, data_dir=tmp_path, log_level="WARNING"),
        runtime.Role.COMMAND,
    )
    try:
        yield started
    finally:
        started.close()
        (
            runtime._current,
            db._current,
            secret_box._box,
            webhook_targets._policy,
            webhook_targets._allow_local_listeners,
        ) = saved


def generation(connection: redis.Redis, key: str) -> int:
    return int(connection.get(key) or 0)


@pytest.fixture
def employer_id(fresh_runtime: runtime.Runtime) -> int:
    with db.unit_of_work() as session:
        employer = Employer(name="Runtime Ltd")
        session.add(employer)
        session.flush()  # the id, for the jobs below
        session.add(
            Job(
                employer_id=employer.id,
                reference="RT-1",
                title="Runtime engineer",
                description="Starts processes.",
                location="Leeds, United Kingdom",
                city="Leeds",
                country="United Kingdom",
                employment_type="FullTime",
                remote_type="OnSite",
                apply_method="EmailApply",
                apply_email_address="jobs@example.com",
            )
        )
        return int(employer.id)


def test_a_core_update_of_the_jobs_table_moves_the_jobs_generation(
    fresh_runtime: runtime.Runtime, employer_id: int
) -> None:
    connection = fresh_runtime.redis()
    before = generation(connection, ALL_JOBS_GENERATION_KEY)
    with db.unit_of_work() as session:
        session.execute(update(JOBS).where(JOBS.c.employer_id == employer_id).values(title="New"))
    assert generation(connection, ALL_JOBS_GENERATION_KEY) == before + 1


def test_a_core_write_of_jobs_named_for_one_employer_moves_only_its_generation(
    fresh_runtime: runtime.Runtime, employer_id: int
) -> None:
    connection = fresh_runtime.redis()
    all_jobs = generation(connection, ALL_JOBS_GENERATION_KEY)
    own_jobs = generation(connection, jobs_generation_key(employer_id))
    with db.unit_of_work() as session:
        session.execute(
            update(JOBS).where(JOBS.c.employer_id == employer_id).values(title="Named"),
            execution_options={JOBS_OF_EMPLOYER: employer_id},
        )
    assert generation(connection, jobs_generation_key(employer_id)) == own_jobs + 1
    assert generation(connection, ALL_JOBS_GENERATION_KEY) == all_jobs


def test_orm_statements_and_flushes_move_their_generations(
    fresh_runtime: runtime.Runtime, employer_id: int
) -> None:
    connection = fresh_runtime.redis()
    all_jobs = generation(connection, ALL_JOBS_GENERATION_KEY)
    own_jobs = generation(connection, jobs_generation_key(employer_id))
    principals = generation(connection, PRINCIPAL_GENERATION_KEY)
    with db.unit_of_work() as session:
        session.execute(update(Job).where(Job.employer_id == employer_id).values(city="York"))
    assert generation(connection, ALL_JOBS_GENERATION_KEY) == all_jobs + 1
    with db.unit_of_work() as session:
        job = session.query(Job).filter_by(employer_id=employer_id).one()
        job.title = "Flushed"
    assert generation(connection, jobs_generation_key(employer_id)) == own_jobs + 1
    with db.unit_of_work() as session:
        session.execute(
            delete(cast(Table, ApiKey.__table__)).where(ApiKey.employer_id == employer_id)
        )
    assert generation(connection, PRINCIPAL_GENERATION_KEY) == principals + 1


def test_a_rolled_back_or_cache_neutral_write_moves_nothing(
    fresh_runtime: runtime.Runtime, employer_id: int
) -> None:
    connection = fresh_runtime.redis()
    before = generation(connection, ALL_JOBS_GENERATION_KEY)
    with pytest.raises(ZeroDivisionError), db.unit_of_work() as session:
        session.execute(update(JOBS).values(title="Never"))
        raise ZeroDivisionError
    with db.unit_of_work() as session:
        session.execute(
            update(ApiKey).values(name="stamp").execution_options(**{CACHE_NEUTRAL: True})
        )
    assert generation(connection, ALL_JOBS_GENERATION_KEY) == before


def test_a_core_write_of_a_cached_table_outside_a_session_is_refused(
    fresh_runtime: runtime.Runtime, employer_id: int
) -> None:
    with fresh_runtime.database.engine.begin() as bare:
        with pytest.raises(StaleCacheWrite, match="update of jobs outside a session"):
            bare.execute(update(JOBS).values(title="Behind the back"))
        with pytest.raises(StaleCacheWrite, match="insert of employers outside a session"):
            bare.execute(insert(EMPLOYERS).values(name="Sneaky"))
        # Plain SQL is not parsed (the README says it is not seen until entries expire).
        bare.execute(text("UPDATE jobs SET title = 'Plain SQL'"))


def test_every_entry_point_starts_through_the_runtime_and_nothing_else_configures() -> None:
    """The API, the worker and the CLI call ``runtime.start``; only the runtime opens the
    database or configures the secret box and the target policy."""
    starters = {"hirebridge/app.py", "jobs_queue/worker.py", "hirebridge/cli/common.py"}
    configuring = {"storage/runtime.py"}
    calls: dict[str, set[str]] = {}
    for package in ("hirebridge", "hirebridge_floor", "handlers", "storage", "jobs_queue"):
        for path in (REPOSITORY / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Name)
                ):
                    name = f"{node.func.value.id}.{node.func.attr}"
                    calls.setdefault(name, set()).add(str(path.relative_to(REPOSITORY)))
    assert calls["runtime.start"] == starters
    for configure in ("db.configure", "secret_box.configure", "webhook_targets.configure"):
        assert calls.get(configure, set()) <= configuring, configure

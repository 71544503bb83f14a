"""PostgreSQL sessions run in UTC whatever the server's or the database's time zone is.

Every timestamp the service reads then comes back with Python's own UTC ``tzinfo`` (psycopg maps
a session zone of exactly ``UTC`` to ``datetime.UTC``; any other name, ``Etc/UTC`` included, to a
``zoneinfo`` zone whose conversions cost a page of 50 jobs more than a quarter of its read:
bench/RESULTS.md, issue 25), and SQL's own date arithmetic counts days and months in UTC, as the
service does.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import UTC, datetime

import psycopg
import pytest
from sqlalchemy import Column, DateTime, MetaData, Table, insert, select, text
from sqlalchemy.engine import make_url

from storage import db
from storage.types import UTCDateTime
from tests.support.databases import ADMIN_DATABASE_URL, admin_conninfo

MOMENTS = Table("moments", MetaData(), Column("at", UTCDateTime(), nullable=False))


@pytest.fixture
def new_york_database() -> Iterator[db.Database]:
    """A scratch database whose own default time zone is New York's."""
    name = f"hb_tz_{secrets.token_hex(3)}"
    with psycopg.connect(admin_conninfo(), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        admin.execute(f"ALTER DATABASE \"{name}\" SET timezone TO 'America/New_York'")
    url = make_url(ADMIN_DATABASE_URL).set(database=name).render_as_string(hide_password=False)
    database = db.Database(url, pool_size=1)
    try:
        with database.unit_of_work() as session:
            MOMENTS.create(session.connection())
        yield database
    finally:
        database.dispose()
        with psycopg.connect(admin_conninfo(), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_every_kind_of_session_runs_in_utc(new_york_database: db.Database) -> None:
    database = new_york_database
    with psycopg.connect(str(database.url).replace("+psycopg", "")) as plain:
        assert plain.execute("SHOW TimeZone").fetchone() == ("America/New_York",)

    show = text("SHOW TimeZone")
    # A rolled-back unit of work does not undo the setting.
    with pytest.raises(RuntimeError), database.unit_of_work() as session:
        assert session.scalar(show) == "UTC"
        raise RuntimeError
    with database.unit_of_work() as session:
        assert session.scalar(show) == "UTC"
    with database.read_only() as session:
        assert session.scalar(show) == "UTC"
    with database.snapshot() as session:
        assert session.scalar(show) == "UTC"


def test_timestamps_come_back_in_python_s_own_utc(new_york_database: db.Database) -> None:
    moment = datetime(2026, 5, 1, 2, 30, tzinfo=UTC)
    with new_york_database.unit_of_work() as session:
        session.execute(insert(MOMENTS), {"at": moment})
    with new_york_database.read_only() as session:
        read = session.scalar(select(MOMENTS.c.at))
        plain = session.scalar(select(MOMENTS.c.at.cast(DateTime(timezone=True))))
        # The day SQL gives the moment is its UTC day (New York's would be 30 April).
        day = session.scalar(text("SELECT date_trunc('day', at)::date::text FROM moments"))
    assert read == moment and read.tzinfo is UTC
    assert plain == moment and plain.tzinfo is UTC
    assert day == "2026-05-01"

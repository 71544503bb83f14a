"""The suite's databases and Redis (a pytest plugin, registered in the root ``conftest.py``).

A PostgreSQL database created for the test session (dropped at the end) and a SQLite file, both
migrated to the newest revision, and a Redis database number of the suite's own (flushed at the
start). Nothing is mocked. ``db_session`` gives a test a session whose work is rolled back at the
end, for tests that need no commit.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import psycopg
import pytest
import redis
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from storage import db, migrate

if TYPE_CHECKING:
    from tests.support.replica_pair import ReplicaPair

ADMIN_DATABASE_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
BACKENDS = tuple(
    name.strip()
    for name in os.environ.get("HIREBRIDGE_TEST_BACKENDS", "postgresql,sqlite").split(",")
    if name.strip()
)


def admin_conninfo() -> str:
    """The libpq connection string of the server's administrative database (to create and drop
    test databases)."""
    url = make_url(ADMIN_DATABASE_URL)
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def postgresql_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, migrated to the newest revision."""
    name = f"hirebridge_test_{os.getpid()}_{secrets.token_hex(3)}"
    with psycopg.connect(admin_conninfo(), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = make_url(ADMIN_DATABASE_URL).set(database=name).render_as_string(hide_password=False)
    migrate.upgrade(url)
    yield url
    with psycopg.connect(admin_conninfo(), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'hirebridge.db'}"
    migrate.upgrade(url)
    return url


@pytest.fixture(scope="session")
def redis_url() -> str:
    client = redis.Redis.from_url(TEST_REDIS_URL)
    client.flushdb()
    client.close()
    return TEST_REDIS_URL


@pytest.fixture(scope="session")
def replica_pair() -> Iterator[ReplicaPair]:
    """A scratch PostgreSQL primary and a streaming replica of it (``tests.support.replica_pair``
    starts them from the installed binaries)."""
    from tests.support.replica_pair import start_pair

    pair = start_pair()
    yield pair
    pair.stop()


@pytest.fixture(scope="session")
def replica_database(replica_pair: ReplicaPair) -> tuple[str, str]:
    """A migrated database of the pair (its primary and replica URLs) whose commits return once
    the replica has applied them, so that a test reads its own writes from the replica."""
    return replica_pair.create_database(
        f"hirebridge_test_{secrets.token_hex(3)}", read_your_commits=True
    )


@pytest.fixture(scope="session", params=BACKENDS)
def rollback_database(request: pytest.FixtureRequest) -> Iterator[db.Database]:
    """The session's database on each backend in turn, for ``db_session``."""
    database = db.Database(request.getfixturevalue(f"{request.param}_url"), pool_size=1)
    yield database
    database.dispose()


@contextmanager
def rolled_back(database: db.Database) -> Iterator[Session]:
    """A session inside a transaction that is rolled back at the end of the block.

    Code that commits or rolls back the session ends a savepoint, never the outer transaction
    (SQLAlchemy's ``join_transaction_mode="create_savepoint"``, the pattern warehouse uses), so
    nothing done through it is ever committed.
    """
    connection = database.engine.connect()
    transaction = connection.begin()
    session = Session(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    try:
        yield session
    finally:
        session.close()
        transaction.rollback()
        connection.close()


@pytest.fixture
def db_session(rollback_database: db.Database) -> Iterator[Session]:
    """A ``rolled_back`` session on each backend: for tests that call services directly and need
    no other connection to see their work. Nothing the test writes is committed, so no other test
    sees it and nothing needs cleaning up."""
    with rolled_back(rollback_database) as session:
        yield session

"""storage.db: work joined to the next unit of work, and read-only sessions."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from storage import commit_hooks, db


@pytest.fixture
def database(tmp_path: Path) -> Iterator[db.Database]:
    database = db.Database(f"sqlite:///{tmp_path / 'hook.db'}")
    with database.unit_of_work() as session:
        session.execute(text("CREATE TABLE marks (name TEXT)"))
    yield database
    database.dispose()


def mark(name: str) -> Callable[[Session], None]:
    return lambda session: session.execute(text("INSERT INTO marks VALUES (:n)"), {"n": name})


def marks(database: db.Database) -> list[str]:
    with database.unit_of_work() as session:
        return list(session.scalars(text("SELECT name FROM marks ORDER BY rowid")))


def test_the_work_commits_with_the_next_unit_of_work_only(database: db.Database) -> None:
    with commit_hooks.joined_to_next_commit(mark("joined")):
        with database.unit_of_work() as session:
            session.execute(text("INSERT INTO marks VALUES ('own')"))
        with database.unit_of_work() as session:
            session.execute(text("INSERT INTO marks VALUES ('later')"))

    assert marks(database) == ["own", "joined", "later"]


def test_the_work_rolls_back_with_a_failed_unit_of_work(database: db.Database) -> None:
    with (
        commit_hooks.joined_to_next_commit(mark("joined")),
        pytest.raises(RuntimeError),
        database.unit_of_work() as session,
    ):
        session.execute(text("INSERT INTO marks VALUES ('own')"))
        raise RuntimeError("the request failed")

    assert marks(database) == []


def test_outside_the_block_nothing_is_joined(database: db.Database) -> None:
    with commit_hooks.joined_to_next_commit(mark("joined")):
        pass
    with database.unit_of_work() as session:
        session.execute(text("INSERT INTO marks VALUES ('own')"))

    assert marks(database) == ["own"]


def test_the_work_follows_the_request_into_the_handler_thread(database: db.Database) -> None:
    def handler() -> None:
        with database.unit_of_work() as session:
            session.execute(text("INSERT INTO marks VALUES ('handler')"))

    async def request() -> None:
        with commit_hooks.joined_to_next_commit(mark("joined")):
            await run_in_threadpool(handler)
            await run_in_threadpool(handler)

    asyncio.run(request())

    assert marks(database) == ["handler", "joined", "handler"]


def test_read_only_sessions_read_without_a_transaction_on_postgresql(
    postgresql_url: str,
) -> None:
    database = db.Database(postgresql_url, pool_size=1)
    try:
        with database.read_only() as session:
            first = session.scalar(text("SELECT now()"))
            session.scalar(text("SELECT pg_sleep(0.01)"))
            second = session.scalar(text("SELECT now()"))
        with database.unit_of_work() as session:
            third = session.scalar(text("SELECT now()"))
            session.scalar(text("SELECT pg_sleep(0.01)"))
            fourth = session.scalar(text("SELECT now()"))
    finally:
        database.dispose()

    # now() is the start of the transaction: each statement is its own only in read_only().
    assert first != second
    assert third == fourth


def test_read_only_sessions_are_units_of_work_on_sqlite(database: db.Database) -> None:
    with database.unit_of_work() as session:
        session.execute(text("INSERT INTO marks VALUES ('kept')"))
    with database.read_only() as session:
        assert list(session.scalars(text("SELECT name FROM marks"))) == ["kept"]


def test_a_snapshot_reads_one_state_on_postgresql(postgresql_url: str) -> None:
    database = db.Database(postgresql_url, pool_size=2)
    try:
        with database.unit_of_work() as session:
            session.execute(text("CREATE TABLE IF NOT EXISTS snapshot_marks (name TEXT)"))
            session.execute(text("DELETE FROM snapshot_marks"))
        with database.snapshot() as session:
            before = session.scalar(text("SELECT count(*) FROM snapshot_marks"))
            with database.unit_of_work() as writer:
                writer.execute(text("INSERT INTO snapshot_marks VALUES ('new')"))
            during = session.scalar(text("SELECT count(*) FROM snapshot_marks"))
        with database.read_only() as session:
            after = session.scalar(text("SELECT count(*) FROM snapshot_marks"))
        with database.unit_of_work() as session:
            session.execute(text("DROP TABLE snapshot_marks"))
    finally:
        database.dispose()

    assert (before, during, after) == (0, 0, 1)

"""The tests' rolled-back sessions (``tests.support.databases``) never commit."""

from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage import db, employers
from storage.models import Employer
from tests.support.databases import rolled_back


def names(database: db.Database) -> set[str]:
    with database.unit_of_work() as session:
        return set(session.scalars(select(Employer.name)))


def test_work_committed_inside_is_never_seen_outside(postgresql_url: str) -> None:
    database = db.Database(postgresql_url, pool_size=2)
    name = f"Rolled back {secrets.token_hex(4)}"
    try:
        with rolled_back(database) as session:
            employers.create_employer(session, name=name)
            session.commit()  # what a service's own commit would do: a savepoint, no more
            assert name in set(session.scalars(select(Employer.name)))
            assert name not in names(database)
        assert name not in names(database)
    finally:
        database.dispose()


def test_a_rollback_inside_ends_only_the_work_since_the_last_commit(db_session: Session) -> None:
    kept = employers.create_employer(db_session, name="Kept").id
    db_session.commit()
    dropped = employers.create_employer(db_session, name="Dropped").id
    db_session.rollback()  # what a failed unit of work does: the test's transaction goes on
    assert db_session.get(Employer, kept) is not None
    assert db_session.get(Employer, dropped) is None

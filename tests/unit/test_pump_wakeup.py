"""The API's commit hook: the pump is woken after commits that wrote events or deliveries."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import update

from jobs_queue.wakeup import install_wakeup
from storage import db, migrate
from storage.models import DeliveryStatus, Employer, WebhookDelivery
from storage.outbox import JOB_CLOSED, record_event


@pytest.fixture
def woken(tmp_path: Path) -> Iterator[tuple[db.Database, list[int]]]:
    url = f"sqlite:///{tmp_path / 'wakeup.db'}"
    migrate.upgrade(url)
    database = db.Database(url)
    calls: list[int] = []
    install_wakeup(database.session_factory, lambda: calls.append(1))
    yield database, calls
    database.dispose()


def _employer(database: db.Database) -> int:
    with database.unit_of_work() as session:
        employer = Employer(name="Acme")
        session.add(employer)
        session.flush()
        return employer.id


def test_a_committed_event_wakes_the_pump_once(woken: tuple[db.Database, list[int]]) -> None:
    database, calls = woken
    employer_id = _employer(database)
    assert calls == []  # an unrelated write
    with database.unit_of_work() as session:
        record_event(session, employer_id, JOB_CLOSED, {"jobPostId": 1})
        record_event(session, employer_id, JOB_CLOSED, {"jobPostId": 2})
    assert calls == [1]


def test_a_rolled_back_event_wakes_nothing(woken: tuple[db.Database, list[int]]) -> None:
    database, calls = woken
    employer_id = _employer(database)
    with pytest.raises(RuntimeError), database.unit_of_work() as session:
        record_event(session, employer_id, JOB_CLOSED, {"jobPostId": 1})
        session.flush()
        raise RuntimeError("the request failed")
    with database.unit_of_work() as session:
        session.get(Employer, employer_id)
    assert calls == []


def test_deliveries_made_due_by_a_bulk_update_wake_the_pump(
    woken: tuple[db.Database, list[int]],
) -> None:
    database, calls = woken
    with database.unit_of_work() as session:
        session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.status == DeliveryStatus.DEAD)
            .values(status=DeliveryStatus.PENDING)
        )
    assert calls == [1]

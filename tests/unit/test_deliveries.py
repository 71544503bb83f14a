"""The delivery schedule's rules, on a SQLite database of the test's own."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from storage import db, migrate
from storage.clock import utcnow
from storage.deliveries import (
    AUTO_DISABLE_AFTER,
    MAX_ATTEMPTS,
    RETRY_DELAYS,
    AttemptResult,
    DeliveryOutcome,
    SubscriptionDisabled,
    claim_due,
    fan_out_events,
    live_secrets,
    record_outcomes,
    release_claim,
    take_claimed,
)
from storage.models import (
    DeliveryAttempt,
    DeliveryStatus,
    Employer,
    User,
    UserRole,
    WebhookDelivery,
    WebhookSubscription,
)
from storage.outbox import APPLICATION_SUBMITTED, JOB_CLOSED, WEBHOOK_TEST, record_event


def test_the_schedule_is_w5() -> None:
    minutes = [delay / timedelta(minutes=1) for delay in RETRY_DELAYS]
    assert minutes == [1, 5, 15, 60, 360, 1440, 1440, 1440]
    assert MAX_ATTEMPTS == 9 and AUTO_DISABLE_AFTER == 10


def test_the_previous_secret_signs_until_it_expires() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    later = now + timedelta(hours=1)
    assert live_secrets("new", "old", later, now) == ("new", "old")
    assert live_secrets("new", "old", now, now) == ("new",)
    assert live_secrets("new", None, None, now) == ("new",)


@pytest.fixture
def database(tmp_path: Path) -> Iterator[db.Database]:
    url = f"sqlite:///{tmp_path / 'deliveries.db'}"
    migrate.upgrade(url)
    database = db.Database(url)
    try:
        previous: db.Database | None = db.current()
    except RuntimeError:
        previous = None
    db.use(database)
    yield database
    database.dispose()
    if previous is not None:
        db.use(previous)


def _subscription(database: db.Database, events: list[str], *, admins: int = 0) -> int:
    with database.unit_of_work() as session:
        employer = Employer(name="Acme")
        session.add(employer)
        session.flush()
        for n in range(admins):
            session.add(
                User(
                    employer_id=employer.id,
                    email=f"admin{n}-{employer.id}@example.com",
                    name="Admin",
                    role=UserRole.EMPLOYER_ADMIN,
                )
            )
        subscription = WebhookSubscription(
            employer_id=employer.id,
            url="https://hooks.example.com/in",
            events=events,
            secret_encrypted="sealed",
            consecutive_failures=0,
        )
        session.add(subscription)
        session.flush()
        return subscription.id


def _employer_of(database: db.Database, subscription_id: int) -> int:
    with database.unit_of_work() as session:
        return session.get_one(WebhookSubscription, subscription_id).employer_id


def _attempt(status: int | None) -> AttemptResult:
    return AttemptResult(
        started_at=utcnow(),
        duration_ms=12,
        status_code=status,
        error=None if status else "connection failed: refused",
        succeeded=status is not None and 200 <= status < 300,
    )


def test_fan_out_makes_one_delivery_per_interested_subscription_once(
    database: db.Database,
) -> None:
    wanted = _subscription(database, [APPLICATION_SUBMITTED])
    employer_id = _employer_of(database, wanted)
    with database.unit_of_work() as session:
        session.add(
            WebhookSubscription(
                employer_id=employer_id,
                url="https://other.example.com/",
                events=[JOB_CLOSED],
                secret_encrypted="sealed",
                consecutive_failures=0,
            )
        )
        record_event(session, employer_id, APPLICATION_SUBMITTED, {"applicationId": 1})
        record_event(session, employer_id, WEBHOOK_TEST, {"webhookId": wanted})
    with database.unit_of_work() as session:
        assert fan_out_events(session).deliveries == 1
    with database.unit_of_work() as session:
        assert fan_out_events(session).events == 0  # dispatched: never twice
        [delivery] = session.scalars(select(WebhookDelivery)).all()
        assert delivery.subscription_id == wanted and delivery.status is DeliveryStatus.PENDING
        assert delivery.public_id.startswith("dlv_")


def _claimed_delivery(database: db.Database, subscription_id: int) -> tuple[int, datetime]:
    with database.unit_of_work() as session:
        record_event(
            session, _employer_of(database, subscription_id), APPLICATION_SUBMITTED, {"n": 1}
        )
    with database.unit_of_work() as session:
        fan_out_events(session)
    with database.unit_of_work() as session:
        claim = claim_due(session)
    with database.unit_of_work() as session:
        [taken] = take_claimed(session, claim)
    return taken.delivery_id, taken.lease_expires_at


def test_an_outcome_counts_once_and_only_under_the_senders_lease(database: db.Database) -> None:
    subscription_id = _subscription(database, [APPLICATION_SUBMITTED])
    delivery_id, lease = _claimed_delivery(database, subscription_id)

    with database.unit_of_work() as session:
        stale = DeliveryOutcome(delivery_id, _attempt(200), lease - timedelta(seconds=5))
        assert record_outcomes(session, [stale]).recorded == 0
    with database.unit_of_work() as session:
        outcome = DeliveryOutcome(delivery_id, _attempt(500), lease)
        assert record_outcomes(session, [outcome, outcome]).recorded == 1
    with database.unit_of_work() as session:
        assert record_outcomes(session, [outcome]).recorded == 0  # no longer delivering
        delivery = session.get_one(WebhookDelivery, delivery_id)
        assert delivery.status is DeliveryStatus.PENDING and delivery.failed_attempts == 1
        assert delivery.lease_expires_at is None and delivery.next_attempt_at is not None
        assert len(session.scalars(select(DeliveryAttempt)).all()) == 1


def test_a_taken_claim_cannot_be_taken_or_released_again(database: db.Database) -> None:
    subscription_id = _subscription(database, [APPLICATION_SUBMITTED])
    with database.unit_of_work() as session:
        record_event(
            session, _employer_of(database, subscription_id), APPLICATION_SUBMITTED, {"n": 1}
        )
    with database.unit_of_work() as session:
        fan_out_events(session)
    with database.unit_of_work() as session:
        claim = claim_due(session)
    with database.unit_of_work() as session:
        assert len(take_claimed(session, claim)) == 1
    with database.unit_of_work() as session:
        assert take_claimed(session, claim) == []  # the lease moved on: a late duplicate job
        assert release_claim(session, claim) == 0
    with database.unit_of_work() as session:
        assert claim_due(session).delivery_ids == ()  # in flight under a live lease


def test_the_tenth_failure_in_a_row_disables_once_and_a_success_resets(
    database: db.Database,
) -> None:
    subscription_id = _subscription(database, [APPLICATION_SUBMITTED], admins=2)
    held = [_claimed_delivery(database, subscription_id) for _ in range(AUTO_DISABLE_AFTER + 5)]

    def record(start: int, stop: int, status: int | None) -> tuple[SubscriptionDisabled, ...]:
        outcomes = [DeliveryOutcome(d, _attempt(status), lease) for d, lease in held[start:stop]]
        with database.unit_of_work() as session:
            return record_outcomes(session, outcomes).disabled

    assert record(0, 3, None) == ()
    assert record(3, 4, 200) == ()  # the run of three is over
    assert record(4, 4 + AUTO_DISABLE_AFTER - 1, None) == ()
    [notice] = record(4 + AUTO_DISABLE_AFTER - 1, 4 + AUTO_DISABLE_AFTER, None)
    assert notice.subscription_id == subscription_id
    assert notice.consecutive_failures == AUTO_DISABLE_AFTER
    assert len(notice.admin_emails) == 2
    # A late failure of a disabled subscription does not disable (or e-mail) again.
    assert record(4 + AUTO_DISABLE_AFTER, 5 + AUTO_DISABLE_AFTER, None) == ()
    with database.unit_of_work() as session:
        subscription = session.get_one(WebhookSubscription, subscription_id)
        assert not subscription.enabled and subscription.disabled_reason
        assert subscription.consecutive_failures == AUTO_DISABLE_AFTER + 1

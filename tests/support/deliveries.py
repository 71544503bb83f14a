"""Webhooks for tests: the target policy switched for a block, and deliveries as the delivery
engine leaves them."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta

from storage import clock, db, outbox, webhook_targets, webhooks
from storage.models import DeliveryAttempt, DeliveryStatus, WebhookDelivery


@contextmanager
def targets_policy(*, allow_insecure: bool) -> Iterator[None]:
    """Run a block under another webhook target policy, then restore the one before it."""
    previous = webhook_targets.current().allow_insecure
    webhook_targets.configure(allow_insecure=allow_insecure)
    try:
        yield
    finally:
        webhook_targets.configure(allow_insecure=previous)


def add_delivery(
    subscription_id: int,
    employer_id: int,
    *,
    status: DeliveryStatus = DeliveryStatus.PENDING,
    failed_attempts: int = 0,
    created_at: datetime | None = None,
    next_attempt_at: datetime | None = None,
    lease_expires_at: datetime | None = None,
    attempts: Sequence[int | None] = (),
) -> str:
    """A delivery as the engine leaves it; ``attempts`` are the status codes it got (None for
    no answer). Its event is already dispatched, so no dispatcher fans it out again."""
    now = clock.utcnow()
    created_at = created_at or now
    with db.unit_of_work() as session:
        recorded = outbox.record_event(
            session,
            employer_id,
            outbox.JOB_CLOSED,
            {"jobPostId": 1234, "closedAt": clock.rfc3339(now)},
        )
        recorded.dispatched_at = now
        delivery = WebhookDelivery(
            public_id=webhooks.new_delivery_id(),
            subscription_id=subscription_id,
            employer_id=employer_id,
            event=recorded,
            status=status,
            failed_attempts=failed_attempts,
            next_attempt_at=next_attempt_at,
            lease_expires_at=lease_expires_at,
            created_at=created_at,
            updated_at=created_at,
            succeeded_at=now if status is DeliveryStatus.SUCCEEDED else None,
            attempts=[
                DeliveryAttempt(
                    started_at=created_at + timedelta(minutes=index),
                    duration_ms=100 + index,
                    status_code=code,
                    error=None if code is not None else "No answer within 10 seconds.",
                    succeeded=code is not None and 200 <= code < 300,
                )
                for index, code in enumerate(attempts)
            ],
        )
        session.add(delivery)
        return delivery.public_id

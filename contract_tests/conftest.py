"""Checks every Schemathesis run of the contract tests adds to its default ones, and data the
response snapshots of both versions share."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import schemathesis

from storage import db, outbox, secret_box, webhooks
from storage.clock import utcnow
from storage.models import DeliveryAttempt, DeliveryStatus, WebhookDelivery, WebhookSubscription
from tests.support import strict_json
from tests.support.factories import Tenant


@schemathesis.check
def strict_json_body(ctx: Any, response: Any, case: Any) -> None:
    """A JSON reply must be strict JSON (RFC 8259): no ``NaN``, ``Infinity`` or ``-Infinity``.

    Schemathesis reads bodies with Python's lenient reader, so its own checks would let them by.
    """
    content_type = response.headers.get("content-type", [None])[0]
    if strict_json.is_json_media_type(content_type) and response.content:
        strict_json.loads(response.content)


@pytest.fixture
def webhook_with_deliveries(request: pytest.FixtureRequest, tenant: Tenant) -> Iterator[int]:
    """A webhook of the tenant's with three deliveries of events with fixed ids: one
    succeeded at its second attempt, one dead after a timeout, one not yet attempted. Written
    as the delivery engine leaves them; none is due, so no worker takes them."""
    tag = request.module.__name__.split("_")[-2]  # v1 or v2: the event ids are unique
    now = utcnow()
    with db.unit_of_work() as session:
        subscription = WebhookSubscription(
            employer_id=tenant.employer_id,
            url="https://hooks.example.com/snapshot",
            events=[outbox.JOB_CLOSED],
            enabled=True,
            secret_encrypted=secret_box.current().seal("whsec_" + "s" * 32),
            consecutive_failures=0,
            created_at=now,
            updated_at=now,
        )
        session.add(subscription)
        outcomes = [
            (DeliveryStatus.SUCCEEDED, [(500, None, False), (204, None, True)]),
            (DeliveryStatus.DEAD, [(None, "timed out after 10 s", False)]),
            (DeliveryStatus.PENDING, []),
        ]
        for number, (status, attempts) in enumerate(outcomes):
            event = outbox.record_event(
                session, tenant.employer_id, outbox.JOB_CLOSED, {"jobPostId": 1, "closedAt": "x"}
            )
            event.public_id = f"evt_{tag}_{number}"
            event.dispatched_at = now
            session.add(
                WebhookDelivery(
                    public_id=webhooks.new_delivery_id(),
                    subscription=subscription,
                    employer_id=tenant.employer_id,
                    event=event,
                    status=status,
                    failed_attempts=sum(1 for attempt in attempts if not attempt[2]),
                    next_attempt_at=now + timedelta(days=1)
                    if status is DeliveryStatus.PENDING
                    else None,
                    created_at=now,
                    updated_at=now,
                    succeeded_at=now if status is DeliveryStatus.SUCCEEDED else None,
                    attempts=[
                        DeliveryAttempt(
                            started_at=now,
                            duration_ms=120 + index,
                            status_code=code,
                            error=error,
                            succeeded=succeeded,
                        )
                        for index, (code, error, succeeded) in enumerate(attempts)
                    ],
                )
            )
        session.flush()
        subscription_id = subscription.id
    yield subscription_id
    with db.unit_of_work() as session:
        session.delete(session.get(WebhookSubscription, subscription_id))

"""The transactional outbox (docs/requirements.md#w4): events are rows written with the change that
causes them.

A service calls ``record_event`` inside its unit of work; if the transaction rolls back, the event
is gone with it, and if it commits, the event is there for the dispatcher to hand to the queue.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.clock import rfc3339, utcnow
from storage.models import OutboxEvent

APPLICATION_SUBMITTED = "application.submitted"
APPLICATION_STATUS_CHANGED = "application.status_changed"
JOB_PUBLISHED = "job.published"
JOB_CLOSED = "job.closed"
JOB_EXPIRED = "job.expired"
# Sent to one subscription on request (sendTestEvent), never fanned out to subscribers.
WEBHOOK_TEST = "webhook.test"

# What a subscription can ask for.
SUBSCRIBABLE_EVENTS = (
    APPLICATION_SUBMITTED,
    APPLICATION_STATUS_CHANGED,
    JOB_EXPIRED,
    JOB_PUBLISHED,
    JOB_CLOSED,
)
EVENT_TYPES = (*SUBSCRIBABLE_EVENTS, WEBHOOK_TEST)


def new_event_id() -> str:
    return "evt_" + secrets.token_hex(12)


def record_event(
    session: Session, employer_id: int, event_type: str, data: Mapping[str, Any]
) -> OutboxEvent:
    """Add an event of ``event_type`` for ``employer_id`` to the caller's transaction."""
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown event type {event_type!r}")
    event = OutboxEvent(
        public_id=new_event_id(),
        employer_id=employer_id,
        type=event_type,
        data=dict(data),
        created_at=utcnow(),
    )
    session.add(event)
    return event


def employer_events(session: Session, employer_id: int) -> list[OutboxEvent]:
    """The employer's events, oldest first (used by the operator tools and tests)."""
    return list(
        session.scalars(
            select(OutboxEvent)
            .where(OutboxEvent.employer_id == employer_id)
            .order_by(OutboxEvent.id)
        )
    )


def payload(event: OutboxEvent) -> dict[str, Any]:
    """The body subscribers receive: ``{"id", "type", "createdAt", "data"}``."""
    return {
        "id": event.public_id,
        "type": event.type,
        "createdAt": rfc3339(event.created_at),
        "data": event.data,
    }

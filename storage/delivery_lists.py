"""A webhook's deliveries as their lists show them (the API's and the portal's), read as plain
rows: v1's numbered pages and v2's keyset slices; the API's also on the event loop
(``storage.loop_statements``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Executable

from storage import driver_rows
from storage.loop_statements import LoopStatements
from storage.models import DeliveryAttempt, DeliveryStatus, OutboxEvent, WebhookDelivery
from storage.paging import Order, Position, Slice, total_column
from storage.webhooks import get_subscription


@dataclass(frozen=True, slots=True)
class AttemptSummary:
    """One attempt of a delivery, as its lists show it."""

    started_at: datetime
    duration_ms: int
    status_code: int | None
    error: str | None
    succeeded: bool


@dataclass(frozen=True, slots=True)
class DeliverySummary:
    """A delivery as its lists show it: its event's id, type and request (the portal links to
    its request log entry), never the event's payload, and every attempt, oldest first.

    Lists read these from plain rows of one statement (the page of deliveries with their
    events, joined to their attempts: no ORM objects); the wire form
    (``handlers.representation.webhook_delivery``) reads only these. A single delivery (a test
    event, a redelivery) is shown through ``delivery_summary``.
    """

    id: int
    public_id: str
    event_public_id: str
    event_type: str
    event_request_id: str | None
    status: DeliveryStatus
    failed_attempts: int
    next_attempt_at: datetime | None
    created_at: datetime
    succeeded_at: datetime | None
    attempts: list[AttemptSummary]


def delivery_summary(delivery: WebhookDelivery) -> DeliverySummary:
    """A loaded delivery as its lists show it."""
    event = delivery.event
    return DeliverySummary(
        id=delivery.id,
        public_id=delivery.public_id,
        event_public_id=event.public_id,
        event_type=event.type,
        event_request_id=event.request_id,
        status=delivery.status,
        failed_attempts=delivery.failed_attempts,
        next_attempt_at=delivery.next_attempt_at,
        created_at=delivery.created_at,
        succeeded_at=delivery.succeeded_at,
        attempts=[
            AttemptSummary(
                started_at=attempt.started_at,
                duration_ms=attempt.duration_ms,
                status_code=attempt.status_code,
                error=attempt.error,
                succeeded=attempt.succeeded,
            )
            for attempt in delivery.attempts
        ],
    )


@dataclass(frozen=True)
class DeliveryPage:
    total: int
    items: list[DeliverySummary]


_DELIVERIES = WebhookDelivery.__table__
_EVENTS = OutboxEvent.__table__
_ATTEMPTS = DeliveryAttempt.__table__

# Newest first: ids grow with creation time, and (subscription_id, id) is indexed.
DELIVERY_ORDER = Order((_DELIVERIES.c.id,))

# The summary's columns but its attempts, in the order of its fields.
_SHOWN = (
    _DELIVERIES.c.id,
    _DELIVERIES.c.public_id,
    _EVENTS.c.public_id.label("event_public_id"),
    _EVENTS.c.type.label("event_type"),
    _EVENTS.c.request_id.label("event_request_id"),
    _DELIVERIES.c.status,
    _DELIVERIES.c.failed_attempts,
    _DELIVERIES.c.next_attempt_at,
    _DELIVERIES.c.created_at,
    _DELIVERIES.c.succeeded_at,
)
_ATTEMPT_SHOWN = tuple(_ATTEMPTS.c[field] for field in AttemptSummary.__slots__)


def _listed(with_status: bool) -> list[ColumnElement[bool]]:
    """The deliveries of ``:subscription_id`` under ``:employer_id``, of ``:status`` if asked."""
    conditions = [
        _DELIVERIES.c.subscription_id == bindparam("subscription_id"),
        _DELIVERIES.c.employer_id == bindparam("employer_id"),
    ]
    if with_status:
        conditions.append(_DELIVERIES.c.status == bindparam("status"))
    return conditions


def _with_attempts(deliveries: Select[Any]) -> Select[Any]:
    """``deliveries`` (a page or a slice, with their events), each joined to its attempts,
    oldest first: one row per attempt, one for a delivery without any."""
    listed = deliveries.subquery("listed")
    return (
        select(listed, *_ATTEMPT_SHOWN)
        .select_from(listed.outerjoin(_ATTEMPTS, _ATTEMPTS.c.delivery_id == listed.c.id))
        .order_by(listed.c.id.desc(), _ATTEMPTS.c.id)
    )


# Built once per combination of filters, with bound parameters: a call only binds its values
# (as the job lists do). A page's rows count all its deliveries (``paging.total_column``, in the
# page of deliveries, before the attempts are joined).
_COUNTS = {
    with_status: select(func.count()).select_from(_DELIVERIES).where(*_listed(with_status))
    for with_status in (False, True)
}
_PAGES = {
    with_status: _with_attempts(
        select(*_SHOWN, total_column(_COUNTS[with_status]))
        .select_from(_DELIVERIES.join(_EVENTS, _EVENTS.c.id == _DELIVERIES.c.event_id))
        .where(*_listed(with_status))
        .order_by(*DELIVERY_ORDER.clauses())
        .offset(bindparam("offset"))
        .limit(bindparam("limit"))
    )
    for with_status in (False, True)
}
_SLICES = {
    (with_status, with_after): _with_attempts(
        select(*_SHOWN)
        .select_from(_DELIVERIES.join(_EVENTS, _EVENTS.c.id == _DELIVERIES.c.event_id))
        .where(
            *_listed(with_status),
            *([DELIVERY_ORDER.after_bound()] if with_after else []),
        )
        .order_by(*DELIVERY_ORDER.clauses())
        .limit(bindparam("limit"))
    )
    for with_status in (False, True)
    for with_after in (False, True)
}
_PAGE_ATTEMPTS_AT = len(_SHOWN) + 1
_SLICE_ATTEMPTS_AT = len(_SHOWN)


_STATUS_AT = _SHOWN.index(_DELIVERIES.c.status)
# The driver's rows (on the event loop) hold a delivery's status as stored.
_STATUSES = driver_rows.enum_of(DeliveryStatus)


def _summaries(rows: Sequence[Sequence[Any]], attempts_at: int) -> list[DeliverySummary]:
    """The deliveries of ``rows`` (each delivery's attempts in consecutive rows), in order."""
    found: list[DeliverySummary] = []
    last_id = None
    attempts: list[AttemptSummary] = []
    for row in rows:
        if row[0] != last_id:
            last_id = row[0]
            attempts = []
            status = _STATUSES[row[_STATUS_AT]]
            fields = (*row[:_STATUS_AT], status, *row[_STATUS_AT + 1 : len(_SHOWN)], attempts)
            found.append(DeliverySummary(*fields))
        # started_at is never null in an attempt: a null one is a delivery without attempts.
        if row[attempts_at] is not None:
            attempts.append(AttemptSummary(*row[attempts_at:]))
    return found


def _values(
    employer_id: int, subscription_id: int, status: DeliveryStatus | None
) -> dict[str, Any]:
    values: dict[str, Any] = {"employer_id": employer_id, "subscription_id": subscription_id}
    if status is not None:
        values["status"] = status
    return values


def _page_query(
    employer_id: int,
    subscription_id: int,
    status: DeliveryStatus | None,
    page: int,
    page_size: int,
) -> tuple[Executable, dict[str, Any]]:
    values = _values(employer_id, subscription_id, status)
    values.update(offset=(page - 1) * page_size, limit=page_size)
    return _PAGES[status is not None], values


def _page_of(rows: Sequence[Sequence[Any]]) -> DeliveryPage:
    # The count of all the deliveries is the column before the attempts'.
    return DeliveryPage(
        total=rows[0][_PAGE_ATTEMPTS_AT - 1], items=_summaries(rows, _PAGE_ATTEMPTS_AT)
    )


def list_deliveries(
    session: Session,
    employer_id: int,
    subscription_id: int,
    *,
    status: DeliveryStatus | None,
    page: int,
    page_size: int,
) -> DeliveryPage:
    """One page of a subscription's deliveries, newest first, each with its event and attempts.

    The page, its attempts and the count of all its deliveries come from one statement. A page
    with rows needs nothing else: a delivery is its subscription's employer's, so its rows show
    that the subscription is the employer's. An empty page checks that it is (else
    ``NotFound``) and counts on its own.
    """
    statement, values = _page_query(employer_id, subscription_id, status, page, page_size)
    rows = session.execute(statement, values).all()
    if rows:
        return _page_of(rows)
    get_subscription(session, employer_id, subscription_id)
    counted = _values(employer_id, subscription_id, status)
    total = session.scalar(_COUNTS[status is not None], counted) or 0
    return DeliveryPage(total=total, items=[])


async def list_deliveries_on_loop(
    reads: LoopStatements,
    employer_id: int,
    subscription_id: int,
    *,
    status: DeliveryStatus | None,
    page: int,
    page_size: int,
) -> DeliveryPage | None:
    """``list_deliveries`` on the event loop (``storage.loop_statements``), on the primary as on a
    thread; ``None`` when it must be read on a thread instead, an empty page among them (it
    checks the webhook, and counts)."""
    query = _page_query(employer_id, subscription_id, status, page, page_size)
    rows = await reads.rows(*query, replica_safe=False)
    return _page_of(rows) if rows else None


def _slice_query(
    employer_id: int,
    subscription_id: int,
    status: DeliveryStatus | None,
    after: Position | None,
    limit: int,
) -> tuple[Executable, dict[str, Any]]:
    # One delivery more than asked is read, to know whether another page follows without
    # counting.
    values = {**_values(employer_id, subscription_id, status), "limit": limit + 1}
    if after is not None:
        values.update(DELIVERY_ORDER.bound_position(after))
    return _SLICES[(status is not None, after is not None)], values


def list_deliveries_after(
    session: Session,
    employer_id: int,
    subscription_id: int,
    *,
    status: DeliveryStatus | None,
    after: Position | None,
    limit: int,
) -> Slice[DeliverySummary]:
    """``list_deliveries`` after ``after`` in the same order (keyset paging): one statement,
    and the check of ``list_deliveries`` when it is empty."""
    statement, values = _slice_query(employer_id, subscription_id, status, after, limit)
    rows = session.execute(statement, values).all()
    if not rows:
        get_subscription(session, employer_id, subscription_id)
    return Slice.of(_summaries(rows, _SLICE_ATTEMPTS_AT), limit, DELIVERY_ORDER)


async def list_deliveries_after_on_loop(
    reads: LoopStatements,
    employer_id: int,
    subscription_id: int,
    *,
    status: DeliveryStatus | None,
    after: Position | None,
    limit: int,
) -> Slice[DeliverySummary] | None:
    """``list_deliveries_after`` on the event loop, or ``None`` (see
    ``list_deliveries_on_loop``)."""
    query = _slice_query(employer_id, subscription_id, status, after, limit)
    rows = await reads.rows(*query, replica_safe=False)
    return Slice.of(_summaries(rows, _SLICE_ATTEMPTS_AT), limit, DELIVERY_ORDER) if rows else None

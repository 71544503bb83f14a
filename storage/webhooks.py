"""Webhook subscriptions and their deliveries, as the employer manages them
(docs/requirements.md#w1).

This module writes the rows the delivery engine works from and never sends anything itself. A
delivery is due for the engine when it is ``pending`` with ``next_attempt_at`` in the past, so
"send it again" (test events, redelivery, replay) means making a row due now with a fresh retry
schedule. Signing secrets are stored sealed by ``storage.secret_box``; the plaintext leaves this
module only in the result of a creation or a rotation.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    String,
    and_,
    func,
    literal_column,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session, joinedload, selectinload

from storage import secret_box, webhook_targets
from storage.clock import utcnow
from storage.errors import Conflict, InvalidRequest, InvalidState, NotFound, quoted
from storage.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from storage.outbox import SUBSCRIBABLE_EVENTS, WEBHOOK_TEST, record_event
from storage.paging import Order, Position, Slice, keyset_slice
from storage.text import strip

SECRET_PREFIX = "whsec_"  # noqa: S105 (a public prefix, not a secret)
DELIVERY_PREFIX = "dlv_"
# After a rotation the previous secret keeps signing beside the new one for this long, so that
# receivers can switch over without refusing a delivery.
ROTATION_OVERLAP = timedelta(hours=24)
DISABLED_BY_USER = "Disabled by a user."
TEST_MESSAGE = "A test event from Hirebridge."

# The fields a partner may set, by service name.
MUTABLE_FIELDS = frozenset({"url", "events", "description", "enabled"})
_REQUIRED_FIELDS = frozenset({"url", "events"})


@dataclass(frozen=True)
class CreatedSubscription:
    """A new subscription and its secret in plaintext (only this and a rotation carry it)."""

    subscription: WebhookSubscription
    secret: str


@dataclass(frozen=True)
class RotatedSecret:
    secret: str
    previous_secret_expires_at: datetime


@dataclass(frozen=True)
class SubscriptionPage:
    total: int
    items: list[WebhookSubscription]


def new_secret() -> str:
    """``whsec_`` and 43 URL-safe characters (256 random bits)."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def new_delivery_id() -> str:
    """A delivery's public id, sent as ``X-Webhook-Delivery-Id``."""
    return DELIVERY_PREFIX + secrets.token_hex(12)


def create_subscription(
    session: Session, employer_id: int, fields: Mapping[str, Any], *, local_listener: bool = False
) -> CreatedSubscription:
    """Subscribe a URL to event types; ``fields`` has ``url`` and ``events``, and optionally
    ``description`` and ``enabled`` (default true).

    The URL is checked, and its host resolved, before anything is written: an unsafe or
    unresolvable target is an ``InvalidRequest`` and creates nothing. ``local_listener`` marks a
    subscription of ``hirebridge webhooks listen``, whose loopback URL the policy then allows
    (``webhook_targets.for_subscription``).
    """
    _reject_unknown(fields)
    missing = _REQUIRED_FIELDS - set(fields)
    if missing:
        raise InvalidRequest(f"These fields are required: {', '.join(sorted(missing))}.")
    url = _checked_url(fields["url"], local_listener=local_listener)
    secret = new_secret()
    now = utcnow()
    enabled = bool(fields.get("enabled", True))
    subscription = WebhookSubscription(
        employer_id=employer_id,
        url=url,
        description=_description(fields.get("description")),
        events=_checked_events(fields["events"]),
        enabled=enabled,
        disabled_reason=None if enabled else DISABLED_BY_USER,
        secret_encrypted=secret_box.current().seal(secret),
        consecutive_failures=0,
        local_listener=local_listener,
        created_at=now,
        updated_at=now,
    )
    session.add(subscription)
    # The response and its Location header carry the new id.
    session.flush()
    return CreatedSubscription(subscription=subscription, secret=secret)


def list_subscriptions(
    session: Session, employer_id: int, *, page: int, page_size: int
) -> SubscriptionPage:
    """One page of the employer's subscriptions, newest first."""
    condition = WebhookSubscription.employer_id == employer_id
    total = (
        session.scalar(select(func.count()).select_from(WebhookSubscription).where(condition)) or 0
    )
    items = list(
        session.scalars(
            select(WebhookSubscription)
            .where(condition)
            .order_by(*SUBSCRIPTION_ORDER.clauses())
            .offset((page - 1) * page_size)
            .limit(page_size)
        )
    )
    return SubscriptionPage(total=total, items=items)


# Newest first: ids grow with creation time, and (employer_id, id) is indexed.
SUBSCRIPTION_ORDER = Order((WebhookSubscription.id,))


def list_subscriptions_after(
    session: Session, employer_id: int, *, after: Position | None, limit: int
) -> Slice[WebhookSubscription]:
    """``list_subscriptions`` after ``after`` in the same order (keyset paging)."""
    query = select(WebhookSubscription).where(WebhookSubscription.employer_id == employer_id)
    return keyset_slice(session, query, SUBSCRIPTION_ORDER, after, limit)


def get_subscription(
    session: Session, employer_id: int, subscription_id: int, *, for_update: bool = False
) -> WebhookSubscription:
    """The employer's subscription; another employer's is reported as missing."""
    query = select(WebhookSubscription).where(
        WebhookSubscription.id == subscription_id,
        WebhookSubscription.employer_id == employer_id,
    )
    if for_update:
        query = query.with_for_update()
    subscription = session.scalars(query).first()
    if subscription is None:
        raise NotFound(f"No webhook with id {subscription_id}.")
    return subscription


def update_subscription(
    session: Session, employer_id: int, subscription_id: int, changes: Mapping[str, Any]
) -> WebhookSubscription:
    """Change any subset of ``url``, ``events``, ``description`` and ``enabled``.

    Disabling records that a user did it. Enabling a disabled subscription, whoever disabled it,
    clears the reason and resets the count of consecutive failures (docs/requirements.md#w6).
    """
    _reject_unknown(changes)
    if not changes:
        raise InvalidRequest("Name at least one field to change.")
    # Resolving a host can take seconds: do it before the transaction locks the row.
    url = _checked_url(changes["url"]) if "url" in changes else None
    subscription = get_subscription(session, employer_id, subscription_id, for_update=True)
    if url is not None:
        subscription.url = url
    if "events" in changes:
        subscription.events = _checked_events(changes["events"])
    if "description" in changes:
        subscription.description = _description(changes["description"])
    if "enabled" in changes:
        _set_enabled(subscription, bool(changes["enabled"]))
    subscription.updated_at = utcnow()
    return subscription


def delete_subscription(session: Session, employer_id: int, subscription_id: int) -> None:
    """Delete a subscription; its deliveries and their attempts go with it (ON DELETE CASCADE)."""
    session.delete(get_subscription(session, employer_id, subscription_id, for_update=True))


def rotate_secret(session: Session, employer_id: int, subscription_id: int) -> RotatedSecret:
    """Issue a new secret; the current one keeps signing beside it for ``ROTATION_OVERLAP``.

    A rotation inside the window of an earlier one retires the oldest secret at once: only the
    secret current until now stays live beside the new one. The row is locked so that two
    concurrent rotations each move the other's secret, never lose one.
    """
    subscription = get_subscription(session, employer_id, subscription_id, for_update=True)
    secret = new_secret()
    now = utcnow()
    subscription.previous_secret_encrypted = subscription.secret_encrypted
    subscription.previous_secret_expires_at = now + ROTATION_OVERLAP
    subscription.secret_encrypted = secret_box.current().seal(secret)
    subscription.updated_at = now
    return RotatedSecret(secret=secret, previous_secret_expires_at=now + ROTATION_OVERLAP)


def send_test_event(session: Session, employer_id: int, subscription_id: int) -> WebhookDelivery:
    """Record a ``webhook.test`` event and one delivery of it to this subscription, due now.

    The event is stamped as dispatched when it is written, so the dispatcher never fans it out to
    the employer's other subscriptions. A disabled subscription receives nothing, tests included.
    """
    subscription = get_subscription(session, employer_id, subscription_id)
    _require_enabled(subscription)
    now = utcnow()
    event = record_event(
        session,
        employer_id,
        WEBHOOK_TEST,
        {"webhookId": subscription.id, "message": TEST_MESSAGE},
    )
    event.dispatched_at = now
    delivery = WebhookDelivery(
        public_id=new_delivery_id(),
        subscription_id=subscription.id,
        employer_id=employer_id,
        event=event,
        status=DeliveryStatus.PENDING,
        failed_attempts=0,
        next_attempt_at=now,
        created_at=now,
        updated_at=now,
        attempts=[],
    )
    session.add(delivery)
    # Write the rows now, so that a constraint breaks here rather than at commit.
    session.flush()
    return delivery


def dead_letters(
    session: Session, employer_id: int | None = None, limit: int = 100
) -> list[WebhookDelivery]:
    """Dead-lettered deliveries (of one employer, or all), newest first, with their event,
    subscription and attempts: what an operator looks at when a receiver was down for days."""
    # The status written into the statement, for the partial index of dead deliveries.
    dead = literal_column(f"'{DeliveryStatus.DEAD.value}'", String)
    query = select(WebhookDelivery).where(WebhookDelivery.status == dead)
    if employer_id is not None:
        query = query.where(WebhookDelivery.employer_id == employer_id)
    return list(
        session.scalars(
            query.options(
                joinedload(WebhookDelivery.event),
                joinedload(WebhookDelivery.subscription),
                selectinload(WebhookDelivery.attempts),
            )
            .order_by(WebhookDelivery.id.desc())
            .limit(limit)
        )
    )


def redeliver(
    session: Session, employer_id: int, subscription_id: int, delivery_id: str
) -> WebhookDelivery:
    """Make one delivery due now with a fresh schedule, whatever its status.

    Its public id (and so ``X-Webhook-Delivery-Id``) stays the same and its attempts stay
    listed. An attempt in progress (a live lease) is a ``Conflict``: resetting the row under the
    worker would let the same delivery be sent twice at once. An expired lease belongs to a
    worker that died, so the delivery is taken back.
    """
    subscription = get_subscription(session, employer_id, subscription_id)
    _require_enabled(subscription)
    delivery = session.scalars(
        select(WebhookDelivery)
        .where(
            WebhookDelivery.public_id == delivery_id,
            WebhookDelivery.subscription_id == subscription.id,
            WebhookDelivery.employer_id == employer_id,
        )
        .with_for_update()
    ).first()
    if delivery is None:
        raise NotFound(f"No delivery {delivery_id} of webhook {subscription_id}.")
    now = utcnow()
    if (
        delivery.status is DeliveryStatus.DELIVERING
        and delivery.lease_expires_at is not None
        and delivery.lease_expires_at > now
    ):
        raise Conflict("This delivery is being attempted right now; try again in a few seconds.")
    delivery.status = DeliveryStatus.PENDING
    delivery.next_attempt_at = now
    delivery.failed_attempts = 0
    delivery.lease_expires_at = None
    # A new schedule: an earlier success belongs to the old one (its attempt stays listed).
    delivery.succeeded_at = None
    delivery.updated_at = now
    return delivery


def replay_failed(
    session: Session, employer_id: int, subscription_id: int, *, since: datetime
) -> int:
    """Make every failed delivery created at or after ``since`` due now; returns how many.

    Failed means dead-lettered, or pending a retry after at least one failure. Deliveries that
    succeeded, await their first attempt or are being attempted are left alone. It is one UPDATE,
    so a worker claiming a delivery at the same moment either wins (and the row no longer
    matches) or waits for this transaction.
    """
    subscription = get_subscription(session, employer_id, subscription_id)
    _require_enabled(subscription)
    now = utcnow()
    result = session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.subscription_id == subscription.id,
            WebhookDelivery.employer_id == employer_id,
            WebhookDelivery.created_at >= since,
            or_(
                WebhookDelivery.status == DeliveryStatus.DEAD,
                and_(
                    WebhookDelivery.status == DeliveryStatus.PENDING,
                    WebhookDelivery.failed_attempts > 0,
                ),
            ),
        )
        .values(
            status=DeliveryStatus.PENDING,
            next_attempt_at=now,
            failed_attempts=0,
            lease_expires_at=None,
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def _reject_unknown(fields: Mapping[str, Any]) -> None:
    unknown = set(fields) - MUTABLE_FIELDS
    if unknown:
        raise InvalidRequest(f"These fields cannot be set: {', '.join(sorted(unknown))}.")


def _checked_url(url: str, *, local_listener: bool = False) -> str:
    """The URL, if the target policy accepts its form and every address its host resolves to.

    ``resolve`` checks the form first (``check_url``), then each address DNS returns now; the
    delivery engine checks the addresses again at every attempt, since DNS can change. A changed
    URL is always checked by the usual rules, whoever made the subscription.
    """
    webhook_targets.for_subscription(local_listener).resolve(url)
    return url


def _checked_events(events: Sequence[str]) -> list[str]:
    unknown = [event for event in events if event not in SUBSCRIBABLE_EVENTS]
    if unknown:
        choices = ", ".join(SUBSCRIBABLE_EVENTS)
        raise InvalidRequest(
            f"Unknown event type {quoted(', '.join(unknown))}; choose from {choices}."
        )
    if not events:
        raise InvalidRequest("Subscribe to at least one event type.")
    return list(dict.fromkeys(events))


def _description(value: str | None) -> str | None:
    return strip(value or "") or None


def _set_enabled(subscription: WebhookSubscription, enabled: bool) -> None:
    if enabled and not subscription.enabled:
        subscription.enabled = True
        subscription.disabled_reason = None
        subscription.consecutive_failures = 0
    elif not enabled and subscription.enabled:
        subscription.enabled = False
        subscription.disabled_reason = DISABLED_BY_USER


def _require_enabled(subscription: WebhookSubscription) -> None:
    # The engine sends nothing to a disabled subscription, so a delivery made due now would only
    # wait; refusing says so while the caller can still act on it.
    if not subscription.enabled:
        raise InvalidState(f"Webhook {subscription.id} is disabled; enable it first.")

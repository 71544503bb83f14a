"""The webhook delivery schedule (docs/requirements.md#w4 to #w7): fan-out, claims, leases,
outcomes, dead letters.

The schedule lives in the database, not in Redis: a delivery is due when it is ``pending`` and its
``next_attempt_at`` has come. A worker claims due deliveries (``delivering`` with a lease), sends
them, and records each outcome. A worker that dies leaves its leases to run out, and the deliveries
become due again: delivery is at least once. The lease value itself is the claim's fencing token,
so a late worker can neither send nor record a delivery that has since been claimed again.

These services take a session and know nothing of HTTP or of the queue.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import (
    String,
    Table,
    and_,
    bindparam,
    func,
    insert,
    literal_column,
    or_,
    select,
    text,
    union_all,
    update,
)
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from storage.clock import utcnow
from storage.models import (
    DeliveryAttempt,
    DeliveryStatus,
    OutboxEvent,
    User,
    UserRole,
    WebhookDelivery,
    WebhookSubscription,
)
from storage.outbox import WEBHOOK_TEST, payload
from storage.types import UTCDateTime
from storage.webhooks import new_delivery_id

# docs/requirements.md#w5: the wait after the 1st, 2nd, ... 8th failed attempt; the 9th failure
# dead-letters.
RETRY_DELAYS: tuple[timedelta, ...] = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=15),
    timedelta(hours=1),
    timedelta(hours=6),
    timedelta(hours=24),
    timedelta(hours=24),
    timedelta(hours=24),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
# docs/requirements.md#w7: deliveries of one subscription in flight (claimed, lease alive) at any
# time.
MAX_IN_FLIGHT_PER_SUBSCRIPTION = 50
# docs/requirements.md#w6: consecutive failed attempts across a subscription's deliveries before it
# is disabled.
AUTO_DISABLE_AFTER = 10
# Long enough for a 10-second POST and the recording of its outcome, with a wide margin; short
# enough that the deliveries of a worker that died go out again within about a minute.
LEASE = timedelta(seconds=60)
# The attempt's error text is stored in a String(300) column.
_ERROR_LENGTH = 300
# The recorder writes with Core statements on the tables (see record_outcomes).
_DELIVERIES = cast(Table, WebhookDelivery.__table__)
_ATTEMPTS = cast(Table, DeliveryAttempt.__table__)
_SUBSCRIPTIONS = cast(Table, WebhookSubscription.__table__)
_OUTBOX = cast(Table, OutboxEvent.__table__)
# Serializes claims across workers on PostgreSQL, so that counting a subscription's deliveries in
# flight and claiming more cannot race (SQLite transactions are serialized already).
_CLAIM_LOCK_KEY = 0x48425F434C41494D  # "HB_CLAIM"


@dataclass(frozen=True)
class FanOut:
    events: int
    deliveries: int


# Fan-out's statements, built once (see the claim's below).
_UNDISPATCHED = (
    select(_OUTBOX.c.id, _OUTBOX.c.employer_id, _OUTBOX.c.type, _OUTBOX.c.created_at)
    .where(_OUTBOX.c.dispatched_at.is_(None))
    .order_by(_OUTBOX.c.id)
    .limit(bindparam("limit"))
    .with_for_update(skip_locked=True)
)
_SUBSCRIBERS = select(
    _SUBSCRIPTIONS.c.id,
    _SUBSCRIPTIONS.c.employer_id,
    _SUBSCRIPTIONS.c.events,
    _SUBSCRIPTIONS.c.created_at,
).where(
    _SUBSCRIPTIONS.c.employer_id.in_(bindparam("employer_ids", expanding=True)),
    _SUBSCRIPTIONS.c.enabled.is_(True),
)
_DISPATCHED = (
    update(_OUTBOX)
    .where(_OUTBOX.c.id.in_(bindparam("event_ids", expanding=True)))
    .values(dispatched_at=bindparam("now", type_=_OUTBOX.c.dispatched_at.type))
)
# New deliveries: on PostgreSQL one row per array element, so that the statement's text is the
# same whatever the count (a multi-row VALUES is new text for every count, which the driver parses
# afresh each time: an eighth of a worker's CPU in the end-to-end benchmark); on SQLite a
# multi-row insert. Repeats are ignored: ON CONFLICT DO NOTHING.
_NEW_DELIVERIES_PG = text(
    "INSERT INTO webhook_deliveries (public_id, subscription_id, employer_id, event_id, status,"
    " failed_attempts, next_attempt_at, created_at, updated_at) SELECT new.public_id,"
    " new.subscription_id, new.employer_id, new.event_id, :status, 0,"
    " :now, :now, :now FROM unnest(CAST(:public_ids AS varchar[]),"
    " CAST(:subscription_ids AS bigint[]), CAST(:employer_ids AS bigint[]),"
    " CAST(:event_ids AS bigint[])) AS new (public_id, subscription_id, employer_id, event_id)"
    " ON CONFLICT (subscription_id, event_id) DO NOTHING RETURNING id"
).bindparams(bindparam("now", type_=UTCDateTime()))
_NEW_DELIVERIES_SQLITE = (
    sqlite.insert(_DELIVERIES)
    .on_conflict_do_nothing(index_elements=["subscription_id", "event_id"])
    .returning(_DELIVERIES.c.id)
)


def fan_out_events(session: Session, limit: int = 500) -> FanOut:
    """Turn up to ``limit`` undispatched outbox events into deliveries, oldest event first.

    Each event gets one ``pending`` delivery, due now, per enabled subscription of its employer
    that asked for its type and existed when the event was recorded, and is marked dispatched
    in the same transaction. On PostgreSQL the events are taken with ``SKIP LOCKED``, so
    several workers fanning out at once never take the same ones; the unique (subscription,
    event) pair makes a repeat harmless anyway.
    """
    now = utcnow()
    connection = session.connection()
    events = connection.execute(_UNDISPATCHED, {"limit": limit}).all()
    if not events:
        return FanOut(events=0, deliveries=0)
    subscriptions: dict[int, list[tuple[int, frozenset[str], datetime]]] = {}
    for row in connection.execute(
        _SUBSCRIBERS, {"employer_ids": list({event.employer_id for event in events})}
    ):
        subscriptions.setdefault(row.employer_id, []).append(
            (row.id, frozenset(row.events), row.created_at)
        )
    wanted = [
        (event.employer_id, event.id, subscription_id)
        for event in events
        # Test events go to the one subscription that asked, created by the API itself.
        if event.type != WEBHOOK_TEST
        for subscription_id, types, subscribed_at in subscriptions.get(event.employer_id, ())
        # A subscription hears of what happens from its creation on, even when the event was
        # still waiting to be fanned out as it was created.
        if event.type in types and subscribed_at <= event.created_at
    ]
    created = 0
    if wanted and connection.dialect.name == "postgresql":
        new = connection.execute(
            _NEW_DELIVERIES_PG,
            {
                "public_ids": [new_delivery_id() for _ in wanted],
                "subscription_ids": [subscription_id for _, _, subscription_id in wanted],
                "employer_ids": [employer_id for employer_id, _, _ in wanted],
                "event_ids": [event_id for _, event_id, _ in wanted],
                "status": DeliveryStatus.PENDING.value,
                "now": now,
            },
        )
        created = len(new.all())
    elif wanted:
        rows = [
            {
                "public_id": new_delivery_id(),
                "subscription_id": subscription_id,
                "employer_id": employer_id,
                "event_id": event_id,
                "status": DeliveryStatus.PENDING,
                "failed_attempts": 0,
                "next_attempt_at": now,
                "created_at": now,
                "updated_at": now,
            }
            for employer_id, event_id, subscription_id in wanted
        ]
        created = len(connection.execute(_NEW_DELIVERIES_SQLITE, rows).all())
    connection.execute(_DISPATCHED, {"event_ids": [event.id for event in events], "now": now})
    return FanOut(events=len(events), deliveries=created)


@dataclass(frozen=True)
class Claim:
    """Deliveries claimed together, and their lease: until it runs out they are this claim's."""

    delivery_ids: tuple[int, ...]
    lease_expires_at: datetime


# The statuses the partial indexes of the schedule are defined on, written into the statements
# rather than bound: PostgreSQL uses a partial index only where it can prove the index's
# condition from the statement, which a parameter (in a prepared, generic plan) never lets it.
_PENDING = literal_column(f"'{DeliveryStatus.PENDING.value}'", String)
_DELIVERING = literal_column(f"'{DeliveryStatus.DELIVERING.value}'", String)


# The claim's statements are built once, with bound parameters: built afresh each time, they
# cost more CPU than the database spends running them, and a pump runs them several times a second.
_NOW = bindparam("now", type_=_DELIVERIES.c.next_attempt_at.type)
_DUE = or_(
    and_(_DELIVERIES.c.status == _PENDING, _DELIVERIES.c.next_attempt_at <= _NOW),
    # A worker died with these in hand: they are due again.
    and_(_DELIVERIES.c.status == _DELIVERING, _DELIVERIES.c.lease_expires_at <= _NOW),
)
# ``_DUE``'s deliveries, each half from its own partial index. Two plain index scans rather than
# one bitmap of both: a plain scan that meets an entry whose row every transaction sees as gone
# marks the entry dead in the index, and later scans step over it without reading the table.
# Deliveries claimed since the last vacuum leave such entries behind by the thousand; a bitmap
# scan reads their rows every time.
_DUE_IDS = union_all(
    select(_DELIVERIES.c.id).where(
        _DELIVERIES.c.status == _PENDING, _DELIVERIES.c.next_attempt_at <= _NOW
    ),
    select(_DELIVERIES.c.id).where(
        _DELIVERIES.c.status == _DELIVERING, _DELIVERIES.c.lease_expires_at <= _NOW
    ),
)
_IN_FLIGHT = (
    select(_DELIVERIES.c.subscription_id, func.count().label("busy"))
    .where(_DELIVERIES.c.status == _DELIVERING, _DELIVERIES.c.lease_expires_at > _NOW)
    .group_by(_DELIVERIES.c.subscription_id)
    .subquery()
)
_RANKED = (
    select(
        _DELIVERIES.c.id,
        _DELIVERIES.c.next_attempt_at,
        func.row_number()
        .over(
            partition_by=_DELIVERIES.c.subscription_id,
            order_by=(_DELIVERIES.c.next_attempt_at, _DELIVERIES.c.id),
        )
        .label("place"),
        func.coalesce(_IN_FLIGHT.c.busy, 0).label("busy"),
    )
    .join(_SUBSCRIPTIONS, _SUBSCRIPTIONS.c.id == _DELIVERIES.c.subscription_id)
    .outerjoin(_IN_FLIGHT, _IN_FLIGHT.c.subscription_id == _DELIVERIES.c.subscription_id)
    .where(_SUBSCRIPTIONS.c.enabled.is_(True), _DELIVERIES.c.id.in_(_DUE_IDS))
    .subquery()
)
_CLAIM_CANDIDATES = (
    select(_RANKED.c.id)
    .where(_RANKED.c.place + _RANKED.c.busy <= MAX_IN_FLIGHT_PER_SUBSCRIPTION)
    .order_by(_RANKED.c.next_attempt_at, _RANKED.c.id)
    .limit(bindparam("limit"))
)
# The due condition again: a delivery recorded meanwhile (its late outcome) is not taken.
_CLAIM = (
    update(_DELIVERIES)
    .where(_DELIVERIES.c.id.in_(bindparam("ids", expanding=True)), _DUE)
    .values(
        status=DeliveryStatus.DELIVERING,
        lease_expires_at=bindparam("lease", type_=_DELIVERIES.c.lease_expires_at.type),
        updated_at=_NOW,
    )
    .returning(_DELIVERIES.c.id)
)
# The claim's lock, and for the rest of the claim's transaction only plain index scans where an
# index serves. With statistics taken while many deliveries were in flight (they stay so until
# the next ANALYZE), the planner reads the index of delivering deliveries in a bitmap scan, or
# reads the whole table instead. A bitmap scan reads the row of every entry that index still holds
# for a delivery finished since the last vacuum, each claim again, and never marks one dead: the
# claim of nothing grew with the deliveries since the last vacuum (to 1,131 buffers at 500
# deliveries/s in ``bench/webhooks.py --end-to-end``, autovacuum on); a scan of the table reads
# all of it. Plain index scans, which ``_DUE_IDS`` is written for (see there), step over such
# entries once a scan has marked them. Every statement of a claim's transaction reads by index
# (the schedule's partial indexes, primary keys). Still one round trip.
_CLAIM_LOCK = text(
    "SELECT pg_try_advisory_xact_lock(:key), set_config('enable_bitmapscan', 'off', true),"
    " set_config('enable_seqscan', 'off', true)"
)


def count_due(session: Session) -> int:
    """Deliveries whose attempt is due now and not yet claimed (the backlog, for metrics)."""
    return int(
        session.scalar(
            select(func.count())
            .select_from(WebhookDelivery)
            .where(WebhookDelivery.status == _PENDING, WebhookDelivery.next_attempt_at <= utcnow())
        )
        or 0
    )


def claim_due(session: Session, limit: int = 500) -> Claim:
    """Claim up to ``limit`` due deliveries of enabled subscriptions, the longest-waiting first.

    No subscription gets more than ``MAX_IN_FLIGHT_PER_SUBSCRIPTION`` deliveries in flight; the
    rest stay due. The per-subscription ranking keeps one subscription's backlog from taking every
    place in the batch. The claimed deliveries are ``delivering`` until the claim's lease runs out.
    On PostgreSQL the rest of the caller's transaction runs without bitmap or sequential scans
    where an index serves (see ``_CLAIM_LOCK``).
    """
    now = utcnow()
    lease = now + LEASE
    connection = session.connection()
    if (
        connection.dialect.name == "postgresql"
        and not connection.execute(_CLAIM_LOCK, {"key": _CLAIM_LOCK_KEY}).scalar()
    ):
        # Another worker is claiming right now; it takes what is due.
        return Claim(delivery_ids=(), lease_expires_at=lease)
    candidates = list(connection.execute(_CLAIM_CANDIDATES, {"now": now, "limit": limit}).scalars())
    if not candidates:
        return Claim(delivery_ids=(), lease_expires_at=lease)
    claimed = connection.execute(_CLAIM, {"ids": candidates, "now": now, "lease": lease}).scalars()
    return Claim(delivery_ids=tuple(sorted(claimed)), lease_expires_at=lease)


def release_claim(session: Session, claim: Claim) -> int:
    """Give back claimed deliveries that will not be sent now (the queue could not take them):
    they are due again at once instead of after their lease."""
    if not claim.delivery_ids:
        return 0
    result = session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.id.in_(claim.delivery_ids),
            WebhookDelivery.status == DeliveryStatus.DELIVERING,
            WebhookDelivery.lease_expires_at == claim.lease_expires_at,
        )
        .values(status=DeliveryStatus.PENDING, lease_expires_at=None, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class OutgoingDelivery:
    """Everything needed to send one delivery, read once when a worker takes it.

    ``sealed_secrets`` are the subscription's live signing secrets, newest first, still sealed
    with the secret box; ``lease_expires_at`` is the taker's lease, the token its outcome carries.
    """

    delivery_id: int
    public_id: str
    event_type: str
    payload: dict[str, Any]
    url: str
    sealed_secrets: tuple[str, ...]
    lease_expires_at: datetime
    # A `hirebridge webhooks listen` subscription (see ``webhook_targets.for_subscription``).
    local_listener: bool = False


def take_claimed(session: Session, claim: Claim) -> list[OutgoingDelivery]:
    """Take over a claim's deliveries for sending, renewing their lease.

    Only deliveries still held by this very claim are taken: a claim that waited so long in the
    queue that its lease ran out (and the deliveries were claimed again) takes nothing, so the
    same delivery is never sent by two workers at once. Deliveries of a subscription disabled
    since the claim are given back, unsent.
    """
    if not claim.delivery_ids:
        return []
    now = utcnow()
    lease = now + LEASE
    held = and_(
        WebhookDelivery.id.in_(claim.delivery_ids),
        WebhookDelivery.status == DeliveryStatus.DELIVERING,
        WebhookDelivery.lease_expires_at == claim.lease_expires_at,
        WebhookDelivery.lease_expires_at > now,
    )
    enabled = select(WebhookSubscription.id).where(WebhookSubscription.enabled.is_(True))
    taken = session.scalars(
        update(WebhookDelivery)
        .where(held, WebhookDelivery.subscription_id.in_(enabled))
        .values(lease_expires_at=lease, updated_at=now)
        .returning(WebhookDelivery.id)
        .execution_options(synchronize_session=False)
    ).all()
    session.execute(
        update(WebhookDelivery)
        .where(held, WebhookDelivery.subscription_id.not_in(enabled))
        .values(status=DeliveryStatus.PENDING, lease_expires_at=None, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if not taken:
        return []
    return _outgoing(session, taken, lease, now)


def claim_outgoing(session: Session, limit: int = 500) -> list[OutgoingDelivery]:
    """``claim_due`` and ``take_claimed`` in one: claim up to ``limit`` due deliveries and read
    what sending them needs, in the caller's transaction.

    For a worker that sends what it claims itself (``jobs_queue.pump``): the claim's lease is the
    sender's, so there is nothing to take over. Send only after the transaction commits.
    """
    claim = claim_due(session, limit)
    if not claim.delivery_ids:
        return []
    return _outgoing(session, claim.delivery_ids, claim.lease_expires_at, utcnow())


def _outgoing(
    session: Session, ids: Sequence[int], lease: datetime, now: datetime
) -> list[OutgoingDelivery]:
    rows = session.execute(
        select(
            WebhookDelivery.id,
            WebhookDelivery.public_id,
            OutboxEvent,
            WebhookSubscription.url,
            WebhookSubscription.secret_encrypted,
            WebhookSubscription.previous_secret_encrypted,
            WebhookSubscription.previous_secret_expires_at,
            WebhookSubscription.local_listener,
        )
        .join(OutboxEvent, OutboxEvent.id == WebhookDelivery.event_id)
        .join(WebhookSubscription, WebhookSubscription.id == WebhookDelivery.subscription_id)
        .where(WebhookDelivery.id.in_(ids))
        .order_by(WebhookDelivery.id)
    ).all()
    return [
        OutgoingDelivery(
            delivery_id=row.id,
            public_id=row.public_id,
            event_type=row.OutboxEvent.type,
            payload=payload(row.OutboxEvent),
            url=row.url,
            sealed_secrets=live_secrets(
                row.secret_encrypted,
                row.previous_secret_encrypted,
                row.previous_secret_expires_at,
                now,
            ),
            lease_expires_at=lease,
            local_listener=row.local_listener,
        )
        for row in rows
    ]


def live_secrets(
    current: str, previous: str | None, previous_expires_at: datetime | None, now: datetime
) -> tuple[str, ...]:
    """The secrets that sign now, newest first: the previous one only until it expires
    (docs/requirements.md#w1)."""
    if previous and previous_expires_at is not None and previous_expires_at > now:
        return (current, previous)
    return (current,)


@dataclass(frozen=True)
class AttemptResult:
    """What one POST of a delivery came to."""

    started_at: datetime
    duration_ms: int
    status_code: int | None
    error: str | None
    succeeded: bool


@dataclass(frozen=True)
class DeliveryOutcome:
    """An attempt of a delivery, with the lease its sender held (``None``: any holder)."""

    delivery_id: int
    attempt: AttemptResult
    lease_expires_at: datetime | None = None


@dataclass(frozen=True)
class SubscriptionDisabled:
    """A subscription that has just been disabled for its failures (docs/requirements.md#w6), and
    whom to tell."""

    subscription_id: int
    employer_id: int
    url: str
    consecutive_failures: int
    admin_emails: tuple[str, ...]


@dataclass(frozen=True)
class RecordedOutcomes:
    recorded: int
    disabled: tuple[SubscriptionDisabled, ...]


def record_outcome(
    session: Session,
    delivery_id: int,
    attempt: AttemptResult,
    *,
    lease_expires_at: datetime | None = None,
) -> RecordedOutcomes:
    """Record one attempt and move its delivery on; see ``record_outcomes``."""
    return record_outcomes(session, [DeliveryOutcome(delivery_id, attempt, lease_expires_at)])


_ATTEMPT_COLUMNS = ("delivery_id", "started_at", "duration_ms", "status_code", "error", "succeeded")
_ATTEMPT_ARRAYS = ("delivery_ids", "started", "durations", "codes", "errors", "succeeded")
# One row per array element, for the reason given at ``_NEW_DELIVERIES_PG``.
_NEW_ATTEMPTS_PG = text(
    "INSERT INTO webhook_delivery_attempts (delivery_id, started_at, duration_ms, status_code,"
    " error, succeeded) SELECT * FROM unnest(CAST(:delivery_ids AS bigint[]),"
    " CAST(:started AS timestamptz[]), CAST(:durations AS integer[]),"
    " CAST(:codes AS integer[]), CAST(:errors AS varchar[]), CAST(:succeeded AS boolean[]))"
)


def record_outcomes(session: Session, outcomes: Sequence[DeliveryOutcome]) -> RecordedOutcomes:
    """Record attempts and move their deliveries along the schedule of docs/requirements.md#w5.

    A success ends the delivery and resets its subscription's run of failures. A failure is
    retried after the next delay of ``RETRY_DELAYS``, and the last one dead-letters the delivery
    (kept, redeliverable). Every failure extends the subscription's run, and the tenth in a row
    disables it (docs/requirements.md#w6); the subscriptions disabled here are returned with their
    admins' addresses.

    An outcome for a delivery that is no longer ``delivering`` under the sender's lease (a late
    duplicate, or one whose lease ran out and was claimed again) is ignored, so recording is
    idempotent.

    Written with a few set-based statements rather than ORM objects: a worker records hundreds of
    outcomes a second (docs/requirements.md#p3).
    """
    if not outcomes:
        return RecordedOutcomes(recorded=0, disabled=())
    now = utcnow()
    deliveries = _DELIVERIES.c
    # Rows are locked in id order (deliveries, then subscriptions) by every recorder, so that
    # two workers recording at once wait for each other instead of deadlocking.
    current = {
        row.id: row
        for row in session.execute(
            select(
                deliveries.id,
                deliveries.subscription_id,
                deliveries.status,
                deliveries.lease_expires_at,
                deliveries.failed_attempts,
            )
            .where(deliveries.id.in_({outcome.delivery_id for outcome in outcomes}))
            .order_by(deliveries.id)
            .with_for_update()
        )
    }
    live: list[tuple[Any, AttemptResult]] = []
    for outcome in outcomes:
        row = current.pop(outcome.delivery_id, None)  # a repeat in the batch: ignored
        if (
            row is None
            or row.status != DeliveryStatus.DELIVERING
            or (
                outcome.lease_expires_at is not None
                and row.lease_expires_at != outcome.lease_expires_at
            )
        ):
            continue
        live.append((row, outcome.attempt))
    if not live:
        return RecordedOutcomes(recorded=0, disabled=())

    runs = {
        row.id: _FailureRun(failures=row.consecutive_failures, enabled=row.enabled)
        for row in session.execute(
            select(
                WebhookSubscription.id,
                WebhookSubscription.consecutive_failures,
                WebhookSubscription.enabled,
            )
            .where(WebhookSubscription.id.in_({row.subscription_id for row, _ in live}))
            .order_by(WebhookSubscription.id)
            .with_for_update()
        )
    }
    succeeded: list[int] = []
    failed: list[dict[str, Any]] = []
    for row, attempt in live:
        run = runs[row.subscription_id]
        if attempt.succeeded:
            succeeded.append(row.id)
            run.record_success()
            continue
        failures = row.failed_attempts + 1
        dead = failures >= MAX_ATTEMPTS
        failed.append(
            {
                "b_id": row.id,
                "b_failures": failures,
                "b_status": DeliveryStatus.DEAD if dead else DeliveryStatus.PENDING,
                "b_next": None if dead else now + RETRY_DELAYS[failures - 1],
            }
        )
        run.record_failure()

    attempts = [
        (
            row.id,
            attempt.started_at,
            attempt.duration_ms,
            attempt.status_code,
            attempt.error[:_ERROR_LENGTH] if attempt.error else None,
            attempt.succeeded,
        )
        for row, attempt in live
    ]
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            _NEW_ATTEMPTS_PG,
            {
                name: list(values)
                for name, values in zip(_ATTEMPT_ARRAYS, zip(*attempts, strict=True), strict=True)
            },
        )
    else:
        session.execute(
            insert(_ATTEMPTS),
            [dict(zip(_ATTEMPT_COLUMNS, values, strict=True)) for values in attempts],
        )
    if succeeded:
        session.execute(
            update(_DELIVERIES)
            .where(deliveries.id.in_(succeeded))
            .values(
                status=DeliveryStatus.SUCCEEDED,
                succeeded_at=now,
                next_attempt_at=None,
                lease_expires_at=None,
                updated_at=now,
            )
        )
    if failed:
        session.execute(
            update(_DELIVERIES)
            .where(deliveries.id == bindparam("b_id"))
            .values(
                status=bindparam("b_status"),
                failed_attempts=bindparam("b_failures"),
                next_attempt_at=bindparam("b_next"),
                lease_expires_at=None,
                updated_at=now,
            ),
            failed,
        )
    disabled: list[int] = []
    for subscription_id, run in sorted(runs.items()):
        if not run.changed:
            continue
        changes: dict[str, Any] = {"consecutive_failures": run.failures}
        if run.disabled_now:
            disabled.append(subscription_id)
            changes.update(
                enabled=False,
                disabled_reason=f"Disabled after {run.failures} consecutive failed deliveries.",
                updated_at=now,
            )
        session.execute(
            update(_SUBSCRIPTIONS).where(_SUBSCRIPTIONS.c.id == subscription_id).values(**changes)
        )
    return RecordedOutcomes(
        recorded=len(live),
        disabled=tuple(_disabled_notice(session, subscription_id) for subscription_id in disabled),
    )


@dataclass
class _FailureRun:
    """A subscription's run of consecutive failures, followed through one batch in order."""

    failures: int
    enabled: bool
    changed: bool = False
    disabled_now: bool = False

    def record_success(self) -> None:
        if self.failures:
            self.failures = 0
            self.changed = True

    def record_failure(self) -> None:
        self.failures += 1
        self.changed = True
        if self.enabled and self.failures >= AUTO_DISABLE_AFTER:
            self.enabled = False
            self.disabled_now = True


def _disabled_notice(session: Session, subscription_id: int) -> SubscriptionDisabled:
    subscription = session.get_one(WebhookSubscription, subscription_id)
    admins = session.scalars(
        select(User.email)
        .where(User.employer_id == subscription.employer_id, User.role == UserRole.EMPLOYER_ADMIN)
        .order_by(User.id)
    ).all()
    return SubscriptionDisabled(
        subscription_id=subscription.id,
        employer_id=subscription.employer_id,
        url=subscription.url,
        consecutive_failures=subscription.consecutive_failures,
        admin_emails=tuple(admins),
    )

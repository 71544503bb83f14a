"""What the portal's pages show and change, through the storage services.

Each function is one unit of work that calls the same services as the partner API and the operator
CLI (so plan caps, approval, tenancy and webhook rules are theirs, not the portal's) and returns
plain frozen rows, so templates never touch a session that has closed. These functions block on
the database: the routes run them in the thread pool.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Generic, TypeVar

from sqlalchemy.orm import Session as DbSession

from storage import api_keys, credits, delivery_lists, delivery_stats, employers, users, webhooks
from storage.clock import utcnow
from storage.db import snapshot, unit_of_work
from storage.deliveries import AttemptResult
from storage.models import (
    ApiKey,
    CreditKind,
    Plan,
    User,
    UserRole,
    WebhookSubscription,
)
from storage.usage import MONTHLY_REQUEST_QUOTA

from .sessions import Session

T = TypeVar("T")

KEYS_PAGE_SIZE = 100
WEBHOOKS_PAGE_SIZE = 50
DELIVERIES_PAGE_SIZE = 20
LEDGER_PAGE_SIZE = 25


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    number: int
    size: int
    total: int

    @property
    def last(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.last


@dataclass(frozen=True)
class Viewer:
    """The signed-in user, and the employer whose portal this is."""

    user_id: int
    email: str
    name: str
    role: UserRole
    employer_id: int
    employer_name: str

    @property
    def is_admin(self) -> bool:
        """docs/requirements.md#k8: only an EmployerAdmin changes keys; the portal extends that to
        webhooks."""
        return self.role is UserRole.EMPLOYER_ADMIN


@dataclass(frozen=True)
class SignedIn:
    viewer: Viewer
    session_generation: int


def _viewer(session: DbSession, user: User) -> Viewer:
    employer = employers.get_employer(session, user.employer_id)
    return Viewer(
        user_id=user.id,
        email=user.email,
        name=user.name,
        role=user.role,
        employer_id=employer.id,
        employer_name=employer.name,
    )


def sign_in(email: str, password: str) -> SignedIn | None:
    """The user these credentials belong to, or ``None`` whichever of the two was wrong."""
    with unit_of_work() as session:
        user = users.authenticate_user(session, email, password)
        if user is None or user.password_hash is None:
            return None
        return signed_in_as(session, user)


def signed_in_as(session: DbSession, user: User) -> SignedIn:
    """What a new session of ``user`` records (sign-in, and the links that sign a person in)."""
    # A user made in this unit of work has no generation until it is written.
    session.flush()
    return SignedIn(viewer=_viewer(session, user), session_generation=user.session_generation)


def viewer_of(portal_session: Session) -> Viewer | None:
    """The user a session stands for, if it still does: the user exists (removing a user ends
    their sessions), can sign in, and has not ended their sessions since (a new password)."""
    if portal_session.user_id is None:
        return None
    with unit_of_work() as session:
        user = users.get_user(session, portal_session.user_id)
        if user is None or user.password_hash is None:
            return None
        if user.session_generation != portal_session.generation:
            return None
        return _viewer(session, user)


# ---------------------------------------------------------------------------------------------
# API keys


@dataclass(frozen=True)
class KeyRow:
    id: int
    name: str
    prefix: str
    scopes: list[str]
    status: str
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None

    @property
    def revocable(self) -> bool:
        return self.status != "revoked"


@dataclass(frozen=True)
class MintedKeyView:
    row: KeyRow
    plaintext: str


def _key_row(key: ApiKey) -> KeyRow:
    return KeyRow(
        id=key.id,
        name=key.name,
        prefix=key.prefix,
        scopes=list(key.scopes),
        status=api_keys.display_status(key),
        created_at=key.created_at,
        last_used_at=key.last_used_at,
        expires_at=key.expires_at,
    )


def key_rows(employer_id: int) -> list[KeyRow]:
    """The employer's keys, newest first."""
    with unit_of_work() as session:
        return [_key_row(key) for key in reversed(api_keys.list_keys(session, employer_id))]


def key_row(employer_id: int, key_id: int) -> KeyRow:
    with unit_of_work() as session:
        return _key_row(api_keys.get_key(session, key_id, employer_id=employer_id))


def mint_key(
    employer_id: int, *, name: str, scopes: Sequence[str], expires_at: datetime | None
) -> MintedKeyView:
    """Mint a key exactly as ``hirebridge keys mint`` does (plan caps and approval:
    docs/requirements.md#k8, #k6)."""
    with unit_of_work() as session:
        employer = employers.get_employer(session, employer_id)
        minted = api_keys.mint_key(
            session, employer, name=name, scopes=scopes, expires_at=expires_at
        )
        return MintedKeyView(row=_key_row(minted.key), plaintext=minted.plaintext)


def revoke_key(employer_id: int, key_id: int) -> KeyRow:
    with unit_of_work() as session:
        return _key_row(api_keys.revoke_key(session, key_id, employer_id=employer_id))


# ---------------------------------------------------------------------------------------------
# Webhooks


@dataclass(frozen=True)
class WebhookRow:
    id: int
    url: str
    description: str | None
    events: list[str]
    enabled: bool
    disabled_reason: str | None
    consecutive_failures: int
    created_at: datetime
    previous_secret_expires_at: datetime | None


@dataclass(frozen=True)
class DeliveryRow:
    public_id: str
    event_type: str
    event_id: str
    status: str
    created_at: datetime
    next_attempt_at: datetime | None
    attempts: list[AttemptResult]
    # The X-Request-Id of the API call that caused the event, if one did.
    request_id: str | None


@dataclass(frozen=True)
class WebhookDetail:
    webhook: WebhookRow
    deliveries: Page[DeliveryRow]


@dataclass(frozen=True)
class SecretShown:
    """A webhook and its signing secret in plaintext: at creation and rotation only."""

    webhook: WebhookRow
    secret: str
    previous_secret_expires_at: datetime | None = None


def _webhook_row(subscription: WebhookSubscription) -> WebhookRow:
    return WebhookRow(
        id=subscription.id,
        url=subscription.url,
        description=subscription.description,
        events=list(subscription.events),
        enabled=subscription.enabled,
        disabled_reason=subscription.disabled_reason,
        consecutive_failures=subscription.consecutive_failures,
        created_at=subscription.created_at,
        previous_secret_expires_at=subscription.previous_secret_expires_at,
    )


def _attempt_row(attempt: delivery_lists.AttemptSummary) -> AttemptResult:
    return AttemptResult(
        started_at=attempt.started_at,
        duration_ms=attempt.duration_ms,
        status_code=attempt.status_code,
        error=attempt.error,
        succeeded=attempt.succeeded,
    )


def _delivery_row(delivery: delivery_lists.DeliverySummary) -> DeliveryRow:
    return DeliveryRow(
        public_id=delivery.public_id,
        event_type=delivery.event_type,
        event_id=delivery.event_public_id,
        status=delivery.status.value,
        created_at=delivery.created_at,
        next_attempt_at=delivery.next_attempt_at,
        attempts=[_attempt_row(attempt) for attempt in delivery.attempts],
        request_id=delivery.event_request_id,
    )


def webhook_rows(employer_id: int, page: int) -> Page[WebhookRow]:
    with unit_of_work() as session:
        result = webhooks.list_subscriptions(
            session, employer_id, page=page, page_size=WEBHOOKS_PAGE_SIZE
        )
        items = [_webhook_row(subscription) for subscription in result.items]
    return Page(items=items, number=page, size=WEBHOOKS_PAGE_SIZE, total=result.total)


def webhook_detail(employer_id: int, webhook_id: int, page: int) -> WebhookDetail:
    """A webhook and one page of its deliveries (newest first), each with its attempts, as they
    stood at one moment (a delivery's status always matches its attempts)."""
    with snapshot() as session:
        subscription = webhooks.get_subscription(session, employer_id, webhook_id)
        result = delivery_lists.list_deliveries(
            session,
            employer_id,
            webhook_id,
            status=None,
            page=page,
            page_size=DELIVERIES_PAGE_SIZE,
        )
        return WebhookDetail(
            webhook=_webhook_row(subscription),
            deliveries=Page(
                items=[_delivery_row(delivery) for delivery in result.items],
                number=page,
                size=DELIVERIES_PAGE_SIZE,
                total=result.total,
            ),
        )


def deliveries_per_day(
    employer_id: int, webhook_ids: Sequence[int], days: int
) -> dict[int, delivery_stats.DailyOutcomes]:
    """Each webhook's deliveries per day (UTC) and outcome, for the last ``days`` days."""
    since = datetime.combine(
        utcnow().date() - timedelta(days=days - 1), datetime.min.time(), tzinfo=UTC
    )
    with unit_of_work() as session:
        return delivery_stats.deliveries_per_day(session, employer_id, webhook_ids, since)


def create_webhook(
    employer_id: int, *, url: str, events: Sequence[str], description: str
) -> SecretShown:
    with unit_of_work() as session:
        created = webhooks.create_subscription(
            session,
            employer_id,
            {"url": url, "events": list(events), "description": description},
        )
        return SecretShown(webhook=_webhook_row(created.subscription), secret=created.secret)


def rotate_webhook_secret(employer_id: int, webhook_id: int) -> SecretShown:
    with unit_of_work() as session:
        rotated = webhooks.rotate_secret(session, employer_id, webhook_id)
        subscription = webhooks.get_subscription(session, employer_id, webhook_id)
        return SecretShown(
            webhook=_webhook_row(subscription),
            secret=rotated.secret,
            previous_secret_expires_at=rotated.previous_secret_expires_at,
        )


def set_webhook_enabled(employer_id: int, webhook_id: int, *, enabled: bool) -> None:
    """Enable (which resets the count of consecutive failures, docs/requirements.md#w6) or disable a
    webhook."""
    with unit_of_work() as session:
        webhooks.update_subscription(session, employer_id, webhook_id, {"enabled": enabled})


def send_test_event(employer_id: int, webhook_id: int) -> str:
    """Queue a ``webhook.test`` delivery; returns its delivery id."""
    with unit_of_work() as session:
        return webhooks.send_test_event(session, employer_id, webhook_id).public_id


def redeliver(employer_id: int, webhook_id: int, delivery_id: str) -> None:
    with unit_of_work() as session:
        webhooks.redeliver(session, employer_id, webhook_id, delivery_id)


# ---------------------------------------------------------------------------------------------
# Credits and usage


@dataclass(frozen=True)
class LedgerRow:
    created_at: datetime
    kind: CreditKind
    delta: int
    reason: str
    reference: str | None


@dataclass(frozen=True)
class Account:
    plan: Plan
    contract_unlimited: bool
    balances: dict[CreditKind, int]
    monthly_quota: int | None
    max_keys: int | None
    ledger: Page[LedgerRow]


def account(employer_id: int, page: int) -> Account:
    """The employer's plan, credit balances and one page of the ledger (newest first)."""
    with unit_of_work() as session:
        employer = employers.get_employer(session, employer_id)
        result = credits.ledger_page(session, employer_id, page=page, page_size=LEDGER_PAGE_SIZE)
        return Account(
            plan=employer.plan,
            contract_unlimited=employer.contract_unlimited,
            balances=credits.balances(session, employer_id),
            monthly_quota=MONTHLY_REQUEST_QUOTA[employer.plan],
            max_keys=api_keys.MAX_KEYS_BY_PLAN[employer.plan],
            ledger=Page(
                items=[
                    LedgerRow(
                        created_at=entry.created_at,
                        kind=entry.kind,
                        delta=entry.delta,
                        reason=entry.reason,
                        reference=entry.reference,
                    )
                    for entry in result.items
                ],
                number=page,
                size=LEDGER_PAGE_SIZE,
                total=result.total,
            ),
        )

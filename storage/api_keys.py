"""API keys: minting, authentication, revocation, and the coalesced last-used stamp.

A key is ``pk_live_`` followed by 40 random base62 characters (about 238 bits). Only its SHA-256 is
stored; a lookup is an index probe on that digest, so no comparison ever runs over secret bytes an
attacker can steer one character at a time.
"""

from __future__ import annotations

import hashlib
import secrets
import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from storage.cache_invalidation import CACHE_NEUTRAL
from storage.clock import utcnow
from storage.errors import InvalidRequest, InvalidState, NotFound, quoted
from storage.models import (
    ApiKey,
    ApiKeyStatus,
    CreditBalance,
    Employer,
    Plan,
    User,
    UserRole,
)

KEY_PREFIX = "pk_live_"
_SECRET_LENGTH = 40
_BASE62 = string.ascii_letters + string.digits
_VISIBLE_PREFIX_LENGTH = len(KEY_PREFIX) + 4

# The scope vocabulary (docs/requirements.md#k4). The OpenAPI documents name, per operation, which
# of these it needs; a unit test checks that the documents use no scope outside this list.
SCOPES: tuple[str, ...] = (
    "jobs:read",
    "jobs:write",
    "candidates:read",
    "candidates:write",
    "candidates:search",
    "pipeline:read",
    "pipeline:write",
    "applications:read",
    "webhooks:manage",
)
BUNDLES: dict[str, tuple[str, ...]] = {
    "JobPosting": (
        "jobs:read",
        "jobs:write",
        "applications:read",
        "pipeline:read",
        "pipeline:write",
    ),
    "CvSearch": ("candidates:search", "candidates:read"),
}

# docs/requirements.md#k8: how many keys an employer may have in use, by plan (None: no cap; 0: no
# API access).
MAX_KEYS_BY_PLAN: dict[Plan, int | None] = {
    Plan.FREE: 0,
    Plan.STARTER: 1,
    Plan.PROFESSIONAL: 5,
    Plan.ENTERPRISE: None,
}

# A key is stamped as used at most once a minute (docs/requirements.md#k7): the stamp is for people,
# not for billing.
LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class Principal:
    """Who is calling: the key and the employer it belongs to, and what it may do.

    The employer's plan and rate multiplier come with the key, from the same query, so the rate
    limiter and the monthly quota need no database round trip of their own (docs/requirements.md#r1,
    #c1).
    """

    key_id: int
    employer_id: int
    scopes: frozenset[str]
    plan: Plan = Plan.PROFESSIONAL
    rate_multiplier: int = 1
    expires_at: datetime | None = None


@dataclass(frozen=True)
class MintedKey:
    key: ApiKey
    plaintext: str


def expand_scopes(requested: Iterable[str]) -> list[str]:
    """Expand bundles and check every scope; returns the sorted, de-duplicated scope list."""
    expanded: set[str] = set()
    unknown: list[str] = []
    for item in requested:
        name = item.strip()
        if not name:
            continue
        if name in BUNDLES:
            expanded.update(BUNDLES[name])
        elif name in SCOPES:
            expanded.add(name)
        else:
            unknown.append(name)
    if unknown:
        choices = ", ".join([*BUNDLES, *SCOPES])
        raise InvalidRequest(f"Unknown scope {quoted(', '.join(unknown))}; choose from {choices}.")
    if not expanded:
        raise InvalidRequest("A key needs at least one scope.")
    return sorted(expanded)


def hash_secret(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode("utf-8")).hexdigest()


def looks_like_key(candidate: str) -> bool:
    """A cheap format check that spares the database obviously wrong tokens."""
    body = candidate[len(KEY_PREFIX) :]
    return (
        candidate.startswith(KEY_PREFIX)
        and len(body) >= 32
        and len(candidate) <= 128
        and all(ch in _BASE62 for ch in body)
    )


def mint_key(
    session: Session,
    employer: Employer,
    *,
    name: str,
    scopes: Sequence[str],
    expires_at: datetime | None = None,
) -> MintedKey:
    """Create a key for ``employer``; the plaintext is in the result and nowhere else, ever."""
    name = name.strip()
    if not name:
        raise InvalidRequest("A key needs a name.")
    now = utcnow()
    if expires_at is not None and expires_at <= now:
        raise InvalidRequest("The expiry must be in the future.")
    expanded = expand_scopes(scopes)
    _check_plan_allows_another_key(session, employer, now)
    pending = _needs_approval(session, employer, expanded)
    plaintext = KEY_PREFIX + "".join(secrets.choice(_BASE62) for _ in range(_SECRET_LENGTH))
    key = ApiKey(
        employer_id=employer.id,
        name=name,
        prefix=plaintext[:_VISIBLE_PREFIX_LENGTH],
        secret_hash=hash_secret(plaintext),
        scopes=expanded,
        status=ApiKeyStatus.PENDING if pending else ApiKeyStatus.ACTIVE,
        expires_at=expires_at,
        created_at=now,
        approved_at=None if pending else now,
    )
    session.add(key)
    # The id is printed for the operator and used to approve or revoke the key later.
    session.flush()
    return MintedKey(key=key, plaintext=plaintext)


def _check_plan_allows_another_key(session: Session, employer: Employer, now: datetime) -> None:
    """docs/requirements.md#k8: the free plan has no API access; the others cap the keys in use
    (active or awaiting approval, and not expired). The employer's row is locked so that two
    concurrent mints cannot both take the last place."""
    cap = MAX_KEYS_BY_PLAN[employer.plan]
    if cap == 0:
        raise InvalidRequest(
            "The free plan has no API access; an operator can change the plan "
            "(hirebridge employer set-plan)."
        )
    if cap is None:
        return
    session.execute(select(Employer.id).where(Employer.id == employer.id).with_for_update())
    if keys_in_use(session, employer.id, now) >= cap:
        raise InvalidRequest(_cap_reached(session, employer, cap, now))


def _cap_reached(session: Session, employer: Employer, cap: int, now: datetime) -> str:
    """Why no key can be minted: the cap, and which keys fill it (a key awaiting approval counts
    as in use, which is easy to miss when none is active)."""
    plan, keys = employer.plan.value, "key" if cap == 1 else "keys"
    waiting = session.scalars(
        select(ApiKey)
        .where(ApiKey.employer_id == employer.id, ApiKey.status == ApiKeyStatus.PENDING)
        .where(or_(ApiKey.expires_at.is_(None), ApiKey.expires_at > now))
        .order_by(ApiKey.id)
    ).all()
    if not waiting:
        return f"The {plan} plan allows {cap} active {keys}; revoke one before minting another."
    names = ", ".join(f"{key.id} ({key.name})" for key in waiting)
    if len(waiting) == 1:
        detail = f"key {names} is awaiting approval and counts"
    else:
        detail = f"keys {names} are awaiting approval and count"
    return (
        f"The {plan} plan allows {cap} {keys} in use, active or awaiting approval: "
        f"{detail}; revoke one before minting another."
    )


def keys_in_use(session: Session, employer_id: int, now: datetime) -> int:
    """The employer's keys that count against its plan's cap: active or awaiting approval,
    and not expired."""
    count = session.scalar(
        select(func.count())
        .select_from(ApiKey)
        .where(
            ApiKey.employer_id == employer_id,
            ApiKey.status.in_([ApiKeyStatus.ACTIVE, ApiKeyStatus.PENDING]),
            or_(ApiKey.expires_at.is_(None), ApiKey.expires_at > now),
        )
    )
    return int(count or 0)


def _needs_approval(session: Session, employer: Employer, scopes: Sequence[str]) -> bool:
    """docs/requirements.md#k6: CV search keys, and keys of an employer with neither an unlimited
    contract nor any credit, wait for an operator; a trusted partner's keys never do."""
    if employer.trusted_partner:
        return False
    if "candidates:search" in scopes:
        return True
    if employer.contract_unlimited:
        return False
    credit = session.scalar(
        select(func.coalesce(func.sum(CreditBalance.balance), 0)).where(
            CreditBalance.employer_id == employer.id
        )
    )
    return not credit


@dataclass(frozen=True)
class Approval:
    """An approved key, and whom to tell (the employer's admins), if it was pending until now."""

    key: ApiKey
    newly_approved: bool
    admin_emails: tuple[str, ...]


def approve_key(session: Session, key_id: int) -> Approval:
    """An operator lets a pending key in (docs/requirements.md#k6). Approving an active key again
    changes nothing."""
    key = session.scalars(select(ApiKey).where(ApiKey.id == key_id).with_for_update()).first()
    if key is None:
        raise NotFound(f"No API key with id {key_id}.")
    if key.status is ApiKeyStatus.REVOKED:
        raise InvalidState("A revoked key cannot be approved; mint a new one.")
    if key.status is ApiKeyStatus.ACTIVE:
        return Approval(key=key, newly_approved=False, admin_emails=())
    key.status = ApiKeyStatus.ACTIVE
    key.approved_at = utcnow()
    admins = session.scalars(
        select(User.email)
        .where(User.employer_id == key.employer_id, User.role == UserRole.EMPLOYER_ADMIN)
        .order_by(User.id)
    )
    return Approval(key=key, newly_approved=True, admin_emails=tuple(admins))


def authenticate(session: Session, plaintext: str) -> Principal | None:
    """The principal a key stands for, or ``None`` if the key cannot be used right now.

    ``None`` covers every refusal alike (unknown, pending, revoked, expired) so that callers answer
    them all the same way.
    """
    if not looks_like_key(plaintext):
        return None
    row = session.execute(
        select(
            ApiKey.id,
            ApiKey.employer_id,
            ApiKey.scopes,
            ApiKey.status,
            ApiKey.expires_at,
            Employer.plan,
            Employer.rate_multiplier,
        )
        .join(Employer, Employer.id == ApiKey.employer_id)
        .where(ApiKey.secret_hash == hash_secret(plaintext))
    ).first()
    if row is None or row.status is not ApiKeyStatus.ACTIVE:
        return None
    if row.expires_at is not None and row.expires_at <= utcnow():
        return None
    return Principal(
        key_id=row.id,
        employer_id=row.employer_id,
        scopes=frozenset(row.scopes),
        plan=row.plan,
        rate_multiplier=row.rate_multiplier,
        expires_at=row.expires_at,
    )


def record_key_use(session: Session, key_id: int, when: datetime | None = None) -> bool:
    """Stamp ``last_used_at`` unless it was stamped within the last minute; True if it wrote."""
    when = when or utcnow()
    result = session.execute(
        update(ApiKey)
        .where(
            ApiKey.id == key_id,
            or_(ApiKey.last_used_at.is_(None), ApiKey.last_used_at < when - LAST_USED_RESOLUTION),
        )
        .values(last_used_at=when)
        .execution_options(**{CACHE_NEUTRAL: True})
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def get_key(session: Session, key_id: int, *, employer_id: int | None = None) -> ApiKey:
    """The key; with ``employer_id`` (the portal), another employer's key is reported as
    missing, exactly like one that does not exist (docs/requirements.md#k5)."""
    key = session.get(ApiKey, key_id)
    if key is None or (employer_id is not None and key.employer_id != employer_id):
        raise NotFound(f"No API key with id {key_id}.")
    return key


def key_with_employer(session: Session, key_id: int) -> tuple[ApiKey, Employer]:
    """The key and its employer (the key that authenticated a call, which always exists)."""
    key = get_key(session, key_id)
    return key, session.get_one(Employer, key.employer_id)


def revoke_key(session: Session, key_id: int, *, employer_id: int | None = None) -> ApiKey:
    """Revoke a key; it is refused from the next request on. Revoking twice is harmless."""
    key = get_key(session, key_id, employer_id=employer_id)
    if key.status is not ApiKeyStatus.REVOKED:
        key.status = ApiKeyStatus.REVOKED
        key.revoked_at = utcnow()
    return key


def list_keys(session: Session, employer_id: int) -> list[ApiKey]:
    return list(
        session.scalars(select(ApiKey).where(ApiKey.employer_id == employer_id).order_by(ApiKey.id))
    )


def display_status(key: ApiKey, now: datetime | None = None) -> str:
    """The status people see: ``expired`` is derived from ``expires_at``, not stored."""
    now = now or utcnow()
    if key.status is ApiKeyStatus.ACTIVE and key.expires_at is not None and key.expires_at <= now:
        return "expired"
    return key.status.value

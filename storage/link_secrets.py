"""The secrets behind the portal's e-mailed links (sign-up, invitation, password reset).

A link names a row and carries a random secret; the row keeps only the secret's SHA-256, an
expiry, and the moment it was used, so a link works once, until it expires, and a database
dump opens nothing. (The portal also signs what it puts in the link, so a forged one is turned
away before any query.)
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, TypeVar

from sqlalchemy.orm import Session

from storage.clock import utcnow
from storage.errors import InvalidRequest


@dataclass(frozen=True)
class LinkSecret:
    """What goes into a link: the row's id and the secret in plaintext (never stored)."""

    row_id: int
    secret: str


class LinkRefused(InvalidRequest):
    """A link that does not (or no longer) open anything; the message says which."""


INVALID = "This link is not valid. Copy the whole link from the e-mail, or ask for a new one."
EXPIRED = "This link has expired. Ask for a new one."
USED = "This link has already been used."


def new_secret() -> tuple[str, str]:
    """A fresh secret and the digest to store for it."""
    secret = secrets.token_urlsafe(32)
    return secret, digest(secret)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def check(
    link: LinkSecret,
    *,
    stored_digest: str | None,
    expires_at: datetime | None,
    used_at: datetime | None,
    now: datetime,
) -> None:
    """Raise ``LinkRefused`` unless the link's secret is the row's, unused and unexpired.

    ``stored_digest`` is ``None`` when the row does not exist.
    """
    if stored_digest is None or not hmac.compare_digest(digest(link.secret), stored_digest):
        raise LinkRefused(INVALID)
    if used_at is not None:
        raise LinkRefused(USED)
    if expires_at is None or expires_at <= now:
        raise LinkRefused(EXPIRED)


class LinkRow(Protocol):
    """A row behind a link: a sign-up, an invitation, a password reset."""

    @property
    def token_hash(self) -> str: ...

    @property
    def expires_at(self) -> datetime: ...


Row = TypeVar("Row", bound=LinkRow)


def opened(
    session: Session,
    model: type[Row],
    link: LinkSecret,
    *,
    used_at: Callable[[Row], datetime | None],
) -> Row:
    """The row of ``model`` the link opens: ``LinkRefused`` if there is none, the secret is not
    its own, or it is used (``used_at``) or expired."""
    row = session.get(model, link.row_id)
    check(
        link,
        stored_digest=row.token_hash if row is not None else None,
        expires_at=row.expires_at if row is not None else None,
        used_at=used_at(row) if row is not None else None,
        now=utcnow(),
    )
    assert row is not None  # check() refuses a missing row
    return row

"""Password resets by e-mail: a single-use link, valid for an hour.

A new password ends every other session of the user (``users.set_password``) and every other
reset link of theirs still open.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session

from storage import link_secrets, users
from storage.clock import utcnow
from storage.link_secrets import LinkRefused, LinkSecret
from storage.models import PasswordReset, User

RESET_VALID_FOR = timedelta(hours=1)


@dataclass(frozen=True)
class ResetRequested:
    email: str
    name: str
    link: LinkSecret


def request_password_reset(session: Session, email: str) -> ResetRequested | None:
    """A reset link for the user with this address, or ``None`` if there is no such user or
    the user has no password (an operator made them to receive e-mails only)."""
    user = users.find_user(session, email)
    if user is None or user.password_hash is None:
        return None
    secret, token_hash = link_secrets.new_secret()
    now = utcnow()
    reset = PasswordReset(
        user_id=user.id, token_hash=token_hash, created_at=now, expires_at=now + RESET_VALID_FOR
    )
    session.add(reset)
    # The link names the row.
    session.flush()
    return ResetRequested(email=user.email, name=user.name, link=LinkSecret(reset.id, secret))


def open_reset(session: Session, link: LinkSecret) -> PasswordReset:
    """The reset a link opens (``LinkRefused`` if it opens none)."""
    return link_secrets.opened(session, PasswordReset, link, used_at=lambda reset: reset.used_at)


def reset_password(session: Session, link: LinkSecret, password: str) -> User:
    """Set the new password and use up the link and every other open reset of the user."""
    reset = open_reset(session, link)
    user = users.get_user(session, reset.user_id)
    if user is None:
        raise LinkRefused(link_secrets.INVALID)
    now = utcnow()
    claimed = session.execute(
        update(PasswordReset)
        .where(PasswordReset.id == reset.id, PasswordReset.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise LinkRefused(link_secrets.USED)  # a concurrent use of the same link won
    session.execute(
        update(PasswordReset)
        .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    users.set_password(session, user, password)
    return user

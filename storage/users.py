"""Users of an employer: the people who sign in to the portal and receive its e-mails."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.employers import get_employer
from storage.errors import Conflict, InvalidRequest
from storage.models import User, UserRole
from storage.text import strip

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 12
# Verified when no user has the e-mail address, so that an unknown address takes as long to
# refuse as a wrong password (the time would otherwise tell which addresses exist).
_UNKNOWN_USER_HASH = _hasher.hash("no user has this password")


def create_user(
    session: Session,
    employer_id: int,
    *,
    email: str,
    name: str,
    role: UserRole,
    password: str | None = None,
) -> User:
    """Add a user to an employer; the password (if any) is kept only as an argon2 hash."""
    get_employer(session, employer_id)
    email, name = strip(email), strip(name)
    local, at, domain = email.rpartition("@")
    if not (at and local and domain):
        raise InvalidRequest(
            f"{email[:100]} is not a valid e-mail address; write it as name@example.com."
        )
    if not name:
        raise InvalidRequest("A user needs a name.")
    if password is not None and len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidRequest(f"A password needs at least {MIN_PASSWORD_LENGTH} characters.")
    if session.scalar(select(User.id).where(User.email == email.lower())) is not None:
        raise Conflict(f"A user with the e-mail address {email} already exists.")
    user = User(
        employer_id=employer_id,
        email=email.lower(),
        name=name,
        role=role,
        password_hash=_hasher.hash(password) if password is not None else None,
    )
    session.add(user)
    # The CLI prints the new id.
    session.flush()
    return user


def get_user(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def authenticate_user(session: Session, email: str, password: str) -> User | None:
    """The user with this e-mail address and password, or ``None`` (whichever part was wrong).

    A hash made with older argon2 parameters is replaced by one with the current parameters.
    """
    user = session.scalar(select(User).where(User.email == strip(email).lower()))
    stored = user.password_hash if user is not None else None
    try:
        _hasher.verify(stored or _UNKNOWN_USER_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or stored is None:
        return None
    if _hasher.check_needs_rehash(stored):
        user.password_hash = _hasher.hash(password)
    return user


def set_password(session: Session, user: User, password: str) -> None:
    """Give ``user`` a new portal password (kept only as an argon2 hash)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidRequest(f"A password needs at least {MIN_PASSWORD_LENGTH} characters.")
    user.password_hash = _hasher.hash(password)

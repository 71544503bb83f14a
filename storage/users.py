"""Users of an employer: the people who sign in to the portal and receive its e-mails.

E-mail addresses go through ``storage.text.normalize_email`` before every lookup and every
write, so one address is one user however it was typed.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.clock import utcnow
from storage.employers import get_employer
from storage.errors import Conflict, InvalidRequest, quoted
from storage.models import User, UserRole
from storage.text import normalize_email, strip

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024
MAX_EMAIL_LENGTH = 254
MAX_NAME_LENGTH = 200
# Verified when no user has the e-mail address, so that an unknown address takes as long to
# refuse as a wrong password (the time would otherwise tell which addresses exist).
_UNKNOWN_USER_HASH = _hasher.hash("no user has this password")


def checked_email(email: str) -> str:
    """The normalised address, or ``InvalidRequest`` if it cannot be one."""
    normalized = normalize_email(email)
    local, at, domain = normalized.rpartition("@")
    if not (at and local and domain) or len(normalized) > MAX_EMAIL_LENGTH:
        raise InvalidRequest(
            f"{quoted(email)} is not a valid e-mail address; write it as name@example.com."
        )
    return normalized


def checked_name(name: str, what: str = "A name") -> str:
    name = strip(name)
    if not name or len(name) > MAX_NAME_LENGTH:
        raise InvalidRequest(f"{what} needs 1 to {MAX_NAME_LENGTH} characters.")
    return name


def hash_password(password: str) -> str:
    """The argon2 hash of a password that meets the rules (``InvalidRequest`` otherwise)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidRequest(f"A password needs at least {MIN_PASSWORD_LENGTH} characters.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidRequest(f"A password has at most {MAX_PASSWORD_LENGTH} characters.")
    return _hasher.hash(password)


def find_user(session: Session, email: str) -> User | None:
    """The user with this address (typed any way ``normalize_email`` treats as the same)."""
    return session.scalar(select(User).where(User.email == normalize_email(email)))


def create_user(
    session: Session,
    employer_id: int,
    *,
    email: str,
    name: str,
    role: UserRole,
    password: str | None = None,
    password_hash: str | None = None,
) -> User:
    """Add a user to an employer; the password (if any) is kept only as an argon2 hash.

    ``password_hash`` is a hash made earlier by ``hash_password`` (a verified sign-up).
    """
    get_employer(session, employer_id)
    email = checked_email(email)
    if password is not None:
        password_hash = hash_password(password)
    if find_user(session, email) is not None:
        raise Conflict(f"A user with the e-mail address {quoted(email)} already exists.")
    user = User(
        employer_id=employer_id,
        email=email,
        name=checked_name(name, "A user's name"),
        role=role,
        password_hash=password_hash,
    )
    session.add(user)
    # The CLI prints the new id, and the portal signs the new user in.
    session.flush()
    return user


def get_user(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def authenticate_user(session: Session, email: str, password: str) -> User | None:
    """The user with this e-mail address and password, or ``None`` (whichever part was wrong).

    A successful sign-in is stamped on the user; a hash made with older argon2 parameters is
    replaced by one with the current parameters.
    """
    user = find_user(session, email)
    stored = user.password_hash if user is not None else None
    try:
        _hasher.verify(stored or _UNKNOWN_USER_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or stored is None:
        return None
    if _hasher.check_needs_rehash(stored):
        user.password_hash = _hasher.hash(password)
    user.last_signed_in_at = utcnow()
    return user


def set_password(session: Session, user: User, password: str) -> None:
    """Give ``user`` a new password and end every portal session opened before (on any host)."""
    user.password_hash = hash_password(password)
    end_sessions(user)


def end_sessions(user: User) -> None:
    """End every portal session of ``user``: each names the generation it was opened in."""
    user.session_generation += 1

"""Self-serve sign-up: an employer and its first admin, made only once the address is verified.

``request_sign_up`` answers the same way whether or not the address already has an account (the
portal shows one page for both), and does the same work in both cases, password hashing
included, so neither the answer nor its time tells which addresses are registered. The caller
e-mails the verification link, or, for a registered address, a note to its owner.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session

from storage import employers, link_secrets, users
from storage.clock import utcnow
from storage.link_secrets import LinkRefused, LinkSecret
from storage.models import Plan, SignUpRequest, User, UserRole

VERIFICATION_VALID_FOR = timedelta(hours=24)
ALREADY_REGISTERED = (
    "This e-mail address already has an account. Sign in, or reset the password if it is lost."
)


@dataclass(frozen=True)
class SignUpRequested:
    """What to e-mail: the link for a new address, ``None`` for an address already registered."""

    email: str
    company_name: str
    admin_name: str
    verification: LinkSecret | None


def request_sign_up(
    session: Session, *, company_name: str, admin_name: str, email: str, password: str
) -> SignUpRequested:
    """Record a sign-up waiting for verification (raises ``InvalidRequest`` for bad input)."""
    company_name = users.checked_name(company_name, "The company name")
    admin_name = users.checked_name(admin_name, "Your name")
    email = users.checked_email(email)
    password_hash = users.hash_password(password)
    if users.find_user(session, email) is not None:
        return SignUpRequested(email, company_name, admin_name, verification=None)
    secret, token_hash = link_secrets.new_secret()
    now = utcnow()
    request = SignUpRequest(
        email=email,
        company_name=company_name,
        admin_name=admin_name,
        password_hash=password_hash,
        token_hash=token_hash,
        created_at=now,
        expires_at=now + VERIFICATION_VALID_FOR,
    )
    session.add(request)
    # The link names the row.
    session.flush()
    return SignUpRequested(email, company_name, admin_name, LinkSecret(request.id, secret))


def pending_sign_up(session: Session, link: LinkSecret) -> SignUpRequest:
    """The sign-up a verification link opens (``LinkRefused`` if it opens none)."""
    return link_secrets.opened(
        session, SignUpRequest, link, used_at=lambda request: request.completed_at
    )


def complete_sign_up(session: Session, link: LinkSecret) -> User:
    """Verify the address: make the employer (free plan) and its admin, and use up the link.

    Two clicks racing on one link make one account: the link is claimed by a conditional
    update, which the loser finds already done.
    """
    request = pending_sign_up(session, link)
    if users.find_user(session, request.email) is not None:
        # Registered since the link was sent (another sign-up, an invitation).
        raise LinkRefused(ALREADY_REGISTERED)
    claimed = session.execute(
        update(SignUpRequest)
        .where(SignUpRequest.id == request.id, SignUpRequest.completed_at.is_(None))
        .values(completed_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise LinkRefused(link_secrets.USED)
    employer = employers.create_employer(session, name=request.company_name, plan=Plan.FREE)
    return users.create_user(
        session,
        employer.id,
        email=request.email,
        name=request.admin_name,
        role=UserRole.EMPLOYER_ADMIN,
        password_hash=request.password_hash,
    )

"""An employer's team: its users and roles, and invitations to join it.

The last ``EmployerAdmin`` of an employer can be neither removed nor made a recruiter: someone
must be left who can change keys, webhooks and the team. The employer's row is locked while the
admins are counted, so two admins demoting each other at once cannot both succeed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from storage import link_secrets, users
from storage.clock import utcnow
from storage.errors import Conflict, InvalidRequest, NotFound
from storage.link_secrets import LinkRefused, LinkSecret
from storage.models import Employer, Invitation, PasswordReset, User, UserRole

INVITATION_VALID_FOR = timedelta(days=7)
LAST_ADMIN = "An account needs at least one employer admin: make someone else an admin first."
TAKEN = "This address already belongs to a Hirebridge user, who cannot join a second account."


def members(session: Session, employer_id: int) -> list[User]:
    """The employer's users, admins first, then by name."""
    return list(
        session.scalars(
            select(User)
            .where(User.employer_id == employer_id)
            .order_by(User.role, func.lower(User.name), User.id)
        )
    )


def open_invitations(session: Session, employer_id: int) -> list[Invitation]:
    """Invitations not accepted yet (expired ones too: they can be sent again), newest first."""
    return list(
        session.scalars(
            select(Invitation)
            .where(Invitation.employer_id == employer_id, Invitation.accepted_at.is_(None))
            .order_by(Invitation.created_at.desc(), Invitation.id.desc())
        )
    )


@dataclass(frozen=True)
class InvitationSent:
    invitation: Invitation
    link: LinkSecret


def invite(
    session: Session, employer_id: int, *, email: str, role: UserRole, invited_by: int | None
) -> InvitationSent:
    """Invite ``email`` with ``role``; inviting an address again replaces the earlier link."""
    email = users.checked_email(email)
    if users.find_user(session, email) is not None:
        raise Conflict(TAKEN)
    invitation = session.scalar(
        select(Invitation).where(Invitation.employer_id == employer_id, Invitation.email == email)
    )
    if invitation is None:
        invitation = Invitation(employer_id=employer_id, email=email)
        session.add(invitation)
    invitation.role = role
    invitation.invited_by_user_id = invited_by
    return _renew(session, invitation)


def resend_invitation(
    session: Session, employer_id: int, invitation_id: int, *, invited_by: int | None
) -> InvitationSent:
    """A new link (and seven more days) for an open invitation; the previous link stops working."""
    invitation = _open_invitation(session, employer_id, invitation_id)
    invitation.invited_by_user_id = invited_by
    return _renew(session, invitation)


def cancel_invitation(session: Session, employer_id: int, invitation_id: int) -> None:
    session.delete(_open_invitation(session, employer_id, invitation_id))


def _open_invitation(session: Session, employer_id: int, invitation_id: int) -> Invitation:
    invitation = session.get(Invitation, invitation_id)
    if (
        invitation is None
        or invitation.employer_id != employer_id
        or invitation.accepted_at is not None
    ):
        raise NotFound("No such invitation.")
    return invitation


def _renew(session: Session, invitation: Invitation) -> InvitationSent:
    secret, token_hash = link_secrets.new_secret()
    now = utcnow()
    invitation.token_hash = token_hash
    invitation.created_at = now
    invitation.expires_at = now + INVITATION_VALID_FOR
    invitation.accepted_at = None
    # The link names the row.
    session.flush()
    return InvitationSent(invitation, LinkSecret(invitation.id, secret))


def invitation_for(session: Session, link: LinkSecret) -> Invitation:
    """The invitation a link opens (``LinkRefused`` if it opens none)."""
    return link_secrets.opened(
        session, Invitation, link, used_at=lambda invitation: invitation.accepted_at
    )


def accept_invitation(session: Session, link: LinkSecret, *, name: str, password: str) -> User:
    """Join the team: a user with the invited address and role, and the password chosen."""
    invitation = invitation_for(session, link)
    password_hash = users.hash_password(password)
    if users.find_user(session, invitation.email) is not None:
        raise LinkRefused(TAKEN)
    claimed = session.execute(
        update(Invitation)
        .where(
            Invitation.id == invitation.id,
            Invitation.token_hash == invitation.token_hash,
            Invitation.accepted_at.is_(None),
        )
        .values(accepted_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise LinkRefused(link_secrets.USED)
    user = users.create_user(
        session,
        invitation.employer_id,
        email=invitation.email,
        name=name,
        role=invitation.role,
        password_hash=password_hash,
    )
    user.last_signed_in_at = utcnow()
    return user


def change_role(session: Session, employer_id: int, user_id: int, role: UserRole) -> User:
    user = member(session, employer_id, user_id)
    if user.role is UserRole.EMPLOYER_ADMIN and role is not UserRole.EMPLOYER_ADMIN:
        _keep_an_admin(session, employer_id)
    user.role = role
    return user


def remove_user(session: Session, employer_id: int, user_id: int) -> User:
    """Remove a user: their sessions end with the row (a session names a user that must exist).

    Returns the removed user (detached), for the page to name.
    """
    user = member(session, employer_id, user_id)
    if user.role is UserRole.EMPLOYER_ADMIN:
        _keep_an_admin(session, employer_id)
    session.execute(delete(PasswordReset).where(PasswordReset.user_id == user.id))
    session.execute(
        update(Invitation)
        .where(Invitation.invited_by_user_id == user.id)
        .values(invited_by_user_id=None)
        .execution_options(synchronize_session=False)
    )
    session.delete(user)
    return user


def member(session: Session, employer_id: int, user_id: int) -> User:
    """One of the employer's users (another employer's is ``NotFound``, like a missing one)."""
    user = session.get(User, user_id)
    if user is None or user.employer_id != employer_id:
        raise NotFound("No such user.")
    return user


def _keep_an_admin(session: Session, employer_id: int) -> None:
    """Refuse to take away an admin unless another one remains."""
    session.execute(select(Employer.id).where(Employer.id == employer_id).with_for_update())
    admins = session.scalar(
        select(func.count())
        .select_from(User)
        .where(User.employer_id == employer_id, User.role == UserRole.EMPLOYER_ADMIN)
    )
    if (admins or 0) <= 1:
        raise InvalidRequest(LAST_ADMIN)

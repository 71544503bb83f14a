"""What the portal's account pages show and change: sign-up, password reset, team, invitations.

Like ``pages``, each function is one unit of work over the storage services and returns plain
frozen rows; they block on the database, so the views run them in the thread pool. What to
e-mail comes back to the view, which queues the mail once the unit of work has committed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from storage import employers, password_resets, sign_ups, team
from storage.clock import utcnow
from storage.db import unit_of_work
from storage.link_secrets import LinkSecret
from storage.models import Invitation, User, UserRole

from .pages import SignedIn, signed_in_as

# ---------------------------------------------------------------------------------------------
# Sign-up


@dataclass(frozen=True)
class SignUpShown:
    email: str
    company_name: str


def request_sign_up(
    *, company_name: str, admin_name: str, email: str, password: str
) -> sign_ups.SignUpRequested:
    with unit_of_work() as session:
        return sign_ups.request_sign_up(
            session,
            company_name=company_name,
            admin_name=admin_name,
            email=email,
            password=password,
        )


def sign_up_to_verify(link: LinkSecret) -> SignUpShown:
    with unit_of_work() as session:
        request = sign_ups.pending_sign_up(session, link)
        return SignUpShown(email=request.email, company_name=request.company_name)


def complete_sign_up(link: LinkSecret) -> str:
    """Make the account; returns the new admin's e-mail address (to fill in the sign-in form)."""
    with unit_of_work() as session:
        return sign_ups.complete_sign_up(session, link).email


# ---------------------------------------------------------------------------------------------
# Password reset


def request_password_reset(email: str) -> password_resets.ResetRequested | None:
    with unit_of_work() as session:
        return password_resets.request_password_reset(session, email)


def reset_to_open(link: LinkSecret) -> str:
    """The e-mail address whose password the link resets."""
    with unit_of_work() as session:
        reset = password_resets.open_reset(session, link)
        user = session.get(User, reset.user_id)
        return user.email if user is not None else ""


def reset_password(link: LinkSecret, password: str) -> SignedIn:
    with unit_of_work() as session:
        return signed_in_as(session, password_resets.reset_password(session, link, password))


# ---------------------------------------------------------------------------------------------
# Team


@dataclass(frozen=True)
class MemberRow:
    id: int
    name: str
    email: str
    role: UserRole
    last_signed_in_at: datetime | None
    can_sign_in: bool


@dataclass(frozen=True)
class InvitationRow:
    id: int
    email: str
    role: UserRole
    invited_by: str | None
    sent_at: datetime
    expires_at: datetime

    @property
    def expired(self) -> bool:
        return self.expires_at <= utcnow()


@dataclass(frozen=True)
class Team:
    members: list[MemberRow]
    invitations: list[InvitationRow]


@dataclass(frozen=True)
class InvitationMail:
    """What the invitation e-mail says, and the link it carries."""

    email: str
    role: UserRole
    company_name: str
    invited_by: str
    link: LinkSecret


def _member_row(user: User) -> MemberRow:
    return MemberRow(
        id=user.id,
        name=user.name,
        email=user.email,
        role=user.role,
        last_signed_in_at=user.last_signed_in_at,
        can_sign_in=user.password_hash is not None,
    )


def team_of(employer_id: int) -> Team:
    with unit_of_work() as session:
        members = team.members(session, employer_id)
        names = {member.id: member.name for member in members}
        return Team(
            members=[_member_row(member) for member in members],
            invitations=[
                InvitationRow(
                    id=invitation.id,
                    email=invitation.email,
                    role=invitation.role,
                    invited_by=names.get(invitation.invited_by_user_id or 0),
                    sent_at=invitation.created_at,
                    expires_at=invitation.expires_at,
                )
                for invitation in team.open_invitations(session, employer_id)
            ],
        )


def _invitation_mail(
    invitation: Invitation, link: LinkSecret, company_name: str, invited_by: str
) -> InvitationMail:
    return InvitationMail(
        email=invitation.email,
        role=invitation.role,
        company_name=company_name,
        invited_by=invited_by,
        link=link,
    )


def invite(employer_id: int, inviter_id: int, *, email: str, role: UserRole) -> InvitationMail:
    with unit_of_work() as session:
        sent = team.invite(session, employer_id, email=email, role=role, invited_by=inviter_id)
        return _invitation_mail(
            sent.invitation,
            sent.link,
            employers.get_employer(session, employer_id).name,
            _name_of(session, inviter_id),
        )


def resend_invitation(employer_id: int, inviter_id: int, invitation_id: int) -> InvitationMail:
    with unit_of_work() as session:
        sent = team.resend_invitation(session, employer_id, invitation_id, invited_by=inviter_id)
        return _invitation_mail(
            sent.invitation,
            sent.link,
            employers.get_employer(session, employer_id).name,
            _name_of(session, inviter_id),
        )


def _name_of(session: Session, user_id: int) -> str:
    user = session.get(User, user_id)
    return user.name if user is not None else "An admin"


def cancel_invitation(employer_id: int, invitation_id: int) -> None:
    with unit_of_work() as session:
        team.cancel_invitation(session, employer_id, invitation_id)


@dataclass(frozen=True)
class InvitationShown:
    email: str
    role: UserRole
    company_name: str


def invitation_to_accept(link: LinkSecret) -> InvitationShown:
    with unit_of_work() as session:
        invitation = team.invitation_for(session, link)
        return InvitationShown(
            email=invitation.email,
            role=invitation.role,
            company_name=employers.get_employer(session, invitation.employer_id).name,
        )


def accept_invitation(link: LinkSecret, *, name: str, password: str) -> SignedIn:
    with unit_of_work() as session:
        user = team.accept_invitation(session, link, name=name, password=password)
        return signed_in_as(session, user)


def member(employer_id: int, user_id: int) -> MemberRow:
    with unit_of_work() as session:
        return _member_row(team.member(session, employer_id, user_id))


def change_role(employer_id: int, user_id: int, role: UserRole) -> None:
    with unit_of_work() as session:
        team.change_role(session, employer_id, user_id, role)


def remove_user(employer_id: int, user_id: int) -> None:
    with unit_of_work() as session:
        team.remove_user(session, employer_id, user_id)

"""The Team page: who can sign in to the account, with what role; invitations.

Everyone sees the page; only an ``EmployerAdmin`` invites, changes roles and removes (the
``admin`` wrapper refuses a recruiter's POST with a 403). Removing a user ends their sessions at
once (a session names a user that must still exist), their own included.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from hirebridge.errors import status_of
from storage.errors import DomainError
from storage.models import UserRole

from . import accounts
from .context import GET, POST, Context, PortalError
from .links import Purpose
from .mails import PortalMail
from .onboarding import ROLE_LABELS

if TYPE_CHECKING:
    from .routes import Portal

PREFIX = "/portal/team"
ROLES = {role.value: role for role in UserRole}


def _role(form: FormData) -> UserRole:
    role = ROLES.get(str(form.get("role", "")))
    if role is None:
        raise PortalError(400, "Choose a role: EmployerAdmin or Recruiter.")
    return role


def _id(context: Context, name: str) -> int:
    return int(context.request.path_params[name])


class TeamPages:
    def __init__(self, portal: Portal, mail: PortalMail) -> None:
        self.portal = portal
        self.mail = mail
        self.links = mail.links

    def routes(self) -> list[BaseRoute]:
        page, action = self.portal._page, self.portal._action
        return [
            Route(PREFIX, page(self.team), **GET),
            Route(f"{PREFIX}/invitations", action(self.invite, admin=True), **POST),
            Route(
                f"{PREFIX}/invitations/{{invitation_id:int}}/resend",
                action(self.resend, admin=True),
                **POST,
            ),
            Route(
                f"{PREFIX}/invitations/{{invitation_id:int}}/cancel",
                action(self.cancel, admin=True),
                **POST,
            ),
            Route(
                f"{PREFIX}/users/{{user_id:int}}/role", action(self.change_role, admin=True), **POST
            ),
            Route(f"{PREFIX}/users/{{user_id:int}}/remove", page(self.confirm_remove), **GET),
            Route(
                f"{PREFIX}/users/{{user_id:int}}/remove", action(self.remove, admin=True), **POST
            ),
        ]

    async def team(self, context: Context, status: int = 200, **values: Any) -> Response:
        team = await run_in_threadpool(accounts.team_of, context.signed_in.employer_id)
        values.setdefault("form", {"email": "", "role": UserRole.RECRUITER.value})
        values.setdefault("error", None)
        return self.portal._render(
            context, "team.html", status, team=team, roles=list(UserRole), **values
        )

    async def _refused(self, context: Context, error: DomainError | PortalError) -> Response:
        status = error.status if isinstance(error, PortalError) else status_of(error)
        return await self.team(context, status, error=error.message)

    async def _send_invitation(self, invitation: accounts.InvitationMail) -> None:
        await self.mail.send(
            "invitation",
            invitation.email,
            f"{invitation.invited_by} invited you to {invitation.company_name} on Hirebridge",
            invited_by=invitation.invited_by,
            company_name=invitation.company_name,
            role_label=ROLE_LABELS[invitation.role],
            url=self.links.for_link(Purpose.ACCEPT_INVITATION, invitation.link),
        )

    async def _mail_refused(self, email: str) -> PortalError | None:
        wait = await self.mail.wait_before_mailing(email)
        if wait is None:
            return None
        return PortalError(
            429, f"Too many e-mails to {email}; try again in {max(1, wait // 60)} minutes."
        )

    async def invite(self, context: Context, form: FormData) -> Response:
        viewer = context.signed_in
        email = str(form.get("email", ""))[:300]
        shown = {"email": email, "role": str(form.get("role", ""))}
        try:
            role = _role(form)
            refused = await self._mail_refused(email)
            if refused is not None:
                raise refused
            invitation = await run_in_threadpool(
                lambda: accounts.invite(viewer.employer_id, viewer.user_id, email=email, role=role)
            )
        except (DomainError, PortalError) as error:
            status = error.status if isinstance(error, PortalError) else status_of(error)
            return await self.team(context, status, error=error.message, form=shown)
        await self._send_invitation(invitation)
        return RedirectResponse(f"{PREFIX}?done=invited", 303)

    async def resend(self, context: Context, form: FormData) -> Response:
        viewer = context.signed_in
        try:
            invitation = await run_in_threadpool(
                accounts.resend_invitation,
                viewer.employer_id,
                viewer.user_id,
                _id(context, "invitation_id"),
            )
            # Counted after the lookup: another employer's invitation is not found, not limited.
            refused = await self._mail_refused(invitation.email)
            if refused is not None:
                raise refused
        except (DomainError, PortalError) as error:
            return await self._refused(context, error)
        await self._send_invitation(invitation)
        return RedirectResponse(f"{PREFIX}?done=resent", 303)

    async def cancel(self, context: Context, form: FormData) -> Response:
        try:
            await run_in_threadpool(
                accounts.cancel_invitation,
                context.signed_in.employer_id,
                _id(context, "invitation_id"),
            )
        except DomainError as error:
            return await self._refused(context, error)
        return RedirectResponse(f"{PREFIX}?done=cancelled", 303)

    async def change_role(self, context: Context, form: FormData) -> Response:
        try:
            role = _role(form)
            await run_in_threadpool(
                accounts.change_role, context.signed_in.employer_id, _id(context, "user_id"), role
            )
        except (DomainError, PortalError) as error:
            return await self._refused(context, error)
        return RedirectResponse(f"{PREFIX}?done=role-changed", 303)

    async def confirm_remove(self, context: Context) -> Response:
        if not context.signed_in.is_admin:
            raise PortalError(403, "Only an employer admin can make this change.")
        member = await run_in_threadpool(
            accounts.member, context.signed_in.employer_id, _id(context, "user_id")
        )
        return self.portal._render(context, "remove_user.html", member=member)

    async def remove(self, context: Context, form: FormData) -> Response:
        user_id = _id(context, "user_id")
        try:
            await run_in_threadpool(accounts.remove_user, context.signed_in.employer_id, user_id)
        except DomainError as error:
            return await self._refused(context, error)
        if user_id == context.signed_in.user_id:
            return RedirectResponse(f"{PREFIX.rsplit('/', 1)[0]}/sign-in", 303)
        return RedirectResponse(f"{PREFIX}?done=removed", 303)

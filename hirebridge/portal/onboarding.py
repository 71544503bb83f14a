"""The pages that need no session: sign-up and its verification, "forgot password" and the new
password, and accepting an invitation.

Every link they answer comes from an e-mail (``Links``): its page shows what the link opens and
a form; only the form's POST (with the page's CSRF token) uses the link up, so a mail scanner
that fetches every link in a message spends none of them.

Sign-up and "forgot password" give the same answer whatever the address, are limited per client
address and per address mailed (``PORTAL_EMAILS_PER_HOUR``), and mail the owner of a registered
address instead of telling the visitor.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from storage.errors import DomainError
from storage.link_secrets import LinkRefused
from storage.models import UserRole
from storage.text import normalize_email

from . import accounts
from .context import GET, POST, Context, PortalError
from .links import Purpose
from .mails import PortalMail

if TYPE_CHECKING:
    from .routes import Portal

PREFIX = "/portal"
ROLE_LABELS = {UserRole.EMPLOYER_ADMIN: "an employer admin", UserRole.RECRUITER: "a recruiter"}


def _field(form: FormData, name: str, limit: int = 1024) -> str:
    return str(form.get(name, ""))[:limit]


def new_password(form: FormData) -> str:
    """The form's new password, typed the same way twice."""
    password = str(form.get("password", ""))
    if password != str(form.get("password_again", "")):
        raise PortalError(400, "The two passwords are not the same.")
    return password


class Onboarding:
    def __init__(self, portal: Portal, mail: PortalMail) -> None:
        self.portal = portal
        self.mail = mail
        self.links = mail.links

    def routes(self) -> list[BaseRoute]:
        page, action = self.portal._page, self.portal._action
        return [
            Route(f"{PREFIX}/sign-up", page(self.sign_up_form, sign_in=False), **GET),
            Route(f"{PREFIX}/sign-up", action(self.sign_up, sign_in=False), **POST),
            Route(Purpose.VERIFY_SIGN_UP.value, page(self.verify_form, sign_in=False), **GET),
            Route(Purpose.VERIFY_SIGN_UP.value, action(self.verify, sign_in=False), **POST),
            Route(f"{PREFIX}/password-reset", page(self.reset_form, sign_in=False), **GET),
            Route(f"{PREFIX}/password-reset", action(self.request_reset, sign_in=False), **POST),
            Route(Purpose.RESET_PASSWORD.value, page(self.new_password_form, sign_in=False), **GET),
            Route(
                Purpose.RESET_PASSWORD.value, action(self.set_new_password, sign_in=False), **POST
            ),
            Route(
                Purpose.ACCEPT_INVITATION.value, page(self.invitation_form, sign_in=False), **GET
            ),
            Route(Purpose.ACCEPT_INVITATION.value, action(self.accept, sign_in=False), **POST),
        ]

    async def mail_refused(self, context: Context, email: str) -> int | None:
        return await self.mail.wait_before_mailing(
            email, self.portal.client_address(context.request)
        )

    def too_many(self, context: Context, template: str, wait: int, **values: object) -> Response:
        response = self.portal._render(
            context,
            template,
            429,
            error=f"Too many requests; try again in {max(1, wait // 60)} minutes.",
            **values,
        )
        response.headers["Retry-After"] = str(wait)
        return response

    # -----------------------------------------------------------------------------------------
    # Sign-up

    async def sign_up_form(self, context: Context) -> Response:
        if context.viewer is not None:
            return RedirectResponse(f"{PREFIX}/keys", 303)
        form = {"company": "", "name": "", "email": ""}
        return self.portal._render(context, "sign_up.html", form=form, error=None)

    async def sign_up(self, context: Context, form: FormData) -> Response:
        shown = {name: _field(form, name, 300) for name in ("company", "name", "email")}
        password = str(form.get("password", ""))
        wait = await self.mail_refused(context, shown["email"])
        if wait is not None:
            return self.too_many(context, "sign_up.html", wait, form=shown)
        try:
            requested = await run_in_threadpool(
                lambda: accounts.request_sign_up(
                    company_name=shown["company"],
                    admin_name=shown["name"],
                    email=shown["email"],
                    password=password,
                )
            )
        except DomainError as error:
            return self.portal._render(
                context, "sign_up.html", 400, form=shown, error=error.message
            )
        if requested.verification is not None:
            await self.mail.send(
                "verify_sign_up",
                requested.email,
                "Confirm your e-mail address for Hirebridge",
                name=requested.admin_name,
                company_name=requested.company_name,
                url=self.links.for_link(Purpose.VERIFY_SIGN_UP, requested.verification),
            )
        else:
            await self.mail.send(
                "already_registered",
                requested.email,
                "You already have a Hirebridge account",
                sign_in_url=self.links.url(f"{PREFIX}/sign-in"),
                reset_url=self.links.url(f"{PREFIX}/password-reset"),
            )
        return self.portal._render(
            context, "mail_sent.html", purpose="sign-up", email=requested.email
        )

    async def verify_form(self, context: Context) -> Response:
        token = context.request.query_params.get("token", "")
        link = self.links.read(Purpose.VERIFY_SIGN_UP, token)
        shown = await run_in_threadpool(accounts.sign_up_to_verify, link)
        return self.portal._render(context, "verify.html", token=token, sign_up=shown)

    async def verify(self, context: Context, form: FormData) -> Response:
        link = self.links.read(Purpose.VERIFY_SIGN_UP, form.get("token"))
        await run_in_threadpool(accounts.complete_sign_up, link)
        return RedirectResponse(f"{PREFIX}/sign-in?done=verified", 303)

    # -----------------------------------------------------------------------------------------
    # Forgotten passwords

    async def reset_form(self, context: Context) -> Response:
        return self.portal._render(context, "password_reset.html", email="", error=None)

    async def request_reset(self, context: Context, form: FormData) -> Response:
        email = _field(form, "email", 300)
        wait = await self.mail_refused(context, email)
        if wait is not None:
            return self.too_many(context, "password_reset.html", wait, email=email)
        requested = await run_in_threadpool(accounts.request_password_reset, email)
        if requested is not None:
            await self.mail.send(
                "password_reset",
                requested.email,
                "Choose a new Hirebridge password",
                name=requested.name,
                url=self.links.for_link(Purpose.RESET_PASSWORD, requested.link),
            )
        return self.portal._render(
            context, "mail_sent.html", purpose="password-reset", email=normalize_email(email)
        )

    async def new_password_form(self, context: Context) -> Response:
        token = context.request.query_params.get("token", "")
        link = self.links.read(Purpose.RESET_PASSWORD, token)
        email = await run_in_threadpool(accounts.reset_to_open, link)
        return self.portal._render(
            context, "password_choose.html", token=token, email=email, error=None
        )

    async def set_new_password(self, context: Context, form: FormData) -> Response:
        token = str(form.get("token", ""))
        link = self.links.read(Purpose.RESET_PASSWORD, token)
        try:
            signed_in = await run_in_threadpool(accounts.reset_password, link, new_password(form))
        except (PortalError, DomainError) as error:
            if isinstance(error, LinkRefused):
                raise
            email = await run_in_threadpool(accounts.reset_to_open, link)
            return self.portal._render(
                context, "password_choose.html", 400, token=token, email=email, error=error.message
            )
        context.sign_in(signed_in.viewer.user_id, signed_in.session_generation)
        return RedirectResponse(f"{PREFIX}/keys?done=password-changed", 303)

    # -----------------------------------------------------------------------------------------
    # Invitations

    async def invitation_form(self, context: Context) -> Response:
        token = context.request.query_params.get("token", "")
        link = self.links.read(Purpose.ACCEPT_INVITATION, token)
        shown = await run_in_threadpool(accounts.invitation_to_accept, link)
        return self.portal._render(
            context,
            "accept_invitation.html",
            token=token,
            invitation=shown,
            role_label=ROLE_LABELS[shown.role],
            person_name="",
            error=None,
        )

    async def accept(self, context: Context, form: FormData) -> Response:
        token = str(form.get("token", ""))
        link = self.links.read(Purpose.ACCEPT_INVITATION, token)
        name = _field(form, "name", 300)
        try:
            signed_in = await run_in_threadpool(
                lambda: accounts.accept_invitation(link, name=name, password=new_password(form))
            )
        except (PortalError, DomainError) as error:
            if isinstance(error, LinkRefused):
                raise
            shown = await run_in_threadpool(accounts.invitation_to_accept, link)
            return self.portal._render(
                context,
                "accept_invitation.html",
                400,
                token=token,
                invitation=shown,
                role_label=ROLE_LABELS[shown.role],
                person_name=name,
                error=error.message,
            )
        context.sign_in(signed_in.viewer.user_id, signed_in.session_generation)
        return RedirectResponse(f"{PREFIX}/keys?done=welcome", 303)

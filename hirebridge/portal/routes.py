"""The portal's routes: HTTP in, one call into ``pages`` (storage services), HTML out.

Every route goes through one of two wrappers. ``_page`` (GET) loads the session and the user.
``_action`` (POST) also checks the form's CSRF token before anything else, and the user's role
for the actions that change keys, webhooks or the team, so no POST can forget either check.
The account pages (``onboarding``, ``team``), the webhook pages and the usage pages add their routes
through the same two wrappers.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from limits import RateLimitItem, RateLimitItemPerMinute
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route, Router
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

from hirebridge.errors import status_of
from hirebridge.quota import MonthlyQuota
from hirebridge.ratelimit import RateLimiter
from hirebridge.request_log_reader import RequestLogReader
from jobs_queue.mail import Mail
from storage.api_keys import BUNDLES, SCOPES
from storage.clock import utcnow
from storage.errors import DomainError
from storage.text import normalize_email

from . import pages
from .context import (
    GET,
    POST,
    ActionView,
    Context,
    PageView,
    PortalError,
    page_number,
)
from .links import Links
from .mails import PortalMail
from .onboarding import Onboarding
from .rendering import Templates
from .sessions import CSRF_FIELD, Session, SessionCookies
from .team import TeamPages
from .usage import UsagePages
from .webhook_pages import WebhookPages

logger = logging.getLogger(__name__)

PREFIX = "/portal"
# The stylesheet and script, as package data of this package (``StaticFiles`` finds the folder
# through the package's own loader, wherever it is installed).
STATIC_FILES = ("hirebridge.portal", "static")
# A portal form is a few hundred bytes; anything much larger is not one of ours.
MAX_FORM_BYTES = 64 * 1024
WRONG_CREDENTIALS = "Wrong e-mail address or password."
# Notices after a redirect are chosen by a code in the URL, never echoed text.
NOTICES = {
    "revoked": "The key has been revoked; requests with it are refused from now on.",
    "test-sent": "A test event is on its way; refresh to see its delivery below.",
    "enabled": "The webhook is enabled again and its count of failures is reset.",
    "disabled": "The webhook is disabled; nothing is sent to it until it is enabled.",
    "redelivered": "The delivery will be attempted again shortly.",
    "signed-out": "You have signed out.",
    "verified": "Your e-mail address is confirmed and your account is ready: sign in.",
    "password-changed": "Your password is changed; every other session of yours has ended.",
    "welcome": "Welcome! You have joined the team.",
    "invited": "The invitation is on its way.",
    "resent": "A new invitation is on its way; the earlier link no longer works.",
    "cancelled": "The invitation is withdrawn; its link no longer works.",
    "role-changed": "The role is changed.",
    "removed": "The user is removed and signed out everywhere.",
}


def _expiry(value: str) -> datetime | None:
    """The end (UTC) of the day chosen in the form's date field, or ``None`` if it is empty."""
    if not value.strip():
        return None
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise PortalError(400, "The expiry must be a date (YYYY-MM-DD).") from None
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=UTC)


class Portal:
    """The employer portal as one ASGI application, served under ``/portal``."""

    def __init__(
        self,
        *,
        secret_key: str,
        limiter: RateLimiter,
        quota: MonthlyQuota,
        sign_in_per_minute: int,
        emails_per_hour: int,
        public_base_url: str,
        enqueue_mail: Callable[[Mail], object],
        request_log: RequestLogReader,
        operations: Sequence[str],
    ) -> None:
        self.cookies = SessionCookies(secret_key)
        self.limiter = limiter
        self.quota = quota
        self.sign_in_limit = RateLimitItemPerMinute(sign_in_per_minute)
        self.templates = Templates()
        mail = PortalMail(
            self.templates,
            enqueue_mail,
            links=Links(secret_key, public_base_url),
            per_hour=emails_per_hour,
            over_limit=self.over_limit,
        )
        features = (
            Onboarding(self, mail),
            TeamPages(self, mail),
            WebhookPages(self),
            UsagePages(self, reader=request_log, quota=quota, operations=sorted(operations)),
        )
        self.router = Router(
            routes=[
                Route(PREFIX, self._page(self.home, sign_in=False), **GET),
                Route(f"{PREFIX}/", self._page(self.home, sign_in=False), **GET),
                Route(f"{PREFIX}/sign-in", self._page(self.sign_in_form, sign_in=False), **GET),
                Route(f"{PREFIX}/sign-in", self._action(self.sign_in, sign_in=False), **POST),
                Route(f"{PREFIX}/sign-out", self._action(self.sign_out), **POST),
                Route(f"{PREFIX}/keys", self._page(self.keys), **GET),
                Route(f"{PREFIX}/keys", self._action(self.mint_key, admin=True), **POST),
                Route(
                    f"{PREFIX}/keys/{{key_id:int}}/revoke", self._page(self.confirm_revoke), **GET
                ),
                Route(
                    f"{PREFIX}/keys/{{key_id:int}}/revoke",
                    self._action(self.revoke_key, admin=True),
                    **POST,
                ),
                Route(f"{PREFIX}/credits", self._page(self.credits), **GET),
                *(route for feature in features for route in feature.routes()),
                Mount(f"{PREFIX}/static", StaticFiles(packages=[STATIC_FILES]), name="static"),
            ],
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.router(scope, receive, send)
            return
        try:
            await self.router(scope, receive, send)
        except HTTPException as exc:
            # The router's own 404 and 405, as pages rather than the API's JSON envelope.
            message = "There is no such page." if exc.status_code == 404 else str(exc.detail)
            response = self.templates.error(Request(scope), exc.status_code, message, None)
            if exc.headers:
                response.headers.update(exc.headers)
            await response(scope, receive, send)

    # -----------------------------------------------------------------------------------------
    # The two wrappers

    def _page(
        self, view: PageView, *, sign_in: bool = True
    ) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            context = await self._context(request)
            if sign_in and context.viewer is None:
                return self._finish(context, RedirectResponse(f"{PREFIX}/sign-in", 303))
            return self._finish(context, await self._answer(context, view(context)))

        return endpoint

    def _action(
        self, view: ActionView, *, sign_in: bool = True, admin: bool = False
    ) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            session = self.cookies.load(request)
            if int(request.headers.get("content-length") or 0) > MAX_FORM_BYTES:
                return self.templates.error(request, 413, "The form is too large.", None)
            form = await request.form()
            if session is None or not session.accepts(form.get(CSRF_FIELD)):
                # No token, a wrong one, or a session that has expired since the form was shown.
                return self.templates.error(
                    request,
                    403,
                    "This form has expired or did not come from the portal. "
                    "Reload the page and try again.",
                    None,
                )
            context = await self._context(request, session)
            if sign_in and context.viewer is None:
                return self._finish(context, RedirectResponse(f"{PREFIX}/sign-in", 303))
            if admin and not context.signed_in.is_admin:
                return self._finish(
                    context,
                    self._error(context, 403, "Only an employer admin can make this change."),
                )
            return self._finish(context, await self._answer(context, view(context, form)))

        return endpoint

    async def _answer(self, context: Context, reply: Awaitable[Response]) -> Response:
        """The view's page, or the error page of what it refused."""
        try:
            return await reply
        except PortalError as error:
            return self._error(context, error.status, error.message)
        except DomainError as error:
            return self._error(context, status_of(error), error.message)

    async def _context(self, request: Request, session: Session | None = None) -> Context:
        session = session or self.cookies.load(request)
        if session is None:
            return Context(request, Session.anonymous(), None, session_changed=True)
        viewer = await run_in_threadpool(pages.viewer_of, session)
        return Context(request, session, viewer)

    def _finish(self, context: Context, response: Response) -> Response:
        if context.session_changed:
            self.cookies.store(context.request, response, context.session)
        return response

    def _render(
        self, context: Context, template: str, status: int = 200, **values: Any
    ) -> Response:
        notice = NOTICES.get(context.request.query_params.get("done", ""))
        return self.templates.render(
            context.request,
            template,
            status,
            viewer=context.viewer,
            csrf_token=context.session.csrf_token,
            notice=notice,
            **values,
        )

    def _error(self, context: Context, status: int, message: str) -> Response:
        return self.templates.error(
            context.request, status, message, context.viewer, context.session.csrf_token
        )

    # -----------------------------------------------------------------------------------------
    # Sign-in

    async def home(self, context: Context) -> Response:
        target = "keys" if context.viewer is not None else "sign-in"
        return RedirectResponse(f"{PREFIX}/{target}", 303)

    async def sign_in_form(self, context: Context) -> Response:
        if context.viewer is not None:
            return RedirectResponse(f"{PREFIX}/keys", 303)
        return self._render(context, "sign_in.html", email="", error=None)

    async def sign_in(self, context: Context, form: FormData) -> Response:
        # One identity for the limiter and the lookup: the address as the users table keeps it.
        email = normalize_email(str(form.get("email", "")))[:254]
        password = str(form.get("password", ""))
        refused = await self._sign_in_refused(context.request, email)
        if refused is not None:
            response = self._render(
                context,
                "sign_in.html",
                429,
                email=email,
                error=f"Too many attempts; try again in {refused} seconds.",
            )
            response.headers["Retry-After"] = str(refused)
            return response
        signed_in = await run_in_threadpool(pages.sign_in, email, password)
        if signed_in is None:
            return self._render(context, "sign_in.html", 400, email=email, error=WRONG_CREDENTIALS)
        context.sign_in(signed_in.viewer.user_id, signed_in.session_generation)
        return RedirectResponse(f"{PREFIX}/keys", 303)

    async def _sign_in_refused(self, request: Request, email: str) -> int | None:
        """Seconds to wait if this attempt is over the limit for the client's address or for
        the e-mail address; ``None`` to go ahead. Like every limit here it fails open when Redis
        cannot be reached (argon2 still makes each guess slow)."""
        return await self.over_limit(
            self.sign_in_limit,
            "portal-sign-in",
            [("address", self.client_address(request)), ("email", normalize_email(email))],
        )

    async def over_limit(
        self, item: RateLimitItem, name: str, identities: Sequence[tuple[str, str]]
    ) -> int | None:
        """Count one attempt against ``item`` for each (kind, identity); the seconds to wait if
        any is over its limit, ``None`` to go ahead."""
        waits = []
        for kind, identity in identities:
            decision = await self.limiter.hit(item, name, kind, identity)
            if decision is not None and not decision.allowed:
                waits.append(max(1, decision.reset_seconds))
        return max(waits) if waits else None

    @staticmethod
    def client_address(request: Request) -> str:
        return request.client.host if request.client else "unknown"

    async def sign_out(self, context: Context, form: FormData) -> Response:
        response = RedirectResponse(f"{PREFIX}/sign-in?done=signed-out", 303)
        self.cookies.clear(context.request, response)
        return response

    # -----------------------------------------------------------------------------------------
    # API keys

    async def keys(self, context: Context, **values: Any) -> Response:
        status = values.pop("status", 200)
        rows = await run_in_threadpool(pages.key_rows, context.signed_in.employer_id)
        values.setdefault("form", {"name": "", "scopes": [], "expires": ""})
        return self._render(
            context,
            "keys.html",
            status,
            keys=rows,
            bundles=BUNDLES,
            scopes=SCOPES,
            minted=values.pop("minted", None),
            error=values.pop("error", None),
            today=utcnow().date().isoformat(),
            **values,
        )

    async def mint_key(self, context: Context, form: FormData) -> Response:
        name = str(form.get("name", ""))
        chosen = [str(scope) for scope in form.getlist("scopes")]
        expires = str(form.get("expires", ""))
        values = {"name": name, "scopes": chosen, "expires": expires}
        try:
            minted = await run_in_threadpool(
                lambda: pages.mint_key(
                    context.signed_in.employer_id,
                    name=name,
                    scopes=chosen,
                    expires_at=_expiry(expires),
                )
            )
        except (DomainError, PortalError) as error:
            status = error.status if isinstance(error, PortalError) else status_of(error)
            return await self.keys(context, status=status, error=error.message, form=values)
        return await self.keys(context, status=201, minted=minted)

    async def confirm_revoke(self, context: Context) -> Response:
        key_id = int(context.request.path_params["key_id"])
        row = await run_in_threadpool(pages.key_row, context.signed_in.employer_id, key_id)
        return self._render(context, "revoke.html", key=row)

    async def revoke_key(self, context: Context, form: FormData) -> Response:
        key_id = int(context.request.path_params["key_id"])
        await run_in_threadpool(pages.revoke_key, context.signed_in.employer_id, key_id)
        return RedirectResponse(f"{PREFIX}/keys?done=revoked", 303)

    # -----------------------------------------------------------------------------------------
    # Credits and usage

    async def credits(self, context: Context) -> Response:
        employer_id = context.signed_in.employer_id
        account = await run_in_threadpool(pages.account, employer_id, page_number(context.request))
        requests = await self.quota.requests_this_month(employer_id)
        return self._render(
            context,
            "credits.html",
            account=account,
            requests=requests,
            month=utcnow().strftime("%B %Y"),
        )

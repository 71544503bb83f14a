"""Jinja2 templates and the headers every portal page carries."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from storage.credits import KIND_LABELS
from storage.models import CreditKind

# Pages show secrets once (keys, webhook secrets): never cached, never framed, and nothing but
# the portal's own script and style may run on them.
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
        "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def when(value: datetime | None) -> str:
    """``2026-05-01 09:00 UTC``, or a dash for a moment that has not happened."""
    if value is None:
        return "—"
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def when_exact(value: datetime) -> str:
    """``2026-05-01 09:00:05 UTC``: a moment in a log, to the second."""
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def credit_kind(kind: CreditKind) -> str:
    """``CV search``: a kind as a heading shows it."""
    label = KIND_LABELS[kind]
    return label[0].upper() + label[1:]


class Templates:
    def __init__(self) -> None:
        self.environment = Environment(
            loader=PackageLoader("hirebridge.portal", "templates"),
            autoescape=select_autoescape(["html"]),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.environment.filters["when"] = when
        self.environment.filters["when_exact"] = when_exact
        self.environment.filters["credit_kind"] = credit_kind

    def render(
        self, request: Request, name: str, status_code: int = 200, **values: Any
    ) -> HTMLResponse:
        values.setdefault("notice", None)
        html = self.environment.get_template(name).render(
            path=request.url.path, static=_static_url, **values
        )
        return HTMLResponse(html, status_code=status_code, headers=SECURITY_HEADERS)

    def error(
        self,
        request: Request,
        status: int,
        message: str,
        viewer: Any,
        csrf_token: str = "",
    ) -> HTMLResponse:
        return self.render(
            request,
            "error.html",
            status,
            status=status,
            message=message,
            viewer=viewer,
            csrf_token=csrf_token,
        )


def _static_url(name: str) -> str:
    return f"/portal/static/{name}"

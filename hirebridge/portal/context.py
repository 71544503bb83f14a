"""What every portal view gets (the request as a ``Context``) and may raise (``PortalError``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from .pages import Viewer
from .sessions import Session


@dataclass
class Context:
    """One request as a view sees it."""

    request: Request
    session: Session
    viewer: Viewer | None
    session_changed: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def signed_in(self) -> Viewer:
        assert self.viewer is not None  # the wrappers let only signed-in users through
        return self.viewer

    def sign_in(self, user_id: int, generation: int) -> None:
        """From this response on, the browser's session is ``user_id``'s (a new cookie)."""
        self.session = self.session.signed_in(user_id, generation)
        self.session_changed = True


# Keyword arguments of a Starlette ``Route`` for each method.
GET: dict[str, Any] = {"methods": ["GET"]}
POST: dict[str, Any] = {"methods": ["POST"]}

PageView = Callable[[Context], Awaitable[Response]]
ActionView = Callable[[Context, FormData], Awaitable[Response]]


class PortalError(Exception):
    """Ends a request with an error page."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def page_number(request: Request) -> int:
    """The ``page`` of the query (1 if absent or not a sensible number)."""
    raw = request.query_params.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 1_000_000 else 1

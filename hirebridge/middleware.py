"""ASGI middleware that guards requests before anything parses them, and redirects after."""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hirebridge.errors import ApiProblem
from storage.strict_json import MAX_INTEGER_DIGITS

MIB = 1024 * 1024
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


class BodyGuardMiddleware:
    """Refuses bodies that are too large (413) or carry no content type (415).

    The size is checked against ``Content-Length`` before a byte is read. A body sent without one
    (chunked) is read here up to the limit, refused as soon as it passes it, and handed on with a
    ``Content-Length``: Connexion's validation only reads bodies that declare their length, so a
    chunked body would otherwise look empty. Each path prefix may have its own limit (the public
    job board takes smaller bodies than the partner API).
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        default_limit: int = MIB,
        limits: Sequence[tuple[str, int]] = (),
    ) -> None:
        self.app = app
        self.default_limit = default_limit
        self.limits = sorted(limits, key=lambda item: len(item[0]), reverse=True)

    def limit_for(self, path: str) -> int:
        for prefix, limit in self.limits:
            if path.startswith(prefix):
                return limit
        return self.default_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in _BODY_METHODS:
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        headers = dict(scope["headers"])
        declared = headers.get(b"content-length")
        chunked = declared is None and b"transfer-encoding" in headers
        if declared is not None:
            try:
                length = int(declared)
            except ValueError:
                raise ApiProblem("invalid_request", "Content-Length is not a number.") from None
            if length > limit:
                raise _too_large(limit)
        if chunked:
            body = await read_body(receive, limit)
            length = len(body)
            receive = replay_body(body, receive)
            scope = _with_headers(
                scope,
                [(k, v) for k, v in scope["headers"] if k != b"transfer-encoding"]
                + [(b"content-length", str(length).encode())],
            )
        elif declared is None:
            length = 0

        if not headers.get(b"content-type", b"").strip():
            if length > 0:
                raise ApiProblem(
                    "unsupported_media_type", "Send the request body as application/json."
                )
            # A POST with no body at all (``publish``) is a JSON request with an empty body, so the
            # operation's default body applies and the handler gets parsed JSON, not bytes.
            scope = _with_headers(
                scope, [*scope["headers"], (b"content-type", b"application/json")]
            )

        await self.app(scope, _counting(receive, limit), send)


def _too_large(limit: int) -> ApiProblem:
    return ApiProblem("payload_too_large", f"The request body exceeds the {limit}-byte limit.")


def _with_headers(scope: Scope, headers: list[tuple[bytes, bytes]]) -> Scope:
    return {**scope, "headers": headers}


async def read_body(receive: Receive, limit: int) -> bytes:
    """The whole request body, refused (413) as soon as it passes ``limit`` bytes."""
    parts: list[bytes] = []
    size = 0
    more = True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        parts.append(chunk)
        more = message.get("more_body", False)
    return b"".join(parts)


def replay_body(body: bytes, receive: Receive) -> Receive:
    """The body already read, then the client's own channel (for its eventual disconnect)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


def _counting(receive: Receive, limit: int) -> Receive:
    """Holds a client to its declared length: a body longer than the limit is cut off."""
    received = 0

    async def guarded() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                raise _too_large(limit)
        return message

    return guarded


_LONG_NUMBER = re.compile(rf"/[+-]?[0-9]{{{MAX_INTEGER_DIGITS + 1},}}(?:/|$)")


class PathNumberGuard:
    """Refuses (400) a path with a number longer than a body's integers may be.

    Routing turns an id in the path into an integer before anything validates it, and Python
    refuses to convert one of more than 4,300 digits: without this, a long enough id is a 500.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and _LONG_NUMBER.search(scope["path"]):
            raise ApiProblem(
                "invalid_request",
                f"Numbers in the path may have at most {MAX_INTEGER_DIGITS} digits.",
            )
        await self.app(scope, receive, send)


class RelativeRedirects:
    """Every redirect's ``Location`` is a path on this server, never a URL with a host.

    Starlette writes absolute redirects (``/jobs/`` to ``/jobs``) with the host of the request's
    ``Host`` header, which a client, or anything between it and us, chooses: echoed into a
    ``Location``, it sends the next request (and a cache's copy of the answer) wherever it says.
    The service only ever redirects to itself, so a redirect keeps the path and query alone.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_relative(message: Message) -> None:
            if message["type"] == "http.response.start" and 300 <= message["status"] < 400:
                headers = [
                    (name, relative_location(value) if name == b"location" else value)
                    for name, value in message.get("headers", [])
                ]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_relative)


def relative_location(location: bytes) -> bytes:
    """``location`` as a path and query on this server (``//host/...`` included)."""
    parts = urlsplit(location.decode("latin-1"))
    if not (parts.scheme or parts.netloc or parts.path.startswith(("/", "\\"))):
        return location  # relative to the request's own path: on this server already
    # One leading slash: browsers read "//elsewhere" and "/\\elsewhere" as another host.
    path = "/" + parts.path.lstrip("/\\")
    return (path + (f"?{parts.query}" if parts.query else "")).encode("latin-1")

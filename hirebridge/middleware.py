"""ASGI middleware that guards request bodies before anything parses them."""

from __future__ import annotations

from collections.abc import Sequence

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hirebridge.errors import ApiProblem

MIB = 1024 * 1024
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


class BodyGuardMiddleware:
    """Refuses bodies that are too large (413) or carry no content type (415).

    The size is checked against ``Content-Length`` before a byte is read, and again while a body
    without one (chunked) streams in, so a large upload never reaches the JSON parser. Each path
    prefix may have its own limit (the public job board takes smaller bodies than the partner API).
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
        if declared is not None:
            try:
                length = int(declared)
            except ValueError:
                raise ApiProblem("invalid_request", "Content-Length is not a number.") from None
            if length > limit:
                raise _too_large(limit)
        else:
            length = -1
        has_body = length > 0 or b"transfer-encoding" in headers
        if not headers.get(b"content-type", b"").strip():
            if has_body:
                raise ApiProblem(
                    "unsupported_media_type", "Send the request body as application/json."
                )
            # A POST with no body at all (``publish``) is a JSON request with an empty body, so the
            # operation's default body applies and the handler gets parsed JSON, not bytes.
            scope = dict(scope)
            scope["headers"] = [*scope["headers"], (b"content-type", b"application/json")]

        received = 0

        async def guarded_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _too_large(limit)
            return message

        await self.app(scope, guarded_receive, send)


def _too_large(limit: int) -> ApiProblem:
    return ApiProblem("payload_too_large", f"The request body exceeds the {limit}-byte limit.")

"""Request ids, access logs and request metrics, for every response the service sends.

``RequestObservation`` wraps the whole application (outside Connexion's exception middleware, so
error responses are seen too). Each request gets an id: the caller's ``X-Request-Id`` when it is a
sensible token (1-128 characters of letters, digits and ``._:-``), otherwise a new one. The id is
returned in ``X-Request-Id``, attached to every log record written while the request is handled
(``hirebridge_floor.logging_setup.RequestIdFilter``), and written in the one access-log line per
request.
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hirebridge.operations import operation_id
from hirebridge_floor import metrics
from hirebridge_floor.logging_setup import current_request_id

access_log = logging.getLogger("hirebridge.access")

HEADER = b"x-request-id"
_ACCEPTED_ID = re.compile(rb"^[A-Za-z0-9._:\-]{1,128}$")


def request_id_of(scope: Scope) -> str:
    for name, value in scope.get("headers", []):
        if name == HEADER and _ACCEPTED_ID.match(value):
            return str(value.decode("ascii"))
    return uuid.uuid4().hex


def operation_of(scope: Scope) -> str:
    """The request's ``operationId`` (``listJobs``), or ``other`` outside the API documents."""
    return operation_id(scope) or "other"


class RequestObservation:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_of(scope)
        token = current_request_id.set(request_id)
        # Routing writes the operation into this shared dict (it copies the scope shallowly).
        scope.setdefault("extensions", {})
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers = [
                    (name, value) for name, value in message.get("headers", []) if name != HEADER
                ]
                message = {**message, "headers": [*headers, (HEADER, request_id.encode())]}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - started
            operation = operation_of(scope)
            metrics.observe_request(operation, status, seconds)
            access_log.info(
                "%s %s %d",
                scope["method"],
                scope["path"],
                status,
                extra={
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status,
                    "operation": operation,
                    "duration_ms": round(seconds * 1000, 2),
                },
            )
            current_request_id.reset(token)

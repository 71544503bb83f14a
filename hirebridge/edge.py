"""The limits the API server enforces on connections before the application sees a request.

uvicorn's HTTP protocol reads a request's head (request line and headers) whole, without a size
limit or a deadline, and takes every connection it is offered: a 50 MB header is buffered, a
client that trickles its headers holds its connection for ever, and one process can be handed
more connections than it can serve. ``EdgeProtocol`` is uvicorn's own protocol with those three
holes closed, so the server defends itself with or without a proxy in front of it:

- a request line plus headers longer than ``EdgeLimits.max_head_bytes`` is answered 431 and the
  connection closed, and no more of it is parsed or kept;
- a client that has not sent a complete head within ``head_timeout`` seconds of connecting (or of
  starting its next request on a kept-alive connection) is disconnected;
- a worker holds at most ``max_connections`` connections: one more is answered 503 and closed.

An idle kept-alive connection is closed after ``GUNICORN_KEEPALIVE`` seconds by uvicorn itself.
``EdgeWorker`` is the gunicorn worker class that serves with this protocol.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, ClassVar

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn_worker import UvicornWorker

from hirebridge.errors import envelope
from hirebridge_floor.settings import Settings

# How long a refused client may go on sending before the connection is cut: enough for it to
# read the answer instead of a reset.
_LINGER_SECONDS = 1.0


@dataclass(frozen=True)
class EdgeLimits:
    max_head_bytes: int = 16 * 1024
    head_timeout: float = 10.0
    max_connections: int = 1000


class EdgeProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, with a bounded request head and connection count."""

    limits: ClassVar[EdgeLimits] = EdgeLimits()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Whether the bytes arriving now belong to a request's head, and how many have so far.
        self._reading_head = True
        self._head_bytes = 0
        self._heads_completed = 0
        self._head_deadline: asyncio.TimerHandle | None = None
        self._refused = False
        # A refusal that waits for the answers to the requests before it (pipelining).
        self._deferred_refusal: bytes | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > self.limits.max_connections:
            self._refuse(HTTPStatus.SERVICE_UNAVAILABLE, "unavailable", "The server is busy.")
            return
        self._await_head()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_deadline()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return  # read and dropped until the connection closes
        if not self._reading_head:
            super().data_received(data)
            return
        room = self.limits.max_head_bytes - self._head_bytes
        self._head_bytes += len(data)
        if len(data) <= room:
            super().data_received(data)
            return
        # Parse only what fits; if a head ends within it, the rest belongs to that request.
        heads_before = self._heads_completed
        super().data_received(data[:room])
        if self.transport.is_closing():
            return
        if self._heads_completed == heads_before:
            self._refuse(
                HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
                "invalid_request",
                f"The request line and headers exceed {self.limits.max_head_bytes} bytes.",
            )
        else:
            self.data_received(data[room:])

    def on_headers_complete(self) -> None:
        self._reading_head = False
        self._heads_completed += 1
        self._cancel_deadline()
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        # What comes next on this connection is the head of the next request.
        self._reading_head = True
        self._head_bytes = 0

    def on_response_complete(self) -> None:
        answered_all = not self.pipeline
        super().on_response_complete()
        if not answered_all or self.transport.is_closing():
            return
        if self._deferred_refusal is not None:
            self._send_refusal(self._deferred_refusal)
        elif self._reading_head:
            # Ready for the next request: its head has the same deadline as the first one's.
            self._await_head()

    def _serving(self) -> bool:
        """Whether a request of this connection is still waiting for its answer."""
        return bool(self.pipeline) or (self.cycle is not None and not self.cycle.response_complete)

    def _await_head(self) -> None:
        self._cancel_deadline()
        self._head_deadline = self.loop.call_later(self.limits.head_timeout, self._head_too_slow)

    def _cancel_deadline(self) -> None:
        if self._head_deadline is not None:
            self._head_deadline.cancel()
            self._head_deadline = None

    def _head_too_slow(self) -> None:
        self._head_deadline = None
        # While an answer is being written the client may rightly wait; the deadline starts
        # again when it has been.
        if self._reading_head and not self._serving() and not self.transport.is_closing():
            self.transport.close()

    def _refuse(self, status: HTTPStatus, code: str, message: str) -> None:
        """Stop parsing; answer ``status`` with the error envelope (after the answers still
        owed to earlier requests) and close shortly after."""
        self._refused = True
        self._cancel_deadline()
        path = self.url.decode("latin-1") if getattr(self, "url", None) else "/"
        body = envelope(path, status, code, message)
        response = (
            f"HTTP/1.1 {status.value} {status.phrase}\r\n"
            "content-type: application/json\r\n"
            f"content-length: {len(body)}\r\n"
            "connection: close\r\n\r\n"
        ).encode("latin-1") + body
        if self._serving():
            self._deferred_refusal = response
        else:
            self._send_refusal(response)

    def _send_refusal(self, response: bytes) -> None:
        self._deferred_refusal = None
        self.transport.write(response)
        if self.transport.can_write_eof():
            self.transport.write_eof()
        self.loop.call_later(_LINGER_SECONDS, self.transport.close)


class EdgeWorker(UvicornWorker):  # type: ignore[misc]
    """gunicorn's uvicorn worker, serving with ``EdgeProtocol`` and the settings' limits."""

    CONFIG_KWARGS: ClassVar[dict[str, Any]] = {"loop": "auto", "http": EdgeProtocol}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        settings = Settings.from_env()
        EdgeProtocol.limits = EdgeLimits(
            head_timeout=settings.gunicorn_header_timeout,
            max_connections=settings.gunicorn_worker_connections,
        )

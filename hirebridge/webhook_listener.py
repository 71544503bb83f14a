"""The receiving end of ``hirebridge webhooks listen``: a small HTTP server on 127.0.0.1.

Each delivery is checked against the subscription's signing secret the way a receiver should
check it (HMAC-SHA256 of ``"<t>.<body>"``, any ``v1`` entry, ``t`` within five minutes), reported
in one line, and forwarded as received (body and webhook headers) if a URL was given. The
listener answers the delivery with the forward's status, so a failing local endpoint shows up
as a failed attempt with its retries, as it would in production.
"""

from __future__ import annotations

import hmac
import http.server
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime

from jobs_queue.signing import DELIVERY_ID_HEADER, EVENT_HEADER, SIGNATURE_HEADER, sign

# How far a signature's timestamp may be from now (the tolerance receivers are told to use).
TOLERANCE_SECONDS = 300
FORWARD_TIMEOUT_SECONDS = 10
_FORWARDED_HEADERS = ("Content-Type", EVENT_HEADER, DELIVERY_ID_HEADER, SIGNATURE_HEADER)


def signature_verified(secret: str, header: str, body: bytes, now: float) -> bool:
    """Whether ``header`` (``t=...,v1=...``) signs ``body`` with ``secret``, recently."""
    timestamp, signatures = None, []
    for part in header.split(","):
        name, _, value = part.strip().partition("=")
        if name == "t" and value.isdigit():
            timestamp = int(value)
        elif name == "v1":
            signatures.append(value)
    if timestamp is None or abs(now - timestamp) > TOLERANCE_SECONDS:
        return False
    expected = sign(secret, timestamp, body)
    return any(hmac.compare_digest(expected, signature) for signature in signatures)


class Listener:
    """Receives deliveries on ``127.0.0.1:<free port>`` until stopped.

    Args:
        forward_to: a URL each delivery is POSTed on to, or ``None``.
        report: called with one line per delivery.
    """

    def __init__(self, forward_to: str | None, report: Callable[[str], None]) -> None:
        self.forward_to = forward_to
        self.report = report
        self.secret = ""
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/webhooks"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def receive(self, headers: dict[str, str], body: bytes) -> int:
        """Report one delivery, forward it if asked; the status to answer it with."""
        verified = signature_verified(
            self.secret, headers.get(SIGNATURE_HEADER, ""), body, time.time()
        )
        status, forwarded = 200, ""
        if self.forward_to:
            status, outcome = self._forward(headers, body)
            forwarded = f"  -> {outcome} {self.forward_to}"
        self.report(
            f"{datetime.now(UTC):%H:%M:%S}  {headers.get(EVENT_HEADER, '?'):<26} "
            f"{headers.get(DELIVERY_ID_HEADER, '?')}  "
            f"{'signature verified' if verified else 'signature NOT verified'}{forwarded}"
        )
        return status

    def _forward(self, headers: dict[str, str], body: bytes) -> tuple[int, str]:
        assert self.forward_to is not None
        request = urllib.request.Request(  # noqa: S310 - the developer's own http(s) URL
            self.forward_to,
            data=body,
            method="POST",
            headers={name: headers[name] for name in _FORWARDED_HEADERS if name in headers},
        )
        try:
            with urllib.request.urlopen(request, timeout=FORWARD_TIMEOUT_SECONDS) as reply:  # noqa: S310
                return reply.status, str(reply.status)
        except urllib.error.HTTPError as error:
            return error.code, str(error.code)
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            return 502, f"failed ({reason})"

    def _handler(self) -> type[http.server.BaseHTTPRequestHandler]:
        listener = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                headers = {
                    name: self.headers[name]
                    for name in _FORWARDED_HEADERS
                    if self.headers[name] is not None
                }
                status = listener.receive(headers, body)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                """Quiet: ``receive`` reports each delivery."""

        return Handler

"""Webhook receivers for the tests: real HTTP servers on 127.0.0.1 that record what they get."""

from __future__ import annotations

import http.server
import json
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SEED_RECEIVER = Path(__file__).with_name("seed_receiver.js")


@dataclass(frozen=True)
class Received:
    headers: dict[str, str]
    body: bytes

    @property
    def delivery_id(self) -> str:
        return self.headers["X-Webhook-Delivery-Id"]

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass(frozen=True)
class Reply:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    # Wait for this event (at most ``hold`` seconds) before answering: a slow receiver.
    release: threading.Event | None = None
    hold: float = 0.0


Responder = Callable[[Received, int], Reply]


def always(status: int) -> Responder:
    return lambda _request, _index: Reply(status)


class Receiver:
    """A threaded HTTP server that records every POST and answers what ``respond`` says.

    ``respond`` gets the request and its 0-based position among all requests received.
    """

    def __init__(self, respond: Responder | None = None) -> None:
        self.respond = respond or always(200)
        self.requests: list[Received] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                request = Received(headers=dict(self.headers.items()), body=body)
                with receiver._lock:
                    index = len(receiver.requests)
                    receiver.requests.append(request)
                    receiver.in_flight += 1
                    receiver.max_in_flight = max(receiver.max_in_flight, receiver.in_flight)
                try:
                    reply = receiver.respond(request, index)
                    if reply.release is not None:
                        reply.release.wait(reply.hold)
                    self.send_response(reply.status)
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the sender gave up waiting (a timeout test)
                finally:
                    with receiver._lock:
                        receiver.in_flight -= 1

            def log_message(self, *_args: Any) -> None:
                pass

        class Server(http.server.ThreadingHTTPServer):
            # Many deliveries connect at once (the in-flight cap test).
            request_queue_size = 256
            daemon_threads = True

        self._server = Server(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def url(self, path: str = "/hooks") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def delivery_ids(self) -> list[str]:
        with self._lock:
            return [request.delivery_id for request in self.requests]

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class SeedReceiver:
    """The seed's Node.js verification code as a receiver (``seed_receiver.js`` under node)."""

    def __init__(self, secret: str) -> None:
        self.lines: list[dict[str, Any]] = []
        node = shutil.which("node")
        # A requirement of the suite, like PostgreSQL and Redis (.ci/run installs it).
        assert node is not None, (
            "the seed's verification code needs Node.js: apt-get install nodejs"
        )
        self._process = subprocess.Popen(
            [node, str(SEED_RECEIVER)],
            env={**os.environ, "WEBHOOK_SECRET": secret},
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._process.stdout is not None
        first = json.loads(self._process.stdout.readline())
        self.port = int(first["port"])
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self._process.stdout is not None
        for line in self._process.stdout:
            self.lines.append(json.loads(line))

    def url(self, path: str = "/hooks") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def close(self) -> None:
        self._process.terminate()
        self._process.wait(timeout=10)
        assert self._process.stdout is not None
        self._process.stdout.close()


def wait_for(condition: Callable[[], Any], timeout: float, message: str = "") -> Any:
    """Poll ``condition`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {message or condition}")
        time.sleep(0.05)

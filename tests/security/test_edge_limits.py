"""The server's own edge: request heads over 16 KiB are 431, slow or silent clients and idle
kept-alive connections are disconnected, and a worker caps its connections (raw sockets against
``hirebridge serve``: a 2 s header deadline, 1 s keep-alive and 6 connections per worker)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from urllib.parse import urlsplit

import pytest

from tests.security.support import EDGE_CONNECTIONS
from tests.support import strict_json
from tests.support.live import LiveServer

HEAD_LIMIT = 16 * 1024
# Far longer than any deadline under test: reaching it means the server kept the connection.
PATIENCE = 30.0


def _address(server: LiveServer) -> tuple[str, int]:
    url = urlsplit(server.base_url)
    assert url.hostname is not None and url.port is not None
    return url.hostname, url.port


@contextmanager
def connection(server: LiveServer) -> Iterator[socket.socket]:
    with closing(socket.create_connection(_address(server), timeout=PATIENCE)) as sock:
        yield sock


def head_of_size(size: int, path: str = "/healthz/live") -> bytes:
    """A GET whose request line and headers are exactly ``size`` bytes."""
    start = f"GET {path} HTTP/1.1\r\nHost: edge\r\nConnection: close\r\nX-Pad: ".encode()
    return start + b"a" * (size - len(start) - 4) + b"\r\n\r\n"


def read_reply(sock: socket.socket) -> bytes:
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def read_one_response(sock: socket.socket) -> bytes:
    """One response on a kept-alive connection: its head, then Content-Length bytes of body."""
    reply = b""
    while b"\r\n\r\n" not in reply:
        reply += sock.recv(65536)
    head, _, body = reply.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":")[1])
        for line in head.lower().split(b"\r\n")
        if line.startswith(b"content-length:")
    )
    while len(body) < length:
        body += sock.recv(65536)
    return head + b"\r\n\r\n" + body


def status_and_body(reply: bytes) -> tuple[int, bytes]:
    head, _, body = reply.partition(b"\r\n\r\n")
    return int(head.split(b" ")[1]), body


@pytest.mark.parametrize(
    ("path", "envelope_keys"),
    [("/api/v1/jobs", {"code", "message"}), ("/api/v2/jobs", {"success", "error"})],
)
def test_a_head_over_16_kib_is_431(
    edge_server: LiveServer, path: str, envelope_keys: set[str]
) -> None:
    with connection(edge_server) as sock:
        sock.sendall(head_of_size(HEAD_LIMIT + 1, path))
        status, body = status_and_body(read_reply(sock))
    # Up to the limit, a head is served.
    with connection(edge_server) as sock:
        sock.sendall(head_of_size(HEAD_LIMIT, "/healthz/live"))
        served, _ = status_and_body(read_reply(sock))

    assert status == 431
    assert set(strict_json.loads(body)) == envelope_keys
    assert served == 200


def test_an_oversized_head_after_a_pipelined_request_is_answered_in_order(
    edge_server: LiveServer,
) -> None:
    with connection(edge_server) as sock:
        sock.sendall(
            b"GET /healthz/live HTTP/1.1\r\nHost: edge\r\n\r\n"
            + head_of_size(3 * HEAD_LIMIT, "/api/v1/jobs")
        )
        replies = read_reply(sock)

    first, _, second = replies.partition(b"HTTP/1.1 431 ")
    assert first.startswith(b"HTTP/1.1 200 ") and second, replies[:300]


def test_a_huge_header_is_refused_without_being_read(edge_server: LiveServer) -> None:
    """A client still sending a 20 MB header gets its 431, or loses the connection, early."""
    total = 20 * 1024 * 1024
    sent = 0
    reply = b""
    with connection(edge_server) as sock:
        try:
            sock.sendall(b"GET /healthz/live HTTP/1.1\r\nHost: edge\r\nX-Big: ")
            while sent < total:
                sock.sendall(b"b" * 65536)
                sent += 65536
            reply = sock.recv(100)
        except OSError:  # reset, broken pipe, or (a server reading it all) no answer at all
            pass
    assert reply.startswith(b"HTTP/1.1 431 ") or sent < total


def _closed_by_server(sock: socket.socket) -> bool:
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False


def test_slow_silent_and_idle_clients_are_disconnected(edge_server: LiveServer) -> None:
    outcomes: dict[str, bool] = {}

    def silent() -> None:
        with connection(edge_server) as sock:
            outcomes["silent"] = _closed_by_server(sock)

    def slow() -> None:
        # The whole head would take 50 s at this pace.
        head = b"GET /healthz/live HTTP/1.1\r\nHost: edge\r\nX-Slow: " + b"s" * 250 + b"\r\n\r\n"
        with connection(edge_server) as sock:
            try:
                for byte in head:
                    sock.sendall(bytes([byte]))
                    time.sleep(0.2)
                outcomes["slow"] = False  # the server let the whole head trickle in
            except OSError:
                outcomes["slow"] = True

    def idle() -> None:
        with connection(edge_server) as sock:
            sock.sendall(b"GET /healthz/live HTTP/1.1\r\nHost: edge\r\n\r\n")
            reply = read_one_response(sock)
            assert reply.startswith(b"HTTP/1.1 200 ") and b"connection: close" not in reply
            outcomes["idle"] = _closed_by_server(sock)

    threads = [threading.Thread(target=run) for run in (silent, slow, idle)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes == {"silent": True, "slow": True, "idle": True}


def test_a_worker_caps_its_connections(edge_server: LiveServer) -> None:
    """Connections busy with a request (a body that never comes) fill the worker; the next one
    is answered 503 in the error envelope and closed."""
    held: list[socket.socket] = []
    try:
        for _ in range(EDGE_CONNECTIONS):
            sock = socket.create_connection(_address(edge_server), timeout=PATIENCE)
            held.append(sock)
            # Served, so the worker has taken the connection; then a request left waiting.
            sock.sendall(b"GET /healthz/live HTTP/1.1\r\nHost: edge\r\n\r\n")
            assert read_one_response(sock).startswith(b"HTTP/1.1 200 ")
            sock.sendall(
                b"POST /public/v1/jobs/1/apply HTTP/1.1\r\nHost: edge\r\n"
                b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"
            )

        with connection(edge_server) as extra:
            extra.sendall(b"GET /healthz/live HTTP/1.1\r\nHost: edge\r\n\r\n")
            status, body = status_and_body(read_reply(extra))
        assert status == 503
        assert strict_json.loads(body)["code"] == "unavailable"
    finally:
        for sock in held:
            sock.close()

    # The connections are given back (as the worker notices the closes): it serves again.
    deadline = time.monotonic() + PATIENCE
    while not _served(edge_server) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _served(edge_server)


def _served(server: LiveServer) -> bool:
    with connection(server) as sock:
        sock.sendall(b"GET /healthz/live HTTP/1.1\r\nHost: edge\r\nConnection: close\r\n\r\n")
        return status_and_body(read_reply(sock))[0] == 200

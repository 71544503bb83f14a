"""The delivery client: its SSRF guard, its timeout and how it reports failures."""

from __future__ import annotations

import asyncio
import inspect
import socket
from collections.abc import Iterator

import pytest

from jobs_queue import engine
from jobs_queue.sender import DEFAULT_TIMEOUT, GuardedResolver, WebhookSender
from storage import webhook_targets
from storage.webhook_targets import TargetPolicy, UnsafeTarget
from tests.support.sending import send_once


def test_the_timeout_is_ten_seconds_by_default() -> None:
    assert DEFAULT_TIMEOUT == 10
    assert WebhookSender().timeout == 10
    assert inspect.signature(engine.DeliveryEngine).parameters["timeout"].default == 10


def test_the_resolver_refuses_names_of_internal_addresses() -> None:
    resolver = GuardedResolver(lambda: TargetPolicy(allow_insecure=False))
    with pytest.raises(UnsafeTarget, match="public address"):
        asyncio.run(resolver.resolve("localhost", 443))


def test_the_resolver_connects_to_the_addresses_it_checked() -> None:
    resolver = GuardedResolver(lambda: TargetPolicy(allow_insecure=True))
    [found] = [
        r for r in asyncio.run(resolver.resolve("localhost", 8443)) if r["host"] == "127.0.0.1"
    ]
    assert found["hostname"] == "localhost" and found["port"] == 8443
    assert found["family"] == socket.AF_INET
    assert found["flags"] & socket.AI_NUMERICHOST


@pytest.fixture
def insecure() -> Iterator[None]:
    previous = webhook_targets.current().allow_insecure
    webhook_targets.configure(allow_insecure=True)
    yield
    webhook_targets.configure(allow_insecure=previous)


def test_a_refused_connection_is_a_short_error(insecure: None) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # bound, never listening: refused
        result = send_once(f"http://127.0.0.1:{port}/hooks")
    assert result.status_code is None and not result.succeeded
    assert result.error is not None and result.error.startswith("connection failed: ")
    assert "\n" not in result.error and len(result.error) < 100


def test_plain_http_is_refused_unless_the_operator_allows_it() -> None:
    assert not webhook_targets.current().allow_insecure
    result = send_once("http://93.184.215.14/hooks")
    assert result.error == (
        "refused target: The webhook URL must be an https:// URL with a host name."
    )

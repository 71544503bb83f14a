"""One signed POST per delivery attempt, with the SSRF guard of docs/requirements.md#w9 at
connection time.

aiohttp rather than httpx: here httpx's connection pool (httpcore 1.0) collapsed as concurrent
requests grew, while aiohttp held its rate (bench/RESULTS.md has the figures); and aiohttp's
resolver hook is the place to check addresses. Every new connection resolves the host through
``GuardedResolver``, which refuses forbidden addresses, and connects to an address it checked
(the URL's host name still goes in the Host header and the TLS SNI, and certificates are
verified against it). The DNS cache is off, so a name that changes to an internal address is
caught at the next connection; an IP literal in the URL never reaches the resolver and is checked
with the URL itself, right before sending.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from collections.abc import Callable

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult

from jobs_queue.signing import delivery_headers
from storage import strict_json, webhook_targets
from storage.clock import utcnow
from storage.deliveries import AttemptResult, OutgoingDelivery
from storage.webhook_targets import TargetPolicy, UnsafeTarget

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 10.0  # docs/requirements.md#w5: a 2xx within 10 seconds
# Read at most this much of a reply (nobody reads it; reading lets the connection be reused).
MAX_REPLY_BYTES = 64 * 1024
USER_AGENT = "Hirebridge-Webhooks/1"
_NUMERIC = socket.AI_NUMERICHOST | socket.AI_NUMERICSERV


class GuardedResolver(AbstractResolver):
    """Resolves a webhook host to addresses the target policy allows (raises ``UnsafeTarget``)."""

    def __init__(self, policy: Callable[[], TargetPolicy] = webhook_targets.current) -> None:
        self._policy = policy

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        # getaddrinfo blocks; the loop must keep serving the other deliveries meanwhile.
        addresses = await asyncio.get_running_loop().run_in_executor(
            None, self._policy().resolve_host, host, port
        )
        return [
            {
                "hostname": host,
                "host": address,
                "port": port,
                "family": socket.AF_INET6 if ":" in address else socket.AF_INET,
                "proto": 0,
                "flags": _NUMERIC,
            }
            for address in addresses
        ]

    async def close(self) -> None:
        """Nothing to release: resolution runs in the loop's default executor."""


class WebhookSender:
    """Sends signed deliveries over one shared connection pool (open and use it on one loop)."""

    def __init__(self, *, timeout: float = DEFAULT_TIMEOUT, max_connections: int = 1000) -> None:
        self.timeout = timeout
        self._max_connections = max_connections
        self._session: aiohttp.ClientSession | None = None

    async def open(self) -> None:
        connector = aiohttp.TCPConnector(
            resolver=GuardedResolver(),
            use_dns_cache=False,
            limit=self._max_connections,
            limit_per_host=0,
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            timeout=aiohttp.ClientTimeout(total=self.timeout),
            # Never through a proxy from the environment: it would connect, not us.
            trust_env=False,
            auto_decompress=False,
            headers={"User-Agent": USER_AGENT},
        )

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def send(self, delivery: OutgoingDelivery, secrets: list[str]) -> AttemptResult:
        """POST ``delivery`` once, signed with ``secrets`` (plaintext, newest first).

        Never raises for what the receiver or the network does: every outcome, a timeout or a
        refused target included, is an ``AttemptResult`` with a short error text.
        """
        if self._session is None:
            raise RuntimeError("the sender is not open")
        # The body is built once per attempt; the signature covers exactly these bytes. Strict
        # JSON: a receiver's parser must be able to read what it verifies.
        body = strict_json.dumps(delivery.payload, separators=(",", ":")).encode("utf-8")
        started_at = utcnow()
        clock = time.perf_counter()
        status: int | None = None
        error: str | None = None
        try:
            webhook_targets.for_subscription(delivery.local_listener).check_url(delivery.url)
            headers = delivery_headers(
                event_type=delivery.event_type,
                delivery_id=delivery.public_id,
                secrets=secrets,
                timestamp=int(utcnow().timestamp()),
                body=body,
            )
            # The total covers connecting, sending and reading the reply.
            async with asyncio.timeout(self.timeout):
                async with self._session.post(
                    delivery.url, data=body, headers=headers, allow_redirects=False
                ) as response:
                    status = response.status
                    await _drain(response)
        except UnsafeTarget as exc:
            error = f"refused target: {exc.message}"
        except TimeoutError:
            error = f"timed out after {self.timeout:g} s"
        except aiohttp.ClientConnectorError as exc:
            error = f"connection failed: {exc.os_error.strerror or exc.os_error}"
        except aiohttp.ClientError as exc:
            error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        except OSError as exc:
            error = f"network error: {exc.strerror or exc}"
        if status is not None and error is not None:
            # The status line came, then the reply broke off: the receiver did answer.
            error = None
        duration_ms = round((time.perf_counter() - clock) * 1000)
        return AttemptResult(
            started_at=started_at,
            duration_ms=duration_ms,
            status_code=status,
            error=error,
            succeeded=status is not None and 200 <= status < 300,
        )


async def _drain(response: aiohttp.ClientResponse) -> None:
    received = 0
    async for chunk in response.content.iter_chunked(16 * 1024):
        received += len(chunk)
        if received >= MAX_REPLY_BYTES:
            # Leaving the rest unread closes this connection instead of returning it.
            return

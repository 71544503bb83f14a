"""Rate limits on Redis with the ``limits`` library, shared by every worker process and host.

Fixed windows: a limit of N a minute allows exactly N requests for one identity in the minute
that starts at its first request (a counter in Redis that expires a minute after it is created;
the clock's minutes play no part), counted atomically. When Redis cannot be reached the limiter
fails open (the request is served and a warning logged): the limits protect capacity, and an
outage of the limiter must not become an outage of the API.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from limits import RateLimitItem, RateLimitItemPerMinute
from limits.aio.storage import RedisStorage
from limits.aio.strategies import FixedWindowRateLimiter
from limits.errors import StorageError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hirebridge.errors import ApiProblem
from hirebridge_floor.redis_client import PerLoop

logger = logging.getLogger(__name__)

_REDIS_SCHEMES = {"redis": "async+redis", "rediss": "async+rediss", "unix": "async+redis+unix"}


def limits_storage_uri(redis_url: str) -> str:
    """``redis://host/0`` -> ``async+redis://host/0`` (and likewise for TLS and unix sockets)."""
    scheme, separator, rest = redis_url.partition("://")
    if not separator or scheme not in _REDIS_SCHEMES:
        raise ValueError(f"not a Redis URL: {scheme}://...")
    return f"{_REDIS_SCHEMES[scheme]}://{rest}"


def _fixed_windows(redis_url: str, timeout: float) -> FixedWindowRateLimiter:
    storage = RedisStorage(
        limits_storage_uri(redis_url),
        implementation="redispy",
        wrap_exceptions=True,
        key_prefix="hirebridge:limits",
        socket_timeout=timeout,
        socket_connect_timeout=timeout,
    )
    return FixedWindowRateLimiter(storage)


@dataclass(frozen=True)
class Decision:
    """The outcome of counting one request against a limit."""

    allowed: bool
    limit: int
    remaining: int
    reset_seconds: int

    def limit_headers(self) -> list[tuple[bytes, bytes]]:
        """``X-RateLimit-Limit``, ``-Remaining`` and ``-Reset`` (seconds to the window's end)."""
        return [
            (b"x-ratelimit-limit", str(self.limit).encode()),
            (b"x-ratelimit-remaining", str(self.remaining).encode()),
            (b"x-ratelimit-reset", str(self.reset_seconds).encode()),
        ]

    def headers(self) -> list[tuple[bytes, bytes]]:
        """The limit headers, and ``Retry-After`` when refused."""
        pairs = self.limit_headers()
        if not self.allowed:
            pairs.append((b"retry-after", str(self.reset_seconds).encode()))
        return pairs


class RateLimiter:
    """Counts requests per identity in Redis; ``None`` from ``hit`` means Redis is unreachable."""

    def __init__(self, redis_url: str, *, timeout: float = 0.5) -> None:
        self.strategies = PerLoop(lambda: _fixed_windows(redis_url, timeout))

    async def close(self) -> None:
        """Close the connections to Redis (at shutdown)."""
        strategy = self.strategies.pop_current()
        if strategy is not None:
            # The redis-py bridge has the client; limits' base bridge type does not declare it.
            client = cast(Any, cast(RedisStorage, strategy.storage).bridge).get_connection()
            await client.aclose()

    async def hit(self, item: RateLimitItem, *identity: str) -> Decision | None:
        strategy = self.strategies.get()
        try:
            allowed = await strategy.hit(item, *identity)
            stats = await strategy.get_window_stats(item, *identity)
        except (StorageError, OSError) as error:
            logger.warning("rate limiter unavailable, serving without limits: %r", error)
            return None
        reset = max(0, math.ceil(stats.reset_time - time.time()))
        return Decision(
            allowed=allowed, limit=item.amount, remaining=stats.remaining, reset_seconds=reset
        )


RATE_FAMILY_EXTENSION = "x-rate-limit-family"
_HTTP_METHODS = frozenset({"get", "put", "post", "delete", "patch", "head", "options", "trace"})


def rate_families(spec: Mapping[str, Any], per_minute: Mapping[str, int]) -> dict[str, str]:
    """``operationId`` -> rate family, for every keyed operation of an OpenAPI document
    (docs/requirements.md#r1).

    The family is the operation's ``x-rate-limit-family``; a keyed operation without one, or with
    a family that has no limit, stops the start-up rather than going unlimited.
    """
    families: dict[str, str] = {}
    for path, item in spec.get("paths", {}).items():
        for method, operation in item.items():
            if method not in _HTTP_METHODS or not operation.get("security", spec.get("security")):
                continue
            family = operation.get(RATE_FAMILY_EXTENSION)
            if family not in per_minute:
                raise ValueError(
                    f"{method.upper()} {path}: {RATE_FAMILY_EXTENSION} must be one of "
                    f"{', '.join(per_minute)}, not {family!r}"
                )
            families[operation["operationId"]] = family
    return families


@dataclass(frozen=True)
class PublicLimit:
    """A per-address limit on requests to paths under ``prefix`` (``method`` ``None``: any)."""

    name: str
    prefix: str
    per_minute: int
    method: str | None = None
    suffix: str = ""

    def applies(self, method: str, path: str) -> bool:
        return (
            path.startswith(self.prefix)
            and path.endswith(self.suffix)
            and (self.method is None or self.method == method)
        )


def public_limits(*, board_per_minute: int, apply_per_minute: int) -> tuple[PublicLimit, ...]:
    """The job board's limits: applying has its own, tighter one; the first rule that applies
    to a request counts it."""
    return (
        PublicLimit("apply", "/public/", apply_per_minute, method="POST", suffix="/apply"),
        PublicLimit("board", "/public/", board_per_minute),
    )


class PublicRateLimitMiddleware:
    """Limits the public job board per client address (docs/requirements.md#j6), before a body is
    read.

    The client address is the connection's peer as the server reports it; behind a proxy,
    configure the server to trust the proxy's ``X-Forwarded-For`` (see the README).
    """

    def __init__(self, app: ASGIApp, *, limiter: RateLimiter, rules: Sequence[PublicLimit]) -> None:
        self.app = app
        self.limiter = limiter
        self.rules = [(rule, RateLimitItemPerMinute(rule.per_minute)) for rule in rules]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        match = next(
            (
                (rule, item)
                for rule, item in self.rules
                if rule.applies(scope["method"], scope["path"])
            ),
            None,
        )
        if match is None:
            await self.app(scope, receive, send)
            return
        rule, item = match
        client = scope.get("client")
        address = client[0] if client else "unknown"
        decision = await self.limiter.hit(item, "public", rule.name, address)
        if decision is None:
            await self.app(scope, receive, send)
            return
        if not decision.allowed:
            raise ApiProblem(
                "rate_limited",
                f"Too many requests; retry in {decision.reset_seconds} seconds.",
                headers={name.decode(): value.decode() for name, value in decision.headers()},
            )

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *decision.headers()]}
            await send(message)

        await self.app(scope, receive, send_with_headers)

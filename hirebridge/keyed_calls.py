"""Admission of keyed partner-API calls: the per-key rate limits (R1) and the monthly quota (C1).

A call is admitted by the security handler right after its key is authenticated, before scopes
are checked and long before the handler runs, so a refused call reads no body and charges nothing
(J4). The rate-limit headers go on every response to an authenticated call, 403s and validation
400s included: ``KeyedCallMiddleware`` wraps Connexion's exception middleware so it sees those
responses too, and hands each request a ``KeyedCall`` through the ASGI scope, where the security
handler finds it.

Both counters live in Redis. When Redis cannot be reached, calls are served without limits and
without headers (fail open, like the public board): the limits protect capacity, and an outage of
the limiter must not become an outage of the API.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from limits import RateLimitItem, RateLimitItemPerMinute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hirebridge.errors import ApiProblem
from hirebridge.operations import operation_id
from hirebridge.quota import MonthlyQuota
from hirebridge.ratelimit import Decision, RateLimiter
from storage.api_keys import Principal

_SCOPE_KEY = "hirebridge.keyed_call"


@dataclass(frozen=True)
class KeyedCallPolicy:
    """What every keyed call is measured against: one per application.

    Attributes:
        limiter: the Redis-backed fixed-window limiter (shared with the public board).
        quota: the monthly per-employer counter.
        families: ``operationId`` -> rate family, read from the OpenAPI documents.
        per_minute: calls per key per minute in each family, before the employer's multiplier.
    """

    limiter: RateLimiter
    quota: MonthlyQuota
    families: Mapping[str, str]
    per_minute: Mapping[str, int]

    def item(self, family: str, multiplier: int) -> RateLimitItem:
        return RateLimitItemPerMinute(self.per_minute[family] * multiplier)


class KeyedCall:
    """One request's admission state: counted at most once, remembered for the headers."""

    def __init__(self, policy: KeyedCallPolicy) -> None:
        self.policy = policy
        self.admitted = False
        self.rate: Decision | None = None

    @staticmethod
    def of(scope: Mapping[str, Any]) -> KeyedCall | None:
        """The request's ``KeyedCall``; ``None`` outside an application (unit tests)."""
        call = scope.get("extensions", {}).get(_SCOPE_KEY)
        return call if isinstance(call, KeyedCall) else None

    async def admit(self, principal: Principal, scope: Mapping[str, Any]) -> None:
        """Count the call for its key's family, then for its employer's month.

        Raises ``ApiProblem`` (429 ``rate_limited`` or ``quota_exceeded``) to refuse it. A call
        refused for its rate is not counted against the quota.
        """
        # Connexion tries each security scheme the request carries; count the call only once.
        if self.admitted:
            return
        self.admitted = True
        family = self.policy.families[str(operation_id(scope))]
        item = self.policy.item(family, principal.rate_multiplier)
        self.rate = await self.policy.limiter.hit(item, "key", str(principal.key_id), family)
        if self.rate is not None and not self.rate.allowed:
            raise ApiProblem(
                "rate_limited",
                f"Too many {family} requests for this API key; "
                f"retry in {self.rate.reset_seconds} seconds.",
                headers={"Retry-After": str(self.rate.reset_seconds)},
            )
        quota = await self.policy.quota.count(principal)
        if quota is not None and not quota.allowed:
            raise ApiProblem(
                "quota_exceeded",
                f"Your plan's {quota.quota:,} requests for this month are used up; "
                "the quota renews on the first of next month (UTC).",
                headers={"Retry-After": str(quota.retry_after_seconds)},
            )


class KeyedCallMiddleware:
    """Gives each request a ``KeyedCall`` and puts its rate-limit headers on the response.

    Installed outside Connexion's exception middleware, so the headers also reach responses made
    from errors (403, 400, 429, 404, ...). A 401 never carries them: nothing was counted.
    """

    def __init__(self, app: ASGIApp, *, policy: KeyedCallPolicy) -> None:
        self.app = app
        self.policy = policy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        call = KeyedCall(self.policy)
        # Connexion's routing copies the scope shallowly: the extensions dict, and so the call,
        # is shared with the scope the security handler sees.
        scope.setdefault("extensions", {})[_SCOPE_KEY] = call

        async def send_with_headers(message: Message) -> None:
            if (
                message["type"] == "http.response.start"
                and call.rate is not None
                and message["status"] != 401
            ):
                headers = [*message.get("headers", []), *call.rate.limit_headers()]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)

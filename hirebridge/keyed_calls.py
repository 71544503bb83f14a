"""Admission of keyed partner-API calls: the per-key rate limits (docs/requirements.md#r1) and the
monthly quota (docs/requirements.md#c1).

A call is admitted by the security handler as its key is authenticated, in the same Redis script
(``hirebridge.admission``: the key's cached principal, its rate window, its employer's month),
before scopes are checked and long before the handler runs, so a refused call reads no body and
charges nothing (docs/requirements.md#j4). A key Redis has no principal for is read from the
database once.

The rate-limit headers go on every response to an authenticated call, 403s and validation 400s
included: ``KeyedCallMiddleware`` wraps Connexion's exception middleware so it sees those
responses too, and hands each request a ``KeyedCall`` through the ASGI scope, where the security
handler finds it.

Both counters live in Redis. When Redis cannot be reached, keys are read from the database and
calls are served without limits and without headers (fail open, like the public board): the
limits protect capacity, and an outage of the limiter must not become an outage of the API.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from redis.exceptions import RedisError
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hirebridge.admission import Admission, Admitted, Miss
from hirebridge.errors import ApiProblem
from hirebridge.operations import operation_id
from hirebridge.quota import MonthlyQuota, QuotaDecision
from hirebridge.ratelimit import Decision
from storage import api_keys, usage
from storage.api_keys import Principal
from storage.clock import utcnow

_SCOPE_KEY = "hirebridge.keyed_call"

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class KeyedCallPolicy:
    """What every keyed call is measured against: one per application.

    Attributes:
        admission: the Redis script that finds the key's principal and counts the call.
        quota: the monthly per-employer counter's persistence and plan quotas.
        lookup: reads a key's principal from the database (``None``: no usable key).
        families: ``operationId`` -> rate family, read from the OpenAPI documents.
        per_minute: calls per key per minute in each family, before the employer's multiplier.
    """

    admission: Admission
    quota: MonthlyQuota
    lookup: Callable[[str], Principal | None]
    families: Mapping[str, str]
    per_minute: Mapping[str, int]


class KeyedCall:
    """One request's admission state, remembered for the headers.

    A request is admitted once, for its one key: ``hirebridge.security`` lets only the scheme
    that carried the key authenticate the call.
    """

    def __init__(self, policy: KeyedCallPolicy) -> None:
        self.policy = policy
        # Whose call this is, once the key is known (whether or not the call was then refused).
        self.principal: Principal | None = None
        self.rate: Decision | None = None
        # The employer's month with this call counted; None when unknown (Redis unreachable).
        self.quota: QuotaDecision | None = None
        # The generation of the caller's data for the read caches; None when unknown.
        self.data_generation: str | None = None

    @staticmethod
    def of(scope: Mapping[str, Any]) -> KeyedCall | None:
        """The request's ``KeyedCall``; ``None`` outside an application (unit tests)."""
        call = scope.get("extensions", {}).get(_SCOPE_KEY)
        return call if isinstance(call, KeyedCall) else None

    async def admit(self, token: str, scope: Mapping[str, Any]) -> Principal | None:
        """Authenticate ``token`` and count the call for its key's family, then for its
        employer's month; ``None`` means no usable key (401, nothing counted).

        Raises ``ApiProblem`` (429 ``rate_limited`` or ``quota_exceeded``) to refuse the call. A
        call refused for its rate is not counted against the quota.
        """
        family = self.policy.families[str(operation_id(scope))]
        now = utcnow()
        admit = functools.partial(
            self.policy.admission.admit,
            api_keys.hash_secret(token),
            now=now,
            family=family,
            per_minute=self.policy.per_minute[family],
            month=usage.month_of(now),
        )
        principal: Principal | None = None
        try:
            outcome = await admit()
            if isinstance(outcome, Miss):
                principal = await run_in_threadpool(self.policy.lookup, token)
                if principal is None:
                    return None
                outcome = await admit(read=(principal, outcome.generation))
        except (RedisError, OSError) as error:
            logger.warning("rate limiter unavailable, serving without limits: %r", error)
            if principal is None:
                principal = await run_in_threadpool(self.policy.lookup, token)
            self.principal = principal
            return principal
        if not isinstance(outcome, Admitted):
            return None  # expired since it was cached, or (racing a change) still a miss
        self.principal = outcome.principal
        self.rate = outcome.rate
        if not self.rate.allowed:
            raise ApiProblem(
                "rate_limited",
                f"Too many {family} requests for this API key; "
                f"retry in {self.rate.reset_seconds} seconds.",
                headers={"Retry-After": str(self.rate.reset_seconds)},
            )
        assert outcome.used_this_month is not None  # counted: the rate allowed it
        quota = await self.policy.quota.settle(outcome.principal, outcome.used_this_month, now)
        self.quota = quota
        if quota is not None and not quota.allowed:
            raise ApiProblem(
                "quota_exceeded",
                f"Your plan's {quota.quota:,} requests for this month are used up; "
                "the quota renews on the first of next month (UTC).",
                headers={"Retry-After": str(quota.retry_after_seconds)},
            )
        self.data_generation = outcome.data_generation
        return outcome.principal


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

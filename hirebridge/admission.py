"""One Redis round trip admits a keyed call: its cached principal, rate limit and monthly quota.

Every keyed partner-API call needs to know who is calling (the key's principal), to be counted
against its key's per-minute limit in its rate family (docs/requirements.md#r1) and against its
employer's monthly quota (docs/requirements.md#c1), and, for the read caches, the generation of the
employer's data. ``ADMIT`` does all of that in one Lua script, so a call with a known key makes no
database query and one Redis round trip before its handler runs.

Principals are cached in Redis, not in each process, so that every process of every host sees a
revocation at once: an entry is stored with the generation of principals it was read at, and any
committed change to a key or an employer (``storage.cache_invalidation``) increments that
generation, which turns every stored entry into a miss. An entry read from the database is stored
only if the generation did not move while it was read, so a lookup racing a revocation can never
store the revoked key. Entries also expire after ``PRINCIPAL_TTL_SECONDS``.

The script names keys it builds from the principal, so it needs a single Redis, not a cluster
(the limiter and queues assume one already).
"""

from __future__ import annotations

import json
import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from hirebridge.ratelimit import Decision
from hirebridge_floor.redis_client import PerLoop
from storage.api_keys import Principal
from storage.cache_invalidation import (
    ALL_JOBS_GENERATION_KEY,
    PRINCIPAL_GENERATION_KEY,
)
from storage.models import Plan

PRINCIPAL_TTL_SECONDS = 60
CACHE_EPOCH_KEY = "hirebridge:cache:epoch"
WINDOW_SECONDS = 60

logger = logging.getLogger(__name__)


def principal_key(secret_hash: str) -> str:
    return f"hirebridge:principal:{secret_hash}"


def usage_key(employer_id: int, month: str) -> str:
    """The employer's monthly call counter (``hirebridge.quota`` persists and re-seeds it)."""
    return f"hirebridge:usage:{employer_id}:{month}"


# KEYS: principal entry, principal generation, cache epoch, all-jobs generation.
# ARGV: now (epoch seconds), rate family, the family's per-minute limit before the multiplier,
# month, a fresh epoch (used if Redis has none: it restarted), a principal read from the database
# ('' if none), the generation it was read at, the entry's TTL, the usage counter's TTL, the rate
# window's length in seconds.
# Returns {'miss', generation} | {'expired'} |
# {'ok', principal, count, limit, window ttl, usage (-1: refused for its rate), data generation}.
_ADMIT = """
local epoch = redis.call('GET', KEYS[3])
if not epoch then
  redis.call('SET', KEYS[3], ARGV[5])
  epoch = ARGV[5]
end
local generation = redis.call('GET', KEYS[2]) or '0'
local raw = ARGV[6]
if raw ~= '' then
  if ARGV[7] == generation then
    redis.call('SET', KEYS[1], raw, 'EX', ARGV[8])
  end
else
  raw = redis.call('GET', KEYS[1])
  if not raw then
    return {'miss', generation}
  end
end
local principal = cjson.decode(raw)
if ARGV[6] == '' and tostring(principal.g) ~= generation then
  return {'miss', generation}
end
if principal.x ~= cjson.null and tonumber(principal.x) <= tonumber(ARGV[1]) then
  return {'expired'}
end
local limit = tonumber(ARGV[3]) * tonumber(principal.m)
local window = 'hirebridge:rate:' .. principal.k .. ':' .. ARGV[2]
local count = redis.call('INCR', window)
if count == 1 then
  redis.call('EXPIRE', window, ARGV[10])
end
local ttl = redis.call('TTL', window)
local used = -1
if count <= limit then
  local counter = 'hirebridge:usage:' .. principal.e .. ':' .. ARGV[4]
  used = redis.call('INCR', counter)
  if used == 1 then
    redis.call('EXPIRE', counter, ARGV[9])
  end
end
local all_jobs = redis.call('GET', KEYS[4]) or '0'
local jobs = redis.call('GET', 'hirebridge:cache:jobs:' .. principal.e) or '0'
return {'ok', raw, count, limit, ttl, used, epoch .. ':' .. all_jobs .. ':' .. jobs}
"""


def encode_principal(principal: Principal, generation: str) -> str:
    return json.dumps(
        {
            "k": principal.key_id,
            "e": principal.employer_id,
            "s": sorted(principal.scopes),
            "p": principal.plan.value,
            "m": principal.rate_multiplier,
            "x": principal.expires_at.timestamp() if principal.expires_at else None,
            "g": generation,
        },
        separators=(",", ":"),
    )


def decode_principal(raw: str | bytes) -> Principal:
    fields = json.loads(raw)
    expires = fields["x"]
    return Principal(
        key_id=fields["k"],
        employer_id=fields["e"],
        scopes=frozenset(fields["s"]),
        plan=Plan(fields["p"]),
        rate_multiplier=fields["m"],
        expires_at=None if expires is None else datetime.fromtimestamp(expires, UTC),
    )


@dataclass(frozen=True)
class Miss:
    """No usable cached principal; ``generation`` is what to store a database read under."""

    generation: str


@dataclass(frozen=True)
class Admitted:
    """A call counted for ``principal``: its rate decision, its employer's count this month
    (``None`` when refused for its rate, and so not counted), and the data generation."""

    principal: Principal
    rate: Decision
    used_this_month: int | None
    data_generation: str


EXPIRED = "expired"


class Admission:
    """Runs ``_ADMIT`` on the API's Redis; a ``RedisError`` or ``OSError`` means unreachable.

    It shares its clients with ``MonthlyQuota``, whose re-seeding of a lost counter must reach the
    Redis that has just counted the call.
    """

    def __init__(self, clients: PerLoop[aioredis.Redis], *, usage_ttl_seconds: int) -> None:
        self.clients = clients
        self.usage_ttl_seconds = usage_ttl_seconds
        self._scripts: PerLoop[Any] = PerLoop(lambda: self.clients.get().register_script(_ADMIT))

    def close(self) -> None:
        """Forget the running loop's script (the quota closes the shared client)."""
        self._scripts.pop_current()

    async def admit(
        self,
        secret_hash: str,
        *,
        now: datetime,
        family: str,
        per_minute: int,
        month: str,
        read: tuple[Principal, str] | None = None,
    ) -> Admitted | Miss | str:
        """Count a call of the key whose SHA-256 is ``secret_hash``.

        With ``read`` (a principal just read from the database and the generation it was read
        at), that principal is used, and cached if the generation still holds. Raises
        ``RedisError`` or ``OSError`` when Redis cannot be reached.
        """
        stored = encode_principal(*read) if read is not None else ""
        reply = await self._scripts.get()(
            keys=[
                principal_key(secret_hash),
                PRINCIPAL_GENERATION_KEY,
                CACHE_EPOCH_KEY,
                ALL_JOBS_GENERATION_KEY,
            ],
            args=[
                now.timestamp(),
                family,
                per_minute,
                month,
                secrets.token_hex(8),
                stored,
                read[1] if read is not None else "",
                PRINCIPAL_TTL_SECONDS,
                self.usage_ttl_seconds,
                WINDOW_SECONDS,
            ],
        )
        outcome = reply[0].decode()
        if outcome == "miss":
            return Miss(generation=reply[1].decode())
        if outcome == EXPIRED:
            return EXPIRED
        _, raw, count, limit, ttl, used, generation = reply
        return Admitted(
            principal=read[0] if read is not None else decode_principal(raw),
            rate=Decision(
                allowed=count <= limit,
                limit=limit,
                remaining=max(0, limit - count),
                reset_seconds=max(0, ttl),
            ),
            used_this_month=None if used < 0 else used,
            data_generation=generation.decode(),
        )


__all__ = ["EXPIRED", "Admission", "Admitted", "Miss", "RedisError"]

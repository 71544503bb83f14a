"""Monthly request quotas per employer (docs/requirements.md#c1), counted in Redis and persisted to
the database.

Every keyed call that passes its rate limit is one ``INCR`` of the key
``hirebridge:usage:<employer>:<YYYY-MM>`` (in ``hirebridge.admission``'s script), shared by every
worker process and host. The counters are copied to ``monthly_usage`` off the request path
(``UsageRecorder``), and a counter Redis has lost (a restart without persistence, an eviction) is
re-seeded from that copy: the call whose ``INCR`` answers 1 is the only one that sees the key
missing, so it alone adds the persisted count. Like the rate limiter, the quota fails open when
Redis cannot be reached.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from dataclasses import dataclass
from datetime import datetime

import redis.asyncio as aioredis
from redis.exceptions import RedisError
from starlette.concurrency import run_in_threadpool

from hirebridge.admission import usage_key
from hirebridge_floor.redis_client import PerLoop, connect_on_loop
from storage import usage
from storage.api_keys import Principal
from storage.clock import utcnow
from storage.db import Database

logger = logging.getLogger(__name__)

# A month's counter outlives its month by a few days, so late flushes still find it; then it goes.
COUNTER_TTL_SECONDS = 40 * 24 * 3600


@dataclass(frozen=True)
class QuotaDecision:
    """The outcome of counting one call against the employer's monthly quota."""

    allowed: bool
    used: int
    quota: int | None
    retry_after_seconds: int


class UsageRecorder:
    """Persists the monthly counters a process has seen, at most once per ``interval`` each.

    The newest count of each (employer, month) waits in memory; one timer thread per interval
    writes them all, so no request ever waits for the database. Writes keep the larger count
    (``usage.persist_requests``), so processes writing the same counter never move it back. A
    thread rather than an event-loop timer: the write must happen whichever loop (or none) is
    still running.
    """

    def __init__(self, database: Database, interval_seconds: float) -> None:
        self.database = database
        self.interval = interval_seconds
        self._lock = threading.Lock()
        # Held for a whole write, so that close() waits for a write in progress.
        self._writing = threading.Lock()
        self._pending: dict[tuple[int, str], int] = {}
        self._timer: threading.Timer | None = None
        self._closed = False

    def observe(self, employer_id: int, month: str, requests: int) -> None:
        """Remember ``requests`` as the month's count; schedule a write if none is due."""
        key = (employer_id, month)
        with self._lock:
            self._pending[key] = max(requests, self._pending.get(key, 0))
            if self._timer is None and not self._closed:
                self._timer = threading.Timer(self.interval, self._flush_logging_failures)
                self._timer.daemon = True
                self._timer.start()

    def _take(self) -> dict[tuple[int, str], int]:
        with self._lock:
            pending, self._pending = self._pending, {}
            self._timer = None
            return pending

    def flush(self) -> None:
        """Write every pending count now (the timer does this; so does the shutdown)."""
        with self._writing:
            pending = self._take()
            if not pending:
                return
            with self.database.unit_of_work() as session:
                for (employer_id, month), requests in sorted(pending.items()):
                    usage.persist_requests(session, employer_id, month, requests)

    def close(self) -> None:
        """Stop the timer and write what is pending: at shutdown, before the database closes.

        A timer flushing at the moment the database is disposed would strand its connection in a
        pool nobody closes, and one firing afterwards would open a new one; so the timer is
        cancelled, and a write already in progress (its timer no longer registered: ``_take``
        forgets it) is waited for by ``flush`` itself.
        """
        with self._lock:
            self._closed = True
            timer = self._timer
        if timer is not None:
            timer.cancel()
        self.flush()

    def _flush_logging_failures(self) -> None:
        try:
            self.flush()
        except Exception as error:  # a timer thread has no caller to raise to
            logger.warning("could not persist monthly usage: %r", error)


class MonthlyQuota:
    """Counts keyed calls per employer and calendar month (UTC) and applies the plan's quota."""

    def __init__(self, redis_url: str, recorder: UsageRecorder, *, timeout: float = 0.5) -> None:
        self.clients: PerLoop[aioredis.Redis] = PerLoop(
            lambda: connect_on_loop(redis_url, timeout=timeout)
        )
        self.recorder = recorder

    async def close(self) -> None:
        """Close the connections to Redis (at shutdown)."""
        client = self.clients.pop_current()
        if client is not None:
            await client.aclose()

    @staticmethod
    def counter_key(employer_id: int, month: str) -> str:
        return usage_key(employer_id, month)

    async def settle(self, principal: Principal, used: int, now: datetime) -> QuotaDecision | None:
        """Apply the quota to a call whose ``INCR`` of the month's counter (``counter_key``)
        answered ``used`` (``hirebridge.admission`` counts it); ``None`` means Redis is
        unreachable. The call that found the counter missing adds the persisted count first."""
        month = usage.month_of(now)
        if used == 1:
            key = self.counter_key(principal.employer_id, month)
            try:
                used = await self._reseed(self.clients.get(), key, principal.employer_id, month)
            except (RedisError, OSError) as error:
                logger.warning("usage counter unavailable, serving without the quota: %r", error)
                # Left at 1 it would never be re-seeded: let the next call find it missing.
                with contextlib.suppress(RedisError, OSError):
                    await self.clients.get().delete(key)
                return None
        self.recorder.observe(principal.employer_id, month, used)
        quota = usage.MONTHLY_REQUEST_QUOTA[principal.plan]
        return QuotaDecision(
            allowed=quota is None or used <= quota,
            used=used,
            quota=quota,
            retry_after_seconds=_seconds_until(usage.next_month_start(now), now),
        )

    async def requests_this_month(self, employer_id: int) -> int:
        """The employer's calls so far this month: the live counter, or the persisted copy when
        Redis has none or cannot be reached (what the portal shows beside the quota)."""
        month = usage.month_of(utcnow())
        try:
            live = await self.clients.get().get(self.counter_key(employer_id, month))
        except (RedisError, OSError) as error:
            logger.warning("usage counter unavailable, showing the persisted count: %r", error)
            live = None
        if live is not None:
            return int(live)
        return await run_in_threadpool(self._persisted, employer_id, month)

    async def _reseed(self, client: aioredis.Redis, key: str, employer_id: int, month: str) -> int:
        """The counter was missing: add what was persisted before Redis lost it."""
        persisted = await run_in_threadpool(self._persisted, employer_id, month)
        async with client.pipeline(transaction=True) as pipe:
            pipe.incrby(key, persisted)
            pipe.expire(key, COUNTER_TTL_SECONDS)
            total, _ = await pipe.execute()
        return int(total)

    def _persisted(self, employer_id: int, month: str) -> int:
        with self.recorder.database.unit_of_work() as session:
            return usage.persisted_requests(session, employer_id, month)


def _seconds_until(moment: datetime, now: datetime) -> int:
    return max(1, int((moment - now).total_seconds() + 0.999))

"""Each employer's log of its keyed API calls, for the portal's request log and usage chart.

One entry per call whose key was recognised (refused calls too: a 403 for a scope, a 429, a
validation 400): when, which key, method, path, ``operationId``, status, the error code of an
error response, duration and ``X-Request-Id``. Never a body, a header or a secret: the only
thing read from a response is the ``code`` of a small JSON error.

Written off the request path. ``RequestLogMiddleware`` only appends the entry to a per-process
buffer once the response has gone; a timer on the event loop writes the buffer to Redis about
once a second in one pipeline: per employer, one script that adds each call to the employer's
stream (one JSON field per entry; capped at about ``MAX_ENTRIES``, trimmed to ``KEPT_FOR``), and
one ``HINCRBY`` per employer, day and status class for the daily counts (kept ``DAYS_KEPT``
days). If Redis cannot be reached the batch is dropped with a warning: the log is a convenience,
never a reason to fail or slow a call. The portal reads it with ``hirebridge.request_log_reader``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import redis.asyncio as aioredis
from redis.exceptions import RedisError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hirebridge.keyed_calls import KeyedCall
from hirebridge.observability import operation_of
from hirebridge_floor.logging_setup import current_request_id
from hirebridge_floor.redis_client import PerLoop, connect_on_loop
from storage.clock import utcnow

logger = logging.getLogger(__name__)

MAX_ENTRIES = 10_000
KEPT_FOR = timedelta(days=7)
DAYS_KEPT = 32
FLUSH_SECONDS = 1.0
# Entries waiting in one process while Redis is unreachable; beyond this the oldest go.
MAX_BUFFERED = 10_000
# An error body larger than this is not one of the service's envelopes: its code is not read.
_ERROR_BODY_LIMIT = 4096
_API_PREFIX = "/api/"
STATUS_CLASSES = ("2xx", "4xx", "5xx")


def stream_key(employer_id: int) -> str:
    return f"hirebridge:requestlog:{employer_id}"


def day_key(employer_id: int, day: date) -> str:
    return f"hirebridge:requestdays:{employer_id}:{day.isoformat()}"


def status_class(status: int) -> str:
    return f"{status // 100}xx"


@dataclass(frozen=True)
class LoggedCall:
    """One keyed call as the log keeps it."""

    employer_id: int
    key_id: int
    at: datetime
    method: str
    path: str
    operation: str
    status: int
    error_code: str
    duration_ms: float
    request_id: str

    def packed(self) -> str:
        """The call as one stream field: a JSON array (cheaper to write than a field each)."""
        return json.dumps(
            [
                int(self.at.timestamp() * 1000),
                self.key_id,
                self.method,
                self.path,
                self.operation,
                self.status,
                self.error_code,
                round(self.duration_ms, 1),
                self.request_id,
            ],
            separators=(",", ":"),
        )

    @classmethod
    def unpacked(cls, employer_id: int, packed: bytes) -> LoggedCall:
        at, key_id, method, path, operation, status, error, duration, request_id = json.loads(
            packed
        )
        return cls(
            employer_id=employer_id,
            key_id=int(key_id),
            at=datetime.fromtimestamp(at / 1000, UTC),
            method=str(method),
            path=str(path),
            operation=str(operation),
            status=int(status),
            error_code=str(error),
            duration_ms=float(duration),
            request_id=str(request_id),
        )


# One command per employer and flush: the stream's appends, trimming (count, then age) and
# expiry in a script, so the writer's cost does not grow with a command per call.
_APPEND = """
for i = 4, #ARGV do
  redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'c', ARGV[i])
end
redis.call('XTRIM', KEYS[1], 'MINID', '~', ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[3])
return #ARGV - 3
"""
FIELD = b"c"


class _Batch:
    """The entries one event loop has buffered, and its pending flush."""

    def __init__(self, client: aioredis.Redis) -> None:
        self.client = client
        self.entries: list[LoggedCall] = []
        self.timer: asyncio.TimerHandle | None = None
        self.flushing: set[asyncio.Task[None]] = set()


class RequestLogWriter:
    """Buffers logged calls per process and writes them to Redis in batches."""

    def __init__(self, redis_url: str, *, flush_seconds: float = FLUSH_SECONDS) -> None:
        self.flush_seconds = flush_seconds
        self._batches: PerLoop[_Batch] = PerLoop(lambda: _Batch(connect_on_loop(redis_url)))

    def record(self, call: LoggedCall) -> None:
        """Buffer ``call``; a flush is scheduled if none is. Never waits and never raises."""
        batch = self._batches.get()
        batch.entries.append(call)
        if len(batch.entries) > MAX_BUFFERED:
            del batch.entries[: len(batch.entries) - MAX_BUFFERED]
        if batch.timer is None:
            loop = asyncio.get_running_loop()
            batch.timer = loop.call_later(self.flush_seconds, self._start_flush, batch)

    def _start_flush(self, batch: _Batch) -> None:
        batch.timer = None
        task = asyncio.get_running_loop().create_task(self._flush(batch))
        # The loop keeps only a weak reference to a task.
        batch.flushing.add(task)
        task.add_done_callback(batch.flushing.discard)

    async def flush(self) -> None:
        """Write what this loop has buffered now (tests, and the shutdown)."""
        batch = self._batches.get()
        if batch.timer is not None:
            batch.timer.cancel()
            batch.timer = None
        if batch.flushing:
            await asyncio.gather(*batch.flushing)
        await self._flush(batch)

    async def close(self) -> None:
        """Flush, then close this loop's connection (at shutdown)."""
        await self.flush()
        batch = self._batches.pop_current()
        if batch is not None:
            await batch.client.aclose()

    async def _flush(self, batch: _Batch) -> None:
        entries, batch.entries = batch.entries, []
        if not entries:
            return
        try:
            await write(batch.client, entries, datetime.now(UTC))
        except (RedisError, OSError) as error:
            logger.warning("request log unavailable, %d entries dropped: %r", len(entries), error)


async def write(client: aioredis.Redis, entries: Sequence[LoggedCall], now: datetime) -> None:
    """Append ``entries`` to their employers' streams and daily counts in one round trip."""
    oldest_kept = f"{int((now - KEPT_FOR).timestamp() * 1000)}-0"
    by_employer: dict[int, list[str]] = defaultdict(list)
    for entry in entries:
        by_employer[entry.employer_id].append(entry.packed())
    days: Counter[tuple[int, date, str]] = Counter(
        (entry.employer_id, entry.at.date(), status_class(entry.status)) for entry in entries
    )
    append = client.register_script(_APPEND)
    stream_ttl = int(KEPT_FOR.total_seconds()) + 86_400
    async with client.pipeline(transaction=False) as pipe:
        for employer_id, packed in by_employer.items():
            await append(
                keys=[stream_key(employer_id)],
                args=[MAX_ENTRIES, oldest_kept, stream_ttl, *packed],
                client=pipe,
            )
        for (employer_id, day, status), count in days.items():
            pipe.hincrby(day_key(employer_id, day), status, count)
            pipe.expire(day_key(employer_id, day), DAYS_KEPT * 86_400)
        await pipe.execute()


def error_code(body: bytes) -> str:
    """The ``code`` of a v1 (``{"code"}``) or v2 (``{"error": {"code"}}``) error envelope."""
    try:
        parsed: Any = json.loads(body)
    except ValueError:
        return ""
    if isinstance(parsed, dict) and isinstance(parsed.get("error"), dict):
        parsed = parsed["error"]
    code = parsed.get("code") if isinstance(parsed, dict) else None
    return code[:64] if isinstance(code, str) else ""


class RequestLogMiddleware:
    """Logs each keyed call once its response is complete (inside ``KeyedCallMiddleware``,
    outside Connexion's exception middleware, so refused calls are seen with their status)."""

    def __init__(self, app: ASGIApp, *, writer: RequestLogWriter) -> None:
        self.app = app
        self.writer = writer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(_API_PREFIX):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500
        error_body = bytearray()

        async def send_observed(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            elif status >= 400 and len(error_body) <= _ERROR_BODY_LIMIT:
                error_body.extend(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, send_observed)
        finally:
            call = KeyedCall.of(scope)
            principal = call.principal if call is not None else None
            if principal is not None:
                self.writer.record(
                    LoggedCall(
                        employer_id=principal.employer_id,
                        key_id=principal.key_id,
                        at=utcnow(),
                        method=scope["method"],
                        path=scope["path"],
                        operation=operation_of(scope),
                        status=status,
                        error_code=(
                            error_code(bytes(error_body))
                            if status >= 400 and len(error_body) <= _ERROR_BODY_LIMIT
                            else ""
                        ),
                        duration_ms=(time.perf_counter() - started) * 1000,
                        request_id=current_request_id.get() or "",
                    )
                )

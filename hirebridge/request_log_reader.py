"""Reading an employer's request log (``hirebridge.request_log`` writes it) for the portal.

At most the newest ``MAX_ENTRIES`` calls of the last ``KEPT_FOR`` are shown, whatever the
stream (trimmed approximately, to keep writing cheap) still holds; pages are in the order of the
calls' own times.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import redis.asyncio as aioredis

from hirebridge.request_log import (
    FIELD,
    KEPT_FOR,
    MAX_ENTRIES,
    STATUS_CLASSES,
    LoggedCall,
    day_key,
    status_class,
    stream_key,
)
from hirebridge_floor.redis_client import PerLoop, connect_on_loop


@dataclass(frozen=True)
class LogFilter:
    """What the portal's request log shows: every field ``None`` shows everything."""

    key_id: int | None = None
    status_class: str | None = None
    operation: str | None = None

    def matches(self, call: LoggedCall) -> bool:
        return (
            (self.key_id is None or call.key_id == self.key_id)
            and (self.status_class is None or status_class(call.status) == self.status_class)
            and (self.operation is None or call.operation == self.operation)
        )


@dataclass(frozen=True)
class LoggedEntry:
    """A logged call and its place in the stream (``entry_id``, the cursor of the next page)."""

    entry_id: str
    call: LoggedCall


@dataclass(frozen=True)
class LogPage:
    entries: list[LoggedEntry]
    # The cursor of the next (older) page; None on the last.
    older: str | None


@dataclass(frozen=True)
class DayCounts:
    day: date
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


class RequestLogReader:
    """Reads an employer's logged calls: at most the newest ``MAX_ENTRIES``, of ``KEPT_FOR``."""

    _CHUNK = 500

    def __init__(self, redis_url: str) -> None:
        self.clients: PerLoop[aioredis.Redis] = PerLoop(lambda: connect_on_loop(redis_url))

    async def close(self) -> None:
        client = self.clients.pop_current()
        if client is not None:
            await client.aclose()

    async def page(
        self, employer_id: int, log_filter: LogFilter, *, older_than: str | None, size: int
    ) -> LogPage:
        """The newest ``size`` matching calls older than the cursor ``older_than``.

        The stream is in the order the entries were written, and each API process writes its
        own about once a second, so a page is put in the order of the calls' own times. (Two
        calls of different processes less than a flush apart can still fall on either side of
        a page break.)
        """
        found: list[LoggedEntry] = []
        older = None
        async for entry in self._newest_first(employer_id, older_than):
            if log_filter.matches(entry.call):
                if len(found) == size:
                    older = found[-1].entry_id
                    break
                found.append(entry)
        found.sort(key=lambda entry: entry.call.at, reverse=True)
        return LogPage(found, older=older)

    async def with_request_id(self, employer_id: int, request_id: str) -> list[LoggedEntry]:
        """Every logged call with this ``X-Request-Id`` (a caller may reuse one), newest first."""
        found = [
            entry
            async for entry in self._newest_first(employer_id, None)
            if entry.call.request_id == request_id
        ]
        return sorted(found, key=lambda entry: entry.call.at, reverse=True)

    async def days(self, employer_id: int, last: date, count: int) -> list[DayCounts]:
        """Calls per status class on each of the ``count`` days up to ``last`` (UTC), oldest
        first; counts are kept ``DAYS_KEPT`` days."""
        days = [last - timedelta(days=back) for back in range(count - 1, -1, -1)]
        async with self.clients.get().pipeline(transaction=False) as pipe:
            for day in days:
                pipe.hgetall(day_key(employer_id, day))
            rows = await pipe.execute()
        return [
            DayCounts(
                day,
                {name: int(row.get(name.encode(), 0)) for name in STATUS_CLASSES},
            )
            for day, row in zip(days, rows, strict=True)
        ]

    async def _newest_first(
        self, employer_id: int, older_than: str | None
    ) -> AsyncIterator[LoggedEntry]:
        """The employer's entries from the newest (or from just below ``older_than``) down to
        the oldest shown: within ``KEPT_FOR``, and among the newest ``MAX_ENTRIES``."""
        client = self.clients.get()
        key = stream_key(employer_id)
        floor = await self._oldest_shown(client, key)
        upper = f"({older_than}" if older_than else "+"
        while True:
            chunk: Any = await client.xrevrange(key, max=upper, min=floor, count=self._CHUNK)
            for entry_id, fields in chunk:
                yield LoggedEntry(
                    entry_id.decode(), LoggedCall.unpacked(employer_id, fields[FIELD])
                )
            if len(chunk) < self._CHUNK:
                return
            upper = f"({chunk[-1][0].decode()}"

    @staticmethod
    async def _oldest_shown(client: aioredis.Redis, key: str) -> str:
        """The lowest entry id shown: a week back, or the ``MAX_ENTRIES``-th newest entry if the
        stream (trimmed approximately) holds a few more."""
        week = f"{int((datetime.now(UTC) - KEPT_FOR).timestamp() * 1000)}-0"
        surplus = int(await client.xlen(key)) - MAX_ENTRIES
        if surplus <= 0:
            return week
        beyond: Any = await client.xrange(key, min="-", max="+", count=surplus)
        last_hidden = beyond[-1][0].decode()
        return f"({last_hidden}" if _position(last_hidden) >= _position(week) else week


def _position(entry_id: str) -> tuple[int, int]:
    """A stream entry id (``1765000000000-3``) as the stream orders it."""
    milliseconds, _, sequence = entry_id.partition("-")
    return int(milliseconds), int(sequence or 0)

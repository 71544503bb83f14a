"""The one place the service asks for the time, so tests can move it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import lru_cache

_offset = timedelta(0)


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC (shifted by any offset a test has set)."""
    return datetime.now(UTC) + _offset


def set_offset(offset: timedelta) -> None:
    """Shift the clock of this process; only tests call this, and the search benchmark, to
    search its data as of the moment the data was made."""
    global _offset
    _offset = offset


# A list shows the same rows' times call after call: a page of 50 jobs formats 200 of them, and
# a hit costs a tenth of formatting one (bench/RESULTS.md, "Figures behind choices in the
# code"). Equal datetimes are the same instant, whatever their zones, so they share one text.
@lru_cache(maxsize=16_384)
def rfc3339(value: datetime) -> str:
    """``2026-05-01T09:00:00Z``: UTC, to the second, as every API response and event shows time."""
    # Formatted by hand: several times faster than isoformat (bench/RESULTS.md, "Figures behind
    # choices in the code").
    v = value.astimezone(UTC)
    return f"{v.year:04d}-{v.month:02d}-{v.day:02d}T{v.hour:02d}:{v.minute:02d}:{v.second:02d}Z"

"""storage.clock.rfc3339: how every API response and event writes a moment."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from storage.clock import rfc3339


@pytest.mark.parametrize(
    ("moment", "written"),
    [
        (datetime(2026, 5, 1, 9, 0, 0, tzinfo=UTC), "2026-05-01T09:00:00Z"),
        (datetime(2026, 5, 1, 9, 0, 59, 999_999, tzinfo=UTC), "2026-05-01T09:00:59Z"),
        (datetime(2026, 1, 1, 1, 30, tzinfo=timezone(timedelta(hours=2))), "2025-12-31T23:30:00Z"),
        (datetime(999, 3, 4, 5, 6, 7, tzinfo=UTC), "0999-03-04T05:06:07Z"),
    ],
)
def test_utc_to_the_second(moment: datetime, written: str) -> None:
    assert rfc3339(moment) == written
    assert rfc3339(moment) == moment.astimezone(UTC).replace(microsecond=0).isoformat().replace(
        "+00:00", "Z"
    )

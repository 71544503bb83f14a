"""The month a keyed call counts in (``storage.usage.month_of``): its UTC month, as ``YYYY-MM``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from storage.usage import month_of


@pytest.mark.parametrize(
    ("moment", "month"),
    [
        (datetime(2026, 5, 1, 0, 0, tzinfo=UTC), "2026-05"),
        # Late on the 31st of May at UTC-2 is June in UTC; early on the 1st of December at UTC+1
        # is still November.
        (datetime(2026, 5, 31, 23, 30, tzinfo=timezone(timedelta(hours=-2))), "2026-06"),
        (datetime(2026, 12, 1, 0, 30, tzinfo=timezone(timedelta(hours=1))), "2026-11"),
        (datetime(987, 3, 2, tzinfo=UTC), "0987-03"),
    ],
)
def test_a_moment_counts_in_its_utc_month(moment: datetime, month: str) -> None:
    assert month_of(moment) == month

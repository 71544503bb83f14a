"""Monthly request quotas per employer (docs/requirements.md#c1) and the durable copy of their
counters.

The live count of an employer's calls in a month is a Redis counter (one INCR per call, see
``hirebridge.quota``). This module holds the plans' quotas, the calendar arithmetic, and the
``monthly_usage`` rows the counters are persisted to so that a Redis restart loses (almost) nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storage.clock import utcnow
from storage.models import MonthlyUsage, Plan

# Requests per calendar month (UTC) per employer; None: unlimited. Free accounts cannot mint keys,
# so their 0 only matters for an employer moved down to the free plan: its keys are refused.
MONTHLY_REQUEST_QUOTA: dict[Plan, int | None] = {
    Plan.FREE: 0,
    Plan.STARTER: 1_000,
    Plan.PROFESSIONAL: 10_000,
    Plan.ENTERPRISE: None,
}


def month_of(moment: datetime) -> str:
    """``'2026-05'`` for any moment in May 2026 (UTC)."""
    # Each keyed call asks twice (its admission and its quota); formatted by hand, as
    # ``storage.clock.rfc3339`` is: ``strftime`` took three times as long.
    moment = moment.astimezone(UTC)
    return f"{moment.year:04d}-{moment.month:02d}"


def next_month_start(moment: datetime) -> datetime:
    """Midnight UTC on the first day of the month after ``moment``'s."""
    moment = moment.astimezone(UTC)
    year, month = (moment.year + 1, 1) if moment.month == 12 else (moment.year, moment.month + 1)
    return datetime(year, month, 1, tzinfo=UTC)


def persisted_requests(session: Session, employer_id: int, month: str) -> int:
    """The last persisted count of ``employer_id``'s calls in ``month`` (0 if none)."""
    count = session.scalar(
        select(MonthlyUsage.requests).where(
            MonthlyUsage.employer_id == employer_id, MonthlyUsage.month == month
        )
    )
    return int(count or 0)


def persist_requests(session: Session, employer_id: int, month: str, requests: int) -> None:
    """Store ``requests`` as the month's count unless a larger count is stored already.

    Counters only grow within a month, so keeping the larger value makes the write idempotent
    and lets several processes write the same counter in any order.
    """
    dialect = session.get_bind().dialect.name
    # ON CONFLICT is spelled by each dialect's own insert(); PostgreSQL's GREATEST is SQLite's
    # two-argument max().
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    larger = func.greatest if dialect == "postgresql" else func.max
    statement = insert(MonthlyUsage).values(
        employer_id=employer_id, month=month, requests=requests, updated_at=utcnow()
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["employer_id", "month"],
            set_={
                "requests": larger(MonthlyUsage.requests, statement.excluded.requests),
                "updated_at": statement.excluded.updated_at,
            },
        )
    )

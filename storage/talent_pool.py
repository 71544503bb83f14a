"""The talent pool as its lists show it: an employer's own records and its applicants, newest
first, read as plain rows (v1's numbered pages, v2's keyset slices)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import String, bindparam, cast, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Executable

from storage.candidate_scopes import in_talent_pool
from storage.loop_statements import LoopStatements
from storage.models import Candidate, CandidatePreferredCountry
from storage.paging import Order, Position, Slice
from storage.replica import replica_safe


@dataclass(frozen=True, slots=True)
class CandidateSummary:
    """A talent-pool record as its list shows it (every field a full profile shows).

    Lists read these from plain rows (a Core statement: no ORM objects, identity map or change
    tracking for a page of 50), the preferred countries in the same statement; the wire form
    reads one as it reads a ``Candidate``: the fields are the model's attributes.
    """

    id: int
    full_name: str
    email: str
    phone: str | None
    headline: str | None
    summary: str | None
    cv_text: str | None
    skills: list[str]
    city: str | None
    country_id: int | None
    last_active_at: datetime
    created_at: datetime
    updated_at: datetime
    preferred_country_ids: list[int]


@dataclass(frozen=True)
class CandidateSummaryPage:
    total: int
    items: list[CandidateSummary]


_CANDIDATES = Candidate.__table__
_COUNTRIES = CandidatePreferredCountry.__table__
# Every column of the summary but the preferred countries, in the order of its fields.
_SHOWN = tuple(_CANDIDATES.c[field] for field in CandidateSummary.__slots__[:-1])
# The candidate's preferred countries as one string of ids ("44,1"), read with the row: a
# statement of their own would be one round trip more per page.
_PREFERRED = (
    select(func.aggregate_strings(cast(_COUNTRIES.c.country_id, String), ","))
    .where(_COUNTRIES.c.candidate_id == _CANDIDATES.c.id)
    .scalar_subquery()
    .label("preferred_country_ids")
)
_PREFERRED_AT = len(_SHOWN)

# The talent pool, newest record first.
TALENT_POOL_ORDER = Order((_CANDIDATES.c.created_at, _CANDIDATES.c.id))

# Built once, with bound parameters: a call only binds its values (as the job lists do).
_IN_POOL = in_talent_pool(bindparam("employer_id"))
# The count is the window's (``count(*) OVER ()``), not ``paging.total_column``: the page reads
# the whole pool anyway (the newest of a union of two sets), and a count of its own read it twice
# (bench/RESULTS.md, issue 25, "a page's count").
_POOL_PAGE = (
    select(*_SHOWN, _PREFERRED, func.count().over().label("total_matches"))
    .where(_IN_POOL)
    .order_by(*TALENT_POOL_ORDER.clauses())
    .offset(bindparam("offset"))
    .limit(bindparam("limit"))
)
_POOL_COUNT = select(func.count()).select_from(_CANDIDATES).where(_IN_POOL)
_POOL_SLICES = {
    with_after: select(*_SHOWN, _PREFERRED)
    .where(
        _IN_POOL,
        *([TALENT_POOL_ORDER.after_bound()] if with_after else []),
    )
    .order_by(*TALENT_POOL_ORDER.clauses())
    .limit(bindparam("limit"))
    for with_after in (False, True)
}


def _summary(row: Any) -> CandidateSummary:
    countries = row[_PREFERRED_AT]
    # The same order as ``Candidate.preferred_countries``; the aggregate's own order is not
    # defined.
    ids = sorted(int(country) for country in countries.split(",")) if countries else []
    fields = (*row[:_PREFERRED_AT], ids)
    return CandidateSummary(*fields)


def _page_values(employer_id: int, page: int, page_size: int) -> dict[str, Any]:
    return {"employer_id": employer_id, "offset": (page - 1) * page_size, "limit": page_size}


def _page_of(rows: Sequence[Sequence[Any]]) -> CandidateSummaryPage:
    # The count of all records is the last column.
    return CandidateSummaryPage(total=rows[0][-1], items=[_summary(row) for row in rows])


@replica_safe
def list_talent_pool(
    session: Session, employer_id: int, *, page: int, page_size: int
) -> CandidateSummaryPage:
    """The employer's talent pool (own records and applicants to its jobs), newest first.

    The page and the count of all its records come from one statement; only a page past the
    end counts on its own.
    """
    rows = session.execute(_POOL_PAGE, _page_values(employer_id, page, page_size)).all()
    if rows:
        return _page_of(rows)
    total = session.scalar(_POOL_COUNT, {"employer_id": employer_id}) or 0
    return CandidateSummaryPage(total=total, items=[])


async def list_talent_pool_on_loop(
    reads: LoopStatements, employer_id: int, *, page: int, page_size: int
) -> CandidateSummaryPage | None:
    """``list_talent_pool`` on the event loop (``storage.loop_statements``); ``None`` when the page
    must be read on a thread instead, a page past the end among them (it counts on its own)."""
    values = _page_values(employer_id, page, page_size)
    rows = await reads.rows(_POOL_PAGE, values, replica_safe=True)
    return _page_of(rows) if rows else None


def _slice_query(
    employer_id: int, after: Position | None, limit: int
) -> tuple[Executable, dict[str, Any]]:
    # One row more than asked is read, to know whether another page follows without counting.
    values: dict[str, Any] = {"employer_id": employer_id, "limit": limit + 1}
    if after is not None:
        values.update(TALENT_POOL_ORDER.bound_position(after))
    return _POOL_SLICES[after is not None], values


def _slice_of(rows: Sequence[Sequence[Any]], limit: int) -> Slice[CandidateSummary]:
    return Slice.of([_summary(row) for row in rows], limit, TALENT_POOL_ORDER)


@replica_safe
def list_talent_pool_after(
    session: Session, employer_id: int, *, after: Position | None, limit: int
) -> Slice[CandidateSummary]:
    """``list_talent_pool`` after ``after`` in the same order (keyset paging)."""
    return _slice_of(session.execute(*_slice_query(employer_id, after, limit)).all(), limit)


async def list_talent_pool_after_on_loop(
    reads: LoopStatements, employer_id: int, *, after: Position | None, limit: int
) -> Slice[CandidateSummary] | None:
    """``list_talent_pool_after`` on the event loop (``storage.loop_statements``); ``None`` when the
    slice must be read on a thread instead."""
    rows = await reads.rows(*_slice_query(employer_id, after, limit), replica_safe=True)
    return None if rows is None else _slice_of(rows, limit)

"""Walking through a CV search's ranked results page after page (cursor paging of ``/api/v2``).

A ranked list has no column to page on: each call ranks the matches afresh, and the rank of a
profile depends on the query, its text and recency, and (on SQLite) on the rest of the corpus. So
a walk keeps three things from page to page (``SearchWalk``):

- ``started_at``: profiles created after the walk's first page are left out of it, so new
  profiles neither appear halfway through nor push the others down;
- ``offset``: where the previous page ended in the order of its call;
- ``anchors``: the ids of the previous page's profiles, last first. The next call looks for them
  near ``offset`` in its own order and resumes right after the first one it finds, so that
  profiles removed from (or added to) the results before that point do not shift the walk, and
  skips any profile it already served on the previous page.

Each page is exactly one ``search_candidates`` call (one ``cv_search`` credit), asked for a slice
that reaches ``RESYNC`` places on either side of the page so that the anchor can be found again.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.orm import Session

from storage.clock import utcnow
from storage.models import Employer
from storage.search.limits import MAX_RESULT_WINDOW
from storage.search.request import SearchHit, SearchRequest
from storage.search.service import search_candidates

# How far the previous page's last profile may move between two calls and still be found again.
RESYNC = 50
# How many of the previous page's ids a walk carries (to find its place, and to skip repeats).
ANCHORS = 20


@dataclass(frozen=True)
class SearchWalk:
    """Where a walk through one search's results stands after a page."""

    started_at: datetime
    offset: int
    anchors: tuple[int, ...]


@dataclass(frozen=True)
class SearchSlice:
    hits: list[SearchHit]
    has_more: bool
    total: int
    total_is_exact: bool
    walk: SearchWalk


def search_page_after(
    session: Session,
    employer: Employer,
    request: SearchRequest,
    *,
    walk: SearchWalk | None,
    limit: int,
) -> SearchSlice:
    """The next ``limit`` results of ``request`` after ``walk`` (the first ones when ``None``).

    ``request``'s own page and page size are ignored. Costs one ``cv_search`` credit, like any
    search call (see ``search_candidates``).
    """
    started_at = walk.started_at if walk else utcnow()
    offset = walk.offset if walk else 0
    low = max(0, offset - RESYNC) if walk else 0
    # Only the first MAX_RESULT_WINDOW results can be paged through at all.
    page, size = covering_page(low, min(offset + limit + RESYNC, MAX_RESULT_WINDOW))
    found = search_candidates(session, employer, replace(request, page=page, page_size=size))
    first = (page - 1) * size
    positions = {hit.candidate.id: first + index for index, hit in enumerate(found.hits)}
    resume = offset
    for anchor in walk.anchors if walk else ():
        if anchor in positions:
            resume = positions[anchor] + 1
            break
    served = set(walk.anchors) if walk else set()
    following = [
        (first + index, hit)
        for index, hit in enumerate(found.hits)
        if first + index >= resume
        and hit.candidate.id not in served
        and hit.candidate.created_at <= started_at
    ]
    page_rows = following[:limit]
    # Rows beyond the slice exist when the slice ended before the results did.
    beyond = first + len(found.hits) < found.total and len(found.hits) == size
    # A page whose rows were all left out (new profiles) still moves the walk past them.
    next_offset = page_rows[-1][0] + 1 if page_rows else max(resume, first + len(found.hits))
    hits = [hit for _, hit in page_rows]
    carried = tuple(hit.candidate.id for hit in reversed(hits))[:ANCHORS]
    return SearchSlice(
        hits=hits,
        has_more=len(following) > limit or beyond,
        total=found.total,
        total_is_exact=found.total_is_exact,
        walk=SearchWalk(
            started_at=started_at,
            offset=next_offset,
            anchors=carried or (walk.anchors if walk else ()),
        ),
    )


def covering_page(low: int, high: int, limit: int = MAX_RESULT_WINDOW) -> tuple[int, int]:
    """A page number and size whose page holds results ``low`` to ``high - 1`` (from 0) and
    ends by ``limit``: the smallest such size, so a deep page reads little more than it shows."""
    size = max(1, high - low)
    while low // size != (high - 1) // size or (low // size + 1) * size > limit:
        size += 1
    return low // size + 1, size

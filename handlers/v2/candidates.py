"""``/api/v2/candidates``: operation handlers of the Candidates tag."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from handlers import cursors
from handlers.context import Reply, employer_id, v2_one, v2_page
from handlers.representation import masked_candidate, owned_candidate
from handlers.shared import candidates as shared
from handlers.v2.pages import cursor_page_loop_first
from storage import talent_pool
from storage.db import unit_of_work
from storage.employers import get_employer
from storage.loop_statements import LoopStatements
from storage.paging import Position, Slice
from storage.search import walk as search_walk


async def list_candidates(
    token_info: dict[str, Any], limit: int = 20, cursor: str | None = None
) -> Reply:
    def fetch(
        session: Session, employer: int, after: Position | None, size: int
    ) -> Slice[talent_pool.CandidateSummary]:
        return talent_pool.list_talent_pool_after(session, employer, after=after, limit=size)

    async def fetch_on_loop(
        reads: LoopStatements, employer: int, after: Position | None, size: int
    ) -> Slice[talent_pool.CandidateSummary] | None:
        return await talent_pool.list_talent_pool_after_on_loop(
            reads, employer, after=after, limit=size
        )

    return await cursor_page_loop_first(
        token_info, "listCandidates", {}, (cursor, limit), fetch, fetch_on_loop, owned_candidate
    )


def create_candidate(token_info: dict[str, Any], body: dict[str, Any]) -> Reply:
    candidate = shared.create_candidate(token_info, body)
    return v2_one(candidate, 201, {"Location": f"/api/v2/candidates/{candidate['id']}"})


def search_candidates(
    token_info: dict[str, Any], body: dict[str, Any], limit: int = 20, cursor: str | None = None
) -> Reply:
    request = shared.search_request(body)
    # The cursor is bound to the query and filters; the page size may change from page to page.
    arguments = {
        "query": request.query,
        "preferredCountryIds": sorted(request.preferred_country_ids),
        "activeWithinDays": request.active_within_days,
    }
    scope = cursors.ListScope("searchCandidates", employer_id(token_info), arguments)
    position = cursors.read(scope, cursor)
    walk = None
    if position is not None:
        started_at, offset, anchors = position
        walk = search_walk.SearchWalk(started_at, offset, tuple(anchors))
    with unit_of_work() as session:
        employer = get_employer(session, employer_id(token_info))
        found = search_walk.search_page_after(session, employer, request, walk=walk, limit=limit)
        items = [masked_candidate(hit) for hit in found.hits]
    next_cursor = None
    if found.has_more:
        state = found.walk
        next_cursor = cursors.issue(scope, [state.started_at, state.offset, list(state.anchors)])
    body, status = v2_page(items, next_cursor, limit)[:2]
    body["meta"] = {"total": found.total, "totalIsExact": found.total_is_exact}
    return body, status


def get_candidate(token_info: dict[str, Any], candidate_id: int) -> Reply:
    return v2_one(shared.get_candidate(token_info, candidate_id))


def update_candidate(token_info: dict[str, Any], candidate_id: int, body: dict[str, Any]) -> Reply:
    return v2_one(shared.update_candidate(token_info, candidate_id, body))

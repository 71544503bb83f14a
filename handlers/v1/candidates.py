"""``/api/v1/candidates``: operation handlers of the Candidates tag."""

from __future__ import annotations

from typing import Any

from handlers import loop_first
from handlers.context import Reply, employer_id, v1_page
from handlers.representation import masked_candidate, owned_candidate
from handlers.shared import candidates as shared
from storage import talent_pool
from storage.db import read_only, unit_of_work
from storage.employers import get_employer
from storage.loop_statements import LoopStatements
from storage.search.service import search_candidates as run_search


async def list_candidates(token_info: dict[str, Any], page: int = 1, page_size: int = 50) -> Reply:
    employer = employer_id(token_info)

    def read() -> talent_pool.CandidateSummaryPage:
        with read_only() as session:
            return talent_pool.list_talent_pool(session, employer, page=page, page_size=page_size)

    async def read_on_loop(reads: LoopStatements) -> talent_pool.CandidateSummaryPage | None:
        return await talent_pool.list_talent_pool_on_loop(
            reads, employer, page=page, page_size=page_size
        )

    result = await loop_first.run(read, read_on_loop)
    items = [owned_candidate(candidate) for candidate in result.items]
    return v1_page(result.total, page, page_size, items)


def create_candidate(token_info: dict[str, Any], body: dict[str, Any]) -> Reply:
    candidate = shared.create_candidate(token_info, body)
    return candidate, 201, {"Location": f"/api/v1/candidates/{candidate['id']}"}


def search_candidates(token_info: dict[str, Any], body: dict[str, Any]) -> Reply:
    request = shared.search_request(
        body, page=body.get("pageNumber", 1), page_size=body.get("pageSize", 20)
    )
    with unit_of_work() as session:
        employer = get_employer(session, employer_id(token_info))
        result = run_search(session, employer, request)
        items = [masked_candidate(hit) for hit in result.hits]
    return {
        "total": result.total,
        "totalIsExact": result.total_is_exact,
        "page": request.page,
        "pageSize": request.page_size,
        "items": items,
    }, 200


def get_candidate(token_info: dict[str, Any], candidate_id: int) -> Reply:
    return shared.get_candidate(token_info, candidate_id), 200


def update_candidate(token_info: dict[str, Any], candidate_id: int, body: dict[str, Any]) -> Reply:
    return shared.update_candidate(token_info, candidate_id, body), 200

"""``/api/v1/candidates``: operation handlers of the Candidates tag."""

from __future__ import annotations

from typing import Any

from handlers.context import Reply, employer_id
from handlers.representation import (
    candidate_fields,
    candidate_profile,
    masked_candidate,
    owned_candidate,
)
from storage import candidates
from storage.db import unit_of_work
from storage.employers import get_employer


def list_candidates(token_info: dict[str, Any], page: int = 1, page_size: int = 50) -> Reply:
    with unit_of_work() as session:
        result = candidates.list_talent_pool(
            session, employer_id(token_info), page=page, page_size=page_size
        )
        items = [owned_candidate(candidate) for candidate in result.items]
    return {"total": result.total, "page": page, "pageSize": page_size, "items": items}, 200


def create_candidate(token_info: dict[str, Any], body: dict[str, Any]) -> Reply:
    with unit_of_work() as session:
        candidate = candidates.create_owned_candidate(
            session, employer_id(token_info), candidate_fields(body)
        )
        reply = owned_candidate(candidate)
    return reply, 201, {"Location": f"/api/v1/candidates/{candidate.id}"}


def search_candidates(token_info: dict[str, Any], body: dict[str, Any]) -> Reply:
    request = candidates.SearchRequest(
        query=body["query"],
        preferred_country_ids=tuple(body.get("preferredCountryIds", ())),
        active_within_days=body.get("activeWithinDays"),
        page=body.get("pageNumber", 1),
        page_size=body.get("pageSize", 20),
    )
    with unit_of_work() as session:
        employer = get_employer(session, employer_id(token_info))
        result = candidates.search_candidates(session, employer, request)
        items = [masked_candidate(hit) for hit in result.hits]
    return {
        "total": result.total,
        "totalIsExact": result.total_is_exact,
        "page": request.page,
        "pageSize": request.page_size,
        "items": items,
    }, 200


def get_candidate(token_info: dict[str, Any], candidate_id: int) -> Reply:
    with unit_of_work() as session:
        employer = get_employer(session, employer_id(token_info))
        reply = candidate_profile(candidates.get_profile(session, employer, candidate_id))
    return reply, 200


def update_candidate(token_info: dict[str, Any], candidate_id: int, body: dict[str, Any]) -> Reply:
    with unit_of_work() as session:
        candidate = candidates.update_owned_candidate(
            session, employer_id(token_info), candidate_id, candidate_fields(body)
        )
        reply = owned_candidate(candidate)
    return reply, 200

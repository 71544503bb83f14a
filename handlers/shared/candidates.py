"""The Candidates operations, version-neutral (search paging differs by version)."""

from __future__ import annotations

from typing import Any

from handlers.context import employer_id
from handlers.representation import candidate_fields, candidate_profile, owned_candidate
from storage import candidates
from storage.db import unit_of_work
from storage.employers import get_employer
from storage.search.request import SearchRequest


def search_request(body: dict[str, Any], *, page: int = 1, page_size: int = 20) -> SearchRequest:
    """A search request body's query and filters, as the search service takes them."""
    return SearchRequest(
        query=body["query"],
        preferred_country_ids=tuple(body.get("preferredCountryIds", ())),
        active_within_days=body.get("activeWithinDays"),
        page=page,
        page_size=page_size,
    )


def create_candidate(token_info: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    with unit_of_work() as session:
        candidate = candidates.create_owned_candidate(
            session, employer_id(token_info), candidate_fields(body)
        )
        return owned_candidate(candidate)


def get_candidate(token_info: dict[str, Any], candidate_id: int) -> dict[str, Any]:
    with unit_of_work() as session:
        employer = get_employer(session, employer_id(token_info))
        return candidate_profile(candidates.get_profile(session, employer, candidate_id))


def update_candidate(
    token_info: dict[str, Any], candidate_id: int, body: dict[str, Any]
) -> dict[str, Any]:
    with unit_of_work() as session:
        candidate = candidates.update_owned_candidate(
            session, employer_id(token_info), candidate_id, candidate_fields(body)
        )
        return owned_candidate(candidate)

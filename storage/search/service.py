"""The CV search service: a boolean query over the profiles an employer may search, ranked, paid
for with one ``cv_search`` credit, and answered with masked rows."""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, Select, bindparam, exists, or_, select
from sqlalchemy.orm import Session

from storage.candidate_scopes import UNLOCK_PERIOD, applied_to
from storage.clock import utcnow
from storage.credits import charge_credit, refuse_if_unpaid
from storage.errors import InvalidRequest
from storage.models import (
    Candidate,
    CandidatePreferredCountry,
    CandidateUnlock,
    CreditKind,
    Employer,
)
from storage.replica import replica_reads
from storage.search import limits, postgres_search, sqlite_statements
from storage.search.query import parse_query
from storage.search.request import MaskedProfile, SearchHit, SearchPage, SearchRequest, initials


def search_candidates(session: Session, employer: Employer, request: SearchRequest) -> SearchPage:
    """Boolean search over profiles (docs/requirements.md#j2), ranked by relevance then recency;
    costs one ``cv_search``.

    The query is checked before anything is charged, and the charge commits with the search.
    An employer with no credit to pay with is refused before the search runs.

    Work is bounded whatever the number of matches: at most 10,000 are counted (beyond that,
    ``total`` is 10,000 and ``total_is_exact`` false), and relevance ranks the 1,000 most recently
    active matches, which come first, best first; later matches follow by recency.

    Matching, counting and ranking may be served by the read replica; they run before the
    charge, which would otherwise keep them on the primary (a session that wrote reads its own
    writes), and which then holds the balance's row lock only for the rest of the transaction.
    The page's rows, with whether each is unlocked, are read from the primary: an unlock is the
    caller's own write.
    """
    node = parse_query(request.query)
    if request.page_end > limits.MAX_RESULT_WINDOW:
        window = limits.MAX_RESULT_WINDOW
        raise InvalidRequest(
            f"Only the first {window} results can be paged through; narrow the query."
        )
    refuse_if_unpaid(session, employer, CreditKind.CV_SEARCH)
    with replica_reads(session):
        postgresql = session.get_bind().dialect.name == "postgresql"
        search = postgres_search.search if postgresql else sqlite_statements.search
        total, ids = search(session, node, employer.id, request)
    charge_credit(session, employer, CreditKind.CV_SEARCH, reason="cv_search", reference="search")
    exact = total <= limits.MAX_RESULT_WINDOW
    return SearchPage(
        total=total if exact else limits.MAX_RESULT_WINDOW,
        total_is_exact=exact,
        hits=_hits(session, employer.id, ids),
    )


def _hit_statements() -> tuple[Select[*tuple[Any, ...]], Select[int, int]]:
    """The statements ``_hits`` runs, built once (every value is a parameter): the page's rows,
    with whether the employer may see each full profile for free (unlocked since
    ``unlocked_after``, applied to one of its jobs, or its own record), and their preferred
    countries."""
    employer_id = bindparam("employer_id", type_=BigInteger)
    ids = bindparam("ids", type_=BigInteger, expanding=True)
    unlocked = exists().where(
        CandidateUnlock.employer_id == employer_id,
        CandidateUnlock.candidate_id == Candidate.id,
        CandidateUnlock.unlocked_at > bindparam("unlocked_after"),
    )
    free = or_(unlocked, applied_to(employer_id), Candidate.owner_employer_id == employer_id)
    rows = select(
        Candidate.id,
        Candidate.full_name,
        Candidate.headline,
        Candidate.skills,
        Candidate.city,
        Candidate.country_id,
        Candidate.last_active_at,
        Candidate.created_at,
        free.label("free"),
    ).where(Candidate.id.in_(ids))
    countries = (
        select(CandidatePreferredCountry.candidate_id, CandidatePreferredCountry.country_id)
        .where(CandidatePreferredCountry.candidate_id.in_(ids))
        .order_by(CandidatePreferredCountry.country_id)
    )
    return rows, countries


_HIT_ROWS, _HIT_COUNTRIES = _hit_statements()


def _hits(session: Session, employer_id: int, ids: list[int]) -> list[SearchHit]:
    """The rows of ``ids``, in that order, masked as they are read: the name becomes its initials
    here, and the contact details, summary and CV text are never selected."""
    if not ids:
        return []
    connection = session.connection()
    values = {"employer_id": employer_id, "ids": ids, "unlocked_after": utcnow() - UNLOCK_PERIOD}
    found = {row.id: row for row in connection.execute(_HIT_ROWS, values)}
    countries: dict[int, list[int]] = {candidate_id: [] for candidate_id in ids}
    for candidate_id, country_id in connection.execute(_HIT_COUNTRIES, values):
        countries[candidate_id].append(country_id)
    return [
        SearchHit(
            candidate=MaskedProfile(
                id=row.id,
                initials=initials(row.full_name),
                headline=row.headline,
                skills=list(row.skills or []),
                city=row.city,
                country_id=row.country_id,
                preferred_country_ids=countries[row.id],
                last_active_at=row.last_active_at,
                created_at=row.created_at,
            ),
            is_unlocked=bool(row.free),
        )
        # A profile the replica matched may be gone from the primary since.
        for row in (found[candidate_id] for candidate_id in ids if candidate_id in found)
    ]

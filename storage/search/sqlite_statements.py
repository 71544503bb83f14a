"""The search on SQLite: ``candidates`` filtered, with the words matched in ``candidate_fts``
(FTS5) and ranked by its bm25."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import ColumnElement, exists, func, literal_column, select, text
from sqlalchemy.orm import Session

from storage.candidate_scopes import searchable_by
from storage.clock import utcnow
from storage.models import Candidate, CandidatePreferredCountry
from storage.search import limits
from storage.search import sqlite as fts5
from storage.search.indexing import CANDIDATE_FTS
from storage.search.query import Node
from storage.search.request import SearchRequest


def search(
    session: Session, node: Node, employer_id: int, request: SearchRequest
) -> tuple[int, list[int]]:
    """(matches counted up to 10,001; the ids of the requested page), on ``candidates`` with the
    words in ``candidate_fts``: the ``keep`` most recent matches come back, and the first
    ``RESCORE_WINDOW`` of them are ordered by rank here."""
    keep = limits.kept(request)
    filters: list[ColumnElement[bool]] = [searchable_by(employer_id)]
    if request.preferred_country_ids:
        filters.append(
            exists().where(
                CandidatePreferredCountry.candidate_id == Candidate.id,
                CandidatePreferredCountry.country_id.in_(request.preferred_country_ids),
            )
        )
    if request.active_within_days is not None:
        filters.append(
            Candidate.last_active_at >= utcnow() - timedelta(days=request.active_within_days)
        )
    matches = select(Candidate.id.label("id"), Candidate.last_active_at).where(
        _matching(node), *filters
    )
    newest_first = (Candidate.last_active_at.desc(), Candidate.id.desc())
    sample = matches.limit(limits.MAX_RESULT_WINDOW + 1).cte("sample")
    counted = select(func.count()).select_from(sample).scalar_subquery()
    found: list[Any] = list(
        session.execute(
            select(sample.c.id, sample.c.last_active_at, counted.label("total"))
            .order_by(sample.c.last_active_at.desc(), sample.c.id.desc())
            .limit(keep)
        )
    )
    total = found[0].total if found else 0
    if total > limits.MAX_RESULT_WINDOW:
        # More matches than are counted: the most recent ones are served. The sample holds real
        # matches, so at least ``keep`` of all matches are as recent as its keep-th most recent.
        recent = matches.where(Candidate.last_active_at >= found[-1].last_active_at)
        found = list(session.execute(recent.order_by(*newest_first).limit(keep)))
    window = found[: limits.RESCORE_WINDOW]
    ranks = _ranks(session, node, [row.id for row in window])
    window.sort(key=lambda row: (ranks.get(row.id, 0.0), row.last_active_at, row.id), reverse=True)
    ordered = window + found[limits.RESCORE_WINDOW :]
    return total, [
        row.id for row in ordered[request.page_end - request.page_size : request.page_end]
    ]


def _matching(node: Node) -> ColumnElement[bool]:
    expression = fts5.match_expression(node)
    if expression is not None:
        return Candidate.id.in_(
            select(CANDIDATE_FTS.c.rowid).where(
                literal_column("candidate_fts").op("MATCH")(expression)
            )
        )
    condition = fts5.condition(node)
    return text(condition.sql).bindparams(**condition.params)  # type: ignore[return-value]


def _ranks(session: Session, node: Node, ids: list[int]) -> dict[int, float]:
    """FTS5's bm25 (smaller is better, hence the minus) when one MATCH can say the whole query;
    otherwise every match ranks the same and recency orders them."""
    expression = fts5.match_expression(node)
    if expression is None or not ids:
        return {}
    rows = session.execute(
        select(CANDIDATE_FTS.c.rowid, -func.bm25(literal_column("candidate_fts"))).where(
            literal_column("candidate_fts").op("MATCH")(expression), CANDIDATE_FTS.c.rowid.in_(ids)
        )
    )
    return {candidate_id: float(rank) for candidate_id, rank in rows}

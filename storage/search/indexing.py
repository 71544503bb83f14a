"""Filing a profile's words in the full-text index, in the caller's transaction: PostgreSQL's
``candidate_search`` and ``candidate_search_words`` rows, SQLite's ``candidate_fts`` table."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Text, cast, column, literal, table
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Session

from storage.models import Candidate, CandidateSearch, CandidateSearchWords
from storage.search import postgres as pg_search
from storage.search import sqlite as sqlite_search
from storage.search.tokens import document_words

# SQLite's FTS5 table: a profile's words under the candidate's id (``rowid``).
CANDIDATE_FTS = table("candidate_fts", column("rowid"), column("body"))


def searchable_words(candidate: Candidate, *, stemmed: bool = True) -> list[str]:
    """The words search matches a profile on (never its name or contact details)."""
    return document_words(
        [
            candidate.headline,
            candidate.summary,
            " ".join(candidate.skills or []),
            candidate.city,
            candidate.cv_text,
        ],
        stemmed=stemmed,
    )


def index_profile(session: Session, candidate: Candidate) -> None:
    """Write the profile's words to the full-text index, in the caller's transaction."""
    document = searchable_words(candidate)
    # The row needs its id before its words can be filed under it.
    session.flush()
    if session.get_bind().dialect.name == "postgresql":
        _index_postgres(session, candidate, document)
        return
    session.execute(CANDIDATE_FTS.delete().where(CANDIDATE_FTS.c.rowid == candidate.id))
    session.execute(
        CANDIDATE_FTS.insert().values(rowid=candidate.id, body=sqlite_search.fts_document(document))
    )


def _index_postgres(session: Session, candidate: Candidate, document: list[str]) -> None:
    """The candidate's search rows: what matching filters on (the preferred countries and recency
    among them, as lexemes), and what ranking reads."""
    vectors = pg_search.search_vectors(
        document, candidate.last_active_at, candidate.preferred_country_ids
    )
    _upsert(
        session,
        CandidateSearch,
        candidate.id,
        owner_employer_id=candidate.owner_employer_id,
        in_cv_database=candidate.in_cv_database,
        last_active_at=candidate.last_active_at,
        terms=cast(literal(vectors.terms, Text), TSVECTOR),
        ambiguous_triples=vectors.ambiguous[0],
        ambiguous_triples_2=vectors.ambiguous[1],
    )
    _upsert(
        session,
        CandidateSearchWords,
        candidate.id,
        words=cast(literal(vectors.words, Text), TSVECTOR),
        length=vectors.length,
    )


def _upsert(
    session: Session,
    model: type[CandidateSearch | CandidateSearchWords],
    candidate_id: int,
    **values: Any,
) -> None:
    statement = postgresql.insert(model).values(candidate_id=candidate_id, **values)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[model.candidate_id],
            set_={name: statement.excluded[name] for name in values},
        )
    )

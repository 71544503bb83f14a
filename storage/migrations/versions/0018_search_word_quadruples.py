"""search word quadruples

PostgreSQL's matching vector (``candidate_search.terms``) now also lists every run of four adjacent
words, without positions and behind three U+2063 (``storage.search.postgres.quad_lexeme``), as it
lists the triples since 0016. A quoted phrase of four words (``"senior site reliability engineer"``)
is then one GIN key that the index answers alone; until now the profiles holding its two triples
had each to be checked against the phrase on their ranking words, about 10,000 checks for a broad
phrase (bench/RESULTS.md). Longer phrases name their quadruples and are still checked. The
ranking vector and its length are unchanged, so ranks are too.

A profile's words now stop where they would make its matching vector too large for PostgreSQL
(``storage.search.tokens.MAX_DOCUMENT_COST``; a CV of 200,000 characters of distinct words could
not be stored even before the quadruples). Profiles whose searchable text is long enough to reach
that cut (over 30,000 characters: each word costs at most three times the characters it takes) are
first written again by this release's code, in Python, on both databases, so every database and
the tests' reference search the same words; the rest gain their quadruples in SQL from the ranking
vector, as 0016 made the triples, in one ``ALTER COLUMN ... TYPE ... USING`` pass that keeps the
table's order (0015) and its ``EXTERNAL`` storage. It holds the table's lock meanwhile: plan it for
a quiet hour (timed at 1M profiles in bench/RESULTS.md) and run ``VACUUM ANALYZE candidate_search``
after it. Downgrade removes the quadruples; profiles written again keep the cut (fewer words, which
the code before this release reads the same way).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06
"""

from __future__ import annotations

from typing import Any

from alembic import op
from sqlalchemy import String, cast, func, literal_column, select, text

from storage.models import Candidate
from storage.search import postgres as pg_search
from storage.search import sqlite as sqlite_search
from storage.search.indexing import searchable_words

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

# Searchable text shorter than this cannot reach the cut (a word costs its length plus 5, and takes
# its length plus a separator: at most three times its characters, for one-letter words).
_LONG_TEXT = 30_000

# chr(8291) is U+2063, the prefix no query word can have; a quadruple starts with three of them.


def upgrade() -> None:
    _rewrite_long_profiles()
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        """
        CREATE FUNCTION pg_temp.word_quads(id bigint) RETURNS tsvector
        LANGUAGE sql STABLE AS $$
            SELECT array_to_tsvector(ARRAY(
                SELECT DISTINCT quad FROM (
                    SELECT repeat(chr(8291), 3) || lexeme || ' ' || lead(lexeme) OVER w || ' '
                            || lead(lexeme, 2) OVER w || ' ' || lead(lexeme, 3) OVER w AS quad,
                        lead(position, 3) OVER w - position AS span
                    FROM candidate_search_words,
                        unnest(words) AS word(lexeme, positions, weights),
                        unnest(positions) AS position
                    WHERE candidate_id = id
                    WINDOW w AS (ORDER BY position)
                ) adjacent
                WHERE span = 3
            ))
        $$
        """
    )
    _alter_terms("terms || pg_temp.word_quads(candidate_id)")
    op.execute("DROP FUNCTION pg_temp.word_quads(bigint)")
    # The new lexemes' statistics (the search reads them to choose how to search a broad query).
    op.execute("ANALYZE candidate_search")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        """
        CREATE FUNCTION pg_temp.without_quads(terms tsvector) RETURNS tsvector
        LANGUAGE sql IMMUTABLE AS $$
            SELECT ts_delete(terms, ARRAY(
                SELECT lexeme FROM unnest(terms) WHERE starts_with(lexeme, repeat(chr(8291), 3))))
        $$
        """
    )
    _alter_terms("pg_temp.without_quads(terms)")
    op.execute("DROP FUNCTION pg_temp.without_quads(tsvector)")
    op.execute("ANALYZE candidate_search")


def _alter_terms(using: str) -> None:
    op.execute(
        f"ALTER TABLE candidate_search ALTER COLUMN terms TYPE tsvector USING {using}, "
        "ALTER COLUMN terms SET STORAGE EXTERNAL"
    )


def _rewrite_long_profiles() -> None:
    """The search rows of every profile whose searchable text could reach the cut, written again
    by this release's code (with the cut, and on PostgreSQL with the quadruples)."""
    table = Candidate.__table__.c
    fields = [table.headline, table.summary, table.city, table.cv_text]
    length = func.coalesce(func.length(cast(table.skills, String)), 0)
    for field in fields:
        length = length + func.coalesce(func.length(field), 0)
    postgresql = op.get_bind().dialect.name == "postgresql"
    columns = [table.id, table.last_active_at, table.skills, *fields]
    if postgresql:
        columns.append(
            literal_column(
                "ARRAY(SELECT country_id FROM candidate_preferred_countries p "
                "WHERE p.candidate_id = candidates.id ORDER BY country_id)"
            ).label("countries")
        )
    # Only rows that have search rows already: what writes a profile's search rows is unchanged.
    indexed = (
        "candidates.id IN (SELECT candidate_id FROM candidate_search)"
        if postgresql
        else "candidates.id IN (SELECT rowid FROM candidate_fts)"
    )
    rows = op.get_bind().execute(
        select(*columns).where(length > _LONG_TEXT, text(indexed)).order_by(table.id)
    )
    for row in rows:
        if postgresql:
            _write_postgres(row)
        else:
            _write_sqlite(row)


def _words(row: Any) -> list[str]:
    shell = Candidate(
        headline=row.headline,
        summary=row.summary,
        skills=row.skills,
        city=row.city,
        cv_text=row.cv_text,
    )
    return searchable_words(shell)


def _write_postgres(row: Any) -> None:
    vectors = pg_search.search_vectors(_words(row), row.last_active_at, row.countries)
    bind = op.get_bind()
    bind.execute(
        text("UPDATE candidate_search SET terms = CAST(:terms AS tsvector) WHERE candidate_id = :id"),
        {"terms": vectors.terms, "id": row.id},
    )
    bind.execute(
        text(
            "UPDATE candidate_search_words SET words = CAST(:words AS tsvector), length = :length "
            "WHERE candidate_id = :id"
        ),
        {"words": vectors.words, "length": vectors.length, "id": row.id},
    )


def _write_sqlite(row: Any) -> None:
    bind = op.get_bind()
    bind.execute(text("DELETE FROM candidate_fts WHERE rowid = :id"), {"id": row.id})
    bind.execute(
        text("INSERT INTO candidate_fts (rowid, body) VALUES (:id, :body)"),
        {"id": row.id, "body": sqlite_search.fts_document(_words(row))},
    )

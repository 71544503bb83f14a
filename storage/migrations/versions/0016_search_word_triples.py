"""search word triples

PostgreSQL's matching vector (``candidate_search.terms``) now also lists every triple of adjacent
words, without positions and behind two U+2063 (``storage.search.postgres.triple_lexeme``), as it
lists the pairs since 0007. A quoted phrase of three words is then one GIN key that the index
answers alone (``'site reliabl engin'``); until now its positions had to be checked on every
candidate, each one's ``terms`` read back from TOAST: for a phrase with over 10,000 matches, about
200 ms of every search (bench/RESULTS.md). Longer phrases name their triples as hints and still
check positions. The ranking vector (``candidate_search_words``) and its length are unchanged, so
ranks are too. SQLite is unchanged (FTS5 matches phrases itself).

The triples are made in SQL from each profile's ranking vector: its words with their positions are
the profile's words in order (a word repeated past PostgreSQL's position limit was stored as a gap,
``storage.search.tokens.FILLER``, and a gap breaks a triple there as it does a pair). The column is
rewritten with ``ALTER COLUMN ... TYPE ... USING``, as in 0008 and 0009: one pass, in the table's
order, so the recency order of 0015 is kept, that writes a compact new table and rebuilds its
indexes; the same statement keeps the storage ``EXTERNAL`` (``ALTER COLUMN ... TYPE`` resets it).
It holds the table's lock meanwhile, so searches wait for it: plan it for a quiet hour (timed at 1M
profiles in bench/RESULTS.md), and run ``VACUUM ANALYZE candidate_search`` after it. Downgrade
removes the triples the same way.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06
"""

from __future__ import annotations

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

# chr(8291) is U+2063, the prefix no query word can have; a triple starts with two of them.


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        """
        CREATE FUNCTION pg_temp.word_triples(id bigint) RETURNS tsvector
        LANGUAGE sql STABLE AS $$
            SELECT array_to_tsvector(ARRAY(
                SELECT DISTINCT triple FROM (
                    SELECT chr(8291) || chr(8291) || lexeme || ' ' || lead(lexeme) OVER w || ' '
                            || lead(lexeme, 2) OVER w AS triple,
                        lead(position, 2) OVER w - position AS span,
                        lead(position) OVER w - position AS step
                    FROM candidate_search_words,
                        unnest(words) AS word(lexeme, positions, weights),
                        unnest(positions) AS position
                    WHERE candidate_id = id
                    WINDOW w AS (ORDER BY position)
                ) adjacent
                WHERE step = 1 AND span = 2
            ))
        $$
        """
    )
    _rewrite("terms || pg_temp.word_triples(candidate_id)")
    op.execute("DROP FUNCTION pg_temp.word_triples(bigint)")
    # The new lexemes' statistics (the search reads them to choose how to search a broad query).
    op.execute("ANALYZE candidate_search")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        """
        CREATE FUNCTION pg_temp.without_triples(terms tsvector) RETURNS tsvector
        LANGUAGE sql IMMUTABLE AS $$
            SELECT ts_delete(terms, ARRAY(
                SELECT lexeme FROM unnest(terms) WHERE starts_with(lexeme, chr(8291) || chr(8291))))
        $$
        """
    )
    _rewrite("pg_temp.without_triples(terms)")
    op.execute("DROP FUNCTION pg_temp.without_triples(tsvector)")
    op.execute("ANALYZE candidate_search")


def _rewrite(using: str) -> None:
    op.execute(
        f"ALTER TABLE candidate_search ALTER COLUMN terms TYPE tsvector USING {using}, "
        "ALTER COLUMN terms SET STORAGE EXTERNAL"
    )

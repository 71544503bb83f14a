"""search overlap contexts

A quoted phrase of five words or more is matched by the GIN index on its quadruples (0018), and a
profile can hold them apart only where a triple at which two of them overlap stands in it in more
than one context (0019). Until now each match whose signatures had a bit of such a triple was
checked on the ranking words, a lookup by key each: a fifth of the 11,000 matches of the
benchmark's slowest query (``"BSc Logistics and Supply Chain Management" AND (SAP OR WMS)``) at 1M
profiles, where the overlap ``and suppli chain`` also stands in sentences.

PostgreSQL's matching vector (``candidate_search.terms``) now also lists, for each triple that
stands in the profile in more than one context, the triple behind four U+2063 (its mark:
``storage.search.postgres.ambiguous_mark``) and each five words it stands in behind five
(``context_lexeme``), without positions. At each overlap the search then requires the mark to be
absent or the phrase's own five words there to be present, which the GIN index answers alone: a
phrase of five words needs no check at all, a longer one only where two of its overlaps could be
ambiguous (``storage.search.postgres.index_query``). The ranking vector, its length and the
signatures are unchanged, so ranks are too.

Existing rows gain the lexemes in SQL from the ranking vector's positions (0019's computation of
the ambiguous triples, with their contexts), in one ``ALTER COLUMN ... TYPE ... USING`` pass that
keeps the table's order (0015) and its ``EXTERNAL`` storage; only rows whose signature says they
have an ambiguous triple are computed. It holds the table's lock meanwhile: plan it for a quiet
hour (timed at 1M profiles in bench/RESULTS.md) and run ``VACUUM ANALYZE candidate_search`` after
it. Profiles written by the previous release after this migration lack the lexemes, and a five-word
phrase could then match one that holds its quadruples apart: restart the API processes right after
it, as every release. Downgrade removes the lexemes.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07
"""

from __future__ import annotations

from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


# chr(8291) is U+2063: a mark starts with four of them, a context with five.
def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        """
        CREATE FUNCTION pg_temp.overlap_contexts(id bigint) RETURNS tsvector
        LANGUAGE sql STABLE AS $$
            WITH contexts AS (
                SELECT triple, before, after FROM (
                    SELECT lexeme || ' ' || lead(lexeme) OVER w || ' ' || lead(lexeme, 2) OVER w
                            AS triple,
                        lead(position, 2) OVER w - position AS span,
                        CASE WHEN lag(position) OVER w = position - 1
                            THEN lag(lexeme) OVER w END AS before,
                        CASE WHEN lead(position, 3) OVER w = position + 3
                            THEN lead(lexeme, 3) OVER w END AS after
                    FROM candidate_search_words,
                        unnest(words) AS word(lexeme, positions, weights),
                        unnest(positions) AS position
                    WHERE candidate_id = id
                    WINDOW w AS (ORDER BY position)
                ) runs
                WHERE span = 2
            ),
            ambiguous AS (
                SELECT triple FROM contexts
                GROUP BY triple
                HAVING count(DISTINCT ARRAY[before, after]) > 1
            )
            SELECT array_to_tsvector(ARRAY(
                SELECT repeat(chr(8291), 4) || triple FROM ambiguous
                UNION
                SELECT repeat(chr(8291), 5) || before || ' ' || triple || ' ' || after
                FROM contexts JOIN ambiguous USING (triple)
                WHERE before IS NOT NULL AND after IS NOT NULL
            ))
        $$
        """
    )
    # A row with no bit in its first signature has no ambiguous triple (0019; the default, every
    # bit, is computed).
    _alter_terms(
        "CASE WHEN ambiguous_triples = 0 THEN terms "
        "ELSE terms || pg_temp.overlap_contexts(candidate_id) END"
    )
    op.execute("DROP FUNCTION pg_temp.overlap_contexts(bigint)")
    op.execute("ANALYZE candidate_search")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        """
        CREATE FUNCTION pg_temp.without_contexts(terms tsvector) RETURNS tsvector
        LANGUAGE sql IMMUTABLE AS $$
            SELECT ts_delete(terms, ARRAY(
                SELECT lexeme FROM unnest(terms) WHERE starts_with(lexeme, repeat(chr(8291), 4))))
        $$
        """
    )
    _alter_terms("pg_temp.without_contexts(terms)")
    op.execute("DROP FUNCTION pg_temp.without_contexts(tsvector)")
    op.execute("ANALYZE candidate_search")


def _alter_terms(using: str) -> None:
    op.execute(
        f"ALTER TABLE candidate_search ALTER COLUMN terms TYPE tsvector USING {using}, "
        "ALTER COLUMN terms SET STORAGE EXTERNAL"
    )

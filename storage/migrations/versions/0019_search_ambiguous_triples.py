"""search ambiguous triples

A quoted phrase of five words or more is matched by the GIN index on its quadruples of adjacent
words (0018); a profile holding them all almost always holds the phrase, and until now every such
match was checked against the query on its ranking words, about 10 us each (a five-word phrase
with 4,440 matches: 57 ms at p95, bench/RESULTS.md). But a profile can hold a phrase's quadruples
apart only if a triple where two of them overlap stands in it in more than one context (the words
just before and after it; ``storage.search.postgres.ambiguous_triples``). ``candidate_search``
gains ``ambiguous_triples``, a 64-bit signature of the profile's ambiguous triples (one bit each,
from their MD5), and a match is checked only if its signature has a bit of the phrase's
overlapping triples.

The column's default is every bit (-1): check every such match, as before this release, so a row
written without it is still searched right. Existing rows get their signature from the ranking
vector's positions, in SQL, in one ``ALTER COLUMN ... TYPE ... USING`` pass that keeps the table's
order (0015); it rewrites the table (its matching vectors' TOAST included) and holds its lock
meanwhile: plan it for a quiet hour (timed at 1M profiles in bench/RESULTS.md). In a database whose
encoding is not UTF-8 existing rows keep the default. Downgrade drops the column.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06
"""

from __future__ import annotations

from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "ALTER TABLE candidate_search ADD COLUMN ambiguous_triples bigint NOT NULL DEFAULT -1"
    )
    # The code hashes a triple's UTF-8 bytes; so does md5() here only in a UTF-8 database. In any
    # other, existing rows keep the default: every long phrase checked on them, as before.
    if op.get_bind().exec_driver_sql("SHOW server_encoding").scalar() != "UTF8":
        return
    # A triple is three consecutive positions; before and after it, the words at the positions
    # next to it, if any (a repeat past 256, a FILLER, has no position in the ranking vector).
    op.execute(
        """
        CREATE FUNCTION pg_temp.ambiguous_triples(id bigint) RETURNS bigint
        LANGUAGE sql STABLE AS $$
            SELECT CASE
                WHEN NOT EXISTS (SELECT FROM candidate_search_words WHERE candidate_id = id)
                    THEN -1
                ELSE coalesce(bit_or(1::bigint << (get_byte(decode(md5(triple), 'hex'), 0) & 63)), 0)
            END
            FROM (
                SELECT triple FROM (
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
                GROUP BY triple
                HAVING count(DISTINCT ARRAY[before, after]) > 1
            ) ambiguous
        $$
        """
    )
    op.execute(
        "ALTER TABLE candidate_search ALTER COLUMN ambiguous_triples TYPE bigint "
        "USING pg_temp.ambiguous_triples(candidate_id)"
    )
    op.execute("DROP FUNCTION pg_temp.ambiguous_triples(bigint)")
    op.execute("ANALYZE candidate_search")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE candidate_search DROP COLUMN ambiguous_triples")

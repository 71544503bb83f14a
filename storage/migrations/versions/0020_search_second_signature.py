"""search second signature

A match of a quoted phrase of five words or more is checked on the ranking words only where the
profile's 64-bit signature of ambiguous triples (0019) has a bit of the phrase's overlapping
triples. With one bit per triple among 64, and six such triples in an average profile, a bit was
shared by chance in 6-27% of the matches of three of the benchmark's long phrases at 1M profiles,
and each such match cost a check it did not need (bench/RESULTS.md). ``candidate_search`` gains
``ambiguous_triples_2``, a second signature of the same triples from another byte of their MD5; a
match is checked only if both signatures have a bit of the phrase
(``storage.search.postgres.triple_bits``): a Bloom filter of two hash functions, which left a
fifth to a thirtieth of those chance checks there.

The column's default is every bit (-1), as 0019's: a row written without it is checked as before
this release. Existing rows get the signature from the ranking vector's positions, in SQL, in one
``ALTER COLUMN ... TYPE ... USING`` pass that keeps the table's order (0015); like 0019 it rewrites
the table (its matching vectors' TOAST included) and holds its lock meanwhile: plan it for a quiet
hour (timed at 1M profiles in bench/RESULTS.md). In a database whose encoding is not UTF-8
existing rows keep the default. Downgrade drops the column.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06
"""

from __future__ import annotations

from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "ALTER TABLE candidate_search ADD COLUMN ambiguous_triples_2 bigint NOT NULL DEFAULT -1"
    )
    # The code hashes a triple's UTF-8 bytes; so does md5() here only in a UTF-8 database.
    if op.get_bind().exec_driver_sql("SHOW server_encoding").scalar() != "UTF8":
        return
    # 0019's computation of the ambiguous triples, with the second byte of each one's MD5.
    op.execute(
        """
        CREATE FUNCTION pg_temp.second_signature(id bigint) RETURNS bigint
        LANGUAGE sql STABLE AS $$
            SELECT CASE
                WHEN NOT EXISTS (SELECT FROM candidate_search_words WHERE candidate_id = id)
                    THEN -1
                ELSE coalesce(bit_or(1::bigint << (get_byte(decode(md5(triple), 'hex'), 1) & 63)), 0)
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
        "ALTER TABLE candidate_search ALTER COLUMN ambiguous_triples_2 TYPE bigint "
        "USING pg_temp.second_signature(candidate_id)"
    )
    op.execute("DROP FUNCTION pg_temp.second_signature(bigint)")
    op.execute("ANALYZE candidate_search")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE candidate_search DROP COLUMN ambiguous_triples_2")

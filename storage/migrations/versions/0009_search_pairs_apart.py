"""search pairs apart

In PostgreSQL's matching vector (``candidate_search.terms``) each pair of adjacent words (``'process
engineer'``, no positions) now starts with U+2063, like the recency and country lexemes, so that a
prefix term (``engin*``) matches words only: every pair starting with the prefix was one more GIN
key to read, for no match the words did not already make (``storage.search.postgres.pair_lexeme``). A
pair is the one kind of lexeme with a space. SQLite is unchanged.

The column is rewritten with ``ALTER COLUMN ... TYPE ... USING``, as in 0008: one pass that writes
a compact new table and rebuilds its indexes; run ``VACUUM ANALYZE candidate_search`` after it.

The same statement sets the column's storage to ``EXTERNAL``: out of line and never compressed.
``terms`` is read back only to check the positions of a phrase of three or more words, and then
decompressing it is most of the cost (about twice the time of reading it uncompressed; the
figures are in bench/RESULTS.md, "Figures behind choices in the code"). Until now it was left to pglz, which gave up
on most vectors as the service wrote them, but compressed most of them once the pairs moved to the
end of the vector.
(``ALTER COLUMN ... TYPE`` resets the storage to the type's default, so it is set again with it;
the downgrade restores ``EXTENDED``.)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# chr(8291) is U+2063, the prefix no query word can have.
_MARK = "chr(8291)"


def _rewrite(name: str, pairs: str, renamed: str, storage: str) -> None:
    """Rewrite ``terms`` with each lexeme of ``pairs`` (a condition on ``lexeme``) replaced by
    ``renamed`` (an expression of ``lexeme``), stored as ``storage``. Pairs have no positions, so
    concatenating them back shifts nothing."""
    op.execute(
        f"""
        CREATE FUNCTION pg_temp.{name}(terms tsvector) RETURNS tsvector
        LANGUAGE sql IMMUTABLE AS $$
            SELECT ts_delete(terms, ARRAY(SELECT lexeme FROM unnest(terms) WHERE {pairs}))
                || array_to_tsvector(ARRAY(
                    SELECT {renamed} FROM unnest(terms) WHERE {pairs}))
        $$
        """
    )
    op.execute(
        f"ALTER TABLE candidate_search ALTER COLUMN terms TYPE tsvector USING pg_temp.{name}(terms), "
        f"ALTER COLUMN terms SET STORAGE {storage}"
    )
    op.execute(f"DROP FUNCTION pg_temp.{name}(tsvector)")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    _rewrite(
        "pairs_apart",
        f"strpos(lexeme, ' ') > 0 AND NOT starts_with(lexeme, {_MARK})",
        f"{_MARK} || lexeme",
        "EXTERNAL",
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    _rewrite(
        "pairs_together",
        f"strpos(lexeme, ' ') > 0 AND starts_with(lexeme, {_MARK})",
        "substr(lexeme, 2)",
        "EXTENDED",
    )

"""search country lexemes

PostgreSQL's matching vector (``candidate_search.terms``) also holds each preferred country of the
profile as a lexeme (U+2063, ``c.``, the country id; ``storage.search.postgres``), so the
``preferredCountryIds`` filter is part of the GIN query instead of a lookup per match. SQLite is
unchanged.

The column is rewritten with ``ALTER COLUMN ... TYPE ... USING``: one pass that writes a compact
new table (an ``UPDATE`` would leave every old row version behind, doubling the heap) and rebuilds
its indexes. ``USING`` allows no subquery, so a temporary function reads the countries.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# chr(8291) is U+2063, the prefix no query word can have.
_COUNTRY_PREFIX = "chr(8291) || 'c.'"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        f"""
        CREATE FUNCTION pg_temp.country_lexemes(candidate bigint) RETURNS tsvector
        LANGUAGE sql STABLE AS $$
            SELECT coalesce(array_to_tsvector(array_agg({_COUNTRY_PREFIX} || country_id::text)),
                            ''::tsvector)
            FROM candidate_preferred_countries WHERE candidate_id = candidate
        $$
        """
    )
    op.execute(
        "ALTER TABLE candidate_search ALTER COLUMN terms TYPE tsvector "
        "USING terms || pg_temp.country_lexemes(candidate_id)"
    )
    op.execute("DROP FUNCTION pg_temp.country_lexemes(bigint)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        f"""
        CREATE FUNCTION pg_temp.without_countries(terms tsvector) RETURNS tsvector
        LANGUAGE sql IMMUTABLE AS $$
            SELECT ts_delete(terms, ARRAY(
                SELECT lexeme FROM unnest(terms)
                WHERE starts_with(lexeme, {_COUNTRY_PREFIX})))
        $$
        """
    )
    op.execute(
        "ALTER TABLE candidate_search ALTER COLUMN terms TYPE tsvector "
        "USING pg_temp.without_countries(terms)"
    )
    op.execute("DROP FUNCTION pg_temp.without_countries(tsvector)")

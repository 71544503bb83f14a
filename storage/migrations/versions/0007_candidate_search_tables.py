"""candidate search tables

PostgreSQL's CV search gets tables of its own instead of ``candidates.search_vector``:
``candidate_search``, narrow rows that matching, counting and ordering by recency read (the
matching vector, words with positions plus every pair of adjacent words, kept out of line), and
``candidate_search_words``, the words and positions only (no pairs, under half the size, inline)
that ranking reads. SQLite searches its ``candidate_fts`` table and only loses the column it never
filled.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import storage.types

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        op.execute("ALTER TABLE candidates DROP COLUMN search_vector")
        return

    op.create_table('candidate_search',
    sa.Column('candidate_id', sa.BigInteger(), nullable=False),
    sa.Column('owner_employer_id', sa.BigInteger(), nullable=True),
    sa.Column('in_cv_database', sa.Boolean(), nullable=False),
    sa.Column('last_active_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('terms', postgresql.TSVECTOR(), nullable=False),
    sa.ForeignKeyConstraint(['candidate_id'], ['candidates.id'],
        name=op.f('fk_candidate_search_candidate_id_candidates'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('candidate_id', name=op.f('pk_candidate_search'))
    )
    # A row over 2 KB is toasted down to 128 bytes, not the default 2 KB: ``terms`` (several KB
    # even compressed) always leaves the heap row, which stays a few dozen bytes.
    op.execute("ALTER TABLE candidate_search SET (toast_tuple_target = 128)")
    op.create_table('candidate_search_words',
    sa.Column('candidate_id', sa.BigInteger(), nullable=False),
    sa.Column('words', postgresql.TSVECTOR(), nullable=False),
    sa.Column('length', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['candidate_id'], ['candidates.id'],
        name=op.f('fk_candidate_search_words_candidate_id_candidates'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('candidate_id', name=op.f('pk_candidate_search_words'))
    )
    # Compressed but inline: ranking reads it without a trip to the TOAST table.
    op.execute("ALTER TABLE candidate_search_words ALTER COLUMN words SET STORAGE MAIN")

    # The existing vectors are the matching form already, plus the recency buckets (the day of the
    # last activity and its 16-, 256- and 4,096-day periods; storage.search.postgres). The ranking
    # form is the words alone: no pairs or buckets (the lexemes without positions); the length
    # counts positions, and 1 per pair.
    op.execute(
        """
        WITH moved AS (
            INSERT INTO candidate_search
                (candidate_id, owner_employer_id, in_cv_database, last_active_at, terms)
            SELECT c.id, c.owner_employer_id, c.in_cv_database, c.last_active_at,
                   coalesce(c.search_vector, ''::tsvector) || array_to_tsvector(ARRAY[
                       chr(8291) || '0.' || d.day::text,
                       chr(8291) || '1.' || floor(d.day / 16.0)::bigint::text,
                       chr(8291) || '2.' || floor(d.day / 256.0)::bigint::text,
                       chr(8291) || '3.' || floor(d.day / 4096.0)::bigint::text])
            FROM candidates c
            CROSS JOIN LATERAL (
                SELECT floor(extract(epoch FROM c.last_active_at) / 86400)::bigint AS day
            ) d
            RETURNING candidate_id, terms
        )
        INSERT INTO candidate_search_words (candidate_id, words, length)
        SELECT candidate_id,
               ts_delete(terms, ARRAY(SELECT lexeme FROM unnest(terms) WHERE positions IS NULL)),
               (SELECT coalesce(sum(coalesce(array_length(positions, 1), 1)), 0)
                FROM unnest(terms) WHERE left(lexeme, 1) <> chr(8291))
        FROM moved
        """
    )
    op.create_index('ix_candidate_search_terms', 'candidate_search', ['terms'],
                    unique=False, postgresql_using='gin')
    op.drop_index('ix_candidates_search_vector', table_name='candidates', postgresql_using='gin')
    op.drop_column('candidates', 'search_vector')


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        op.execute("ALTER TABLE candidates ADD COLUMN search_vector TEXT")
        return

    op.add_column('candidates', sa.Column('search_vector', postgresql.TSVECTOR(), nullable=True))
    op.execute(
        "UPDATE candidates c SET search_vector = s.terms FROM candidate_search s "
        "WHERE s.candidate_id = c.id"
    )
    op.create_index('ix_candidates_search_vector', 'candidates', ['search_vector'],
                    unique=False, postgresql_using='gin')
    op.drop_table('candidate_search_words')
    op.drop_table('candidate_search')

"""candidates and unlocks

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from sqlalchemy.dialects import postgresql

import storage.types

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('candidates',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('owner_employer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('in_cv_database', sa.Boolean(), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('email_key', sa.String(length=254), nullable=False),
    sa.Column('phone', sa.String(length=50), nullable=True),
    sa.Column('headline', sa.String(length=300), nullable=True),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.Column('cv_text', sa.Text(), nullable=True),
    sa.Column('skills', sa.JSON(), nullable=False),
    sa.Column('city', sa.String(length=100), nullable=True),
    sa.Column('country_id', sa.Integer(), nullable=True),
    sa.Column('last_active_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('search_vector', postgresql.TSVECTOR().with_variant(sa.Text(), 'sqlite'), nullable=True),
    sa.ForeignKeyConstraint(['owner_employer_id'], ['employers.id'], name=op.f('fk_candidates_owner_employer_id_employers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_candidates'))
    )
    with op.batch_alter_table('candidates', schema=None) as batch_op:
        batch_op.create_index('ix_candidates_last_active', ['last_active_at'], unique=False)
        batch_op.create_index('ix_candidates_owner_created', ['owner_employer_id', 'created_at', 'id'], unique=False)
        batch_op.create_index('uq_candidates_owner_email', ['owner_employer_id', 'email_key'], unique=True, postgresql_where=sa.text('owner_employer_id IS NOT NULL'), sqlite_where=sa.text('owner_employer_id IS NOT NULL'))
        batch_op.create_index('uq_candidates_platform_email', ['email_key'], unique=True, postgresql_where=sa.text('owner_employer_id IS NULL'), sqlite_where=sa.text('owner_employer_id IS NULL'))

    if op.get_bind().dialect.name == "postgresql":
        op.create_index('ix_candidates_search_vector', 'candidates', ['search_vector'], unique=False, postgresql_using='gin')
    else:
        # SQLite's full-text index: the profile's words, split again only on ASCII spaces.
        op.execute("CREATE VIRTUAL TABLE candidate_fts USING fts5(body, tokenize = 'ascii')")

    op.create_table('candidate_preferred_countries',
    sa.Column('candidate_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('country_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['candidate_id'], ['candidates.id'], name=op.f('fk_candidate_preferred_countries_candidate_id_candidates'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('candidate_id', 'country_id', name=op.f('pk_candidate_preferred_countries'))
    )
    with op.batch_alter_table('candidate_preferred_countries', schema=None) as batch_op:
        batch_op.create_index('ix_candidate_preferred_countries_country', ['country_id', 'candidate_id'], unique=False)

    op.create_table('candidate_unlocks',
    sa.Column('employer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('candidate_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('unlocked_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['candidate_id'], ['candidates.id'], name=op.f('fk_candidate_unlocks_candidate_id_candidates')),
    sa.ForeignKeyConstraint(['employer_id'], ['employers.id'], name=op.f('fk_candidate_unlocks_employer_id_employers')),
    sa.PrimaryKeyConstraint('employer_id', 'candidate_id', name=op.f('pk_candidate_unlocks'))
    )


def downgrade() -> None:
    op.drop_table('candidate_unlocks')
    with op.batch_alter_table('candidate_preferred_countries', schema=None) as batch_op:
        batch_op.drop_index('ix_candidate_preferred_countries_country')

    op.drop_table('candidate_preferred_countries')
    with op.batch_alter_table('candidates', schema=None) as batch_op:
        batch_op.drop_index('uq_candidates_platform_email', postgresql_where=sa.text('owner_employer_id IS NULL'), sqlite_where=sa.text('owner_employer_id IS NULL'))
        batch_op.drop_index('uq_candidates_owner_email', postgresql_where=sa.text('owner_employer_id IS NOT NULL'), sqlite_where=sa.text('owner_employer_id IS NOT NULL'))
        batch_op.drop_index('ix_candidates_owner_created')
        batch_op.drop_index('ix_candidates_last_active')

    if op.get_bind().dialect.name == "postgresql":
        op.drop_index('ix_candidates_search_vector', table_name='candidates', postgresql_using='gin')
    else:
        op.execute("DROP TABLE candidate_fts")
    op.drop_table('candidates')

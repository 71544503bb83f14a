"""applications pipeline and outbox

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

import storage.types


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

# As storage.pipeline.DEFAULT_STAGES was when this revision was written.
DEFAULT_STAGES = ('New', 'Screened', 'Interviewed', 'Offered', 'Hired', 'Rejected')


def upgrade() -> None:
    op.create_table('outbox_events',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('public_id', sa.String(length=40), nullable=False),
    sa.Column('employer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('type', sa.String(length=64), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('created_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('dispatched_at', storage.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['employer_id'], ['employers.id'], name=op.f('fk_outbox_events_employer_id_employers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_events')),
    sa.UniqueConstraint('public_id', name=op.f('uq_outbox_events_public_id'))
    )
    with op.batch_alter_table('outbox_events', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_events_employer', ['employer_id', 'id'], unique=False)
        batch_op.create_index('ix_outbox_events_pending', ['id'], unique=False, postgresql_where=sa.text('dispatched_at IS NULL'), sqlite_where=sa.text('dispatched_at IS NULL'))

    op.create_table('pipeline_stages',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('employer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['employer_id'], ['employers.id'], name=op.f('fk_pipeline_stages_employer_id_employers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pipeline_stages')),
    sa.UniqueConstraint('employer_id', 'name', name='uq_pipeline_stages_employer_name'),
    sa.UniqueConstraint('employer_id', 'position', name='uq_pipeline_stages_employer_position')
    )
    op.create_table('applications',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('employer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('job_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('candidate_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('stage_id', sa.Uuid(), nullable=False),
    sa.Column('application_type', sa.Enum('EmailApply', 'UrlApply', 'QuickApply', 'Imported', name='applicationtype', native_enum=False, length=24), nullable=False),
    sa.Column('cv_text', sa.Text(), nullable=True),
    sa.Column('applied_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('stage_changed_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['candidate_id'], ['candidates.id'], name=op.f('fk_applications_candidate_id_candidates')),
    sa.ForeignKeyConstraint(['employer_id'], ['employers.id'], name=op.f('fk_applications_employer_id_employers')),
    sa.ForeignKeyConstraint(['job_id'], ['jobs.id'], name=op.f('fk_applications_job_id_jobs')),
    sa.ForeignKeyConstraint(['stage_id'], ['pipeline_stages.id'], name=op.f('fk_applications_stage_id_pipeline_stages')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_applications')),
    sa.UniqueConstraint('job_id', 'candidate_id', name='uq_applications_job_candidate')
    )
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.create_index('ix_applications_candidate_employer', ['candidate_id', 'employer_id'], unique=False)
        batch_op.create_index('ix_applications_employer_stage_applied', ['employer_id', 'stage_id', 'applied_at'], unique=False)
        batch_op.create_index('ix_applications_job_applied', ['job_id', 'applied_at', 'id'], unique=False)

    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.create_index('ix_jobs_status_posted', ['status', 'posted_date', 'id'], unique=False)

    # Every employer that exists already gets the default pipeline, as new employers do.
    stages = sa.table(
        'pipeline_stages',
        sa.column('id', sa.Uuid()),
        sa.column('employer_id', sa.BigInteger()),
        sa.column('name', sa.String()),
        sa.column('position', sa.Integer()),
    )
    connection = op.get_bind()
    employer_ids = [row[0] for row in connection.execute(sa.text('SELECT id FROM employers'))]
    rows = [
        {'id': uuid.uuid4(), 'employer_id': employer_id, 'name': name, 'position': position}
        for employer_id in employer_ids
        for position, name in enumerate(DEFAULT_STAGES)
    ]
    if rows:
        op.bulk_insert(stages, rows)


def downgrade() -> None:
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_index('ix_jobs_status_posted')

    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_index('ix_applications_job_applied')
        batch_op.drop_index('ix_applications_employer_stage_applied')
        batch_op.drop_index('ix_applications_candidate_employer')

    op.drop_table('applications')
    op.drop_table('pipeline_stages')
    with op.batch_alter_table('outbox_events', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_events_pending', postgresql_where=sa.text('dispatched_at IS NULL'), sqlite_where=sa.text('dispatched_at IS NULL'))
        batch_op.drop_index('ix_outbox_events_employer')

    op.drop_table('outbox_events')

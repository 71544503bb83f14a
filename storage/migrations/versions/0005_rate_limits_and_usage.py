"""rate multiplier and monthly usage

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The server default fills the column for existing employers: every one starts at 1x.
    with op.batch_alter_table('employers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rate_multiplier', sa.Integer(), server_default=sa.text('1'), nullable=False))

    op.create_table('monthly_usage',
    sa.Column('employer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('requests', sa.BigInteger(), nullable=False),
    sa.Column('updated_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['employer_id'], ['employers.id'], name=op.f('fk_monthly_usage_employer_id_employers')),
    sa.PrimaryKeyConstraint('employer_id', 'month', name=op.f('pk_monthly_usage'))
    )


def downgrade() -> None:
    op.drop_table('monthly_usage')
    with op.batch_alter_table('employers', schema=None) as batch_op:
        batch_op.drop_column('rate_multiplier')

"""portal self-serve: sign-ups, invitations, password resets, session generations

Adds the rows behind the portal's e-mailed links (``sign_up_requests``, ``invitations``,
``password_resets``: each keeps a SHA-256 of its link's secret, never the secret), each user's
``session_generation`` (raised to end every session of that user at once) and
``last_signed_in_at``, and the ``request_id`` of the API call that caused each outbox event.
Every change adds a table or a nullable (or defaulted) column: no table is rewritten.

Revision ID: 0012
Revises: 0009
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
_ROLE = sa.Enum('EmployerAdmin', 'Recruiter', name='userrole', native_enum=False, length=24)


def _moment(name: str, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, storage.types.UTCDateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table('sign_up_requests',
    sa.Column('id', _ID, nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('company_name', sa.String(length=200), nullable=False),
    sa.Column('admin_name', sa.String(length=200), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    _moment('created_at'),
    _moment('expires_at'),
    _moment('completed_at', nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_up_requests'))
    )
    op.create_table('invitations',
    sa.Column('id', _ID, nullable=False),
    sa.Column('employer_id', _ID, nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('role', _ROLE, nullable=False),
    sa.Column('invited_by_user_id', _ID, nullable=True),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    _moment('created_at'),
    _moment('expires_at'),
    _moment('accepted_at', nullable=True),
    sa.ForeignKeyConstraint(['employer_id'], ['employers.id'], name=op.f('fk_invitations_employer_id_employers')),
    sa.ForeignKeyConstraint(['invited_by_user_id'], ['users.id'], name=op.f('fk_invitations_invited_by_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitations')),
    sa.UniqueConstraint('employer_id', 'email', name=op.f('uq_invitations_employer_id'))
    )
    op.create_table('password_resets',
    sa.Column('id', _ID, nullable=False),
    sa.Column('user_id', _ID, nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    _moment('created_at'),
    _moment('expires_at'),
    _moment('used_at', nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_password_resets_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_password_resets'))
    )
    op.create_index(op.f('ix_password_resets_user_id'), 'password_resets', ['user_id'], unique=False)
    with op.batch_alter_table('outbox_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('request_id', sa.String(length=128), nullable=True))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_generation', sa.Integer(), server_default=sa.text('0'), nullable=False))
        batch_op.add_column(_moment('last_signed_in_at', nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('last_signed_in_at')
        batch_op.drop_column('session_generation')
    with op.batch_alter_table('outbox_events', schema=None) as batch_op:
        batch_op.drop_column('request_id')
    op.drop_index(op.f('ix_password_resets_user_id'), table_name='password_resets')
    op.drop_table('password_resets')
    op.drop_table('invitations')
    op.drop_table('sign_up_requests')

"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('employers',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('plan', sa.Enum('free', 'starter', 'professional', 'enterprise', name='plan', native_enum=False, length=24), nullable=False),
    sa.Column('contract_unlimited', sa.Boolean(), nullable=False),
    sa.Column('trusted_partner', sa.Boolean(), nullable=False),
    sa.Column('created_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_employers'))
    )
    op.create_table('api_keys',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('employer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('prefix', sa.String(length=16), nullable=False),
    sa.Column('secret_hash', sa.String(length=64), nullable=False),
    sa.Column('scopes', sa.JSON(), nullable=False),
    sa.Column('status', sa.Enum('pending', 'active', 'revoked', name='apikeystatus', native_enum=False, length=24), nullable=False),
    sa.Column('expires_at', storage.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', storage.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('approved_at', storage.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', storage.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['employer_id'], ['employers.id'], name=op.f('fk_api_keys_employer_id_employers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_keys')),
    sa.UniqueConstraint('secret_hash', name=op.f('uq_api_keys_secret_hash'))
    )
    with op.batch_alter_table('api_keys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_keys_employer_id'), ['employer_id'], unique=False)

    op.create_table('credit_balances',
    sa.Column('employer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.Enum('job_posting', 'cv_search', 'cv_download', name='creditkind', native_enum=False, length=24), nullable=False),
    sa.Column('balance', sa.Integer(), nullable=False),
    sa.CheckConstraint('balance >= 0', name=op.f('ck_credit_balances_balance_not_negative')),
    sa.ForeignKeyConstraint(['employer_id'], ['employers.id'], name=op.f('fk_credit_balances_employer_id_employers')),
    sa.PrimaryKeyConstraint('employer_id', 'kind', name=op.f('pk_credit_balances'))
    )
    op.create_table('credit_ledger',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('employer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.Enum('job_posting', 'cv_search', 'cv_download', name='creditkind', native_enum=False, length=24), nullable=False),
    sa.Column('delta', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=64), nullable=False),
    sa.Column('reference', sa.String(length=200), nullable=True),
    sa.Column('created_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['employer_id'], ['employers.id'], name=op.f('fk_credit_ledger_employer_id_employers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_credit_ledger'))
    )
    with op.batch_alter_table('credit_ledger', schema=None) as batch_op:
        batch_op.create_index('ix_credit_ledger_employer_created', ['employer_id', 'id'], unique=False)

    op.create_table('jobs',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('employer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('reference', sa.String(length=100), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('city', sa.String(length=100), nullable=False),
    sa.Column('country', sa.String(length=100), nullable=False),
    sa.Column('employment_type', sa.Enum('FullTime', 'PartTime', 'Contract', 'Temporary', 'Internship', name='employmenttype', native_enum=False, length=24), nullable=False),
    sa.Column('remote_type', sa.Enum('OnSite', 'HybridRemote', 'FullyRemote', name='remotetype', native_enum=False, length=24), nullable=False),
    sa.Column('apply_method', sa.Enum('EmailApply', 'UrlApply', 'QuickApply', name='applymethod', native_enum=False, length=24), nullable=False),
    sa.Column('apply_email_address', sa.String(length=254), nullable=True),
    sa.Column('apply_url', sa.String(length=2000), nullable=True),
    sa.Column('salary_min', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('salary_max', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('salary_currency', sa.String(length=3), nullable=True),
    sa.Column('status', sa.Enum('Draft', 'Active', 'Expired', 'Inactive', name='jobstatus', native_enum=False, length=24), nullable=False),
    sa.Column('posted_date', storage.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('expiry_date', storage.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['employer_id'], ['employers.id'], name=op.f('fk_jobs_employer_id_employers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_jobs'))
    )
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.create_index('ix_jobs_employer_created', ['employer_id', 'created_at', 'id'], unique=False)
        batch_op.create_index('ix_jobs_employer_status_created', ['employer_id', 'status', 'created_at', 'id'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('employer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.Enum('EmployerAdmin', 'Recruiter', name='userrole', native_enum=False, length=24), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=True),
    sa.Column('created_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['employer_id'], ['employers.id'], name=op.f('fk_users_employer_id_employers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_users_employer_id'), ['employer_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_employer_id'))

    op.drop_table('users')
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_index('ix_jobs_employer_status_created')
        batch_op.drop_index('ix_jobs_employer_created')

    op.drop_table('jobs')
    with op.batch_alter_table('credit_ledger', schema=None) as batch_op:
        batch_op.drop_index('ix_credit_ledger_employer_created')

    op.drop_table('credit_ledger')
    op.drop_table('credit_balances')
    with op.batch_alter_table('api_keys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_keys_employer_id'))

    op.drop_table('api_keys')
    op.drop_table('employers')

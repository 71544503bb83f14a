"""churn: partial indexes on the live part of the delivery schedule, per-table autovacuum

Every delivery passes through ``pending`` and ``delivering`` to ``succeeded`` (or ``dead``) and
stays there; each step is an UPDATE, so the index on ``(status, next_attempt_at)`` kept one entry
per step, and the claim query, which reads the pending and delivering ones, walked the dead
entries of every delivery since the last vacuum (81 ms to find nothing after ~80k deliveries
without one). Partial indexes hold only the rows a step still needs: pending deliveries by due
time (the claim), delivering ones by subscription (leases in flight), dead ones (dead letters).

On PostgreSQL the tables written most (deliveries, outbox events, idempotency records, monthly
usage) are vacuumed after a fixed number of dead rows instead of a share of the table (20% by
default, which for a table that keeps every delivery means ever longer between vacuums), and
without cost-based pauses; monthly usage rows, rewritten every few seconds, keep room on their
page for the new version (fillfactor). SQLite has no such settings: nothing changes there
beyond the indexes.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

# table: storage parameters (PostgreSQL's ALTER TABLE ... SET (...)).
_AUTOVACUUM = {
    'webhook_deliveries': {
        'autovacuum_vacuum_scale_factor': '0',
        'autovacuum_vacuum_threshold': '10000',
        'autovacuum_analyze_scale_factor': '0.02',
        'autovacuum_vacuum_cost_delay': '0',
    },
    'outbox_events': {
        'autovacuum_vacuum_scale_factor': '0',
        'autovacuum_vacuum_threshold': '10000',
        'autovacuum_analyze_scale_factor': '0.02',
        'autovacuum_vacuum_cost_delay': '0',
    },
    'idempotency_records': {
        'autovacuum_vacuum_scale_factor': '0',
        'autovacuum_vacuum_threshold': '5000',
        'autovacuum_vacuum_cost_delay': '0',
    },
    'monthly_usage': {
        'autovacuum_vacuum_scale_factor': '0',
        'autovacuum_vacuum_threshold': '1000',
        'autovacuum_vacuum_cost_delay': '0',
        'fillfactor': '50',
    },
}

_PARTIAL = (
    ('ix_webhook_deliveries_pending', ['next_attempt_at', 'id'], "status = 'pending'"),
    ('ix_webhook_deliveries_delivering', ['subscription_id'], "status = 'delivering'"),
    ('ix_webhook_deliveries_dead', ['id'], "status = 'dead'"),
)


def upgrade() -> None:
    for name, columns, where in _PARTIAL:
        op.create_index(
            name,
            'webhook_deliveries',
            columns,
            postgresql_where=sa.text(where),
            sqlite_where=sa.text(where),
        )
    op.drop_index('ix_webhook_deliveries_due', table_name='webhook_deliveries')
    if op.get_bind().dialect.name == 'postgresql':
        for table, parameters in _AUTOVACUUM.items():
            settings = ', '.join(f'{name} = {value}' for name, value in parameters.items())
            op.execute(f'ALTER TABLE {table} SET ({settings})')


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        for table, parameters in _AUTOVACUUM.items():
            op.execute(f'ALTER TABLE {table} RESET ({", ".join(parameters)})')
    op.create_index(
        'ix_webhook_deliveries_due', 'webhook_deliveries', ['status', 'next_attempt_at']
    )
    for name, _columns, _where in _PARTIAL:
        op.drop_index(name, table_name='webhook_deliveries')

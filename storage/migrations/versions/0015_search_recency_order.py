"""search recency order

PostgreSQL's ``candidate_search`` rows are put in order of recency, the most recently active
first (``CLUSTER``, on a new index of ``last_active_at`` that no search statement can use: the
expression ``timezone('UTC', last_active_at)``, descending, which the table is marked to be
clustered on). Matches are unchanged; what changes is where a span of recent days sits in the
table: in a few consecutive pages at its start, so that the GIN index, walking the posting lists
of a query's words alongside the span's recency buckets (``storage.search.postgres``), skips
every part of those lists outside the span instead of decoding them whole, and the matches' rows
are read from those few pages. For broad queries, searched in their most recent days first, that
is most of their cost (bench/RESULTS.md has the figures).

The order is not kept by writes: a new or changed profile's row goes where PostgreSQL finds room,
at the end of the table or in space a vacuum freed. Searches stay exact whatever the order; only
their speed depends on it. Run ``CLUSTER candidate_search`` (it remembers the index) from time to
time, in a quiet hour: it rewrites the table and its indexes, holding its lock meanwhile, so
searches wait for it (at 1M profiles on the benchmark machine: see bench/RESULTS.md).

Upgrade clusters the table once; downgrade drops the index and leaves the rows where they are.
SQLite is unchanged.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06
"""

from __future__ import annotations

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE INDEX ix_candidate_search_recency ON candidate_search "
        "(timezone('UTC', last_active_at) DESC)"
    )
    op.execute("ALTER TABLE candidate_search CLUSTER ON ix_candidate_search_recency")
    op.execute("CLUSTER candidate_search")
    # The new file's statistics (the search reads them to choose how to search a broad query).
    # Its visibility map starts empty: run ``VACUUM candidate_search`` afterwards.
    op.execute("ANALYZE candidate_search")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX ix_candidate_search_recency")

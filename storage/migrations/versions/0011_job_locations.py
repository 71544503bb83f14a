"""job locations

A job gets a free-text ``location`` (``"Lagos, Nigeria"``, ``"Remote"``), and ``city``, ``country``
and ``reference`` become optional: a job created on ``/api/v2`` from a location alone has a city
and a country only when the location names a known country (``storage.countries``), and needs no
reference. Existing jobs get ``"<city>, <country>"`` as their location.

The downgrade puts back what ``/api/v1`` shows for such a job: the location as the city, an empty
country and an empty reference; upgrading again turns those empty strings back into nulls.

Revision ID: 0011
Revises: 0009
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_jobs = sa.table(
    "jobs",
    sa.column("location", sa.String),
    sa.column("city", sa.String),
    sa.column("country", sa.String),
    sa.column("reference", sa.String),
)


def upgrade() -> None:
    with op.batch_alter_table("jobs") as batch_op:
        batch_op.add_column(sa.Column("location", sa.String(length=255), nullable=True))
    # An empty country or reference can only come from this migration's downgrade: undo it.
    op.execute(_jobs.update().where(_jobs.c.country == "").values(location=_jobs.c.city))
    op.execute(
        _jobs.update()
        .where(_jobs.c.country != "")
        .values(location=_jobs.c.city + ", " + _jobs.c.country)
    )
    with op.batch_alter_table("jobs") as batch_op:
        batch_op.alter_column("location", existing_type=sa.String(length=255), nullable=False)
        batch_op.alter_column("city", existing_type=sa.String(length=100), nullable=True)
        batch_op.alter_column("country", existing_type=sa.String(length=100), nullable=True)
        batch_op.alter_column("reference", existing_type=sa.String(length=100), nullable=True)
    op.execute(_jobs.update().where(_jobs.c.country == "").values(country=None))
    op.execute(_jobs.update().where(_jobs.c.reference == "").values(reference=None))


def downgrade() -> None:
    op.execute(
        _jobs.update()
        .where(_jobs.c.city.is_(None))
        .values(city=sa.func.substr(_jobs.c.location, 1, 100))
    )
    op.execute(_jobs.update().where(_jobs.c.country.is_(None)).values(country=""))
    op.execute(_jobs.update().where(_jobs.c.reference.is_(None)).values(reference=""))
    with op.batch_alter_table("jobs") as batch_op:
        batch_op.alter_column("reference", existing_type=sa.String(length=100), nullable=False)
        batch_op.alter_column("country", existing_type=sa.String(length=100), nullable=False)
        batch_op.alter_column("city", existing_type=sa.String(length=100), nullable=False)
        batch_op.drop_column("location")

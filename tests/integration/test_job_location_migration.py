"""Migration 0011 on PostgreSQL and SQLite: existing jobs get ``"<city>, <country>"`` as their
location; the downgrade gives jobs without a city, a country or a reference what v1 shows for
them (the location as the city, empty strings)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.engine import make_url

from storage import migrate
from tests.support.databases import ADMIN_DATABASE_URL, admin_conninfo

JOB_COLUMNS = (
    "employer_id, reference, title, description, city, country, employment_type, remote_type,"
    " apply_method, status, created_at, updated_at"
)


@pytest.fixture(params=["postgresql", "sqlite"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migration.db'}"
        return
    name = f"hirebridge_location_migration_{secrets.token_hex(4)}"
    with psycopg.connect(admin_conninfo(), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield make_url(ADMIN_DATABASE_URL).set(database=name).render_as_string(hide_password=False)
    with psycopg.connect(admin_conninfo(), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def places(engine: sa.Engine) -> list[tuple[str | None, ...]]:
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT location, city, country, reference FROM jobs ORDER BY id")
        )
        return [tuple(row) for row in rows]


def test_0011_fills_locations_and_the_downgrade_fills_what_v1_shows(database_url: str) -> None:
    migrate.upgrade(database_url, "0010")
    engine = sa.create_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                sa.text(
                    "INSERT INTO employers (name, plan, contract_unlimited, trusted_partner,"
                    " created_at) VALUES ('Old Ltd', 'starter', false, false, CURRENT_TIMESTAMP)"
                )
            )
            connection.execute(
                sa.text(
                    f"INSERT INTO jobs ({JOB_COLUMNS}) VALUES (1, 'PL-001', 'Engineer', 'Text',"
                    " 'London', 'United Kingdom', 'FullTime', 'OnSite', 'QuickApply', 'Draft',"
                    " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                )
            )

        migrate.upgrade(database_url)
        assert places(engine) == [("London, United Kingdom", "London", "United Kingdom", "PL-001")]
        with engine.begin() as connection:
            connection.execute(
                sa.text(
                    f"INSERT INTO jobs ({JOB_COLUMNS}, location) VALUES (1, NULL, 'Remote role',"
                    " 'Text', NULL, NULL, 'FullTime', 'FullyRemote', 'QuickApply', 'Draft',"
                    " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'Remote')"
                )
            )

        command.downgrade(migrate.alembic_config(database_url), "0010")
        with engine.connect() as connection:
            rows = connection.execute(sa.text("SELECT city, country, reference FROM jobs"))
            assert sorted(tuple(row) for row in rows) == [
                ("London", "United Kingdom", "PL-001"),
                ("Remote", "", ""),
            ]
        migrate.upgrade(database_url)
        assert places(engine)[1] == ("Remote", "Remote", None, None)
    finally:
        engine.dispose()

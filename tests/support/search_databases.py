"""A PostgreSQL database and a SQLite file of a search test module's own, migrated and empty."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

from storage import db, migrate
from tests.support.databases import ADMIN_DATABASE_URL, admin_conninfo


def own_search_databases(prefix: str, directory: Path) -> Iterator[dict[str, db.Database]]:
    """Yields ``{"postgresql": ..., "sqlite": ...}``; the PostgreSQL database is dropped after."""
    name = f"{prefix}_{secrets.token_hex(4)}"
    with psycopg.connect(admin_conninfo(), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    pg_url = make_url(ADMIN_DATABASE_URL).set(database=name).render_as_string(hide_password=False)
    sqlite_url = f"sqlite:///{directory / f'{prefix}.db'}"
    opened = {}
    for backend, url in (("postgresql", pg_url), ("sqlite", sqlite_url)):
        migrate.upgrade(url)
        opened[backend] = db.Database(url, pool_size=1)
    yield opened
    for database in opened.values():
        database.dispose()
    with psycopg.connect(admin_conninfo(), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

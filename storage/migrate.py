"""Schema migrations (Alembic), run by ``hirebridge db upgrade`` and by the test fixtures."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

# Alembic finds the scripts as package resources (``package:folder``), wherever the wheel is.
MIGRATIONS = "storage:migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
    config.attributes["url"] = url
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at ``url`` to ``revision`` (the newest by default)."""
    command.upgrade(alembic_config(url), revision)


def current_revision(url: str) -> str | None:
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy import create_engine, pool

    from storage.db import normalize_database_url

    engine = create_engine(normalize_database_url(url), poolclass=pool.NullPool)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()

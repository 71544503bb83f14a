"""Alembic environment: runs the migrations against the URL the caller configured."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool

from storage.db import ensure_sqlite_directory, normalize_database_url
from storage.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations() -> None:
    raw = config.attributes.get("url") or config.get_main_option("sqlalchemy.url")
    if not raw:
        raise RuntimeError("no database URL given to the migrations")
    url = normalize_database_url(raw)
    ensure_sqlite_directory(url)
    connectable = config.attributes.get("connection")
    if connectable is None:
        engine = create_engine(url, poolclass=pool.NullPool)
        with engine.connect() as connection:
            _run(connection, is_sqlite=url.get_backend_name() == "sqlite")
        engine.dispose()
    else:
        _run(connectable, is_sqlite=connectable.dialect.name == "sqlite")


def _run(connection, *, is_sqlite: bool) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
        render_as_batch=is_sqlite,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()


run_migrations()

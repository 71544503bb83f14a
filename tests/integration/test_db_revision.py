"""`hirebridge db revision -m "..."` writes a numbered Alembic migration from the models.

The command runs in-process on a copy of the migrations (so the checkout's own are untouched)
against a PostgreSQL database of its own, brought to the newest revision first (production's
database: the models' PostgreSQL-only parts, such as the search index, compare cleanly there).
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner
from sqlalchemy import Column, Integer, String, Table
from sqlalchemy.engine import make_url

from hirebridge.cli import cli
from storage import migrate
from storage.models import Base
from tests.support.databases import ADMIN_DATABASE_URL


@pytest.fixture
def migrations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # The migrations where Alembic finds them (``storage:migrations``), copied: the test writes one.
    source = Path(str(resources.files("storage") / "migrations"))
    copy = tmp_path / "migrations"
    shutil.copytree(source, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(migrate, "MIGRATIONS", str(copy))
    return copy


@pytest.fixture
def database() -> Iterator[str]:
    name = f"hirebridge_revision_{os.getpid()}_{secrets.token_hex(3)}"
    admin = make_url(ADMIN_DATABASE_URL).set(drivername="postgresql")
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield make_url(ADMIN_DATABASE_URL).set(database=name).render_as_string(hide_password=False)
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def new_table() -> Iterator[Table]:
    """A table the models gain for one test (as a developer's change to storage/models.py)."""
    table = Table(
        "partner_notes",
        Base.metadata,
        Column("id", Integer, primary_key=True),
        Column("note", String(200), nullable=False),
    )
    yield table
    Base.metadata.remove(table)


def revision(database: str, message: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        cli, ["db", "revision", "-m", message], env={"DATABASE_URL": database}
    )
    return result.exit_code, result.output


def newest(migrations: Path) -> int:
    return max(int(path.name[:4]) for path in (migrations / "versions").glob("[0-9]*.py"))


def test_a_model_change_becomes_the_next_numbered_migration(
    migrations: Path, database: str, new_table: Table
) -> None:
    before = newest(migrations)
    migrate.upgrade(database)

    code, output = revision(database, "partner notes")

    assert code == 0, output
    written = Path(output.strip().splitlines()[-1])
    assert written.parent == migrations / "versions"
    assert written.name == f"{before + 1:04d}_partner_notes.py"
    text = written.read_text(encoding="utf-8")
    assert f"revision = '{before + 1:04d}'" in text
    assert f"down_revision = '{before:04d}'" in text
    assert "op.create_table('partner_notes'" in text
    assert "op.drop_table('partner_notes')" in text
    # The new migration runs: the database reaches it.
    migrate.upgrade(database)
    assert migrate.current_revision(database) == f"{before + 1:04d}"


def test_without_a_model_change_the_migration_is_empty(migrations: Path, database: str) -> None:
    migrate.upgrade(database)
    code, output = revision(database, "nothing yet")
    assert code == 0, output
    text = Path(output.strip().splitlines()[-1]).read_text(encoding="utf-8")
    upgrade = text.split("def upgrade() -> None:")[1].split("def downgrade")[0]
    statements = [line.strip() for line in upgrade.splitlines() if line.strip()]
    assert [line for line in statements if not line.startswith("#")] == ["pass"], upgrade


def test_a_database_behind_the_migrations_is_refused(migrations: Path, database: str) -> None:
    migrate.upgrade(database, "0012")
    written_before = sorted((migrations / "versions").glob("*.py"))
    code, output = revision(database, "too early")
    assert code != 0
    assert "run `db upgrade` first" in output
    assert sorted((migrations / "versions").glob("*.py")) == written_before

"""Recording the SQL a database runs, for tests that count or inspect statements."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from storage import db


@contextmanager
def recorded_statements(database: db.Database) -> Iterator[list[str]]:
    """The SQL of every statement ``database`` runs inside the block, on the primary and, when it
    has one, on its read replica."""
    statements: list[str] = []

    def record(*args: Any) -> None:
        statements.append(str(args[2]))

    engines = [database.engine]
    if database.replica is not None:
        engines.append(database.replica.engine)
    for engine in engines:
        event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", record)

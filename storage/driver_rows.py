"""Rows of a hot list read as the driver returns them, without SQLAlchemy's result machinery.

Reading a page of 50 jobs with ``Connection.execute(...).all()`` executes about 2.5 M
instructions, psycopg's own ``execute`` and ``fetchall`` of the same statement about 1.0 M: the
rest is SQLAlchemy's execution context, cursor result and rows, and a Python call per value of
every typed column. ``rows`` runs the same Core statement, compiled once per dialect, on the same
connection of the same session (so a read marked for the replica still goes where
``storage.replica`` routes it) and returns psycopg's plain tuples, when that connection reads
outside a transaction (``Database.read_only``, which serves the hot reads). In a unit of work, and
on SQLite, the statement runs through SQLAlchemy as usual. The caller converts the few values
whose Python type differs from the driver's (``enum_of``, ``finite``), which works on both kinds
of rows. Measured in bench/RESULTS.md (issue 25, "Rows straight from the driver").

What stays as through SQLAlchemy:

- the session's pending changes are flushed first (unless autoflush is off);
- the engine's ``before_cursor_execute`` and ``after_cursor_execute`` listeners see the
  statement (tests count statements with them);
- an error of the driver is never raised as it is: the statement is run once more through
  ``Connection.execute``, which raises SQLAlchemy's own error for it and, for a lost connection,
  invalidates the pool as every other statement does (a read only: running it twice changes
  nothing);
- on SQLite, SQLAlchemy's result processors turn the stored text into the Python values
  psycopg returns on PostgreSQL.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from enum import Enum
from typing import Any, TypeVar, cast

import psycopg
from sqlalchemy import Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session
from sqlalchemy.sql import Executable
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ClauseElement

E = TypeVar("E", bound=Enum)


def rows(
    session: Session, statement: Executable, values: Mapping[str, Any]
) -> Sequence[Sequence[Any]]:
    """The rows of ``statement`` with ``values``, as tuples of the driver's values (PostgreSQL)
    or of SQLAlchemy's (SQLite): read ``enum_of`` and ``finite`` for the columns that differ."""
    if session.autoflush:
        # As ``Session.execute`` does first: the statement sees the session's pending changes.
        session.flush()
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        found = _from_the_driver(connection, statement, values)
        if found is not None:
            return found
    # SQLite; a unit of work; or the driver failed, and SQLAlchemy's error is the one raised
    # (if the statement succeeds after all, its rows).
    return connection.execute(statement, values).all()


def _from_the_driver(
    connection: Connection, statement: Executable, values: Mapping[str, Any]
) -> Sequence[Sequence[Any]] | None:
    """The rows from psycopg's cursor on ``connection``; ``None`` when the statement must run
    through SQLAlchemy instead: in a transaction (a failed statement aborts it, and running it
    again would only report that), or after the driver's error."""
    driver = cast("psycopg.Connection[tuple[Any, ...]]", connection.connection.driver_connection)
    if not driver.autocommit:
        return None
    sql, parameters = driver_statement(statement, connection.dialect, values)
    dispatch = connection.dispatch
    with driver.cursor() as cursor:
        try:
            tell(dispatch.before_cursor_execute, connection, cursor, sql, parameters)
            cursor.execute(sql, parameters)
            found = cursor.fetchall()
            tell(dispatch.after_cursor_execute, connection, cursor, sql, parameters)
        except psycopg.Error:
            return None
    return found


def driver_statement(
    statement: Executable, dialect: Dialect, values: Mapping[str, Any]
) -> tuple[str, dict[str, Any]]:
    """The text (compiled once) and the parameters psycopg is given for ``statement`` with
    ``values``; also for the reads on the event loop (``storage.loop_statements``)."""
    return _compiled(statement, dialect), {name: _plain(value) for name, value in values.items()}


def driver_write(
    statement: Executable, dialect: Dialect, values: Mapping[str, Any]
) -> tuple[str, dict[str, Any]]:
    """``driver_statement`` for a write (``storage.loop_statements``): each value is passed
    through its column's type as SQLAlchemy passes it (a naive timestamp or a ``NaN`` refused,
    an enum member stored as its value), as a unit of work would write it."""
    processors = _bind_processors(statement, dialect)
    parameters = {
        name: value if (process := processors.get(name)) is None else process(value)
        for name, value in values.items()
    }
    return _compiled(statement, dialect), parameters


def tell(
    listeners: Iterable[Callable[..., Any]],
    connection: Connection | None,
    cursor: Any,
    sql: str,
    parameters: Mapping[str, Any],
) -> None:
    """The engine's ``before_cursor_execute`` or ``after_cursor_execute`` listeners, called as
    SQLAlchemy calls them for a statement it runs (``connection`` ``None`` where there is none)."""
    for listener in listeners:
        listener(connection, cursor, sql, parameters, None, False)


def enum_of(members: type[E]) -> Mapping[Any, E]:
    """A column's member by its stored value (a member also finds itself: a ``StrEnum`` is
    equal to its value), for the enum columns of ``rows``."""
    return members._value2member_map_  # type: ignore[return-value]


def finite(value: Decimal | None) -> Decimal | None:
    """A ``FiniteNumeric`` column's value as that type reads it: ``NaN`` and infinities stored
    before the type existed read as ``None``."""
    return value if value is None or value.is_finite() else None


@functools.cache
def _compiled(statement: ClauseElement, dialect: Dialect) -> str:
    # Statements passed here are built once at import (bound parameters only), so this cache
    # holds one text per statement and dialect. A value SQLAlchemy renders into the text only as
    # it executes (``aggregate_strings``' separator) is fixed when the statement is built: it is
    # rendered here; the parameters a call binds stay placeholders.
    text = cast(SQLCompiler, statement.compile(dialect=dialect))
    unbound = {bind.key: None for bind in text.binds.values() if bind.value is None}
    return text.construct_expanded_state(unbound).statement


@functools.cache
def _bind_processors(statement: ClauseElement, dialect: Dialect) -> dict[str, Callable[[Any], Any]]:
    # What SQLAlchemy applies to each bound value as it executes: the type's processor for the
    # dialect (a ``TypeDecorator``'s ``process_bind_param`` among them), where it has one.
    text = cast(SQLCompiler, statement.compile(dialect=dialect))
    processors: dict[str, Callable[[Any], Any]] = {}
    for bind in text.binds.values():
        process = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None:
            processors[bind.key] = process
    return processors


def _plain(value: Any) -> Any:
    # A StrEnum is sent as its value, as SQLAlchemy's Enum type sends it.
    return value.value if isinstance(value, Enum) else value

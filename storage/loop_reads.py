"""The hot list reads on the event loop, without a worker thread (PostgreSQL only).

An uncached read of a page of jobs cost its API process about 1 ms of CPU, of which the hop to a
worker thread and back (a futex wake-up, the event loop's self-pipe, the GIL changing hands on two
busy cores) was the largest single part; the rows and their wire form a fifth of it
(bench/RESULTS.md, issue 25). Here the same Core statement, compiled once, runs with psycopg's
``AsyncConnection`` on the process's event loop, and the caller's coroutine gets psycopg's plain
tuples, as ``storage.driver_rows`` returns them on a worker thread.

What stays as on a worker thread:

- the statement stands alone, as in ``Database.read_only`` (autocommit, no transaction), in UTC;
- the engine's ``before_cursor_execute`` and ``after_cursor_execute`` listeners see it (the tests
  that count statements), with ``None`` for the SQLAlchemy connection, which there is none of;
- a read marked ``replica_safe`` goes to the replica when ``storage.replica`` would send it there,
  and never inside ``primary_only``.

The loop serves a read only when it can answer at once; otherwise ``rows`` returns ``None`` and
the caller reads on a worker thread as before, where SQLAlchemy raises its own error for a failed
connection (the API's 503) and refreshes the replica's verdict:

- the connections are opened for the loop by the application's lifespan (``open``), one set per
  loop: a loop without them (a test client driven without its lifespan) reads on threads;
- every connection of the loop's set is busy (at most ``max_size`` are open);
- the replica's lag was last checked too long ago (the check runs on a thread);
- the driver failed: the connection is closed, with the idle ones that a restart may have broken.

Each API process thus holds up to ``max_size`` more connections to each server than its engine's
pool (the README's production notes count them).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from typing import Any

import psycopg
import psycopg.conninfo
from sqlalchemy import Engine
from sqlalchemy.sql import Executable

from storage import driver_rows
from storage.replica import Replica, primary_is_asked

logger = logging.getLogger(__name__)

# The connections' name in ``pg_stat_activity``, unless the database URL names them.
APPLICATION_NAME = "hirebridge-loop-reads"


class _Connections:
    """At most ``max_size`` connections to one server, for one event loop: idle ones kept, none
    waited for."""

    def __init__(self, engine: Engine, max_size: int) -> None:
        self.engine = engine
        self.max_size = max_size
        # What the engine's own connections are opened with (host, database, user, the URL's
        # query), named apart in pg_stat_activity unless the URL names them, in the session's
        # zone as ``storage.db`` sets it on the engine's connections.
        _args, parameters = engine.dialect.create_connect_args(engine.url)
        # The types SQLAlchemy's dialect adapts (psycopg's ``context``): the same on both paths.
        self._context = parameters.pop("context", None)
        parameters.setdefault("application_name", APPLICATION_NAME)
        parameters["options"] = f"{parameters.get('options', '')} -c TimeZone=UTC".strip()
        self._conninfo = psycopg.conninfo.make_conninfo("", **parameters)
        self._idle: list[psycopg.AsyncConnection[Any]] = []
        self._open = 0

    async def rows(self, sql: str, values: Mapping[str, Any]) -> Sequence[Sequence[Any]] | None:
        if self._idle:
            connection = self._idle.pop()
        elif self._open < self.max_size:
            self._open += 1
            try:
                connection = await psycopg.AsyncConnection.connect(
                    self._conninfo, autocommit=True, context=self._context
                )
            except BaseException as error:  # cancelled while connecting, among others
                self._open -= 1
                if not isinstance(error, psycopg.Error):
                    raise
                logger.warning("no connection for a read on the event loop", exc_info=True)
                return None
        else:
            return None
        dispatch = self.engine.dispatch
        try:
            cursor = connection.cursor()
            driver_rows.tell(dispatch.before_cursor_execute, None, cursor, sql, values)
            await cursor.execute(sql, values)
            found = await cursor.fetchall()
            driver_rows.tell(dispatch.after_cursor_execute, None, cursor, sql, values)
        except psycopg.Error:
            # A restart breaks every connection: drop the idle ones too, as SQLAlchemy drops its
            # pool. The caller reads on a thread, where the error (if it lasts) is reported.
            logger.warning("a read on the event loop failed; read on a thread", exc_info=True)
            await self._discard(connection)
            await self.close()
            return None
        except BaseException:
            # Cancelled (the client went away) in the middle of a statement: the connection's
            # state is unknown, so it is not used again.
            await asyncio.shield(self._discard(connection))
            raise
        self._idle.append(connection)
        return found

    async def _discard(self, connection: psycopg.AsyncConnection[Any]) -> None:
        self._open -= 1
        await connection.close()  # (closing a broken connection raises nothing)

    async def close(self) -> None:
        idle, self._idle = self._idle, []
        for connection in idle:
            await self._discard(connection)


class _LoopSet:
    """The connections of one event loop: to the primary and, when configured, the replica."""

    def __init__(self, primary: Engine, replica: Replica | None, max_size: int) -> None:
        self.primary = _Connections(primary, max_size)
        self.replica = None if replica is None else _Connections(replica.engine, max_size)

    async def close(self) -> None:
        await self.primary.close()
        if self.replica is not None:
            await self.replica.close()


class LoopReads:
    """A database's reads on event loops (``Database.loop_reads``; see the module)."""

    def __init__(self, engine: Engine, replica: Replica | None, *, max_size: int) -> None:
        self._engine = engine
        self._replica = replica
        self._max_size = max_size
        self._loops: dict[asyncio.AbstractEventLoop, _LoopSet] = {}
        # Reads served here, on the primary and on the replica (for tests and benchmarks).
        self.served = 0
        self.served_by_replica = 0

    def open(self) -> None:
        """Serve reads on the running loop from now on (the application's lifespan)."""
        loop = asyncio.get_running_loop()
        if loop not in self._loops:
            self._loops[loop] = _LoopSet(self._engine, self._replica, self._max_size)

    async def close(self) -> None:
        """Stop serving reads on the running loop, and close its connections."""
        connections = self._loops.pop(asyncio.get_running_loop(), None)
        if connections is not None:
            await connections.close()

    async def rows(
        self, statement: Executable, values: Mapping[str, Any], *, replica_safe: bool
    ) -> Sequence[Sequence[Any]] | None:
        """The rows of ``statement`` (built once, bound parameters only) with ``values``, as the
        driver's tuples; ``None`` when the caller must read on a thread instead (see the module).
        ``replica_safe``: the read may lag, as a ``replica_safe`` service's may."""
        connections = self._loops.get(asyncio.get_running_loop())
        if connections is None:
            return None
        target = connections.primary
        if replica_safe and connections.replica is not None and not primary_is_asked():
            assert self._replica is not None
            usable = self._replica.usable_without_checking()
            if usable is None:
                return None
            if usable:
                target = connections.replica
        found = await target.rows(
            *driver_rows.driver_statement(statement, self._engine.dialect, values)
        )
        if found is not None:
            self.served += 1
            if target is connections.replica:
                assert self._replica is not None
                self._replica.connections_served += 1
                self.served_by_replica += 1
        return found

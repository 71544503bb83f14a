"""The hot list reads, and a new draft's write, on the event loop without a worker thread
(PostgreSQL only).

An uncached read of a page of jobs cost its API process about 1 ms of CPU, of which the hop to a
worker thread and back (a futex wake-up, the event loop's self-pipe, the GIL changing hands on two
busy cores) was the largest single part; the rows and their wire form a fifth of it
(bench/RESULTS.md, issue 25). Here the same Core statement, compiled once, runs with psycopg's
``AsyncConnection`` on the process's event loop, and the caller's coroutine gets psycopg's plain
tuples, as ``storage.driver_rows`` returns them on a worker thread.

What stays as on a worker thread:

- a read stands alone, as in ``Database.read_only`` (autocommit, no transaction), in UTC;
- a write (``insert``: one ``INSERT ... RETURNING``) is its own transaction, its values passed
  through the columns' types as SQLAlchemy passes them; after the commit, and before the caller
  answers, the cached reads it changes are invalidated as after a unit of work's commit
  (``storage.cache_invalidation``);
- the engine's ``before_cursor_execute`` and ``after_cursor_execute`` listeners see each
  statement (the tests that count statements), with ``None`` for the SQLAlchemy connection,
  which there is none of;
- a read marked ``replica_safe`` goes to the replica when ``storage.replica`` would send it there,
  and never inside ``primary_only``; a write always goes to the primary.

What a write on the loop does not have is a session: no ORM events, so nothing that records an
outbox event, charges a credit or joins work to the commit may be written here.

The loop serves a statement only when it can at once; otherwise ``rows`` and ``insert`` return
``None`` and the caller reads or writes on a worker thread as before, where SQLAlchemy raises its
own error for a failed connection (the API's 503) and refreshes the replica's verdict:

- the connections are opened for the loop by the application's lifespan (``open``), one set per
  loop: a loop without them (a test client driven without its lifespan) runs nothing here, and
  a database without the Redis that invalidations are published to writes nothing here;
- every connection of the loop's set is busy (at most ``max_size`` are open);
- the replica's lag was last checked too long ago (the check runs on a thread);
- the request has work joined to its commit (``storage.commit_hooks``: an ``Idempotency-Key``'s
  record, which must commit in the same transaction);
- the server refused a write (an error of the statement: in autocommit nothing was written), or
  had spoken on the idle connection before the write was sent (see below): the connection is
  closed, with the idle ones if it was broken (a restart breaks them all).

A write is the ``INSERT`` alone on the autocommit connection, which commits as it runs: one round
trip, where ``BEGIN``, the ``INSERT`` and ``COMMIT`` took three (about 0.2 ms of the API's CPU and
0.1-0.15 ms of the server's per draft, bench/RESULTS.md, issue 25). So a connection that breaks once
the ``INSERT`` is sent leaves it unknown whether the row was written: it is not written again, and
SQLAlchemy's error for the failure is raised, as a unit of work on a thread raises it when its
``COMMIT`` fails (the API's 503 for a lost connection). To keep that to the connections that break
while the statement runs, the idle connection's socket is polled just before the ``INSERT`` is
sent: a server that has ended the session (a restart, ``pg_terminate_backend``,
``idle_session_timeout``) has sent its error and closed the socket by then, so nothing is sent
there and the draft is written on a thread. (Anything else waiting on an idle session's socket,
such as a setting the server reports after a reload, costs only the connections, closed in the
same way.) A write once begun runs to its end and its invalidation even if the caller is
cancelled (a client gone), as a worker thread would.

Each API process thus holds up to ``max_size`` more connections to each server than its engine's
pool (the README's production notes count them).
"""

from __future__ import annotations

import asyncio
import logging
import select
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import psycopg
import psycopg.conninfo
import redis.asyncio as aioredis
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import Executable, Insert

from storage import driver_rows
from storage.cache_invalidation import keys_moved_by_insert, publish_on_loop
from storage.commit_hooks import work_is_joined
from storage.replica import Replica, primary_is_asked

logger = logging.getLogger(__name__)

# The connections' name in ``pg_stat_activity``, unless the database URL names them.
APPLICATION_NAME = "hirebridge-loop"


# Settings of every connection opened here.
#
# The statements served here are few and fixed, each bound to an employer and read through an
# index in its order (a page of jobs, of the talent pool, of a stage's applications, of a
# webhook's deliveries; a new draft), so one plan serves every value. psycopg prepares a statement
# after its fifth execution, but PostgreSQL's default (``auto``) still plans it again on every call
# while it estimates its generic plan dearer than its custom ones: without statistics (a new
# table, or autovacuum not run yet), v1's page of jobs (``LIMIT ... OFFSET``) was planned anew on
# each of 9,000 calls, about 60 µs of the server's CPU each, for the same plan
# (bench/RESULTS.md, issue 25, "generic plans").
_SESSION_SETTINGS = "-c TimeZone=UTC -c plan_cache_mode=force_generic_plan"


class _Connections:
    """At most ``max_size`` connections to one server, for one event loop: idle ones kept, none
    waited for."""

    def __init__(self, engine: Engine, max_size: int) -> None:
        self.engine = engine
        self.max_size = max_size
        # What the engine's own connections are opened with (host, database, user, the URL's
        # query), named apart in pg_stat_activity unless the URL names them, in the session's
        # zone as ``storage.db`` sets it on the engine's connections, with generic plans (below).
        _args, parameters = engine.dialect.create_connect_args(engine.url)
        # The types SQLAlchemy's dialect adapts (psycopg's ``context``): the same on both paths.
        self._context = parameters.pop("context", None)
        parameters.setdefault("application_name", APPLICATION_NAME)
        parameters["options"] = f"{parameters.get('options', '')} {_SESSION_SETTINGS}".strip()
        self._conninfo = psycopg.conninfo.make_conninfo("", **parameters)
        self._idle: list[psycopg.AsyncConnection[Any]] = []
        self._open = 0

    async def _checkout(self) -> psycopg.AsyncConnection[Any] | None:
        """An idle connection, or a new one while fewer than ``max_size`` are open; else None."""
        if self._idle:
            return self._idle.pop()
        if self._open >= self.max_size:
            return None
        self._open += 1
        try:
            return await psycopg.AsyncConnection.connect(
                self._conninfo, autocommit=True, context=self._context
            )
        except BaseException as error:  # cancelled while connecting, among others
            self._open -= 1
            if not isinstance(error, psycopg.Error):
                raise
            logger.warning("no connection for a statement on the event loop", exc_info=True)
            return None

    async def rows(self, sql: str, values: Mapping[str, Any]) -> Sequence[Sequence[Any]] | None:
        connection = await self._checkout()
        if connection is None:
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

    async def written(self, sql: str, values: Mapping[str, Any]) -> Sequence[Any] | None:
        """The row ``sql`` (one ``INSERT ... RETURNING``) returns, written as a transaction of its
        own; None when nothing was written (see the module for when)."""
        connection = await self._checkout()
        if connection is None:
            return None
        dispatch = self.engine.dispatch
        sent = False
        try:
            cursor = connection.cursor()
            driver_rows.tell(dispatch.before_cursor_execute, None, cursor, sql, values)
            if not _quiet(connection):
                raise psycopg.OperationalError("the server ended the idle session")
            sent = True
            await cursor.execute(sql, values)
            row: Sequence[Any] | None = await cursor.fetchone()
            driver_rows.tell(dispatch.after_cursor_execute, None, cursor, sql, values)
        except psycopg.Error as error:
            broken = connection.broken  # (read before closing it: a closed one is not broken)
            await self._discard(connection)
            if broken or not sent:
                await self.close()
            if sent and broken:
                # It may have committed: never written twice. The error a unit of work raises.
                raise DBAPIError.instance(sql, None, error, psycopg.Error) from error
            logger.warning("a write on the event loop failed; write on a thread", exc_info=True)
            return None
        except BaseException:
            await asyncio.shield(self._discard(connection))
            raise
        self._idle.append(connection)
        assert row is not None  # RETURNING of an INSERT that raised nothing
        return row

    async def _discard(self, connection: psycopg.AsyncConnection[Any]) -> None:
        self._open -= 1
        await connection.close()  # (closing a broken connection raises nothing)

    async def close(self) -> None:
        idle, self._idle = self._idle, []
        for connection in idle:
            await self._discard(connection)


class _LoopSet:
    """The connections of one event loop: to the primary and, when configured, the replica; and
    the loop's Redis client that a write's invalidations are published with."""

    def __init__(
        self,
        primary: Engine,
        replica: Replica | None,
        max_size: int,
        cache_redis: aioredis.Redis | None,
    ) -> None:
        self.primary = _Connections(primary, max_size)
        self.replica = None if replica is None else _Connections(replica.engine, max_size)
        self.cache_redis = cache_redis

    async def close(self) -> None:
        await self.primary.close()
        if self.replica is not None:
            await self.replica.close()
        if self.cache_redis is not None:
            await self.cache_redis.aclose()


class LoopStatements:
    """A database's statements on event loops (``Database.loop_statements``; see the module)."""

    def __init__(
        self,
        engine: Engine,
        replica: Replica | None,
        *,
        max_size: int,
        cache_redis: Callable[[], aioredis.Redis] | None = None,
    ) -> None:
        self._engine = engine
        self._replica = replica
        self._max_size = max_size
        # A new asyncio client of the Redis where committed changes are published
        # (``storage.cache_invalidation``), one per loop: without it, nothing is written here.
        self._cache_redis = cache_redis
        self._loops: dict[asyncio.AbstractEventLoop, _LoopSet] = {}
        # Reads served here, on the primary and on the replica, and rows written here (for tests
        # and benchmarks).
        self.served = 0
        self.served_by_replica = 0
        self.written = 0

    def open(self) -> None:
        """Serve statements on the running loop from now on (the application's lifespan)."""
        loop = asyncio.get_running_loop()
        if loop not in self._loops:
            cache_redis = None if self._cache_redis is None else self._cache_redis()
            self._loops[loop] = _LoopSet(self._engine, self._replica, self._max_size, cache_redis)

    async def close(self) -> None:
        """Stop serving statements on the running loop, and close its connections (Redis's
        too)."""
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

    async def insert(
        self,
        statement: Insert,
        values: Mapping[str, Any],
        *,
        execution_options: Mapping[str, Any],
    ) -> Sequence[Any] | None:
        """The row ``statement`` (an ``INSERT ... RETURNING`` of the values it names as bound
        parameters, built once) returns with ``values``, written on the primary in a transaction
        of its own; committed, and the cached reads it changes invalidated as a session would
        (``execution_options`` as for ``Session.execute``), before it returns. ``None`` when
        nothing was written and the caller must write on a thread (see the module)."""
        connections = self._loops.get(asyncio.get_running_loop())
        if connections is None or connections.cache_redis is None or work_is_joined():
            return None
        sql, parameters = driver_rows.driver_write(statement, self._engine.dialect, values)
        keys = keys_moved_by_insert(statement, execution_options)
        # Once begun, the write and its invalidation run to their end, the caller cancelled or
        # not, as on a worker thread.
        return await asyncio.shield(self._insert(connections, sql, parameters, keys))

    async def _insert(
        self, connections: _LoopSet, sql: str, parameters: Mapping[str, Any], keys: list[str]
    ) -> Sequence[Any] | None:
        row = await connections.primary.written(sql, parameters)
        if row is not None:
            assert connections.cache_redis is not None
            await publish_on_loop(connections.cache_redis, keys)
            self.written += 1
        return row


def _quiet(connection: psycopg.AsyncConnection[Any]) -> bool:
    """Whether nothing waits to be read on an idle connection's socket: a session the server has
    ended shows its error, or the socket's end, there (see the module)."""
    poller = select.poll()
    poller.register(connection.fileno(), select.POLLIN)
    return not poller.poll(0)

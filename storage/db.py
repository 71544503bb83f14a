"""Engine, sessions and the unit of work.

Every request and every task runs in exactly one unit of work: it commits when the block ends
without an error, rolls back otherwise, and always closes the session.

With a read replica configured (``storage.replica``), a service marks the reads that may lag
(``replica_reads``); everything else, every write among it, stays on the primary.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import redis
import redis.asyncio as aioredis
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

from storage import strict_json
from storage.cache_invalidation import CacheInvalidation
from storage.commit_hooks import run_joined_work
from storage.loop_statements import LoopStatements
from storage.replica import Replica, RoutingSession, primary_only


def normalize_database_url(raw: str) -> URL:
    """Turn what an operator writes into a URL SQLAlchemy can open.

    ``postgres://`` and plain ``postgresql://`` URLs use whichever PostgreSQL driver is installed
    (psycopg 3 is what we ship; psycopg2 is used if that is what the host has).
    """
    url = make_url(
        raw.replace("postgres://", "postgresql://", 1) if raw.startswith("postgres://") else raw
    )
    if url.drivername == "postgresql":
        has_psycopg2 = importlib.util.find_spec("psycopg2") is not None
        if not has_psycopg2 and importlib.util.find_spec("psycopg") is not None:
            url = url.set(drivername="postgresql+psycopg")
    return url


def ensure_sqlite_directory(url: URL) -> None:
    """SQLite creates the file but not its folder; make the folder of a file database."""
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        # WAL lets the API workers read while the queue worker writes; the busy timeout makes a
        # writer wait for the lock instead of failing at once.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()
        # pysqlite's own transaction handling defers BEGIN; let SQLAlchemy emit it.
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Take the write lock at the start of every transaction, so that a read-then-write
        # transaction never fails half-way with "database is locked".
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _configure_postgresql(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Sessions run in UTC whatever the server's or the database's zone (often 'Etc/UTC' or
        # a local one): psycopg then returns timestamps with Python's own UTC, not a zoneinfo
        # zone whose conversions cost more than a quarter of reading a page of 50 jobs
        # (bench/RESULTS.md, issue 25), and SQL's date arithmetic counts in UTC as the service
        # does. Committed, so that no rollback of the connection's first transaction undoes it.
        cursor = dbapi_connection.cursor()
        cursor.execute("SET TIME ZONE 'UTC'")
        cursor.close()
        dbapi_connection.commit()


class Database:
    """An engine and the session factory bound to it, with the invalidation of cached reads;
    with ``replica_url``, also a streaming replica for the reads services mark as able to lag
    (``storage.replica``), used while it is at most ``replica_max_lag_seconds`` behind (0: however
    far).

    ``cache_redis`` returns the Redis where committed changes to keys, employers and jobs are
    published for every process's caches (``storage.cache_invalidation``); the runtime
    (``storage.runtime.start``) always passes it. Without it nothing is published.
    ``cache_redis_on_loop`` makes a new asyncio client of the same Redis, one for each event loop
    that runs statements (``storage.loop_statements``): without it, new drafts are written on
    worker threads only.
    """

    def __init__(
        self,
        url: str,
        *,
        pool_size: int = 10,
        echo: bool = False,
        cache_redis: Callable[[], redis.Redis] | None = None,
        cache_redis_on_loop: Callable[[], aioredis.Redis] | None = None,
        replica_url: str | None = None,
        replica_max_lag_seconds: float = 1.0,
    ) -> None:
        self.url = normalize_database_url(url)
        # JSON columns are written as strict JSON: a NaN in an event's data fails its commit
        # instead of reaching a webhook receiver.
        kwargs: dict[str, Any] = {
            "echo": echo,
            "future": True,
            "json_serializer": strict_json.dumps,
        }
        ensure_sqlite_directory(self.url)
        if self.url.get_backend_name() != "sqlite":
            # No pre-ping: it costs a round trip on every checkout. A connection that a database
            # restart broke fails its request (503) and makes SQLAlchemy drop the whole pool, so
            # one request per process pays for a restart, not every request for the lifetime.
            kwargs.update(pool_size=pool_size, max_overflow=pool_size)
        self.engine = create_engine(self.url, **kwargs)
        if self.url.get_backend_name() == "sqlite":
            _configure_sqlite(self.engine)
        else:
            _configure_postgresql(self.engine)
        self.replica: Replica | None = None
        if replica_url:
            if self.dialect != "postgresql":
                raise ValueError("a read replica needs PostgreSQL as the primary database")
            replica_engine = create_engine(normalize_database_url(replica_url), **kwargs)
            _configure_postgresql(replica_engine)
            self.replica = Replica(
                replica_engine, self.engine, max_lag_seconds=replica_max_lag_seconds
            )
        # The hot list reads and new drafts on the event loop (PostgreSQL; opened by the app's
        # lifespan): at most as many connections per loop as the engine's pool keeps.
        self.loop_statements: LoopStatements | None = (
            LoopStatements(
                self.engine, self.replica, max_size=pool_size, cache_redis=cache_redis_on_loop
            )
            if self.dialect == "postgresql"
            else None
        )
        self.session_factory: Callable[[], Session] = sessionmaker(
            self.engine, class_=RoutingSession, expire_on_commit=False, replica=self.replica
        )
        self.cache_invalidation = CacheInvalidation(self.engine, cache_redis)

    @property
    def dialect(self) -> str:
        return self.url.get_backend_name()

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        """A session that commits on success, rolls back on error and is always closed."""
        session = self.session_factory()
        try:
            yield session
            run_joined_work(session)
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @contextmanager
    def read_only(self) -> Iterator[Session]:
        """A session for reads that need no transaction (each statement stands alone).

        On PostgreSQL the connection runs in autocommit, which saves the BEGIN and COMMIT round
        trips of a unit of work; a hot path that only reads (authenticating a key) uses it.
        Elsewhere it is an ordinary unit of work. Only read through it: in autocommit, each
        statement would commit on its own.
        """
        if self.dialect != "postgresql":
            with self.unit_of_work() as session:
                yield session
            return
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            session = RoutingSession(
                bind=connection, expire_on_commit=False, replica=self.replica, autocommit=True
            )
            try:
                yield session
            finally:
                session.close()

    @contextmanager
    def snapshot(self) -> Iterator[Session]:
        """A session for reads that must agree with each other (a page showing a delivery and
        its attempts): one REPEATABLE READ transaction on PostgreSQL, where READ COMMITTED lets
        each statement see a newer state; SQLite's transactions see one state already. Read only.
        """
        if self.dialect != "postgresql":
            with self.unit_of_work() as session:
                yield session
            return
        isolated = self.engine.connect().execution_options(isolation_level="REPEATABLE READ")
        with isolated as connection:
            session = Session(bind=connection, expire_on_commit=False)
            try:
                yield session
            finally:
                session.close()

    def dispose(self) -> None:
        self.engine.dispose()
        if self.replica is not None:
            self.replica.engine.dispose()


_current: Database | None = None


def configure(url: str, **kwargs: Any) -> Database:
    """Open the process's database (called once at start-up, and by tests).

    The database it replaces, if any, is left to its owner to dispose: disposing an engine while
    another thread has one of its connections checked out strands that connection in a pool
    nobody closes (tests build several apps in one process, each owning its database).
    """
    global _current
    _current = Database(url, **kwargs)
    return _current


def use(database: Database) -> None:
    """Make ``database`` the process's database again (tests switch between backends)."""
    global _current
    _current = database


def current() -> Database:
    if _current is None:
        raise RuntimeError("the database is not configured; call storage.db.configure() first")
    return _current


@contextmanager
def unit_of_work() -> Iterator[Session]:
    """A unit of work on the process's database."""
    with current().unit_of_work() as session:
        yield session


@contextmanager
def read_only() -> Iterator[Session]:
    """A session for reads only on the process's database (see ``Database.read_only``)."""
    with current().read_only() as session:
        yield session


def loop_statements() -> LoopStatements | None:
    """The process's database's statements on the event loop, if it has them (see
    ``LoopStatements``)."""
    return current().loop_statements


@contextmanager
def on_primary() -> Iterator[None]:
    """Within this block, reads marked for the replica are read from the primary after all.

    For a reader whose result outlives the moment (a reply cached until the data changes): a
    replica that has not yet replayed the change would have it cache the old state as new.
    """
    with primary_only():
        yield


@contextmanager
def snapshot() -> Iterator[Session]:
    """Reads that agree with each other on the process's database (see ``Database.snapshot``)."""
    with current().snapshot() as session:
        yield session

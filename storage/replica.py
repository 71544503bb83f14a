"""Reads that may lag, served by a PostgreSQL streaming replica.

A service marks the reads it can answer from a replica that is slightly behind the primary: a
whole function with ``@replica_safe`` (its first argument is the session), or a block with
``replica_reads(session)``. Nothing else changes for the caller: the session it was given routes
those statements to the replica and everything else (writes, credits, unlocks, idempotency
records, and any read not marked) to the primary, in the primary's transaction.

A marked read still goes to the primary when

- no replica is configured (``DATABASE_REPLICA_URL``), or the database is SQLite;
- the session has already written in its transaction, or holds changes not yet flushed: the
  caller's own write must be visible to what it reads next (and a flush must never be sent to a
  read-only server);
- the caller asked for the primary (``primary_only``: a reply cached until the data changes must
  not cache a state older than the change that emptied the cache);
- the replica is further behind than ``max_lag_seconds`` allows (see ``Replica``), or could not
  be reached within the last ``RETRY_SECONDS``.

A replica is read-only, so a statement that would write there fails loudly instead of writing
somewhere it should not.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import Connection, Engine, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction

logger = logging.getLogger(__name__)

# After a failed connection or lag check, the primary serves the marked reads for this long
# before the replica is tried again (a replica that is down costs no request a timeout).
RETRY_SECONDS = 5.0

_WROTE = "replica.wrote"
_primary_only: ContextVar[bool] = ContextVar("primary_only", default=False)

P = ParamSpec("P")
R = TypeVar("R")


class Replica:
    """A streaming replica of the primary, and whether it is close enough behind to read from.

    How far behind it is, is measured against the primary rather than taken from the replica's
    own clocks: at most every ``max_lag_seconds / 4`` (while reads come), the primary's WAL
    position is noted with the time just before it was asked, and the replica's replayed
    position is read. Every commit acknowledged before a noted time lies at or before the noted
    position, so once the replica has replayed past it, it holds every commit older than that
    time. The replica is read from until the next check only when the newest such time is recent
    enough for reads until that check to miss nothing older than ``max_lag_seconds``. This holds
    whether the primary is busy or idle and also when the replica has stopped receiving; it errs
    towards the primary (right after a start, or when reads are rare). ``max_lag_seconds`` 0
    reads from the replica however far behind it is.
    """

    def __init__(self, engine: Engine, primary: Engine, *, max_lag_seconds: float) -> None:
        self.engine = engine
        self._autocommit = engine.execution_options(isolation_level="AUTOCOMMIT")
        # Both positions are read without a transaction (no BEGIN and ROLLBACK round trips).
        self._primary = primary.execution_options(isolation_level="AUTOCOMMIT")
        self.max_lag_seconds = max_lag_seconds
        self._interval = max_lag_seconds / 4
        self._samples: deque[tuple[float, int]] = deque()
        self._verdict = False
        self._verdict_until = 0.0
        self._retry_after = 0.0
        self._lock = threading.Lock()
        self.connections_served = 0

    def connect(self, *, autocommit: bool) -> Connection | None:
        """A connection to the replica, or ``None`` when the primary should serve instead."""
        if not self._usable():
            return None
        try:
            connection = (self._autocommit if autocommit else self.engine).connect()
        except DBAPIError:
            self._unreachable()
            return None
        self.connections_served += 1
        return connection

    def usable_without_checking(self) -> bool | None:
        """Whether the replica may serve a read now, as far as that is known without a check of
        its lag; ``None`` when a check is due (it runs on the thread of the next ``connect``)."""
        now = time.monotonic()
        if now < self._retry_after:
            return False
        if self.max_lag_seconds <= 0:
            return True
        return self._verdict if now < self._verdict_until else None

    def _usable(self) -> bool:
        known = self.usable_without_checking()
        if known is not None:
            return known
        # One thread checks; the others keep the last verdict meanwhile.
        if not self._lock.acquire(blocking=False):
            return self._verdict
        try:
            self._verdict = self._close_enough()
        except DBAPIError:
            self._unreachable()
            self._verdict = False
        finally:
            self._lock.release()
        return self._verdict

    def _close_enough(self) -> bool:
        """Check now; the answer holds for ``max_lag_seconds / 4``."""
        asked_at = time.monotonic()
        with self._primary.connect() as connection:
            position = int(connection.exec_driver_sql(_PRIMARY_POSITION).scalar_one())
        with self._autocommit.connect() as connection:
            replayed = connection.exec_driver_sql(_REPLAYED_POSITION).scalar_one()
        now = time.monotonic()
        self._verdict_until = now + self._interval
        if replayed is None:
            logger.warning("DATABASE_REPLICA_URL names a server that is not a standby; not used")
            self._retry_after = now + RETRY_SECONDS
            return False
        self._samples.append((asked_at, position))
        while self._samples and now - self._samples[0][0] > self.max_lag_seconds:
            self._samples.popleft()
        held_since = max(
            (noted for noted, noted_position in self._samples if noted_position <= int(replayed)),
            default=None,
        )
        return held_since is not None and now - held_since <= self.max_lag_seconds - self._interval

    def _unreachable(self) -> None:
        logger.warning(
            "the read replica could not be reached; reading from the primary for %.0f s",
            RETRY_SECONDS,
            exc_info=True,
        )
        self._retry_after = self._verdict_until = time.monotonic() + RETRY_SECONDS


_PRIMARY_POSITION = "SELECT pg_current_wal_lsn() - '0/0'::pg_lsn"
# NULL on a server that is not in recovery.
_REPLAYED_POSITION = "SELECT pg_last_wal_replay_lsn() - '0/0'::pg_lsn"


class RoutingSession(Session):
    """A session that reads from the replica inside ``replica_reads`` and from the primary
    everywhere else (``autocommit``: the replica connection reads without a transaction, like
    the primary connection of ``Database.read_only``)."""

    def __init__(
        self,
        bind: Engine | Connection | None = None,
        *,
        replica: Replica | None = None,
        autocommit: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(bind=bind, **kwargs)
        self._replica = replica
        self._replica_autocommit = autocommit
        self._replica_connection: Connection | None = None
        self._replica_depth = 0

    def get_bind(
        self, mapper: Any = None, *, clause: Any = None, bind: Any = None, **kwargs: Any
    ) -> Engine | Connection:
        if bind is None and self._replica_depth and self._replica_connection is not None:
            return self._replica_connection
        return super().get_bind(mapper, clause=clause, bind=bind, **kwargs)

    def enter_replica(self) -> bool:
        """Route the reads that follow to the replica, if it may serve them (see the module)."""
        if (
            self._replica is None
            or _primary_only.get()
            or self.info.get(_WROTE)
            or self.new
            or self.dirty
            or self.deleted
        ):
            return False
        if self._replica_connection is None:
            self._replica_connection = self._replica.connect(autocommit=self._replica_autocommit)
            if self._replica_connection is None:
                return False
        self._replica_depth += 1
        return True

    def leave_replica(self) -> None:
        self._replica_depth -= 1

    def close(self) -> None:
        try:
            super().close()
        finally:
            if self._replica_connection is not None:
                self._replica_connection.close()
                self._replica_connection = None


@event.listens_for(RoutingSession, "after_flush")
def _flushed(session: Session, _context: Any) -> None:
    session.info[_WROTE] = True


@event.listens_for(RoutingSession, "do_orm_execute")
def _executed(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[_WROTE] = True


@event.listens_for(RoutingSession, "after_transaction_end")
def _ended(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_WROTE, None)


@contextmanager
def replica_reads(session: Session) -> Iterator[bool]:
    """Within this block, ``session`` reads from the replica if it may (yields whether it does).

    Only for reads that may miss the last moments of other callers' writes. Objects loaded here
    stay in the session: do not change them afterwards in the same session.
    """
    routed = isinstance(session, RoutingSession) and session.enter_replica()
    try:
        yield routed
    finally:
        if routed:
            assert isinstance(session, RoutingSession)
            session.leave_replica()


def replica_safe(
    read: Callable[Concatenate[Session, P], R],
) -> Callable[Concatenate[Session, P], R]:
    """Mark a read service (whose first argument is the session) as one the replica may serve."""

    @functools.wraps(read)
    def routed(session: Session, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with replica_reads(session):
            return read(session, *args, **kwargs)

    return routed


def primary_is_asked() -> bool:
    """Whether this context is inside ``primary_only``."""
    return _primary_only.get()


@contextmanager
def primary_only() -> Iterator[None]:
    """Within this block (and the threads it hands work to), marked reads use the primary."""
    token = _primary_only.set(True)
    try:
        yield
    finally:
        _primary_only.reset(token)

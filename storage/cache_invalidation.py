"""After a commit, tell every process that cached principals or job pages are out of date.

Part of the database layer: every ``storage.db.Database`` attaches it to its engine and session
factory when it is built, so no entry point has to remember it. Two generations in Redis stand
for what the caches hold (``hirebridge.admission`` reads them):

- the principals' generation, moved by any committed change to an API key (other than its
  last-used stamp) or to an employer (its plan and rate multiplier travel with its keys);
- the job generations, one per employer (moved when one of its jobs changed) and one for all of
  them (moved by statements that do not say whose jobs they touched, such as the expiry sweep).

Changes are noted as a session flushes or executes a statement (ORM or Core: ``update(Job)`` and
``update(jobs_table)`` alike; a statement executed with ``JOBS_OF_EMPLOYER`` moves only that
employer's job generation), and published only after its commit: a transaction that rolls
back moves nothing, and a reader cannot see the new generation before the data it stands for.
A draft written on the event loop (``storage.loop_statements``), which has no session, is noted
by ``keys_moved_by_insert`` and published by ``publish_on_loop`` after its commit, the same way.
The commit's caller waits for the ``INCR`` (well under a millisecond), so a client that has its
answer reads its own writes from any process.

A Core ``insert``/``update``/``delete`` of a cached table on a bare connection (outside a
session) is refused: the database layer has no after-commit moment there to publish it. Plain
SQL (``text()``) is not parsed; changing the database that way is not seen until the entries
expire.

If Redis cannot be reached at that moment, the change is logged; cached principals then last at
most ``PRINCIPAL_TTL_SECONDS`` (60) and cached job reads at most ``READ_CACHE_SECONDS`` (60).
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Callable, Mapping
from typing import Any

import redis
import redis.asyncio as aioredis
from sqlalchemy import Connection, Engine, Table, event, inspect
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction
from sqlalchemy.sql.dml import UpdateBase

from storage.models import ApiKey, Employer, Job

logger = logging.getLogger(__name__)

PRINCIPAL_GENERATION_KEY = "hirebridge:principals:generation"
ALL_JOBS_GENERATION_KEY = "hirebridge:cache:jobs"
# Execution option of a write that changes nothing a cache holds (a key's last-used stamp).
CACHE_NEUTRAL = "cache_neutral"
# Execution option of a write of the jobs table that changes one employer's jobs only (its value
# is that employer's id): it moves that employer's generation, not every employer's.
JOBS_OF_EMPLOYER = "jobs_of_employer"

_PENDING = "hirebridge.cache_changes"
_KEY_COLUMNS = ("status", "scopes", "expires_at", "employer_id", "secret_hash")
# By name: an ORM statement (``update(Job)``) names an annotated copy of the mapped table.
_JOBS = Job.__tablename__
_PRINCIPAL_TABLES = frozenset({ApiKey.__tablename__, Employer.__tablename__})


class StaleCacheWrite(RuntimeError):
    """A Core write of a cached table on a connection no session owns (see the module doc)."""


def jobs_generation_key(employer_id: int) -> str:
    return f"hirebridge:cache:jobs:{employer_id}"


class _Changes:
    def __init__(self) -> None:
        self.principals = False
        self.all_jobs = False
        self.jobs_of: set[int] = set()

    def keys(self) -> list[str]:
        keys = [PRINCIPAL_GENERATION_KEY] if self.principals else []
        if self.all_jobs:
            keys.append(ALL_JOBS_GENERATION_KEY)
        keys.extend(jobs_generation_key(employer_id) for employer_id in sorted(self.jobs_of))
        return keys


def _changes(session: Session) -> _Changes:
    changes = session.info.get(_PENDING)
    if changes is None:
        changes = session.info[_PENDING] = _Changes()
    return changes


def _key_changed(key: ApiKey) -> bool:
    state = inspect(key)
    return any(state.attrs[name].history.has_changes() for name in _KEY_COLUMNS)


def _note_flush(session: Session, _context: UOWTransaction) -> None:
    for instance in (*session.new, *session.dirty, *session.deleted):
        if isinstance(instance, Job):
            _changes(session).jobs_of.add(instance.employer_id)
        elif _changes_a_principal(session, instance):
            _changes(session).principals = True


def _changes_a_principal(session: Session, instance: object) -> bool:
    """A changed employer, or a changed or deleted key (a new one was never cached)."""
    if instance in session.new:
        return False
    if isinstance(instance, Employer):
        return True
    return isinstance(instance, ApiKey) and (instance in session.deleted or _key_changed(instance))


def _written_table(statement: object) -> str | None:
    """The name of the table an ``insert``/``update``/``delete`` writes (ORM or Core alike)."""
    if not isinstance(statement, UpdateBase):
        return None
    table = getattr(statement, "table", None)
    return table.name if isinstance(table, Table) else None


def _note_statement(state: ORMExecuteState) -> None:
    if state.is_update or state.is_delete or state.is_insert:
        _note_write(
            _changes(state.session),
            state.statement,
            state.execution_options,
            inserted=state.is_insert,
        )


def _note_write(
    changes: _Changes, statement: object, options: Mapping[str, Any], *, inserted: bool
) -> None:
    if options.get(CACHE_NEUTRAL):
        return
    table = _written_table(statement)
    if table == _JOBS:
        employer_id = options.get(JOBS_OF_EMPLOYER)
        if employer_id is None:
            changes.all_jobs = True
        else:
            changes.jobs_of.add(employer_id)
    elif table in _PRINCIPAL_TABLES and not inserted:
        changes.principals = True


def keys_moved_by_insert(statement: object, execution_options: Mapping[str, Any]) -> list[str]:
    """The generations a Core ``insert`` executed with ``execution_options`` moves once it is
    committed, as a session notes them: for a write without a session
    (``storage.loop_statements``), which publishes them with ``publish_on_loop``."""
    changes = _Changes()
    _note_write(changes, statement, execution_options, inserted=True)
    return changes.keys()


async def publish_on_loop(client: aioredis.Redis, keys: list[str]) -> None:
    """``CacheInvalidation.publish`` on the event loop, with the loop's asyncio client."""
    if not keys:
        return
    try:
        if len(keys) == 1:
            await client.incr(keys[0])
        else:
            async with client.pipeline(transaction=False) as pipe:
                for key in keys:
                    pipe.incr(key)
                await pipe.execute()
    except (redis.RedisError, OSError) as error:
        _not_published(keys, error)


def _not_published(keys: list[str], error: BaseException) -> None:
    logger.warning(
        "could not invalidate cached principals or job pages (%s): %r", ", ".join(keys), error
    )


class CacheInvalidation:
    """The invalidation of one database engine (``storage.db.Database`` attaches it).

    ``connection`` returns the Redis to publish to; it is called only when there is something to
    publish, so a command that changes nothing cached never connects. ``None`` publishes nothing
    (a database opened without the runtime, by a test or a benchmark): changes are still noted
    and bare Core writes still refused.

    Every ORM session on the engine is covered, however it was made (the database's session
    factory, or ``Session(bind=connection)``): the session events are listened to on ``Session``
    itself, once, and each session finds its engine's invalidation through its bind.
    """

    def __init__(self, engine: Engine, connection: Callable[[], redis.Redis] | None) -> None:
        self.connection = connection
        _by_engine[engine] = self
        event.listen(engine, "before_execute", _refuse_bare_writes)

    def publish(self, keys: list[str]) -> None:
        if self.connection is None or not keys:
            return
        try:
            connection = self.connection()
            if len(keys) == 1:
                # The usual case (one employer's jobs): one command needs no pipeline object.
                connection.incr(keys[0])
            else:
                with connection.pipeline(transaction=False) as pipe:
                    for key in keys:
                        pipe.incr(key)
                    pipe.execute()
        except (redis.RedisError, OSError) as error:
            _not_published(keys, error)


_by_engine: weakref.WeakKeyDictionary[Engine, CacheInvalidation] = weakref.WeakKeyDictionary()
# The connections an ORM session has begun a transaction on: their writes are noted by the
# session events below. Any other connection is a bare one.
_owned: weakref.WeakSet[Connection] = weakref.WeakSet()


def _engine_of(session: Session) -> Engine | None:
    bind = session.bind
    if isinstance(bind, Connection):
        return bind.engine
    return bind if isinstance(bind, Engine) else None


@event.listens_for(Session, "after_begin")
def _owned_by_session(_session: Session, _transaction: Any, bound: Connection) -> None:
    _owned.add(bound)


def _refuse_bare_writes(
    bound: Connection,
    statement: object,
    _multiparams: Any,
    _params: Any,
    execution_options: dict[str, Any],
) -> None:
    table = _written_table(statement)
    if table is None or bound in _owned or execution_options.get(CACHE_NEUTRAL):
        return
    if table == _JOBS or table in _PRINCIPAL_TABLES:
        raise StaleCacheWrite(
            f"{statement.__class__.__name__.lower()} of {table} outside a session: cached"
            " reads would not hear of it (write it through storage.db.unit_of_work)"
        )


@event.listens_for(Session, "after_commit")
def _publish(session: Session) -> None:
    changes = session.info.pop(_PENDING, None)
    engine = _engine_of(session)
    invalidation = _by_engine.get(engine) if engine is not None else None
    if changes is not None and invalidation is not None:
        invalidation.publish(changes.keys())


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_PENDING, None)


event.listen(Session, "after_flush", _note_flush)
event.listen(Session, "do_orm_execute", _note_statement)

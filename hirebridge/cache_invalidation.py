"""After a commit, tell every process that cached principals or job pages are out of date.

Two generations in Redis stand for what the caches hold (``hirebridge.admission``):

- the principals' generation, moved by any committed change to an API key (other than its
  last-used stamp) or to an employer (its plan and rate multiplier travel with its keys);
- the job generations, one per employer (moved when one of its jobs changed) and one for all of
  them (moved by bulk updates, such as the expiry sweep, which do not say whose jobs they touched).

Changes are noted as the session flushes or executes ORM statements, and published only after its
commit: a transaction that rolls back moves nothing, and a reader cannot see the new generation
before the data it stands for. The commit's caller waits for the ``INCR`` (well under a
millisecond), so a client that has its answer reads its own writes from any process.

If Redis cannot be reached at that moment, the change is logged; cached principals then last at
most ``PRINCIPAL_TTL_SECONDS`` (60) and cached job reads at most ``READ_CACHE_SECONDS`` (60).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import redis
from sqlalchemy import event, inspect
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from hirebridge.admission import (
    ALL_JOBS_GENERATION_KEY,
    PRINCIPAL_GENERATION_KEY,
    jobs_generation_key,
)
from storage.db import CACHE_NEUTRAL
from storage.models import ApiKey, Employer, Job

logger = logging.getLogger(__name__)

_PENDING = "hirebridge.cache_changes"
_KEY_COLUMNS = ("status", "scopes", "expires_at", "employer_id", "secret_hash")


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


def _note_statement(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    if state.execution_options.get(CACHE_NEUTRAL):
        return
    mapper = state.bind_mapper
    if mapper is None:
        return
    if issubclass(mapper.class_, Job):
        _changes(state.session).all_jobs = True
    elif issubclass(mapper.class_, (ApiKey, Employer)) and not state.is_insert:
        _changes(state.session).principals = True


def install_cache_invalidation(
    session_factory: Callable[[], Session], connection: Callable[[], redis.Redis]
) -> None:
    """Publish the changes committed through ``session_factory``'s sessions to the Redis that
    ``connection`` returns (called when there is something to publish, so that a command that
    changes nothing cached never connects)."""

    def publish(session: Session) -> None:
        changes = session.info.pop(_PENDING, None)
        if changes is None:
            return
        keys = changes.keys()
        if not keys:
            return
        try:
            with connection().pipeline(transaction=False) as pipe:
                for key in keys:
                    pipe.incr(key)
                pipe.execute()
        except (redis.RedisError, OSError) as error:
            logger.warning(
                "could not invalidate cached principals or job pages (%s): %r",
                ", ".join(keys),
                error,
            )

    def forget(session: Session, *_: Any) -> None:
        session.info.pop(_PENDING, None)

    event.listen(session_factory, "after_flush", _note_flush)
    event.listen(session_factory, "do_orm_execute", _note_statement)
    event.listen(session_factory, "after_commit", publish)
    event.listen(session_factory, "after_rollback", forget)

"""Waking the pump right after a commit, from the API process.

Kept apart from ``jobs_queue.pump`` so that the API imports neither the pump nor the delivery
engine: the job is queued by its import path.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import redis
from rq import Queue
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from jobs_queue.queues import PUMP_QUEUE
from storage.models import OutboxEvent, WebhookDelivery

logger = logging.getLogger(__name__)

PUMP_TASK = "jobs_queue.pump.pump"
# Set while a woken pump is queued and has not started: further wake-ups need no second one.
WAKE_KEY = "hirebridge:pump:wake"
# Forgets a wake-up whose pump job was lost, so that later commits wake the pump again.
_WAKE_TTL_MS = 5000


def request_pump(connection: redis.Redis) -> bool:
    """Queue a pump pass unless one is already queued; True if this call queued it.

    Raises ``redis.RedisError`` when Redis is down (the periodic pass catches up later).
    """
    if not connection.set(WAKE_KEY, b"1", nx=True, px=_WAKE_TTL_MS):
        return False
    try:
        Queue(PUMP_QUEUE, connection=connection).enqueue(
            PUMP_TASK,
            job_timeout=120,
            # Pointless once the periodic pass has surely run.
            ttl=60,
            result_ttl=0,
            failure_ttl=24 * 3600,
            description="webhook pump (woken)",
        )
    except redis.RedisError:
        connection.delete(WAKE_KEY)
        raise
    return True


class PumpWaker:
    """Wakes the pump from the API process, on a thread of its own.

    A request only sets a flag; the thread queues the pump job, so a slow or absent Redis never
    delays a response, and a burst of commits costs one Redis round trip.
    """

    def __init__(self, connection: redis.Redis) -> None:
        self._connection = connection
        self._wanted = threading.Event()
        self._closing = False
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._last_error = 0.0

    def wake(self) -> None:
        if self._thread is None:
            with self._lock:
                if self._thread is None and not self._closing:
                    self._thread = threading.Thread(
                        target=self._run, name="webhook-pump-waker", daemon=True
                    )
                    self._thread.start()
        self._wanted.set()

    def close(self) -> None:
        self._closing = True
        self._wanted.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _run(self) -> None:
        while True:
            self._wanted.wait()
            if self._closing:
                return
            self._wanted.clear()
            try:
                request_pump(self._connection)
            except redis.RedisError as exc:
                # Events wait in the outbox; the workers' periodic pass sends them.
                if time.monotonic() - self._last_error > 30:
                    logger.warning("could not wake the webhook pump: %s", exc)
                    self._last_error = time.monotonic()


_WAKE_FLAG = "hirebridge.wake_pump"
_WAKING_MODELS = (OutboxEvent, WebhookDelivery)


def install_wakeup(session_factory: Callable[[], Session], wake: Callable[[], None]) -> None:
    """Call ``wake`` after each commit of ``session_factory``'s sessions that wrote outbox
    events or deliveries (new events; redelivery, replay and test events making rows due).

    Only after the commit: an event of a transaction that rolls back is never announced, and
    the pump cannot miss one because it looked before the commit.
    """

    def flag(session: Session) -> None:
        session.info[_WAKE_FLAG] = True

    @event.listens_for(session_factory, "after_flush")
    def _after_flush(session: Session, _context: UOWTransaction) -> None:
        for instance in (*session.new, *session.dirty):
            if isinstance(instance, _WAKING_MODELS):
                flag(session)
                return

    @event.listens_for(session_factory, "do_orm_execute")
    def _on_execute(state: ORMExecuteState) -> None:
        mapper = state.bind_mapper
        writes = state.is_update or state.is_insert
        if writes and mapper is not None and issubclass(mapper.class_, _WAKING_MODELS):
            flag(state.session)

    @event.listens_for(session_factory, "after_commit")
    def _after_commit(session: Session) -> None:
        if session.info.pop(_WAKE_FLAG, False):
            wake()

    @event.listens_for(session_factory, "after_rollback")
    def _after_rollback(session: Session) -> None:
        session.info.pop(_WAKE_FLAG, None)

"""The queue worker: an RQ worker with the scheduler, the webhook pump and the delivery engine.

``hirebridge worker`` runs, in one process:

- an RQ ``SimpleWorker`` on the queues below (with RQ's scheduler, for retried e-mails). Jobs
  run in the worker process rather than a forked child: a delivery job hands its deliveries to
  this process's delivery engine, which a child would not have, and forking per job is the
  throughput ceiling of RQ (several times slower; bench/RESULTS.md has the figures);
- the pump, once a second on a thread (``jobs_queue.pump.PumpLoop``) and soon after the API's
  wake-ups: job expiry, fan-out, claims, and everything the API's wake-ups did not reach. It
  sends what it claims with this process's engine while that has room, and queues delivery jobs
  for any worker otherwise;
- the delivery engine (``jobs_queue.engine``): concurrent POSTs and batched recording.

Any number of these may run on any number of hosts. When Redis goes away the RQ worker stops;
this process keeps pumping into the database and starts a new RQ worker when Redis is back.
"""

from __future__ import annotations

import functools
import logging
import os
import resource
import signal
import threading
import time
from collections.abc import Sequence
from types import FrameType
from typing import Any

import redis
from prometheus_client import start_http_server
from rq import Queue, SimpleWorker

from hirebridge_floor.redis_client import connect, redis_url
from hirebridge_floor.settings import Settings
from jobs_queue import engine, mail
from jobs_queue.delivery import notify_disabled
from jobs_queue.pump import PumpLoop, pump_once
from jobs_queue.queues import QUEUE_NAMES
from storage import runtime

logger = logging.getLogger(__name__)

_MAX_RESTART_DELAY = 30.0
_PARENT_POLL_SECONDS = 1.0
# How often an idle worker wakes (RQ blocks on the queues for its TTL less 15 s) and at most how
# long between its maintenance passes, which is when a worker without the scheduler locks tries to
# take them. RQ's defaults (420 s, 600 s) leave the queues unscheduled for up to ten minutes after
# the worker that scheduled them died.
_WORKER_TTL_SECONDS = 45
_MAINTENANCE_SECONDS = 30


class QueueWorker(SimpleWorker):
    """RQ's ``SimpleWorker``, telling its owner when a signal asked it to stop."""

    def __init__(self, *args: Any, stop: threading.Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._stop_event = stop

    def request_stop(self, signum: int, frame: FrameType | None) -> None:
        self._stop_event.set()
        super().request_stop(signum, frame)  # type: ignore[no-untyped-call]


def run_worker(settings: Settings, *, burst: bool = False) -> None:
    """Work the queues until stopped (or, with ``burst``, until they are empty).

    A burst run makes one pump pass first (expiry included), so that what is due goes out, and
    waits for the deliveries it started before returning.
    """
    started = runtime.start(settings, runtime.Role.WORKER)
    mail.configure(mail.Mailer.from_settings(settings))
    # RQ's blocking reads wait minutes on purpose and RQ stretches the socket timeout to match;
    # the pump and the notices use the runtime's connection, which gives up quickly instead
    # (and through which the expiry sweep's commits invalidate the API's cached job pages).
    rq_connection = connect(redis_url(settings), timeout=30)
    connection = started.redis()
    pump_loop = None if burst else PumpLoop(connection)
    delivery_engine = engine.DeliveryEngine(
        on_disabled=functools.partial(notify_disabled, connection),
        on_recorded=pump_loop.wake if pump_loop is not None else None,
    )
    _allow_open_files(delivery_engine.capacity + 256)
    engine.configure(delivery_engine)
    if pump_loop is not None:
        pump_loop.send_with(delivery_engine)
    if settings.worker_metrics_port is not None:
        # Delivery outcomes and the process's own figures, for Prometheus to scrape.
        start_http_server(settings.worker_metrics_port)
    os.register_at_fork(after_in_child=functools.partial(_end_with_parent, os.getpid()))
    stop = threading.Event()
    try:
        if pump_loop is None:
            pump_once(connection, expire_jobs=True)
        else:
            pump_loop.start()
        _work(rq_connection, stop, burst=burst, log_level=settings.log_level)
    finally:
        if pump_loop is not None:
            pump_loop.stop()
        engine.shutdown()
        rq_connection.close()
        started.close_redis()


def _work(connection: redis.Redis, stop: threading.Event, *, burst: bool, log_level: str) -> None:
    queues: Sequence[Queue] = [Queue(name, connection=connection) for name in QUEUE_NAMES]
    delay = 1.0
    while not stop.is_set():
        started = time.monotonic()
        try:
            QueueWorker(
                queues,
                connection=connection,
                stop=stop,
                worker_ttl=_WORKER_TTL_SECONDS,
                maintenance_interval=_MAINTENANCE_SECONDS,
            ).work(with_scheduler=True, burst=burst, logging_level=log_level)
        except redis.RedisError as exc:
            logger.warning("queue worker lost Redis: %s", exc)
        if burst or stop.is_set():
            return
        if time.monotonic() - started > 60:
            delay = 1.0
        logger.warning("queue worker stopped; starting another in %.0f s", delay)
        _stop_on_signal(stop)
        stop.wait(delay)
        delay = min(delay * 2, _MAX_RESTART_DELAY)


def _end_with_parent(parent_pid: int) -> None:
    """In a child this worker forks (RQ's scheduler): stop as soon as the worker is gone.

    A worker killed outright (SIGKILL, the OOM killer) runs no clean-up, and its scheduler child
    would live on under init, renewing the scheduler locks of every queue so that no other worker
    could ever schedule. The child polls its parent and, once it has changed, asks itself to stop
    with SIGTERM, on which RQ's scheduler releases its locks and ends.
    """

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(_PARENT_POLL_SECONDS)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="end-with-parent", daemon=True).start()


def _allow_open_files(needed: int) -> None:
    # Every delivery in flight holds a socket; a soft limit of 1024 (a common default) would
    # fail connections with EMFILE long before the engine is full.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < needed:
        wanted = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


def _stop_on_signal(stop: threading.Event) -> None:
    # Between two RQ workers nothing else listens to these.
    def handle(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, handle)
    signal.signal(signal.SIGINT, handle)

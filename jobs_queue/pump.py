"""The pump: moves committed work from the database to the queue (docs/requirements.md#w4, #w8).

One pass expires jobs past their date and purges idempotency records past their 24 hours (every
``EXPIRY_INTERVAL``), fans new outbox events out into deliveries, claims the deliveries that are
due and queues ``deliver`` jobs for them. Every step is a transaction of its own and safe to run
in several workers at once, so a pass may run anywhere, any number of times:

- every worker process runs one each second on a thread (``PumpLoop``), which also picks up the
  retries whose time has come and everything that waited while Redis was down;
- the API wakes it right after a commit that wrote events or made deliveries due
  (``jobs_queue.wakeup``), so that a first attempt goes out well within a second. The woken
  ``pump`` job only wakes the worker's own loop, which runs woken passes at most once per
  ``WOKEN_PASS_GAP``: when the API commits one event per request, the commits of that time share
  one pass, one claim and one delivery job instead of costing a pass each.

Nothing is lost while Redis is down: events wait in the outbox and deliveries in their table,
and a claim that could not be queued is given back at once.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field

import redis
from rq import get_current_job

from jobs_queue.delivery import enqueue_claim, queued_jobs
from jobs_queue.engine import DeliveryEngine
from jobs_queue.wakeup import WAKE_KEY
from storage import db
from storage.deliveries import (
    OutgoingDelivery,
    claim_due,
    claim_outgoing,
    fan_out_events,
    release_claim,
)
from storage.idempotency import purge_expired
from storage.jobs import expire_due_jobs

logger = logging.getLogger(__name__)

EXPIRY_INTERVAL = 15.0  # docs/requirements.md#w8 asks for within a minute
FAN_OUT_BATCH = 500
CLAIM_BATCH = 500
# Stop claiming while this many delivery jobs wait: claims that sit in the queue only age.
MAX_QUEUED_JOBS = 20
# How long one pass keeps going while there is more to do.
_PASS_BUDGET = 1.0
_BACKLOG_PAUSE = 0.1
# Woken passes start at least this long after the previous pass started. A wake-up after a quiet
# spell is served at once; under a stream of commits (one per API request) each pass gathers the
# commits of this long, which bounds what the gathering adds to commit-to-first-attempt latency.
WOKEN_PASS_GAP = 0.1


@dataclass
class PumpReport:
    expired_jobs: int = 0
    idempotency_records_purged: int = 0
    events: int = 0
    deliveries_created: int = 0
    claimed: int = 0
    jobs_queued: int = 0
    # Claimed deliveries handed to this process's engine rather than queued.
    sent_here: int = 0
    # Stopped for time with more to do, or because the workers' queue was full.
    more_due: bool = False
    queue_full: bool = False
    notes: list[str] = field(default_factory=list)


def pump_once(
    connection: redis.Redis,
    *,
    expire_jobs: bool = False,
    engine: DeliveryEngine | None = None,
) -> PumpReport:
    """Run one pass of the pump (see the module); returns what it did.

    With ``engine`` (the worker's own), claims are sent by it while it has room for a whole
    claim, in the transaction's wake, instead of going through ``deliver`` jobs: a claim and
    its details are one transaction and no job is queued. When it is full, claims go to the
    queue for any worker to take, as without it.

    Database errors propagate; Redis errors do not stop the database steps.
    """
    report = PumpReport()
    started = time.monotonic()
    try:
        # Before reading: a commit from now on must wake another pass, not rely on this one.
        connection.delete(WAKE_KEY)
    except redis.RedisError as exc:
        report.notes.append(f"redis: {exc}")
    if expire_jobs:
        with db.unit_of_work() as session:
            report.expired_jobs = len(expire_due_jobs(session))
        with db.unit_of_work() as session:
            report.idempotency_records_purged = purge_expired(session)
    # Half the pass at most for fanning out, so that a backlog of events (after an outage)
    # does not keep the pass from claiming what is already due.
    while True:
        with db.unit_of_work() as session:
            fan_out = fan_out_events(session, FAN_OUT_BATCH)
        report.events += fan_out.events
        report.deliveries_created += fan_out.deliveries
        if fan_out.events < FAN_OUT_BATCH:
            break
        if time.monotonic() - started > _PASS_BUDGET / 2:
            report.more_due = True
            break
    while True:
        if engine is not None and engine.reserve(CLAIM_BATCH, timeout=0):
            # Room in this process: claim and send here, without a delivery job in between.
            claimed, _started = engine.submit_reserved(CLAIM_BATCH, _claim_outgoing)
            report.sent_here += claimed
        else:
            try:
                if queued_jobs(connection) >= MAX_QUEUED_JOBS:
                    # The workers are behind; claims would only age in the queue.
                    report.queue_full = True
                    break
            except redis.RedisError as exc:
                # Nowhere to put deliveries: leave them due in the database.
                report.notes.append(f"redis: {exc}")
                break
            with db.unit_of_work() as session:
                claim = claim_due(session, CLAIM_BATCH)
            if not claim.delivery_ids:
                break
            try:
                report.jobs_queued += enqueue_claim(connection, claim)
            except redis.RedisError as exc:
                with db.unit_of_work() as session:
                    release_claim(session, claim)
                report.notes.append(f"redis: {exc}")
                break
            claimed = len(claim.delivery_ids)
        report.claimed += claimed
        if claimed < CLAIM_BATCH:
            break
        if time.monotonic() - started > _PASS_BUDGET:
            report.more_due = True
            break
    return report


def _claim_outgoing() -> list[OutgoingDelivery]:
    # Committed before it returns: what it claims is sent only once the claim holds.
    with db.unit_of_work() as session:
        return claim_outgoing(session, CLAIM_BATCH)


def pump() -> dict[str, int]:
    """RQ task, queued by the API's wake-ups: wake this worker's ``PumpLoop``, which gathers
    wake-ups into passes (see the module); where no loop runs, one pass on the job's own Redis
    connection."""
    loop = _running_loop
    if loop is not None and loop.running:
        loop.wake()
        return {"events": 0, "claimed": 0}
    job = get_current_job()
    if job is None:
        raise RuntimeError("pump() runs as an RQ job; call pump_once() otherwise")
    report = pump_once(job.connection)
    return {"events": report.events, "claimed": report.claimed}


_running_loop: PumpLoop | None = None


class PumpLoop:
    """Runs ``pump_once`` every ``interval`` seconds on a thread, at once while more is due, and
    soon after ``wake()``: at once after a quiet spell, otherwise ``min_gap`` after the previous
    pass started, so that a stream of wake-ups is served by a few passes that each take more.

    The delivery engine wakes it whenever it has recorded outcomes: those deliveries are no
    longer in flight, so their subscriptions may have room for more (docs/requirements.md#w7).
    Without that, a subscription with a backlog would get at most 50 deliveries per pass, one pass a
    second.

    Args:
        connection: Redis for the ``deliver`` jobs; best a connection of its own with short
            timeouts (the RQ worker's waits minutes on purpose).
        interval: seconds between passes when nothing is waiting.
        expire_every: seconds between job-expiry runs (docs/requirements.md#w8: within a minute).
        min_gap: seconds from the start of one pass to the start of a woken one.

    Once given the process's delivery engine (``send_with``), its passes send what they claim
    themselves while the engine has room (see ``pump_once``).
    """

    def __init__(
        self,
        connection: redis.Redis,
        *,
        interval: float = 1.0,
        expire_every: float = EXPIRY_INTERVAL,
        min_gap: float = WOKEN_PASS_GAP,
    ) -> None:
        self._connection = connection
        self._interval = interval
        self._expire_every = expire_every
        self._min_gap = min_gap
        self._engine: DeliveryEngine | None = None
        # Passes run so far (for tests and debugging).
        self.passes = 0
        self._stop = threading.Event()
        self._woken = threading.Event()
        self._thread = threading.Thread(target=self._run, name="webhook-pump", daemon=True)
        self._last_failure = ""

    def start(self) -> PumpLoop:
        """Start the thread; the ``pump`` jobs this process runs wake this loop from now on."""
        global _running_loop
        self._thread.start()
        _running_loop = self
        return self

    def send_with(self, engine: DeliveryEngine) -> None:
        """Send claims with ``engine`` (started) from the next pass on."""
        self._engine = engine

    @property
    def running(self) -> bool:
        return self._thread.is_alive() and not self._stop.is_set()

    def wake(self) -> None:
        """Run a pass soon (from any thread)."""
        self._woken.set()

    def stop(self, timeout: float = 10.0) -> None:
        global _running_loop
        if _running_loop is self:
            _running_loop = None
        self._stop.set()
        self._woken.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _run(self) -> None:
        next_expiry = 0.0
        while not self._stop.is_set():
            started = time.monotonic()
            expire = started >= next_expiry
            pause = self._interval
            try:
                report = pump_once(self._connection, expire_jobs=expire, engine=self._engine)
            except Exception as exc:
                self._log_failure(f"{type(exc).__name__}: {str(exc).splitlines()[0]}")
            else:
                if expire:
                    next_expiry = time.monotonic() + self._expire_every
                if report.more_due:
                    pause = 0.0
                elif report.queue_full:
                    # Look again soon: the workers may empty the queue well within a second.
                    pause = min(self._interval, _BACKLOG_PAUSE)
                self._log_failure("; ".join(report.notes))
            self.passes += 1
            if pause and self._woken.wait(max(0.0, started + pause - time.monotonic())):
                # Woken: gather what else comes until the gap since this pass's start is over.
                self._stop.wait(max(0.0, started + self._min_gap - time.monotonic()))
            self._woken.clear()

    def _log_failure(self, failure: str) -> None:
        # Once per change, not once a second for as long as an outage lasts.
        if failure and failure != self._last_failure:
            logger.warning("webhook pump: %s", failure)
        elif not failure and self._last_failure:
            logger.info("webhook pump: recovered")
        self._last_failure = failure

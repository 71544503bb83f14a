"""The delivery engine of a worker process: concurrent sending, batched recording
(docs/requirements.md#w5 to #w7).

RQ runs one job at a time per worker process. If a delivery job waited for its POSTs, a receiver
that never answers would hold the worker for 10 seconds and every other subscription's
deliveries would queue behind it. So a delivery job only takes its deliveries (see
``jobs_queue.delivery``) and hands them to this engine: an asyncio loop on a thread of its own,
where any number of POSTs wait at once, and a recorder thread that writes their outcomes to the
database in batches. A slow receiver costs one waiting coroutine per delivery in flight (at most
50 per subscription, docs/requirements.md#w7), never a worker.

Capacity is bounded: a job that would take the engine over ``capacity`` deliveries in flight
waits before it takes any, so a busy process stops pulling jobs and other workers get them. The
engine keeps no state that matters across a crash: a delivery it had in hand keeps its lease in
the database, runs out, and is sent again (at least once).
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence

from sqlalchemy.exc import SQLAlchemyError

from hirebridge_floor import metrics
from jobs_queue.sender import DEFAULT_TIMEOUT, WebhookSender
from storage import db, secret_box
from storage.deliveries import (
    AttemptResult,
    DeliveryOutcome,
    OutgoingDelivery,
    RecordedOutcomes,
    SubscriptionDisabled,
    record_outcomes,
)

logger = logging.getLogger(__name__)

DisabledHandler = Callable[[Sequence[SubscriptionDisabled]], None]


class DeliveryEngine:
    """Sends deliveries concurrently on a background event loop and records their outcomes.

    Args:
        timeout: seconds a POST may take in all (docs/requirements.md#w5 says 10; tests shorten it).
        capacity: deliveries in flight at most in this process.
        on_disabled: called (on the recorder thread, after the commit) with the subscriptions
            that the recorded failures disabled, to notify their admins.
        on_recorded: called (on the recorder thread) after outcomes were recorded: their
            subscriptions may take more deliveries now (the worker wakes its pump).
    """

    def __init__(
        self,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        capacity: int = 1000,
        on_disabled: DisabledHandler | None = None,
        on_recorded: Callable[[], None] | None = None,
    ) -> None:
        self.capacity = capacity
        self._sender = WebhookSender(timeout=timeout, max_connections=capacity)
        self._recorder = OutcomeRecorder(on_disabled=on_disabled, on_recorded=on_recorded)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._room = threading.Condition()
        self._in_flight = 0
        self._lock = threading.Lock()

    def start(self) -> DeliveryEngine:
        """Start the loop and the recorder (idempotent)."""
        with self._lock:
            if self._thread is not None:
                return self
            ready = threading.Event()
            self._thread = threading.Thread(
                target=self._run_loop, args=(ready,), name="webhook-sender", daemon=True
            )
            self._thread.start()
            ready.wait()
            self._recorder.start()
        return self

    def _run_loop(self, ready: threading.Event) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        loop.run_until_complete(self._sender.open())
        self._loop = loop
        ready.set()
        try:
            loop.run_forever()
        finally:
            loop.run_until_complete(self._sender.close())
            loop.run_until_complete(loop.shutdown_default_executor())
            loop.close()

    @property
    def in_flight(self) -> int:
        return self._in_flight

    def reserve(self, count: int, timeout: float | None = None) -> bool:
        """Wait until ``count`` more deliveries fit (a larger batch fits an idle engine)."""
        with self._room:
            fits = self._room.wait_for(
                lambda: self._in_flight == 0 or self._in_flight + count <= self.capacity,
                timeout=timeout,
            )
            if fits:
                self._in_flight += count
            return fits

    def release(self, count: int) -> None:
        """Give back reserved places that were not used."""
        if count <= 0:
            return
        with self._room:
            self._in_flight -= count
            self._room.notify_all()

    def submit_reserved(
        self, places: int, read: Callable[[], Sequence[OutgoingDelivery]]
    ) -> tuple[int, int]:
        """``submit(read())`` on ``places`` reserved beforehand: the places of deliveries not
        started are given back, also when ``read`` or the sending raise. Returns how many
        deliveries ``read`` gave and how many were started."""
        started = 0
        try:
            deliveries = read()
            started = self.submit(deliveries)
        finally:
            self.release(places - started)
        return len(deliveries), started

    def submit(self, deliveries: Sequence[OutgoingDelivery]) -> int:
        """Start sending ``deliveries`` (their places reserved beforehand) and return at once
        with how many were started; each started one gives its place back when it is done.

        A delivery whose secret cannot be opened (``WEBHOOK_SECRET_KEY`` changed) is not sent
        and not counted against the receiver: it keeps its lease, is logged, and is tried again
        when the lease runs out.
        """
        loop = self._loop
        if loop is None:
            raise RuntimeError("the delivery engine is not started")
        opened: dict[str, str] = {}
        started = 0
        for delivery in deliveries:
            try:
                secrets = [_open_secret(sealed, opened) for sealed in delivery.sealed_secrets]
            except ValueError as exc:
                logger.error("delivery %s not sent: %s", delivery.public_id, exc)
                continue
            future = asyncio.run_coroutine_threadsafe(self._deliver(delivery, secrets), loop)
            future.add_done_callback(lambda _future: self.release(1))
            started += 1
        return started

    async def _deliver(self, delivery: OutgoingDelivery, secrets: list[str]) -> AttemptResult:
        try:
            result = await self._sender.send(delivery, secrets)
        except Exception:
            # A bug, not the receiver: leave the delivery to its lease and say so.
            logger.exception("delivery %s could not be attempted", delivery.public_id)
            raise
        self._recorder.put(DeliveryOutcome(delivery.delivery_id, result, delivery.lease_expires_at))
        return result

    def wait_idle(self, timeout: float) -> bool:
        """Wait until nothing is in flight and every outcome is recorded."""
        deadline = time.monotonic() + timeout
        with self._room:
            idle = self._room.wait_for(lambda: self._in_flight == 0, timeout=timeout)
        return idle and self._recorder.wait_empty(max(0.0, deadline - time.monotonic()))

    def close(self, timeout: float = 15.0) -> None:
        """Let the deliveries in flight finish (up to ``timeout``), record them, and stop.

        Whatever is still unfinished then keeps its lease and is sent again after it runs out.
        """
        with self._lock:
            if self._thread is None:
                return
            if not self.wait_idle(timeout):
                logger.warning("stopping with %d deliveries still in flight", self._in_flight)
            loop, thread = self._loop, self._thread
            if loop is not None:
                loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout=5)
            self._recorder.close()
            self._thread = None
            self._loop = None


def _open_secret(sealed: str, opened: dict[str, str]) -> str:
    # A batch often holds many deliveries of one subscription: decrypt each secret once.
    if sealed not in opened:
        opened[sealed] = secret_box.current().open(sealed)
    return opened[sealed]


class OutcomeRecorder:
    """Writes delivery outcomes in batches, one transaction per batch, on a thread of its own.

    Batching is what lets one process record hundreds of attempts a second. A batch that cannot
    be written (the database is down, a deadlock) is retried; one that keeps failing is dropped
    with an error in the log, and its deliveries go out again when their leases run out.
    """

    _STOP = object()

    def __init__(
        self,
        *,
        on_disabled: DisabledHandler | None = None,
        on_recorded: Callable[[], None] | None = None,
        max_batch: int = 200,
        linger: float = 0.02,
        tries: int = 6,
    ) -> None:
        self._on_disabled = on_disabled
        self._on_recorded = on_recorded
        self._max_batch = max_batch
        self._linger = linger
        self._tries = tries
        self._queue: queue.Queue[object] = queue.Queue()
        self._pending = 0
        self._idle = threading.Condition()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="webhook-recorder", daemon=True)
        self._thread.start()

    def put(self, outcome: DeliveryOutcome) -> None:
        with self._idle:
            self._pending += 1
        self._queue.put(outcome)

    def wait_empty(self, timeout: float) -> bool:
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout=timeout)

    def close(self) -> None:
        if self._thread is not None:
            self._queue.put(self._STOP)
            self._thread.join(timeout=30)
            self._thread = None

    def _run(self) -> None:
        stopping = False
        while not stopping:
            first = self._queue.get()
            if first is self._STOP:
                return
            batch = [first]
            # Linger briefly so that a burst of outcomes shares one transaction.
            deadline = time.monotonic() + self._linger
            while len(batch) < self._max_batch:
                try:
                    item = self._queue.get(timeout=max(0.0, deadline - time.monotonic()))
                except queue.Empty:
                    break
                if item is self._STOP:
                    stopping = True
                    break
                batch.append(item)
            outcomes = [item for item in batch if isinstance(item, DeliveryOutcome)]
            try:
                self._record(outcomes)
            finally:
                with self._idle:
                    self._pending -= len(outcomes)
                    self._idle.notify_all()

    def _record(self, outcomes: list[DeliveryOutcome]) -> None:
        recorded = self._write(outcomes)
        if recorded is None:
            return
        succeeded = sum(1 for outcome in outcomes if outcome.attempt.succeeded)
        metrics.count_delivery_attempts(succeeded, len(outcomes) - succeeded)
        if recorded.recorded and self._on_recorded is not None:
            self._on_recorded()
        if not recorded.disabled:
            return
        if self._on_disabled is None:
            for notice in recorded.disabled:
                logger.warning(
                    "webhook subscription %d disabled; nobody is set up to tell its admins",
                    notice.subscription_id,
                )
            return
        try:
            self._on_disabled(recorded.disabled)
        except Exception:
            logger.exception("could not notify about disabled webhook subscriptions")

    def _write(self, outcomes: list[DeliveryOutcome]) -> RecordedOutcomes | None:
        for attempt in range(1, self._tries + 1):
            try:
                with db.unit_of_work() as session:
                    return record_outcomes(session, outcomes)
            except SQLAlchemyError as exc:
                reason = str(exc).splitlines()[0]
                if attempt == self._tries:
                    logger.error(
                        "dropping %d delivery outcomes after %d tries: %s",
                        len(outcomes),
                        attempt,
                        reason,
                    )
                    return None
                logger.warning("recording delivery outcomes failed, will retry: %s", reason)
                time.sleep(min(0.1 * 2**attempt, 5.0))
        return None


_engine: DeliveryEngine | None = None
_engine_lock = threading.Lock()


def configure(engine: DeliveryEngine) -> DeliveryEngine:
    """Make ``engine`` (started) the process's engine, closing any earlier one."""
    global _engine
    with _engine_lock:
        previous, _engine = _engine, engine.start()
    if previous is not None and previous is not engine:
        previous.close()
    return engine


def current() -> DeliveryEngine:
    """The process's engine; one with the defaults is started on first use."""
    global _engine
    with _engine_lock:
        if _engine is None:
            _engine = DeliveryEngine().start()
        return _engine


def shutdown(timeout: float = 15.0) -> None:
    """Close the process's engine, if one was started."""
    global _engine
    with _engine_lock:
        engine, _engine = _engine, None
    if engine is not None:
        engine.close(timeout)

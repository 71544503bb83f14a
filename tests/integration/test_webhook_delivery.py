"""Webhook delivery (docs/requirements.md#w2 to #w9) with real Redis, real RQ workers and real
receivers on loopback.

Two ways of running the engine:

- the whole service as deployed: ``hirebridge serve`` and ``hirebridge worker`` subprocesses on
  one Redis, events made through the live API (the node receiver, the Redis outage);
- in this process, to move the clock: one pump pass, an RQ ``SimpleWorker`` in burst mode, and
  the process's delivery engine (everything else).

Subscriptions are rows written here with a sealed secret; the API that manages them has tests of
its own. The queues use Redis database 12 (13 is the API's, flushed by other tests).
"""

from __future__ import annotations

import ipaddress
import json
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from email import message_from_bytes
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
from rq import Queue, SimpleWorker
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from jobs_queue import engine, mail
from jobs_queue.delivery import DELIVERY_QUEUE, notify_disabled
from jobs_queue.pump import CLAIM_BATCH, PumpLoop, PumpReport, pump_once
from jobs_queue.queues import PUMP_QUEUE
from jobs_queue.signing import sign
from jobs_queue.wakeup import request_pump
from storage import clock, db, outbox, secret_box, webhook_targets
from storage.deliveries import (
    AUTO_DISABLE_AFTER,
    MAX_ATTEMPTS,
    MAX_IN_FLIGHT_PER_SUBSCRIPTION,
    RETRY_DELAYS,
)
from storage.models import (
    DeliveryStatus,
    JobStatus,
    User,
    UserRole,
    WebhookDelivery,
    WebhookSubscription,
)
from tests.support.apps import Api
from tests.support.databases import TEST_REDIS_URL
from tests.support.factories import SEED_JOB, Tenant
from tests.support.live import (
    LiveServer,
    free_port,
    service_env,
    start_live_server,
    stop_live_server,
)
from tests.support.mail import Inbox, SmtpSink
from tests.support.receivers import Received, Receiver, Reply, SeedReceiver, always, wait_for

from .test_pipeline_and_board import apply, events, published_job, stages

ALL_EVENTS = list(outbox.SUBSCRIBABLE_EVENTS)


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def _queue_redis_url() -> str:
    base, _, _db = TEST_REDIS_URL.rpartition("/")
    return f"{base}/12"


# ---------------------------------------------------------------------------------------------
# Fixtures and helpers


@pytest.fixture
def queue_redis() -> Iterator[redis.Redis]:
    """Redis database 12, empty: the queues of this test's workers."""
    connection = redis.Redis.from_url(_queue_redis_url())
    connection.flushdb()
    yield connection
    connection.close()


@pytest.fixture
def insecure_targets() -> Iterator[None]:
    """Allow plain http to loopback, as ``WEBHOOK_ALLOW_INSECURE_TARGETS=1`` does."""
    previous = webhook_targets.current().allow_insecure
    webhook_targets.configure(allow_insecure=True)
    yield
    webhook_targets.configure(allow_insecure=previous)


@pytest.fixture
def receivers() -> Iterator[Callable[..., Receiver]]:
    started: list[Receiver] = []

    def start(respond: Callable[[Received, int], Reply] | None = None) -> Receiver:
        receiver = Receiver(respond or always(200))
        started.append(receiver)
        return receiver

    yield start
    for receiver in started:
        receiver.close()


@pytest.fixture
def subscribe() -> Iterator[Callable[..., tuple[int, str]]]:
    """Write an enabled subscription with a sealed secret; returns (id, secret).

    At the end of the test they are disabled, so that later tests' pumps leave them alone.
    """
    made: list[tuple[db.Database, int]] = []

    def make(
        employer_id: int,
        url: str,
        *,
        events: Sequence[str] = ALL_EVENTS,
        secret: str | None = None,
        previous_secret: str | None = None,
        previous_expires_in: timedelta = timedelta(hours=24),
    ) -> tuple[int, str]:
        secret = secret or new_secret()
        box = secret_box.current()
        now = clock.utcnow()
        with db.unit_of_work() as session:
            subscription = WebhookSubscription(
                employer_id=employer_id,
                url=url,
                events=list(events),
                enabled=True,
                secret_encrypted=box.seal(secret),
                previous_secret_encrypted=box.seal(previous_secret) if previous_secret else None,
                previous_secret_expires_at=now + previous_expires_in if previous_secret else None,
                consecutive_failures=0,
                created_at=now,
                updated_at=now,
            )
            session.add(subscription)
            session.flush()  # the id, for the caller
            made.append((db.current(), subscription.id))
            return subscription.id, secret

    yield make
    for database, subscription_id in made:
        with database.unit_of_work() as session:
            session.execute(
                update(WebhookSubscription)
                .where(WebhookSubscription.id == subscription_id)
                .values(enabled=False)
            )


@pytest.fixture
def clock_offset() -> Iterator[Callable[[timedelta], None]]:
    yield clock.set_offset
    clock.set_offset(timedelta(0))


class InProcess:
    """Deliveries run in this process: a pump pass, a burst RQ worker, the delivery engine."""

    def __init__(self, connection: redis.Redis) -> None:
        self.connection = connection

    def start(self, timeout: float | None = None) -> engine.DeliveryEngine:
        options: dict[str, Any] = {} if timeout is None else {"timeout": timeout}
        return engine.configure(
            engine.DeliveryEngine(
                on_disabled=lambda notices: notify_disabled(self.connection, notices),
                **options,
            )
        )

    def work(self, *queue_names: str) -> None:
        handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
        queues = [Queue(name, connection=self.connection) for name in queue_names]
        try:
            SimpleWorker(queues, connection=self.connection).work(
                burst=True, logging_level="WARNING"
            )
        finally:
            # RQ installs its own; give pytest's back.
            for sig, handler in handlers.items():
                signal.signal(sig, handler)

    def run(self, *, wait: bool = True) -> PumpReport:
        """One pump pass, the delivery jobs it queued, and (with ``wait``) their outcomes."""
        report = pump_once(self.connection)
        self.work(DELIVERY_QUEUE)
        if wait:
            assert engine.current().wait_idle(30), "deliveries still in flight"
        return report


@pytest.fixture
def in_process(queue_redis: redis.Redis, insecure_targets: None) -> Iterator[InProcess]:
    runner = InProcess(queue_redis)
    runner.start()
    yield runner
    engine.shutdown(timeout=5)


def deliveries_of(subscription_id: int) -> list[WebhookDelivery]:
    with db.unit_of_work() as session:
        return list(
            session.scalars(
                select(WebhookDelivery)
                .where(WebhookDelivery.subscription_id == subscription_id)
                .options(
                    selectinload(WebhookDelivery.attempts),
                    selectinload(WebhookDelivery.event),
                )
                .order_by(WebhookDelivery.id)
            )
        )


def subscription(subscription_id: int) -> WebhookSubscription:
    with db.unit_of_work() as session:
        found = session.get(WebhookSubscription, subscription_id)
        assert found is not None
        return found


def statuses(subscription_id: int) -> list[DeliveryStatus]:
    return [delivery.status for delivery in deliveries_of(subscription_id)]


def parse_signature(header: str) -> tuple[int, list[str]]:
    parts = [part.split("=", 1) for part in header.split(",")]
    assert parts[0][0] == "t" and all(name == "v1" for name, _ in parts[1:])
    return int(parts[0][1]), [value for _, value in parts[1:]]


# ---------------------------------------------------------------------------------------------
# The whole service: live API, `hirebridge worker`, the seed's receiver


def database_url(api: Api) -> str:
    return api.database.url.render_as_string(hide_password=False)


@dataclass
class Stack:
    """``hirebridge serve`` and ``hirebridge worker`` on one Redis, and a client of the API."""

    server: LiveServer
    worker: subprocess.Popen[bytes]
    client: Api

    def stop(self) -> None:
        self.worker.send_signal(signal.SIGTERM)
        try:
            self.worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.worker.kill()
            self.worker.wait()
        stop_live_server(self.server)
        self.client.client.close()


def start_stack(api: Api, redis_url: str, data_dir: Path, key: str) -> Stack:
    env = service_env(database_url(api), redis_url, data_dir)
    env["WEBHOOK_ALLOW_INSECURE_TARGETS"] = "1"
    server = start_live_server(env, workers=1)
    worker = subprocess.Popen([sys.executable, "-m", "hirebridge", "worker"], env=env)
    client = Api(
        app=None,
        client=httpx.Client(base_url=server.base_url, timeout=30),
        backend=api.backend,
        database=api.database,
        default_key=key,
    )
    return Stack(server=server, worker=worker, client=client)


def test_the_seed_receiver_accepts_every_delivery_of_the_live_service(
    api: Api, tenant: Tenant, subscribe: Callable[..., tuple[int, str]], tmp_path: Path
) -> None:
    secret = new_secret()
    node = SeedReceiver(secret)
    stack = start_stack(api, _queue_redis_url(), tmp_path, tenant.key)
    try:
        subscription_id, _ = subscribe(tenant.employer_id, node.url(), secret=secret)

        live = stack.client
        job = published_job(live)
        assert apply(live, job["id"]).status_code == 201
        application = live.get(f"/api/v1/jobs/{job['id']}/applications").json()["items"][0]
        moved = live.put(
            f"/api/v1/pipeline/candidates/{application['id']}/move",
            json={"stageId": stages(live)["Screened"]},
        )
        assert moved.status_code == 200
        assert live.delete(f"/api/v1/jobs/{job['id']}").status_code == 200

        wait_for(
            lambda: statuses(subscription_id) == [DeliveryStatus.SUCCEEDED] * 4,
            timeout=60,
            message="four successful deliveries",
        )
    finally:
        stack.stop()
        node.close()

    delivered = deliveries_of(subscription_id)
    assert [d.event.type for d in delivered] == [
        outbox.JOB_PUBLISHED,
        outbox.APPLICATION_SUBMITTED,
        outbox.APPLICATION_STATUS_CHANGED,
        outbox.JOB_CLOSED,
    ]
    assert all(
        [(a.status_code, a.succeeded) for a in d.attempts] == [(200, True)] for d in delivered
    )
    # Each delivery reached the receiver once, verified by the seed's code.
    assert [line["status"] for line in node.lines] == [200] * 4
    assert sorted(line["deliveryId"] for line in node.lines) == sorted(
        d.public_id for d in delivered
    )
    by_id = {line["deliveryId"]: line for line in node.lines}
    for delivery in delivered:
        line = by_id[delivery.public_id]
        body = json.loads(line["body"])
        assert line["event"] == body["type"] == delivery.event.type
        assert body == outbox.payload(delivery.event)
        assert set(body) == {"id", "type", "createdAt", "data"}
    submitted = json.loads(by_id[delivered[1].public_id]["body"])["data"]
    assert set(submitted) == {
        "applicationId",
        "jobPostId",
        "jobTitle",
        "candidateId",
        "appliedAt",
        "applicationType",
    }


def test_the_seed_receiver_refuses_a_tampered_body_and_an_old_timestamp() -> None:
    secret = new_secret()
    node = SeedReceiver(secret)
    try:
        body = json.dumps({"id": "evt_1", "type": "job.closed", "data": {"jobPostId": 7}}).encode()

        def post(content: bytes, timestamp: int, signed_body: bytes) -> int:
            header = f"t={timestamp},v1={sign(secret, timestamp, signed_body)}"
            return httpx.post(
                node.url(), content=content, headers={"X-Webhook-Signature": header}
            ).status_code

        now = int(time.time())
        assert post(body, now, body) == 200
        assert post(body.replace(b"7", b"8"), now, body) == 403
        assert post(body, now - 301, body) == 400
        assert post(body, now, body + b" ") == 403
    finally:
        node.close()


# ---------------------------------------------------------------------------------------------
# Signatures, retries, timeouts, redirects, the schedule (in this process)


def test_a_rotation_signs_with_both_secrets_newest_first(
    api: Api,
    tenant: Tenant,
    in_process: InProcess,
    subscribe: Callable[..., tuple[int, str]],
) -> None:
    previous, current = new_secret(), new_secret()
    node = SeedReceiver(current)
    try:
        subscription_id, _ = subscribe(
            tenant.employer_id, node.url(), secret=current, previous_secret=previous
        )
        published_job(api)
        in_process.run()
        wait_for(lambda: node.lines, timeout=10, message="the receiver's log")
    finally:
        node.close()

    assert statuses(subscription_id) == [DeliveryStatus.SUCCEEDED]
    [line] = node.lines
    timestamp, signatures = parse_signature(line["signature"])
    body = line["body"].encode()
    assert signatures == [sign(current, timestamp, body), sign(previous, timestamp, body)]
    assert line["status"] == 200  # the seed's code checks the first entry: the new secret


def test_an_expired_previous_secret_no_longer_signs(
    api: Api,
    tenant: Tenant,
    in_process: InProcess,
    receivers: Callable[..., Receiver],
    subscribe: Callable[..., tuple[int, str]],
) -> None:
    receiver = receivers()
    subscription_id, secret = subscribe(
        tenant.employer_id,
        receiver.url(),
        previous_secret="whsec_old",
        previous_expires_in=timedelta(seconds=-1),
    )
    published_job(api)
    in_process.run()
    [request] = receiver.requests
    timestamp, signatures = parse_signature(request.headers["X-Webhook-Signature"])
    assert signatures == [sign(secret, timestamp, request.body)]
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["X-Webhook-Event"] == "job.published"
    assert request.headers["X-Webhook-Delivery-Id"] == deliveries_of(subscription_id)[0].public_id


def test_a_failing_receiver_is_retried_on_schedule_until_it_answers(
    api: Api,
    tenant: Tenant,
    in_process: InProcess,
    receivers: Callable[..., Receiver],
    subscribe: Callable[..., tuple[int, str]],
    clock_offset: Callable[[timedelta], None],
) -> None:
    answers = [500, 503, 429, 200]
    receiver = receivers(lambda _request, index: Reply(answers[min(index, 3)]))
    subscription_id, _ = subscribe(tenant.employer_id, receiver.url(), events=["job.published"])
    published_job(api)

    offset = timedelta(0)
    in_process.run()
    for delay in RETRY_DELAYS[:3]:
        [delivery] = deliveries_of(subscription_id)
        assert delivery.status is DeliveryStatus.PENDING
        assert delivery.next_attempt_at is not None
        waited = delivery.next_attempt_at - delivery.attempts[-1].started_at
        assert delay <= waited < delay + timedelta(seconds=30)
        # Not due yet: nothing is sent.
        sent = len(receiver.requests)
        in_process.run()
        assert len(receiver.requests) == sent
        offset += delay + timedelta(seconds=1)
        clock_offset(offset)
        in_process.run()

    [delivery] = deliveries_of(subscription_id)
    assert delivery.status is DeliveryStatus.SUCCEEDED and delivery.succeeded_at is not None
    assert delivery.failed_attempts == 3
    assert [(a.status_code, a.succeeded) for a in delivery.attempts] == [
        (500, False),
        (503, False),
        (429, False),
        (200, True),
    ]
    # One delivery id on every attempt; the success ended the subscription's run of failures.
    assert receiver.delivery_ids() == [delivery.public_id] * 4
    assert subscription(subscription_id).consecutive_failures == 0


def test_a_receiver_that_never_answers_times_out(
    api: Api,
    tenant: Tenant,
    in_process: InProcess,
    receivers: Callable[..., Receiver],
    subscribe: Callable[..., tuple[int, str]],
) -> None:
    # The production timeout is 10 s (a unit test says so); one second keeps this test short.
    in_process.start(timeout=1.0)
    hang = threading.Event()
    receiver = receivers(lambda _request, _index: Reply(200, release=hang, hold=30))
    subscription_id, _ = subscribe(tenant.employer_id, receiver.url(), events=["job.published"])
    try:
        published_job(api)
        in_process.run()
    finally:
        hang.set()

    [delivery] = deliveries_of(subscription_id)
    [attempt] = delivery.attempts
    assert (attempt.status_code, attempt.succeeded) == (None, False)
    assert attempt.error == "timed out after 1 s"
    assert delivery.status is DeliveryStatus.PENDING and delivery.failed_attempts == 1


def test_a_redirect_is_a_failure_and_is_not_followed(
    api: Api,
    tenant: Tenant,
    in_process: InProcess,
    receivers: Callable[..., Receiver],
    subscribe: Callable[..., tuple[int, str]],
) -> None:
    elsewhere = receivers()
    redirecting = receivers(
        lambda _request, _index: Reply(307, headers={"Location": elsewhere.url()})
    )
    subscription_id, _ = subscribe(tenant.employer_id, redirecting.url(), events=["job.published"])
    published_job(api)
    in_process.run()

    [delivery] = deliveries_of(subscription_id)
    assert [(a.status_code, a.succeeded) for a in delivery.attempts] == [(307, False)]
    assert delivery.status is DeliveryStatus.PENDING
    assert len(redirecting.requests) == 1 and elsewhere.requests == []


def test_the_whole_schedule_ends_in_a_dead_letter_that_can_be_redelivered(
    api: Api,
    tenant: Tenant,
    in_process: InProcess,
    receivers: Callable[..., Receiver],
    subscribe: Callable[..., tuple[int, str]],
    clock_offset: Callable[[timedelta], None],
) -> None:
    answer = [500]
    receiver = receivers(lambda _request, _index: Reply(answer[0]))
    subscription_id, _ = subscribe(tenant.employer_id, receiver.url(), events=["job.closed"])
    job = published_job(api)
    api.delete(f"/api/v1/jobs/{job['id']}")

    offset = timedelta(0)
    in_process.run()
    waits = []
    for _ in RETRY_DELAYS:
        [delivery] = deliveries_of(subscription_id)
        assert delivery.status is DeliveryStatus.PENDING and delivery.next_attempt_at is not None
        wait = delivery.next_attempt_at - delivery.attempts[-1].started_at
        waits.append(wait)
        offset += wait + timedelta(seconds=1)
        clock_offset(offset)
        in_process.run()

    assert all(
        delay <= wait < delay + timedelta(seconds=30)
        for delay, wait in zip(RETRY_DELAYS, waits, strict=True)
    )
    [delivery] = deliveries_of(subscription_id)
    assert delivery.status is DeliveryStatus.DEAD and delivery.next_attempt_at is None
    assert delivery.failed_attempts == MAX_ATTEMPTS == len(delivery.attempts) == 9
    assert subscription(subscription_id).consecutive_failures == 9  # below the limit of 10
    assert subscription(subscription_id).enabled

    # A dead letter stays dead, whatever the time.
    clock_offset(offset + timedelta(days=30))
    in_process.run()
    assert len(receiver.requests) == MAX_ATTEMPTS

    # Redelivery (the API's part: due now, a new schedule) sends it again, same delivery id.
    answer[0] = 204
    with db.unit_of_work() as session:
        session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.id == delivery.id)
            .values(
                status=DeliveryStatus.PENDING, failed_attempts=0, next_attempt_at=clock.utcnow()
            )
        )
    in_process.run()
    [delivery] = deliveries_of(subscription_id)
    assert delivery.status is DeliveryStatus.SUCCEEDED and len(delivery.attempts) == 10
    assert set(receiver.delivery_ids()) == {delivery.public_id}


def test_a_rolled_back_change_sends_nothing(
    api: Api,
    tenant: Tenant,
    in_process: InProcess,
    receivers: Callable[..., Receiver],
    subscribe: Callable[..., tuple[int, str]],
) -> None:
    from storage import jobs

    receiver = receivers()
    subscription_id, _ = subscribe(tenant.employer_id, receiver.url())
    job = published_job(api)
    in_process.run()
    with pytest.raises(RuntimeError), db.unit_of_work() as session:
        jobs.close_job(session, tenant.employer_id, job["id"])
        raise RuntimeError("the request failed after the change")
    in_process.run()
    assert [request.json["type"] for request in receiver.requests] == ["job.published"]
    assert len(deliveries_of(subscription_id)) == 1


def test_a_subscription_hears_only_of_events_from_its_creation_on(
    api: Api,
    tenant: Tenant,
    in_process: InProcess,
    receivers: Callable[..., Receiver],
    subscribe: Callable[..., tuple[int, str]],
) -> None:
    """An event still waiting to be fanned out when a subscription is created is not sent to it
    (a ``webhooks listen`` started just after the demo's jobs were published received them)."""
    earlier, later = receivers(), receivers()
    earlier_id, _ = subscribe(tenant.employer_id, earlier.url())
    first = published_job(api)  # recorded; not yet fanned out
    later_id, _ = subscribe(tenant.employer_id, later.url())
    in_process.run()
    second = published_job(api)
    in_process.run()

    def published(receiver: Receiver) -> list[int]:
        return [request.json["data"]["jobPostId"] for request in receiver.requests]

    assert published(earlier) == [first["id"], second["id"]]
    assert published(later) == [second["id"]]
    assert (len(deliveries_of(earlier_id)), len(deliveries_of(later_id))) == (2, 1)


def test_internal_targets_are_refused_at_delivery_time(
    api: Api,
    tenant: Tenant,
    in_process: InProcess,
    receivers: Callable[..., Receiver],
    subscribe: Callable[..., tuple[int, str]],
) -> None:
    host = socket.gethostname()
    try:
        resolved = {str(info[4][0]) for info in socket.getaddrinfo(host, 443)}
    except socket.gaierror:
        pytest.skip(f"this machine's name ({host}) does not resolve")
    if not all(_refused(address) for address in resolved):
        pytest.skip(f"this machine's name ({host}) resolves to a public address")
    receiver = receivers()
    # Rows as they would be if DNS had changed since the URL was checked, or the policy had.
    by_name, _ = subscribe(tenant.employer_id, f"https://{host}:{receiver.port}/hooks")
    by_address, _ = subscribe(tenant.employer_id, f"https://127.0.0.1:{receiver.port}/hooks")
    webhook_targets.configure(allow_insecure=False)
    published_job(api)
    in_process.run()

    refused = "refused target: The webhook URL must point to a public address."
    for subscription_id in (by_name, by_address):
        [delivery] = deliveries_of(subscription_id)
        [attempt] = delivery.attempts
        assert (attempt.error, attempt.status_code, attempt.succeeded) == (refused, None, False)
    assert receiver.requests == []


def _refused(address: str) -> bool:
    try:
        webhook_targets.TargetPolicy().check_address(ipaddress.ip_address(address))
    except webhook_targets.UnsafeTarget:
        return True
    return False


# ---------------------------------------------------------------------------------------------
# Auto-disable and its e-mail (docs/requirements.md#w6), the in-flight cap
# (docs/requirements.md#w7), job expiry (docs/requirements.md#w8)


@pytest.fixture
def smtp_inbox() -> Iterator[Inbox]:
    sink = SmtpSink()
    previous = mail.current()
    mail.configure(mail.Mailer(host="127.0.0.1", port=sink.port))
    yield sink.inbox
    mail.configure(previous)
    sink.stop()


def test_ten_failures_in_a_row_disable_the_subscription_and_email_its_admins(
    api: Api,
    tenant: Tenant,
    in_process: InProcess,
    receivers: Callable[..., Receiver],
    subscribe: Callable[..., tuple[int, str]],
    smtp_inbox: Inbox,
    clock_offset: Callable[[timedelta], None],
) -> None:
    tag = secrets.token_hex(4)
    admins = [f"admin-{tag}-{n}@example.com" for n in (1, 2)]
    with db.unit_of_work() as session:
        for email in admins:
            session.add(
                User(
                    employer_id=tenant.employer_id,
                    email=email,
                    name="Admin",
                    role=UserRole.EMPLOYER_ADMIN,
                )
            )
        session.add(
            User(
                employer_id=tenant.employer_id,
                email=f"recruiter-{tag}@example.com",
                name="Recruiter",
                role=UserRole.RECRUITER,
            )
        )
    receiver = receivers(always(500))
    subscription_id, _ = subscribe(
        tenant.employer_id, receiver.url(), events=["application.submitted"]
    )
    job = published_job(api)
    for _ in range(AUTO_DISABLE_AFTER + 2):
        assert apply(api, job["id"]).status_code == 201

    in_process.run()
    in_process.work(mail.MAIL_QUEUE)

    disabled = subscription(subscription_id)
    assert not disabled.enabled and disabled.disabled_reason
    assert disabled.consecutive_failures == AUTO_DISABLE_AFTER + 2
    [(recipients, raw)] = smtp_inbox.messages
    assert sorted(recipients) == sorted(admins)
    message = message_from_bytes(raw)
    assert message["Subject"] == f"Hirebridge webhook {subscription_id} has been disabled"
    assert receiver.url() in message.get_payload()

    # Disabled: retries that come due are not sent, and new events make no deliveries.
    clock_offset(timedelta(hours=2))
    assert apply(api, job["id"]).status_code == 201
    in_process.run()
    assert len(receiver.requests) == AUTO_DISABLE_AFTER + 2
    assert len(deliveries_of(subscription_id)) == AUTO_DISABLE_AFTER + 2


def test_at_most_fifty_in_flight_per_subscription_and_a_slow_one_holds_up_no_other(
    api: Api,
    tenant: Tenant,
    in_process: InProcess,
    receivers: Callable[..., Receiver],
    subscribe: Callable[..., tuple[int, str]],
) -> None:
    release = threading.Event()
    slow = receivers(lambda _request, _index: Reply(200, release=release, hold=60))
    fast = receivers()
    slow_id, _ = subscribe(tenant.employer_id, slow.url(), events=["application.submitted"])
    fast_id, _ = subscribe(tenant.employer_id, fast.url(), events=["application.submitted"])
    job = published_job(api)
    total = MAX_IN_FLIGHT_PER_SUBSCRIPTION + 10
    for _ in range(total):
        assert apply(api, job["id"]).status_code == 201

    try:
        in_process.run(wait=False)
        wait_for(
            lambda: slow.in_flight == MAX_IN_FLIGHT_PER_SUBSCRIPTION, 30, "the slow receiver full"
        )
        # Another pass while the slow receiver holds 50: only the fast one gets more.
        wait_for(
            lambda: statuses(fast_id).count(DeliveryStatus.SUCCEEDED) == 50, 30, "the first 50"
        )
        in_process.run(wait=False)
        wait_for(lambda: statuses(fast_id) == [DeliveryStatus.SUCCEEDED] * total, 30, "all fast")
        held = statuses(slow_id)
        assert held.count(DeliveryStatus.DELIVERING) == MAX_IN_FLIGHT_PER_SUBSCRIPTION
        assert held.count(DeliveryStatus.PENDING) == total - MAX_IN_FLIGHT_PER_SUBSCRIPTION
    finally:
        release.set()
    assert engine.current().wait_idle(30)
    in_process.run()
    assert statuses(slow_id) == [DeliveryStatus.SUCCEEDED] * total
    assert slow.max_in_flight == MAX_IN_FLIGHT_PER_SUBSCRIPTION
    assert sorted(set(slow.delivery_ids())) == sorted(slow.delivery_ids())


def test_jobs_expire_once_with_job_expired_fired_once_by_racing_pumps(
    api: Api,
    tenant: Tenant,
    in_process: InProcess,
    receivers: Callable[..., Receiver],
    subscribe: Callable[..., tuple[int, str]],
    clock_offset: Callable[[timedelta], None],
) -> None:
    receiver = receivers()
    subscribe(tenant.employer_id, receiver.url(), events=["job.expired"])
    soon = (clock.utcnow() + timedelta(seconds=3)).replace(microsecond=0)
    expiring = []
    for _ in range(3):
        created = api.post("/api/v1/jobs", json=SEED_JOB).json()
        response = api.post(
            f"/api/v1/jobs/{created['id']}/publish",
            json={"expiryDate": clock.rfc3339(soon)},
        )
        assert response.status_code == 200, response.text
        expiring.append(created["id"])
    # Only jobs expiring in the next few seconds are due (not other tests' 30-day jobs).
    clock_offset(timedelta(seconds=5))

    start = threading.Barrier(2)

    def one_pump(_: int) -> PumpReport:
        start.wait()
        return pump_once(in_process.connection, expire_jobs=True)

    with ThreadPoolExecutor(2) as pool:
        reports = list(pool.map(one_pump, range(2)))
    assert sum(report.expired_jobs for report in reports) == 3
    assert pump_once(in_process.connection, expire_jobs=True).expired_jobs == 0
    in_process.work(DELIVERY_QUEUE)
    assert engine.current().wait_idle(30)

    fired = events(tenant.employer_id, outbox.JOB_EXPIRED)
    assert sorted(event.data["jobPostId"] for event in fired) == sorted(expiring)
    assert all(set(event.data) == {"jobPostId", "expiredAt"} for event in fired)
    for job_id in expiring:
        assert api.get(f"/api/v1/jobs/{job_id}").json()["status"] == JobStatus.EXPIRED.value
    assert sorted(request.json["data"]["jobPostId"] for request in receiver.requests) == sorted(
        expiring
    )


# ---------------------------------------------------------------------------------------------
# Redis stopped and started while events are made (docs/requirements.md#w4)


class OwnRedis:
    """A redis-server of the test's own (never the shared one), without persistence, that can
    be stopped and started again on the same port."""

    def __init__(self, data_dir: Path) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._data_dir = data_dir
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self._process = subprocess.Popen(
            [
                *("redis-server", "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--dir", str(self._data_dir)),
            ],
            stdout=subprocess.DEVNULL,
        )
        wait_for(self._pings, 10, "redis-server to start")

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=10)
            self._process = None

    def _pings(self) -> bool:
        try:
            with redis.Redis(port=self.port, socket_connect_timeout=0.2) as client:
                return bool(client.ping())
        except redis.RedisError:
            return False


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[OwnRedis]:
    # A requirement of the suite (.ci/run starts the system one from the same package).
    assert shutil.which("redis-server") is not None, "the Redis outage test needs redis-server"
    server = OwnRedis(tmp_path)
    server.start()
    yield server
    server.stop()


def test_events_made_while_redis_is_down_are_all_delivered_once(
    api: Api,
    tenant: Tenant,
    receivers: Callable[..., Receiver],
    subscribe: Callable[..., tuple[int, str]],
    own_redis: OwnRedis,
    tmp_path: Path,
) -> None:
    receiver = receivers()
    subscription_id, _ = subscribe(
        tenant.employer_id, receiver.url(), events=["application.submitted"]
    )
    stack = start_stack(api, own_redis.url, tmp_path, tenant.key)
    try:
        job = published_job(stack.client)
        made = 0
        for phase in ("up", "down", "up again"):
            for _ in range(10):
                assert apply(stack.client, job["id"]).status_code == 201
                made += 1
                time.sleep(0.2)
            if phase == "up":
                own_redis.stop()
            elif phase == "down":
                own_redis.start()

        wait_for(
            lambda: statuses(subscription_id) == [DeliveryStatus.SUCCEEDED] * made,
            timeout=120,
            message=f"{made} deliveries",
        )
    finally:
        stack.stop()
    delivered = deliveries_of(subscription_id)
    assert len(events(tenant.employer_id, outbox.APPLICATION_SUBMITTED)) == made
    assert sorted(receiver.delivery_ids()) == sorted(d.public_id for d in delivered)
    assert all(len(d.attempts) == 1 for d in delivered)


# ---------------------------------------------------------------------------------------------
# One commit per event (docs/requirements.md#p3): the pump gathers wake-ups and sends what it
# claims itself


def test_a_pump_with_an_engine_sends_its_claims_without_queuing_delivery_jobs(
    api: Api,
    tenant: Tenant,
    in_process: InProcess,
    receivers: Callable[..., Receiver],
    subscribe: Callable[..., tuple[int, str]],
) -> None:
    receiver = receivers()
    subscription_id, _ = subscribe(
        tenant.employer_id, receiver.url(), events=["application.submitted"]
    )
    job = published_job(api)
    deliveries = Queue(DELIVERY_QUEUE, connection=in_process.connection)
    own = engine.current()

    assert apply(api, job["id"]).status_code == 201
    report = pump_once(in_process.connection, engine=own)
    assert (report.claimed, report.sent_here, report.jobs_queued) == (1, 1, 0)
    assert deliveries.count == 0
    assert own.wait_idle(30)
    assert statuses(subscription_id) == [DeliveryStatus.SUCCEEDED]

    # An engine without room for a whole claim leaves the next one to the queue, for any worker.
    assert own.reserve(own.capacity - CLAIM_BATCH + 1, timeout=0)
    try:
        assert apply(api, job["id"]).status_code == 201
        report = pump_once(in_process.connection, engine=own)
        assert (report.claimed, report.sent_here, report.jobs_queued) == (1, 0, 1)
    finally:
        own.release(own.capacity - CLAIM_BATCH + 1)
    assert statuses(subscription_id) == [DeliveryStatus.SUCCEEDED, DeliveryStatus.DELIVERING]
    in_process.work(DELIVERY_QUEUE)
    assert own.wait_idle(30)
    assert statuses(subscription_id) == [DeliveryStatus.SUCCEEDED] * 2
    assert len(receiver.requests) == 2
    assert sorted(set(receiver.delivery_ids())) == sorted(receiver.delivery_ids())


def test_commits_that_wake_the_pump_within_its_gap_share_one_pass(
    api: Api,
    tenant: Tenant,
    in_process: InProcess,
    receivers: Callable[..., Receiver],
    subscribe: Callable[..., tuple[int, str]],
) -> None:
    receiver = receivers()
    subscription_id, _ = subscribe(
        tenant.employer_id, receiver.url(), events=["application.submitted"]
    )
    job = published_job(api)
    # No periodic pass during the test; woken passes at least 5 s after the previous one.
    loop = PumpLoop(in_process.connection, interval=3600, expire_every=3600, min_gap=5.0)
    loop.send_with(engine.current())
    loop.start()
    try:
        wait_for(lambda: loop.passes == 1, 30, "the first pass")
        # Five commits in a row, each waking the pump as the API does: the first queues a pump
        # job, which wakes the worker's loop; the others find that wake-up still pending.
        woken = []
        for _ in range(5):
            assert apply(api, job["id"]).status_code == 201
            woken.append(request_pump(in_process.connection))
            in_process.work(PUMP_QUEUE)
        assert woken == [True, False, False, False, False]
        wait_for(lambda: len(receiver.requests) == 5, 30, "five deliveries")
        assert loop.passes == 2  # the woken pass took all five
    finally:
        loop.stop()
    assert engine.current().wait_idle(30)
    assert statuses(subscription_id) == [DeliveryStatus.SUCCEEDED] * 5
    assert Queue(DELIVERY_QUEUE, connection=in_process.connection).count == 0

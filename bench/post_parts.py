"""``POST /api/v1/jobs`` taken apart, in process (docs/requirements.md#p5; bench/RESULTS.md).

Builds the application as ``hirebridge serve`` does (``create_app``, then ``gc.freeze()``) on a
database seeded as bench/api.py seeds it and a Redis server of its own, and POSTs a distinct valid
job (bench/api.py's body, numbered) through httpx's ASGI transport, one call at a time. Prints,
per call: the process's CPU time, the CPU time of the PostgreSQL backends serving the database and
of the Redis server, the SQL statements and the Redis commands.

``--without`` replaces pieces of the call, to measure each by difference:

- ``admission``: the first admission's answer is reused (no Redis round trip, no script);
- ``request-log``: the request log records nothing;
- ``database``: the job is built and checked but not stored (no unit of work, no invalidation);
- ``service``: the service returns a job built once (the handler's wire form and JSON remain).

``--floor`` POSTs the same bodies to bench/bare_app.py (Connexion validating the body against the
same schema and answering a created job's body) instead: the framework floor of bench/api.py.

Timings on a shared machine move with its load; instruction counts do not. Under valgrind,
``--callgrind FILE`` (the file given to valgrind) counts the measured calls alone:

    .venv/bin/python bench/post_parts.py [--calls 300] [--without admission,service]
    valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file=/tmp/post.cg \\
        .venv/bin/python bench/post_parts.py --calls 100 --callgrind /tmp/post.cg

(``--callgrind`` compiles a two-line helper with ``cc`` against valgrind's ``callgrind.h``.)
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import psycopg
import redis
from sqlalchemy import event

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.api import POST_JOB  # noqa: E402
from bench.api_cpu import app_environment  # noqa: E402
from bench.common import callgrind_helper, callgrind_instructions, process_cpu  # noqa: E402
from handlers.context import JSONIFIER  # noqa: E402

DATABASE = "hirebridge_bench_post_parts"
PIECES = ("admission", "request-log", "database", "service")


def without(pieces: set[str]) -> None:
    """Replace ``pieces`` of the call (see the module's doc)."""
    if "admission" in pieces:
        from hirebridge.admission import Admission, Admitted

        admit = Admission.admit
        first: list[Admitted] = []

        async def admitted_once(self: Admission, secret_hash: str, **kwargs: Any) -> Any:
            if first and kwargs.get("read") is None:
                return first[0]
            outcome = await admit(self, secret_hash, **kwargs)
            # Not a month's first call (1): the quota would re-seed the counter on every call.
            if isinstance(outcome, Admitted) and outcome.used_this_month != 1:
                first.append(outcome)
            return outcome

        Admission.admit = admitted_once  # type: ignore[method-assign]
    if "request-log" in pieces:
        from hirebridge.request_log import RequestLogWriter

        RequestLogWriter.record = lambda self, call: None  # type: ignore[method-assign]
    if "database" in pieces:
        import handlers.shared.jobs as shared
        from handlers.context import employer_id
        from storage import jobs
        from storage.models import Job

        def built_only(token_info: dict[str, Any], fields: dict[str, Any], **_: Any) -> Job:
            job = jobs._new_job(employer_id(token_info), fields)
            {name: getattr(job, name) for name in jobs._NEW_JOB_COLUMNS}  # as create_job reads
            job.id = 1
            return job

        shared.create_job = built_only
    if "service" in pieces:
        import handlers.shared.jobs as shared
        from handlers.representation import job_fields
        from storage import jobs
        from storage.models import Job

        made = jobs._new_job(1, job_fields(POST_JOB))
        made.id = 1

        def made_once(token_info: dict[str, Any], fields: dict[str, Any], **_: Any) -> Job:
            return made

        shared.create_job = made_once


def floor_app(work_dir: Path) -> Any:
    """bench/bare_app.py, answering the body of a job this script's service would create."""
    from handlers.representation import job_detail, job_fields
    from storage import jobs

    created = jobs._new_job(1, job_fields(POST_JOB))
    created.id = 1
    bodies = work_dir / "bare_bodies.json"
    body = json.loads(JSONIFIER.dumps(job_detail(created)))
    bodies.write_text(json.dumps({"jobs": {}, "jobs_v2": {}, "created_job": body, "search": {}}))
    os.environ["BARE_BODIES"] = str(bodies)
    from bench.bare_app import app

    return app


def backends_cpu(database_url: str) -> float:
    """CPU seconds used so far by the PostgreSQL backends connected to the database."""
    with psycopg.connect(database_url.replace("+psycopg", ""), autocommit=True) as connection:
        pids = [
            row[0]
            for row in connection.execute(
                "SELECT pid FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ]
    used = 0.0
    for pid in pids:
        try:
            used += process_cpu(pid)
        except FileNotFoundError:
            continue
    return used


def redis_cpu(client: redis.Redis) -> float:
    info: dict[str, float] = client.info("cpu")
    return float(info["used_cpu_sys"]) + float(info["used_cpu_user"])


async def measure(
    app: Any, writer_key: str, calls: int, database_url: str, redis_url: str, helper: Any
) -> None:
    from storage import db

    statements: Counter[str] = Counter()
    event.listen(
        db.current().engine,
        "before_cursor_execute",
        lambda _c, _cur, sql, *_: statements.update([sql.split()[0]]),
    )
    server = redis.Redis.from_url(redis_url)
    numbers = iter(range(10**9))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:

        async def call() -> httpx.Response:
            number = next(numbers)
            body = {**POST_JOB, "title": f"Engineer {number}", "reference": f"PARTS-{number}"}
            return await client.post("/api/v1/jobs", headers={"X-Api-Key": writer_key}, json=body)

        for _ in range(30):  # warm-up
            response = await call()
            assert response.status_code == 201, response.text
        statements.clear()
        server.config_resetstat()
        postgres, redis_before = backends_cpu(database_url), redis_cpu(server)
        if helper is not None:
            helper.start()
        cpu, wall = time.process_time(), time.perf_counter()
        for _ in range(calls):
            await call()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        if helper is not None:
            helper.dump()
        postgres = backends_cpu(database_url) - postgres
        redis_used = redis_cpu(server) - redis_before
        commands = {
            name.removeprefix("cmdstat_"): round(int(stats["calls"]) / calls, 2)
            for name, stats in server.info("commandstats").items()
            if name != "cmdstat_config|resetstat"
        }
    print(
        f"POST /api/v1/jobs: process CPU {cpu / calls * 1e3:.3f} ms/call, wall "
        f"{wall / calls * 1e3:.3f} ms/call; PostgreSQL backends {postgres / calls * 1e3:.3f} ms, "
        f"Redis {redis_used / calls * 1e3:.3f} ms of CPU per call (load {os.getloadavg()[0]:.2f})"
    )
    print("SQL statements per call:", {k: round(v / calls, 2) for k, v in statements.items()})
    print("Redis commands per call:", commands)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--without", default="", help=f"comma-separated: {', '.join(PIECES)}")
    parser.add_argument("--callgrind", help="the callgrind output file valgrind writes")
    parser.add_argument(
        "--floor", action="store_true", help="POST to bench/bare_app.py instead (the floor)"
    )
    args = parser.parse_args()
    pieces = {piece for piece in args.without.split(",") if piece}
    if pieces - set(PIECES):
        parser.error(f"unknown pieces: {', '.join(sorted(pieces - set(PIECES)))}")
    with app_environment(DATABASE, "BENCH_POST_PARTS_DATABASE_URL", profiles=20, cached=False) as (
        seeded,
        database_url,
        redis_url,
        work_dir,
    ):
        if args.floor:
            app = floor_app(work_dir)
        else:
            from hirebridge.app import create_app

            app = create_app()
        gc.freeze()  # as hirebridge.server does in each worker
        without(pieces)
        helper = callgrind_helper(work_dir) if args.callgrind else None
        asyncio.run(measure(app, seeded.writer_key, args.calls, database_url, redis_url, helper))
        if args.callgrind:
            total = callgrind_instructions(args.callgrind, 1)
            print(f"instructions per call: {total / args.calls / 1e6:.3f} M")


if __name__ == "__main__":
    main()

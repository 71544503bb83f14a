"""CPU per API call, in process (docs/requirements.md#p5): a steadier measure than requests/s on a
shared machine.

Builds the application as ``hirebridge serve`` does (``create_app``, then ``gc.freeze()``), on a
database seeded as bench/api.py seeds it and a Redis server of its own, and calls it through
httpx's ASGI transport, one call at a time: the CPU time of the process per call (every thread:
the event loop, the worker threads, and the httpx client, which is the same for every call) and
the wall time. Other processes on the machine change the wall time much more than the CPU time,
so two versions of the code can be compared minutes apart: run it on each, alternating.

    .venv/bin/python bench/api_cpu.py [--calls 400] [--rounds 2] [--cached] [--only v1,post]

Without ``--cached`` the read cache is off (``READ_CACHE_SECONDS=0``): every read goes to
PostgreSQL. ``--only`` keeps the operations whose label contains one of the words given.

On a shared machine the CPU time of one version moves by 20-30% between runs minutes apart. The
instructions a call executes do not (to about 0.5%): ``--callgrind FILE``, under valgrind, counts
those of each operation's measured calls (the httpx client's included, the same for every
version of the service):

    valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file=/tmp/api.cg \\
        .venv/bin/python bench/api_cpu.py --calls 50 --rounds 1 \\
        --only 'GET /api/v1/jobs,GET /api/v2/jobs' \\
        --callgrind /tmp/api.cg
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import shutil
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.api import POST_JOB, Seeded, seed  # noqa: E402
from bench.common import (  # noqa: E402
    callgrind_helper,
    callgrind_instructions,
    fresh_database,
    start_redis,
)

JOB = {**POST_JOB, "reference": "BENCH-CPU"}


@contextmanager
def app_environment(
    database: str, override_variable: str, *, profiles: int, cached: bool
) -> Iterator[tuple[Seeded, str, str, Path]]:
    """A fresh database seeded as bench/api.py seeds it, a Redis server of its own, and the
    environment ``create_app`` reads from them: yields the seeded keys, the database's and
    Redis's URLs and the work directory; stops Redis and removes the directory afterwards."""
    work_dir = Path(tempfile.mkdtemp(prefix="hirebridge-bench-cpu-"))
    database_url = fresh_database(database, override_variable)
    redis_process, redis_url = start_redis(work_dir)
    try:
        seeded = seed(database_url, profiles=profiles)
        os.environ.update(
            DATABASE_URL=database_url,
            REDIS_URL=redis_url,
            HIREBRIDGE_DATA_DIR=str(work_dir),
            LOG_LEVEL="WARNING",
            READ_CACHE_SECONDS="60" if cached else "0",
        )
        yield seeded, database_url, redis_url, work_dir
    finally:
        redis_process.terminate()
        redis_process.wait(timeout=30)
        shutil.rmtree(work_dir, ignore_errors=True)


@asynccontextmanager
async def lifespan(app: Any) -> AsyncIterator[None]:
    """The application's ASGI lifespan around the calls, as a server runs it (httpx's transport
    does not): what it opens on the event loop (``storage.loop_statements``) serves them."""
    received: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    sent: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    scope = {"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}
    running = asyncio.create_task(app(scope, received.get, sent.put))
    await received.put({"type": "lifespan.startup"})
    started = await sent.get()
    assert started["type"] == "lifespan.startup.complete", started
    try:
        yield
    finally:
        await received.put({"type": "lifespan.shutdown"})
        await sent.get()
        await running


async def measure(
    app: object,
    calls: int,
    rounds: int,
    seeded: Seeded,
    only: list[str],
    callgrind: Any = None,
) -> list[str]:
    """Runs the operations (those whose label contains a word of ``only``, all if empty) and
    prints the CPU per call; returns the labels measured, in order (callgrind's dumps)."""
    key, writer_key = seeded.key, seeded.writer_key
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with (
        lifespan(app),
        httpx.AsyncClient(transport=transport, base_url="http://bench") as client,
    ):
        reader, writer = {"X-Api-Key": key}, {"X-Api-Key": writer_key}
        numbers = iter(range(10**9))
        operations: dict[str, Callable[[], Awaitable[httpx.Response]]] = {
            "GET /api/v1/jobs?pageSize=50": lambda: client.get(
                "/api/v1/jobs?pageSize=50", headers=reader
            ),
            "GET /api/v2/jobs?limit=50": lambda: client.get(
                "/api/v2/jobs?limit=50", headers=reader
            ),
            "GET /api/v1/candidates?pageSize=50": lambda: client.get(
                "/api/v1/candidates?pageSize=50", headers=reader
            ),
            "GET /api/v1/pipeline/stages/{id}/candidates": lambda: client.get(
                f"/api/v1/pipeline/stages/{seeded.stage_id}/candidates?pageSize=50",
                headers=reader,
            ),
            "GET /api/v1/webhooks/{id}/deliveries": lambda: client.get(
                f"/api/v1/webhooks/{seeded.webhook_id}/deliveries?pageSize=50", headers=reader
            ),
            "POST /api/v1/jobs": lambda: client.post(
                "/api/v1/jobs", headers=writer, json={**JOB, "title": f"Engineer {next(numbers)}"}
            ),
        }
        chosen = {
            label: call
            for label, call in operations.items()
            if not only or any(word in label for word in only)
        }
        measured = []
        for _ in range(rounds):
            for label, call in chosen.items():
                for _ in range(30):  # warm-up
                    response = await call()
                    assert response.status_code < 300, response.text
                if callgrind is not None:
                    callgrind.start()
                cpu, wall = time.process_time(), time.perf_counter()
                for _ in range(calls):
                    await call()
                cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
                if callgrind is not None:
                    callgrind.dump()
                measured.append(label)
                print(
                    f"{label:44} CPU {cpu / calls * 1e3:6.3f} ms/call  wall "
                    f"{wall / calls * 1e3:6.3f} ms/call  (load {os.getloadavg()[0]:.2f})",
                    flush=True,
                )
    return measured


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--cached", action="store_true", help="keep the read cache on")
    parser.add_argument("--only", default="", help="comma-separated words of the labels to run")
    parser.add_argument("--callgrind", help="the callgrind output file valgrind writes")
    args = parser.parse_args()
    only = [word for word in args.only.split(",") if word]
    with app_environment(
        "hirebridge_bench_cpu", "BENCH_CPU_DATABASE_URL", profiles=200, cached=args.cached
    ) as (seeded, _, _, work_dir):
        from hirebridge.app import create_app

        app = create_app()
        gc.freeze()  # as hirebridge.server does in each worker
        print(
            f"{os.cpu_count()} CPUs; read cache {'on' if args.cached else 'off'}; "
            f"{args.calls} calls per line; load average before {os.getloadavg()[0]:.2f}",
            flush=True,
        )
        helper = callgrind_helper(work_dir) if args.callgrind else None
        measured = asyncio.run(measure(app, args.calls, args.rounds, seeded, only, helper))
        if args.callgrind:
            for dump, label in enumerate(measured, start=1):
                total = callgrind_instructions(args.callgrind, dump)
                print(f"{label:44} {total / args.calls / 1e6:6.3f} M instructions/call")


if __name__ == "__main__":
    main()

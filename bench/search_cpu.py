"""CPU per search (docs/requirements.md#p2): the benchmark's queries through the real service, each
search's wall time, the database backend's CPU time (``/proc/<pid>/stat`` of the connection's
backend, so the server must run on this machine) and this process's own CPU time.

CPU time is far less sensitive than wall time to other work on a shared machine, so two versions
of the code can be compared minutes apart: run this script from each checkout in turn (it imports
the search code of the checkout it sits in), against the same database:

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5544/hirebridge_bench \\
        .venv/bin/python bench/search_cpu.py [--only broad] [--query '...'] [--repeat 20]

The database must hold the benchmark's profiles already (``bench/search.py`` loads them). The
kernel counts CPU time in ticks (10 ms here): the figures are totals over ``--repeat`` searches
divided by their number.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import search as bench  # bench/search.py: the queries, the database and the clock
from sqlalchemy import text

from bench.common import process_cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    bench.add_query_arguments(parser)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    queries = bench.chosen_queries(args.query, args.only, ["broad"])
    database = bench.on_the_data_clock()
    employer_id = bench.new_searcher(database)
    with database.unit_of_work() as session:
        backend = int(session.execute(text("SELECT pg_backend_pid()")).scalar_one())

    print(
        f"{'query':<66} {'matches':>8} {'p50 ms':>7} {'p95 ms':>7} {'db CPU':>7} "
        f"{'own CPU':>7}  load"
    )
    for query, filters in queries:
        bench.timed_searches(query, filters, 2, employer_id)  # warm: plans and caches
        load = "/".join(f"{value:.2f}" for value in os.getloadavg())
        own_before, db_before = time.process_time(), process_cpu(backend)
        walls, total = bench.timed_searches(query, filters, args.repeat, employer_id)
        own = (time.process_time() - own_before) / args.repeat
        used = (process_cpu(backend) - db_before) / args.repeat
        label = query + (f" {filters}" if filters else "")
        print(
            f"{label[:66]:<66} {total:>8,} {statistics.median(walls) * 1000:>7.1f} "
            f"{bench.percentile(walls, 0.95) * 1000:>7.1f} {used * 1000:>7.1f} "
            f"{own * 1000:>7.1f}  {load}",
            flush=True,
        )


if __name__ == "__main__":
    main()

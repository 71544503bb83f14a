"""PostgreSQL's CPU for one numbered page of jobs (docs/requirements.md#p5), statement by statement.

The page's own statement as ``storage.jobs`` builds it (the count from a subquery of its own,
``storage.paging.total_column``) against the same page counted by ``count(*) OVER ()`` (the
statement before issue 25's change), for an employer of 60 jobs and one of 6,000, each under
PostgreSQL's default ``plan_cache_mode`` and under the generic plans the event loop's connections
use (``storage.loop_statements``). One psycopg connection per line, the statement compiled as
``storage.driver_rows`` compiles it, run ``--calls`` times per round; the backend's CPU is read
from ``/proc/<pid>/stat`` (PostgreSQL must run on this machine). Run by hand, not by ``make test``:

    .venv/bin/python bench/list_statements.py [--calls 1000] [--rounds 4]

It uses ``BENCH_LISTS_DATABASE_URL`` if set, otherwise a database ``hirebridge_bench_lists`` on the
server of ``TEST_DATABASE_URL``, dropped and re-created.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import bindparam, create_engine, func, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.api import SEEDED_JOB
from bench.common import fresh_database, libpq_url, process_cpu
from storage import db, driver_rows, employers, jobs
from storage.models import Plan

SIZES = (60, 6_000)

# The page as it was counted before: the same columns, filter and order, ``count(*) OVER ()``.
WINDOW_PAGE = (
    select(*jobs._SUMMARY_COLUMNS, func.count().over().label("total_matches"))
    .where(jobs._own_jobs(False)[0])
    .order_by(*jobs.JOB_ORDER.clauses())
    .offset(bindparam("offset"))
    .limit(bindparam("limit"))
)


def seed(database_url: str) -> dict[int, int]:
    """An employer per size, each with that many active jobs: {size: employer id}."""
    db.configure(database_url)
    made = {}
    with db.unit_of_work() as session:
        for size in SIZES:
            employer = employers.create_employer(
                session, name=f"Lists {size} Ltd", plan=Plan.ENTERPRISE, contract_unlimited=True
            )
            jobs.create_job(
                session,
                employer.id,
                {**SEEDED_JOB, "title": "Platform engineer", "reference": "BENCH-LISTS"},
            )
            made[size] = employer.id
    engine = create_engine(database_url)
    with engine.begin() as connection:
        for size, employer_id in made.items():
            # Copies of the first job, a minute apart.
            connection.execute(
                text(
                    "INSERT INTO jobs (employer_id, reference, title, description, location, city,"
                    " country, employment_type, remote_type, apply_method, apply_email_address,"
                    " status, created_at, updated_at)"
                    " SELECT employer_id, reference, title || ' ' || n, description, location,"
                    " city, country, employment_type, remote_type, apply_method,"
                    " apply_email_address,"
                    " status, created_at - n * interval '1 minute', updated_at"
                    " FROM jobs, generate_series(1, :copies) AS n WHERE employer_id = :employer"
                ),
                {"copies": size - 1, "employer": employer_id},
            )
    engine.dispose()
    return made


def backend_cpu_us(
    conninfo: str, plans: str, sql: str, values: dict[str, Any], calls: int, rounds: int
) -> list[float]:
    """The backend's CPU per call (µs) in each round, on a connection of its own."""
    options = f"-c TimeZone=UTC -c plan_cache_mode={plans}"
    with psycopg.connect(conninfo, autocommit=True, options=options) as connection:
        pid = connection.info.backend_pid
        cursor = connection.cursor()
        for _ in range(10):  # psycopg prepares the statement after five
            cursor.execute(sql, values)
            cursor.fetchall()
        found = []
        for _ in range(rounds):
            before = process_cpu(pid)
            for _ in range(calls):
                cursor.execute(sql, values)
                cursor.fetchall()
            found.append((process_cpu(pid) - before) / calls * 1e6)
        return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()
    database_url = fresh_database("hirebridge_bench_lists", "BENCH_LISTS_DATABASE_URL")
    made = seed(database_url)
    dialect = create_engine(database_url).dialect
    conninfo = libpq_url(database_url)
    statements = {"count from a subquery (now)": None, "count(*) OVER () (before)": WINDOW_PAGE}
    print(f"page 1 of 50; {args.calls} calls per round, {args.rounds} rounds; backend CPU per call")
    for size, employer_id in made.items():
        page, values = jobs._page_query(employer_id, None, 1, 50)
        for label, statement in statements.items():
            sql, parameters = driver_rows.driver_statement(
                page if statement is None else statement, dialect, values
            )
            for plans in ("auto", "force_generic_plan"):
                found = backend_cpu_us(conninfo, plans, sql, parameters, args.calls, args.rounds)
                print(
                    f"{size:6,} jobs  {label:28} {plans:19} min {min(found):7.0f} µs  "
                    f"median {statistics.median(found):7.0f} µs",
                    flush=True,
                )


if __name__ == "__main__":
    main()

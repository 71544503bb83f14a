"""The plans of every statement one search runs (docs/requirements.md#p2), with the search's real
values: ``auto_explain`` loaded into the benchmark connection's own backend, its output sent back
to this process as notices, so no access to the server's log is needed.

    BENCH_PG_DIR=/work/bench-pg .venv/bin/python bench/search_explain.py --query '...' \\
        [--analyze] [--repeat 3]

Without ``--analyze`` each statement's executor time is measured without per-node instrumentation
(the duration auto_explain prints); with it, every node's time and buffers (slower: the clock is
read around each node's every row). The searches are warmed twice first, then run ``--repeat``
times; the plans of the last run are printed in full, and each statement's duration per run.
Then the session's prepared statements: how many of their executions used a generic plan and how
many were planned anew (``pg_prepared_statements``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import search as bench  # bench/search.py: the queries, the database and the clock
from sqlalchemy import event, text

from storage import db

_notices: list[str] = []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--query", action="append", required=True)
    parser.add_argument("--analyze", action="store_true")
    parser.add_argument(
        "--no-timing", action="store_true", help="with --analyze: rows and buffers, no node times"
    )
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    database = bench.on_the_data_clock()

    @event.listens_for(database.engine, "connect")
    def _explained(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.add_notice_handler(lambda notice: _notices.append(notice.message_primary))

    employer_id = bench.new_searcher(database)

    for query in args.query:
        bench.timed_searches(query, {}, 2, employer_id)
        _explain(on=True, analyze=args.analyze, timing=not args.no_timing)
        runs: list[list[str]] = []
        for _ in range(args.repeat):
            _notices.clear()
            walls, total = bench.timed_searches(query, {}, 1, employer_id)
            runs.append(list(_notices))
        _explain(on=False, analyze=False, timing=False)
        print(f"=== {query!r}: {total:,} matches, last wall {walls[0] * 1000:.1f} ms")
        for number, notices in enumerate(runs, start=1):
            print(f"  run {number}: " + "; ".join(_summary(notice) for notice in notices))
        for notice in runs[-1]:
            print(notice)
            print()
        with db.unit_of_work() as session:
            for row in session.execute(
                text(
                    "SELECT generic_plans, custom_plans, left(statement, 60) AS statement "
                    "FROM pg_prepared_statements ORDER BY prepare_time"
                )
            ):
                print(f"  prepared: generic {row[0]}, custom {row[1]}: {row[2]!r}")


def _summary(notice: str) -> str:
    """``12.3 ms WITH recent AS``: a statement's duration and the start of its text."""
    duration = notice.split("  plan:")[0].removeprefix("duration: ")
    text_start = notice.split("Query Text: ", 1)[-1][:24].replace("\n", " ")
    return f"{duration} {text_start}"


def _explain(*, on: bool, analyze: bool, timing: bool) -> None:
    with db.unit_of_work() as session:
        if not on:
            session.execute(text("SET auto_explain.log_min_duration = -1"))
            return
        session.execute(text("LOAD 'auto_explain'"))
        for name, value in (
            ("auto_explain.log_min_duration", "0"),
            ("auto_explain.log_analyze", "on" if analyze else "off"),
            ("auto_explain.log_buffers", "on" if analyze else "off"),
            ("auto_explain.log_timing", "on" if timing else "off"),
            ("auto_explain.log_nested_statements", "on"),
            ("auto_explain.log_level", "notice"),
            ("client_min_messages", "notice"),
        ):
            session.execute(text(f"SET {name} = '{value}'"))


if __name__ == "__main__":
    main()

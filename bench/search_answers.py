"""What the benchmark's searches answer, as JSON lines (docs/requirements.md#p2): for each query and
page, the total, whether it is exact, and the page's ids in order. Run from two checkouts against
the same database and compare the files to show that a change to the search's statements returns
the same results.

    BENCH_PG_DIR=/work/bench-pg .venv/bin/python bench/search_answers.py [--only broad]
        [--query '...'] [--pages 1,2,50] [--page-size 20] > answers.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import search as bench  # bench/search.py: the queries, the database and the clock
from sqlalchemy import text

from storage import clock, db, employers
from storage.search import service
from storage.search.request import SearchRequest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", help="a query class of bench/search.py")
    parser.add_argument("--query", action="append", help="a query (no filters)")
    parser.add_argument("--pages", default="1,2,50")
    parser.add_argument("--page-size", type=int, default=20)
    args = parser.parse_args()
    queries: list[bench.Query] = [(query, {}) for query in args.query or []]
    for name in args.only or ([] if queries else list(bench.QUERIES)):
        queries.extend(bench.QUERIES[name])

    _count, _version, made_at = bench.loaded_data()
    assert made_at is not None, "load the benchmark's profiles first (bench/search.py)"
    clock.set_offset(made_at - datetime.now(UTC))
    db.configure(bench.BENCH_URL, pool_size=1)
    with db.unit_of_work() as session:
        session.execute(text("DELETE FROM credit_ledger"))
        employer_id = employers.create_employer(
            session, name="Benchmark", contract_unlimited=True
        ).id
    for query, filters in queries:
        for page in (int(number) for number in args.pages.split(",")):
            with db.unit_of_work() as session:
                employer = employers.get_employer(session, employer_id)
                found = service.search_candidates(
                    session,
                    employer,
                    SearchRequest(
                        query=query,
                        page=page,
                        page_size=args.page_size,
                        **filters,  # type: ignore[arg-type]
                    ),
                )
            answer = {
                "query": query,
                "filters": {
                    name: list(value) if isinstance(value, tuple) else value
                    for name, value in filters.items()
                },
                "page": page,
                "total": found.total,
                "exact": found.total_is_exact,
                "ids": [hit.candidate.id for hit in found.hits],
            }
            print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    main()

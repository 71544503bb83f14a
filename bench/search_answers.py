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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import search as bench  # bench/search.py: the queries, the database and the clock

from storage import db, employers
from storage.search import service
from storage.search.request import SearchRequest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    bench.add_query_arguments(parser)
    parser.add_argument("--pages", default="1,2,50")
    parser.add_argument("--page-size", type=int, default=20)
    args = parser.parse_args()
    queries = bench.chosen_queries(args.query, args.only, list(bench.QUERIES))
    employer_id = bench.new_searcher(bench.on_the_data_clock())
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

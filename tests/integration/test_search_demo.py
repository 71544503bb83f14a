"""The public API page's three example queries against ``make run``'s demo data, through HTTP, on
PostgreSQL and SQLite: each returns exactly the demo profiles a recruiter reading it would pick.

What a recruiter would pick is written out here as plain regular expressions over each profile's
text, inflection by inflection (``engineers?``, ``engineering``), independently of the search's
tokenizer and stemmer.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import select

from storage import db, demo
from storage.candidate_scopes import searchable_by
from storage.models import Candidate
from tests.support.apps import Api
from tests.support.search_databases import own_search_databases

Expectation = Callable[[str], bool]


def words(*patterns: str, without: str | None = None) -> Expectation:
    """Every pattern is in the text (as whole words), and ``without`` is not."""

    def expected(text: str) -> bool:
        found = all(re.search(rf"\b(?:{pattern})\b", text) for pattern in patterns)
        return found and not (without and re.search(rf"\b(?:{without})\b", text))

    return expected


ENGINEER = r"engineers?|engineering|engineered"
SEED_QUERIES = [
    ('"Process Engineer" AND "HVAC"', words(rf"process\W+(?:{ENGINEER})", "hvac")),
    (
        '(("High" OR "Low") AND "voltage") AND "Engineers" AND "Dubai"',
        words("high|low", "voltages?", ENGINEER, "dubai"),
    ),
    (
        "kubernetes AND (aws OR gcp) AND NOT junior",
        words("kubernetes", "aws|gcp", without="junior"),
    ),
]


@pytest.fixture(scope="module")
def seeded(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[dict[str, tuple[db.Database, str]]]:
    """``make run``'s demo data (``hirebridge demo seed``) on each backend, with the demo key."""
    opened = own_search_databases("hirebridge_demo", tmp_path_factory.mktemp("demo"))
    databases = next(opened)
    keys = {}
    for backend, database in databases.items():
        with database.unit_of_work() as session:
            key = demo.seed_demo(session, None).new_key
            assert key is not None
            keys[backend] = key
    yield {backend: (database, keys[backend]) for backend, database in databases.items()}
    next(opened, None)


def recruiters_pick(database: db.Database, expectation: Expectation) -> set[int]:
    """The profiles the demo employer can search whose text meets ``expectation``."""
    with database.unit_of_work() as session:
        employer = demo.find_demo_employer(session)
        assert employer is not None
        rows = session.execute(
            select(
                Candidate.id,
                Candidate.headline,
                Candidate.summary,
                Candidate.skills,
                Candidate.city,
                Candidate.cv_text,
            ).where(searchable_by(employer.id))
        )
        return {row.id for row in rows if expectation(profile_text(row))}


def profile_text(row: Any) -> str:
    fields = [row.headline, row.summary, ", ".join(row.skills), row.city, row.cv_text]
    return " | ".join(field or "" for field in fields).lower()


def search_all(api: Api, query: str) -> tuple[set[int], Any]:
    """Every result of ``query``, page by page; and the first page's body."""
    found: set[int] = set()
    first = None
    for page in range(1, 50):
        response = api.post(
            "/api/v1/candidates/search",
            json={"query": query, "pageNumber": page, "pageSize": 100},
        )
        assert response.status_code == 200, response.text
        body = response.json()
        first = first or body
        found |= {item["id"] for item in body["items"]}
        if len(body["items"]) < 100:
            break
    return found, first


@pytest.mark.parametrize(("query", "expectation"), SEED_QUERIES, ids=["phrases", "groups", "not"])
def test_the_seed_examples_find_what_a_recruiter_expects_in_the_demo_data(
    api: Api,
    seeded: dict[str, tuple[db.Database, str]],
    query: str,
    expectation: Expectation,
) -> None:
    database, key = seeded[api.backend]
    # The session's app, pointed at the demo database, acting as the demo key.
    demo_api = Api(app=api.app, client=api.client, backend=api.backend, database=database)
    demo_api.activate().default_key = key

    expected = recruiters_pick(database, expectation)
    found, first = search_all(demo_api, query)

    assert expected, "the demo data has profiles for every example"
    assert found == expected
    assert (first["total"], first["totalIsExact"]) == (len(expected), True)

"""Differential testing of CV search: PostgreSQL and SQLite must match the reference evaluator.

Hypothesis builds small corpora of profiles and boolean queries over a small vocabulary (so that
terms, phrases and prefixes really hit), written with every syntax docs/requirements.md#j2 allows.
The vocabulary holds inflections of the same stems (engineer, engineers, engineering, engine; nurse,
nursing; manager, management), so stemming is exercised on both sides: a query word finds the other
inflections, and a prefix's letters, unstemmed, meet stored stems (``engineer*`` against
``engin``). Each query is run by the real search service on both databases, and the matches must
equal, exactly, the profiles the pure-Python reference says match.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, text

from storage import candidates, db, employers
from storage.models import Candidate, CandidatePreferredCountry, CandidateUnlock, CreditLedgerEntry
from storage.search import indexing, service
from storage.search.query import parse_query
from storage.search.request import SearchRequest
from tests.support.search_databases import own_search_databases
from tests.support.search_reference import matches

VOCABULARY = [
    "java",
    "javascript",
    "engineer",
    "engineering",
    "engineers",
    "engineered",
    "engine",
    "nurse",
    "nursing",
    "nurses",
    "manager",
    "management",
    "managed",
    "analysis",
    "analyst",
    "analytics",
    "process",
    "processes",
    "hvac",
    "voltage",
    "high",
    "low",
    "dubai",
    "aws",
    "gcp",
    "junior",
    "café",
    "müller",
    "node",
]
SEPARATORS = [" ", " ", " ", ", ", ". ", "-", "/", " (", ") ", "\n", " & ", "++ "]


def decorate(word: str) -> st.SearchStrategy[str]:
    return st.sampled_from([word, word.upper(), word.capitalize()])


field_text = st.lists(
    st.tuples(st.sampled_from(VOCABULARY).flatmap(decorate), st.sampled_from(SEPARATORS)),
    max_size=12,
).map(lambda parts: "".join(word + sep for word, sep in parts))

profile = st.fixed_dictionaries(
    {
        "headline": field_text,
        "skills": st.lists(st.sampled_from(VOCABULARY).flatmap(decorate), max_size=3),
        "city": st.sampled_from(["Dubai", "London", "Zürich", ""]),
        "cv_text": field_text,
    }
)


def word_term() -> st.SearchStrategy[str]:
    # Wildcards need three letters before the ``*`` (shorter ones are refused: test_search_query).
    prefix = st.sampled_from(VOCABULARY).flatmap(
        lambda word: st.integers(min(3, len(word)), len(word)).map(lambda n: word[:n] + "*")
    )
    # Two words are a pair in PostgreSQL's index, three a triple, four checked by position.
    phrase = st.lists(st.sampled_from(VOCABULARY).flatmap(decorate), min_size=2, max_size=4).map(
        lambda words: '"' + " ".join(words) + '"'
    )
    return st.one_of(
        st.sampled_from(VOCABULARY).flatmap(decorate),
        prefix,
        phrase,
        st.sampled_from(
            [
                '"node.js"',
                "node.js",
                "node.jav*",
                '"café"',
                "engineers.mana*",
                "high.voltage.engineer*",
                "process.engineer.mana*",
            ]
        ),
    )


def render(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    binary = st.tuples(
        children, st.sampled_from([" AND ", " OR ", " ", " AND NOT ", " OR NOT "]), children
    ).map(lambda parts: f"({parts[0]}{parts[1]}{parts[2]})")
    unary = st.tuples(st.sampled_from(["NOT ", "-", "+"]), children).map(
        lambda parts: f"{parts[0]}({parts[1]})" if parts[0] == "NOT " else parts[0] + parts[1]
    )
    many = st.lists(children, min_size=2, max_size=4).map(lambda items: "(" + " ".join(items) + ")")
    return st.one_of(binary, unary, many)


queries = st.recursive(word_term(), render, max_leaves=8)


@pytest.fixture(scope="module")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, db.Database]]:
    """A PostgreSQL database and a SQLite file of their own, holding nothing but each corpus."""
    yield from own_search_databases("hirebridge_search", tmp_path_factory.mktemp("fts"))


def load_corpus(
    database: db.Database, corpus: list[dict[str, object]]
) -> tuple[int, dict[int, list[str]]]:
    """Make ``corpus`` the only profiles; returns a searching employer and each profile's words."""
    with database.unit_of_work() as session:
        session.execute(delete(CandidatePreferredCountry))
        session.execute(delete(CandidateUnlock))
        session.execute(delete(CreditLedgerEntry))
        session.execute(delete(Candidate))
        if database.dialect == "sqlite":
            session.execute(text("DELETE FROM candidate_fts"))
        employer = employers.create_employer(session, name="Searcher", contract_unlimited=True)
        words: dict[int, list[str]] = {}
        for number, fields in enumerate(corpus):
            candidate = candidates.create_platform_candidate(
                session, {"full_name": "Some One", "email": f"c{number}@example.com", **fields}
            )
            words[candidate.id] = indexing.searchable_words(candidate)
        return employer.id, words


def search_ids(database: db.Database, employer_id: int, query: str) -> set[int]:
    with database.unit_of_work() as session:
        employer = employers.get_employer(session, employer_id)
        page = service.search_candidates(
            session, employer, SearchRequest(query=query, page_size=100)
        )
        assert page.total == len(page.hits)
        return {hit.candidate.id for hit in page.hits}


def assert_rows_found(
    databases: dict[str, db.Database],
    corpus: list[dict[str, object]],
    query: str,
    expected_rows: set[int],
) -> None:
    """``query`` over ``corpus`` finds exactly the profiles of ``expected_rows`` (indexes into the
    corpus), by the reference and by the search on both databases."""
    for backend, database in databases.items():
        employer_id, words = load_corpus(database, corpus)
        ids = sorted(words)
        expected = {ids[row] for row in expected_rows}
        node = parse_query(query)
        assert {i for i, document in words.items() if matches(node, document)} == expected
        assert search_ids(database, employer_id, query) == expected, backend


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corpus=st.lists(profile, min_size=1, max_size=10), query=queries)
def test_both_databases_return_exactly_the_reference_matches(
    databases: dict[str, db.Database], corpus: list[dict[str, object]], query: str
) -> None:
    node = parse_query(query)
    for backend, database in databases.items():
        employer_id, words = load_corpus(database, corpus)
        expected = {
            candidate_id for candidate_id, document in words.items() if matches(node, document)
        }
        assert search_ids(database, employer_id, query) == expected, (backend, query, node)


SEED_CORPUS = [
    {
        "headline": "Senior Process Engineer",
        "cv_text": "HVAC systems for hospitals",
        "city": "London",
    },
    {"headline": "Process engineering lead", "cv_text": "HVAC", "city": "London"},
    {"headline": "High voltage Engineers", "city": "Dubai"},
    {"headline": "Low voltage engineers", "city": "Abu Dhabi"},
    {"headline": "Kubernetes platform", "cv_text": "AWS and GCP", "city": "Berlin"},
    {"headline": "Junior Kubernetes admin", "cv_text": "AWS", "city": "Berlin"},
    {"headline": "Kubernetes", "cv_text": "Azure only", "city": "Berlin"},
]


@pytest.mark.parametrize(
    ("query", "expected_rows"),
    [
        # Stemmed: "Process Engineer" is also "process engineering".
        ('"Process Engineer" AND "HVAC"', {0, 1}),
        ('(("High" OR "Low") AND "voltage") AND "Engineers" AND "Dubai"', {2}),
        ("kubernetes AND (aws OR gcp) AND NOT junior", {4}),
    ],
)
def test_the_seed_examples(
    databases: dict[str, db.Database], query: str, expected_rows: set[int]
) -> None:
    assert_rows_found(databases, SEED_CORPUS, query, expected_rows)


def test_repeats_past_the_position_limit_behave_alike_everywhere(
    databases: dict[str, db.Database],
) -> None:
    corpus = [{"cv_text": "java " * 300 + "python"}, {"cv_text": "java python"}]
    for backend, database in databases.items():
        employer_id, words = load_corpus(database, corpus)
        long_id, short_id = sorted(words)
        assert search_ids(database, employer_id, '"java python"') == {short_id}, backend
        assert search_ids(database, employer_id, "python") == {long_id, short_id}, backend
        node = parse_query('"java python"')
        assert [matches(node, words[i]) for i in (long_id, short_id)] == [False, True]


PHRASE_CORPUS = [
    {"headline": "Senior Process Engineer", "cv_text": "HVAC design"},
    {"headline": "Process engineer, senior", "cv_text": "HVAC"},
    {"headline": "High voltage engineers", "cv_text": "engine room"},
    {"headline": "High voltage", "city": "Dubai", "cv_text": "engineers"},
    # Both triples of "senior process engineer hvac", never adjacent.
    {"headline": "Senior process engineer", "cv_text": "Lead; process engineer HVAC"},
    # Both quadruples of "lead senior process engineer hvac", never adjacent.
    {"headline": "Lead senior process engineer", "cv_text": "Senior process engineer HVAC"},
    {"headline": "Lead senior process engineer HVAC"},
]


@pytest.mark.parametrize(
    ("query", "expected_rows"),
    [
        # Three words: one triple in PostgreSQL's index; four: one quadruple; five: both
        # quadruples, then the query on the ranking words (a profile holding both quadruples
        # apart is no match).
        ('"senior process engineers"', {0, 4, 5, 6}),
        ('"process engineer senior"', {1, 5}),
        ("high.voltage.engin*", {2}),
        ('"senior process engineer hvac"', {0, 5, 6}),
        ('"process engineer senior hvac"', {1}),
        ('"lead senior process engineer hvac"', {6}),
        ('"lead senior process engineer hvac" OR "engine room"', {2, 6}),
        ('NOT "high voltage engineers"', {0, 1, 3, 4, 5, 6}),
        ('NOT "lead senior process engineer hvac"', {0, 1, 2, 3, 4, 5}),
        ('"engineers engine room" OR "voltage dubai engineers"', {2, 3}),
    ],
)
def test_phrases_of_three_to_five_words(
    databases: dict[str, db.Database], query: str, expected_rows: set[int]
) -> None:
    assert_rows_found(databases, PHRASE_CORPUS, query, expected_rows)

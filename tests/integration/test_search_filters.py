"""CV search's filters and scope, differentially: PostgreSQL (where the preferred countries and the
activity span are lexemes of the GIN query) and SQLite (plain SQL conditions) must both return
exactly what the reference says, with every match counted and past the counted window alike."""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, text

from storage import candidates, db, employers
from storage.models import Candidate, CandidatePreferredCountry, CandidateUnlock, CreditLedgerEntry
from storage.search import (
    breadth,
    indexing,
    limits,
    postgres_search,
    postgres_statements,
    service,
)
from storage.search import postgres as pg_search
from storage.search.query import parse_query
from storage.search.request import SearchPage, SearchRequest
from storage.search.tokens import stems
from tests.support.search_databases import own_search_databases
from tests.support.search_reference import matches
from tests.support.statements import recorded_statements

KINDS = ["platform", "withdrawn", "own", "other"]
QUERIES = [
    "java",
    "java OR python",
    "NOT java",
    "pyth*",
    '"java python"',
    "java -python",
    # Four words: one quadruple in the GIN index; five: their quadruples, then the query on the
    # ranking words.
    '"java python rust java" OR "rust rust python java"',
    '"java java python java java" OR "rust python rust python"',
]

profile = st.fixed_dictionaries(
    {
        "cv_text": st.lists(st.sampled_from(["java", "python", "rust"]), max_size=7).map(" ".join),
        "preferred_country_ids": st.lists(st.sampled_from([1, 2, 3]), unique=True, max_size=2),
        # Hours ago (negative: in the future), half an hour off the whole days the filter uses,
        # so no profile sits on the boundary while the test runs.
        "hours_ago": st.integers(-72, 24 * 40),
        "kind": st.sampled_from(KINDS),
    }
)
request = st.fixed_dictionaries(
    {
        "query": st.sampled_from(QUERIES),
        "preferred_country_ids": st.lists(st.sampled_from([1, 2, 3, 4]), unique=True, max_size=2),
        "active_within_days": st.sampled_from([None, 1, 2, 7]),
    }
)


@pytest.fixture(scope="module")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, db.Database]]:
    yield from own_search_databases("hirebridge_search_filters", tmp_path_factory.mktemp("fts"))


def load(
    database: db.Database, corpus: list[dict[str, Any]], now: datetime
) -> tuple[int, dict[int, dict[str, Any]]]:
    """Make ``corpus`` the only profiles; returns the searching employer and each profile."""
    with database.unit_of_work() as session:
        session.execute(delete(CandidatePreferredCountry))
        session.execute(delete(CandidateUnlock))
        session.execute(delete(CreditLedgerEntry))
        session.execute(delete(Candidate))
        if database.dialect == "sqlite":
            session.execute(text("DELETE FROM candidate_fts"))
        searcher = employers.create_employer(session, name="Searcher", contract_unlimited=True)
        other = employers.create_employer(session, name="Other", contract_unlimited=True)
        made: dict[int, dict[str, Any]] = {}
        for number, item in enumerate(corpus):
            fields = {
                "full_name": "Some One",
                "email": f"c{number}@example.com",
                "cv_text": item["cv_text"],
                "preferred_country_ids": item["preferred_country_ids"],
                "last_active_at": now - timedelta(hours=item["hours_ago"], minutes=30),
            }
            if item["kind"] in ("platform", "withdrawn"):
                candidate = candidates.create_platform_candidate(
                    session, fields, in_cv_database=item["kind"] == "platform"
                )
            else:
                owner = searcher if item["kind"] == "own" else other
                candidate = candidates.create_owned_candidate(session, owner.id, fields)
            made[candidate.id] = {
                **item,
                "words": indexing.searchable_words(candidate),
                "last_active_at": fields["last_active_at"],
            }
        return searcher.id, made


def expected(made: dict[int, dict[str, Any]], wanted: dict[str, Any], now: datetime) -> list[int]:
    """The reference's matches, most recent first."""
    node = parse_query(wanted["query"])
    countries = set(wanted["preferred_country_ids"])
    days = wanted["active_within_days"]
    found = [
        (item["last_active_at"], candidate_id)
        for candidate_id, item in made.items()
        if item["kind"] in ("platform", "own")
        and matches(node, item["words"])
        and (not countries or countries & set(item["preferred_country_ids"]))
        and (days is None or item["last_active_at"] >= now - timedelta(days=days))
    ]
    return [candidate_id for _, candidate_id in sorted(found, reverse=True)]


def run(
    database: db.Database, employer_id: int, wanted: dict[str, Any], **paging: int
) -> SearchPage:
    with database.unit_of_work() as session:
        employer = employers.get_employer(session, employer_id)
        return service.search_candidates(session, employer, SearchRequest(**wanted, **paging))


def broad_statistics(made: dict[int, dict[str, Any]], profiles: int) -> breadth.Statistics:
    """Statistics of a table of ``profiles`` where each of the corpus' words is in nine profiles
    of ten, active as the corpus' profiles are."""
    words = {word for item in made.values() for word in item["words"]}
    moments = sorted(item["last_active_at"] for item in made.values())
    found = breadth.Statistics.of([(word, 0.9) for word in words], [moments[0], *moments], profiles)
    assert found is not None or not words
    return found  # type: ignore[return-value]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corpus=st.lists(profile, min_size=1, max_size=10), wanted=request)
def test_filters_and_scope_return_exactly_the_reference_matches(
    databases: dict[str, db.Database], corpus: list[dict[str, Any]], wanted: dict[str, Any]
) -> None:
    now = datetime.now(UTC)
    for backend, database in databases.items():
        employer_id, made = load(database, corpus, now)
        reference = expected(made, wanted, now)

        page = run(database, employer_id, wanted, page_size=100)
        assert {hit.candidate.id for hit in page.hits} == set(reference), (backend, wanted)
        assert (page.total, page.total_is_exact) == (len(reference), True), backend

        # Past a counted window of 3, with 2 ranked: the two most recent matches are served
        # (first page and second). On PostgreSQL, as the table fits in one block, by reading on
        # up to 7 matches, and beyond that through the recency buckets; then with the table made
        # to look huge, always through the buckets: the estimated span is tried first, and the
        # fall-back to the sample's day taken whenever it holds too few.
        # And with statistics that call every query word broad (in nine profiles of ten, of 14
        # or 50): the most recent span of days expected to hold 4.5 matches is searched first
        # (a third or a tenth of the days), then, when it holds 3 or fewer, the usual way.
        variants = [(blocks, None) for blocks in (postgres_statements.TABLE_BLOCKS, "1000000")]
        variants += [
            (postgres_statements.TABLE_BLOCKS, broad_statistics(made, size)) for size in (14, 50)
        ]
        for blocks, statistics in variants:
            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(limits, "MAX_RESULT_WINDOW", 3)
                patch.setattr(limits, "RESCORE_WINDOW", 2)
                patch.setattr(postgres_statements, "TABLE_BLOCKS", blocks)
                if statistics is not None:
                    patch.setattr(breadth, "statistics", lambda _, found=statistics: found)
                pages = [run(database, employer_id, wanted, page=n, page_size=1) for n in (1, 2)]
            served = {hit.candidate.id for page in pages for hit in page.hits}
            assert served == set(reference[:2]), (backend, wanted, blocks, statistics)
            assert (pages[0].total, pages[0].total_is_exact) == (
                min(len(reference), 3),
                len(reference) <= 3,
            ), (backend, blocks, statistics)


@pytest.mark.parametrize(
    ("profiles", "blocks", "second_search"),
    [(5, None, False), (7, None, True), (5, "1000000", True)],
    ids=["all-read-on", "too-many-to-read-on", "sample-in-a-small-part-of-the-table"],
)
def test_postgresql_reads_on_past_the_counted_window_when_few_matches_are_left(
    databases: dict[str, db.Database], profiles: int, blocks: str | None, second_search: bool
) -> None:
    """With a counted window of 3 and reading on up to twice that, a sample found in the table's
    one block reads on up to 6 matches, and finds the most recent without a second search when
    that is all of them."""
    database = databases["postgresql"]
    now = datetime.now(UTC)
    corpus = [
        {"cv_text": "java", "preferred_country_ids": [], "hours_ago": hours, "kind": "platform"}
        for hours in range(profiles)
    ]
    employer_id, made = load(database, corpus, now)
    # The table is the profiles' one block (the earlier tests' deleted rows gone): where a sample
    # is found is then the whole table.
    with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM FULL candidate_search"))
        blocks_now = connection.execute(
            text("SELECT pg_relation_size('candidate_search') / current_setting('block_size')::int")
        ).scalar_one()
    assert blocks_now == 1
    with recorded_statements(database) as statements, pytest.MonkeyPatch.context() as patch:
        patch.setattr(limits, "MAX_RESULT_WINDOW", 3)
        patch.setattr(limits, "RESCORE_WINDOW", 2)
        patch.setattr(limits, "READ_ON", 2)
        if blocks is not None:
            patch.setattr(postgres_statements, "TABLE_BLOCKS", blocks)
        pages = [
            run(database, employer_id, {"query": "java"}, page=n, page_size=1) for n in (1, 2, 3)
        ]
    newest_first = sorted(made, key=lambda candidate_id: made[candidate_id]["hours_ago"])
    assert [hit.candidate.id for page in pages for hit in page.hits] == newest_first[:3]
    assert {(page.total, page.total_is_exact) for page in pages} == {(3, False)}
    searches = [sql for sql in statements if "candidate_search" in sql]
    assert any("WITH recent" in sql for sql in searches) == second_search
    # Search rows carry no contact details, summary or CV text: they are not even read.
    for field in ("email", "phone", "summary", "cv_text"):
        assert not hasattr(pages[0].hits[0].candidate, field)


@pytest.mark.parametrize(
    ("order", "recent_searches"), [(-1.0, 1), (0.2, 2)], ids=["in-recency-order", "out-of-order"]
)
def test_postgresql_serves_the_most_recent_from_the_sample_day_when_in_recency_order(
    databases: dict[str, db.Database], order: float, recent_searches: int
) -> None:
    """Seven matches two days apart, a counted window of 3 and a sample found in a small part of
    a table made to look huge: the second search needs the 2 most recent. Out of recency order
    it first tries the day of the sample's most recent match (where twice 2 matches were expected
    from how little of the table the sample took), which holds one, then the day of the 2nd. In
    recency order the sample is the most recent matches, so it goes to the 2nd's day at once.
    The page is the same either way."""
    database = databases["postgresql"]
    corpus = [
        {"cv_text": "java", "preferred_country_ids": [], "hours_ago": hours, "kind": "platform"}
        for hours in range(0, 7 * 48, 48)
    ]
    employer_id, made = load(database, corpus, datetime.now(UTC))
    newest_first = sorted(made, key=lambda candidate_id: made[candidate_id]["hours_ago"])
    moment = made[newest_first[-1]]["last_active_at"]
    # So rare by its words that nothing is counted first.
    statistics = breadth.Statistics.of([("java", 0.000_01)], [moment] * 11, 1000, order)
    with recorded_statements(database) as statements, pytest.MonkeyPatch.context() as patch:
        patch.setattr(limits, "MAX_RESULT_WINDOW", 3)
        patch.setattr(limits, "RESCORE_WINDOW", 2)
        patch.setattr(postgres_statements, "TABLE_BLOCKS", "1000000")
        patch.setattr(breadth, "statistics", lambda _: statistics)
        pages = [run(database, employer_id, {"query": "java"}, page=n, page_size=1) for n in (1, 2)]
    assert [hit.candidate.id for page in pages for hit in page.hits] == newest_first[:2]
    assert {(page.total, page.total_is_exact) for page in pages} == {(3, False)}
    recent = [sql for sql in statements if sql.startswith("WITH recent")]
    assert len(recent) == 2 * recent_searches


def test_postgresql_filters_countries_in_the_gin_query_alone(
    databases: dict[str, db.Database],
) -> None:
    database = databases["postgresql"]
    now = datetime.now(UTC)
    corpus = [
        {"cv_text": "java", "preferred_country_ids": [1], "hours_ago": 1, "kind": "platform"},
        {"cv_text": "java", "preferred_country_ids": [2], "hours_ago": 1, "kind": "platform"},
    ]
    employer_id, made = load(database, corpus, now)
    with recorded_statements(database) as statements:
        page = run(
            database,
            employer_id,
            {"query": "java", "preferred_country_ids": [2], "active_within_days": 1},
        )
    assert [hit.candidate.id for hit in page.hits] == sorted(made)[1:]
    searching = [sql for sql in statements if "candidate_search" in sql]
    assert searching and not any("candidate_preferred_countries" in sql for sql in searching)


def test_changed_countries_and_withdrawals_reach_the_index(
    databases: dict[str, db.Database],
) -> None:
    for backend, database in databases.items():
        now = datetime.now(UTC)
        corpus = [
            {"cv_text": "java", "preferred_country_ids": [1], "hours_ago": 1, "kind": "own"},
            {"cv_text": "java", "preferred_country_ids": [1], "hours_ago": 2, "kind": "platform"},
        ]
        employer_id, made = load(database, corpus, now)
        own, public = sorted(made)

        def found(
            countries: list[int], database: db.Database = database, employer_id: int = employer_id
        ) -> set[int]:
            wanted = {"query": "java", "preferred_country_ids": countries}
            return {hit.candidate.id for hit in run(database, employer_id, wanted).hits}

        assert found([1]) == {own, public}
        with database.unit_of_work() as session:
            candidates.update_owned_candidate(
                session, employer_id, own, {"preferred_country_ids": [2, 3]}
            )
            candidates.withdraw_from_cv_database(session, public)
        assert (found([1]), found([2]), found([3, 1])) == (set(), {own}, {own}), backend
        with database.unit_of_work() as session:
            candidates.update_owned_candidate(
                session, employer_id, own, {"preferred_country_ids": []}
            )
        assert (found([2]), found([])) == (set(), {own}), backend


@pytest.mark.parametrize("query", ["java", "rust", "python"])
def test_postgresql_restores_the_planner_settings_after_a_search(
    databases: dict[str, db.Database], query: str
) -> None:
    """Every match counted (java), none (rust), or more than the counted window (python)."""
    database = databases["postgresql"]
    corpus = [
        {"cv_text": "java python", "preferred_country_ids": [], "hours_ago": n, "kind": "platform"}
        for n in range(5)
    ]
    employer_id, _ = load(database, corpus, datetime.now(UTC))
    with pytest.MonkeyPatch.context() as patch:
        if query == "python":
            patch.setattr(limits, "MAX_RESULT_WINDOW", 3)
            patch.setattr(limits, "RESCORE_WINDOW", 2)
        with database.unit_of_work() as session:
            employer = employers.get_employer(session, employer_id)
            request = SearchRequest(query=query, page_size=1)
            service.search_candidates(session, employer, request)
            setting = session.scalar(text("SELECT current_setting('enable_seqscan')"))
    assert setting == "on"


@pytest.mark.parametrize(
    ("hours", "histogram_at", "word_share", "newest_share", "order", "counted", "served_by_span"),
    [
        (range(7), 6, 1.0, None, -1.0, True, True),
        (range(7), 6, 0.005, None, -1.0, True, True),
        (range(0, 7 * 48, 48), 0, 1.0, 0.01, -1.0, True, False),
        (range(7), 6, 1.0, None, 0.2, False, True),
        (range(7), 6, 0.005, None, 0.2, False, False),
    ],
    ids=[
        "probe-holds-more-than-counted",
        "rare-by-its-words-broad-by-count",
        "span-holds-too-few",
        "out-of-order-broad-by-its-words",
        "out-of-order-rare-by-its-words",
    ],
)
def test_postgresql_searches_a_broad_query_in_its_most_recent_days_first(
    databases: dict[str, db.Database],
    hours: range,
    histogram_at: int,
    word_share: float,
    newest_share: float | None,
    order: float,
    counted: bool,
    served_by_span: bool,
) -> None:
    """With a counted window of 3, ``java``'s matches are first counted in the most recent days
    holding 2% of the profiles (the histogram's last step: from the day of ``histogram_at``).
    From the oldest profile's day, the count finds all seven matches, more than 3, and that
    span serves the pages alone; so it does when the statistics' independent estimate calls
    the word rare (5 profiles of 1,000: the estimate alone never searched a span for that).
    From the newest profile's day, one match of seven made every two days, in a span said to
    hold 1% of the profiles, makes the query look broad: the most recent span expected to hold
    3.6 matches is searched, holds too few, and the usual search follows. With the table out of
    order of recency (``ANALYZE`` finds little correlation with ``last_active_at``), nothing is
    counted: the statistics' estimate alone decides, and a span is searched only for a word
    they call broad. The page is the same every way."""
    database = databases["postgresql"]
    corpus = [
        {"cv_text": "java", "preferred_country_ids": [], "hours_ago": hour, "kind": "platform"}
        for hour in hours
    ]
    employer_id, made = load(database, corpus, datetime.now(UTC))
    newest_first = sorted(made, key=lambda candidate_id: made[candidate_id]["hours_ago"])
    moment = made[newest_first[histogram_at]]["last_active_at"]
    statistics = breadth.Statistics.of([("java", word_share)], [moment] * 11, 1000, order)
    with recorded_statements(database) as statements, pytest.MonkeyPatch.context() as patch:
        patch.setattr(limits, "MAX_RESULT_WINDOW", 3)
        patch.setattr(limits, "RESCORE_WINDOW", 2)
        patch.setattr(breadth, "statistics", lambda _: statistics)
        if newest_share is not None:
            patch.setattr(breadth.Statistics, "share_since", lambda *_: newest_share)
        pages = [run(database, employer_id, {"query": "java"}, page=n, page_size=1) for n in (1, 2)]
    assert [hit.candidate.id for page in pages for hit in page.hits] == newest_first[:2]
    assert {(page.total, page.total_is_exact) for page in pages} == {(3, False)}
    probes = [sql for sql in statements if "AS found" in sql]
    searches = [sql for sql in statements if "candidate_search" in sql and "WITH" in sql]
    spans = [sql for sql in searches if "AS more" in sql]
    assert len(probes) == (2 if counted else 0)
    assert len(spans) == (2 if counted or served_by_span else 0)
    assert (len(searches) == 2) == served_by_span


def test_postgresql_reads_the_statistics_analyze_keeps(databases: dict[str, db.Database]) -> None:
    database = databases["postgresql"]
    now = datetime.now(UTC)
    corpus = [
        {"cv_text": text, "preferred_country_ids": [2], "hours_ago": hour, "kind": "platform"}
        for hour, text in enumerate(["java python", "java", "java rust", "python"] * 5)
    ]
    load(database, corpus, now)
    with database.unit_of_work() as session:
        # In order of recency, as the deploy notes keep it (migration 0015 marks the table CLUSTER
        # ON that order): rows written after earlier tests' deletions can land in freed space, so
        # the order they were written in is not the order they lie in.
        session.execute(text("CLUSTER candidate_search"))
        session.execute(text("ANALYZE candidate_search"))
    breadth._cache.clear()
    with database.unit_of_work() as session:
        found = breadth.statistics(session.connection())
    assert found is not None and found.profiles == 20
    assert (found.lexeme("java"), found.lexeme("python"), found.lexeme("rust")) == (0.75, 0.5, 0.25)
    assert found.lexeme(pg_search.country_text(2)) == 1.0
    assert found.activity[0] < found.activity[-1] <= now
    # Clustered: the table is in order of recency.
    assert found.order == pytest.approx(-1.0) and found.in_recency_order


def test_postgresql_searches_a_wildcard_as_the_words_it_reaches(
    databases: dict[str, db.Database],
) -> None:
    database = databases["postgresql"]
    now = datetime.now(UTC)
    corpus = [
        {"cv_text": text, "preferred_country_ids": [], "hours_ago": hour, "kind": "own"}
        for hour, text in enumerate(["java", "javascript rust", "python"])
    ]
    employer_id, made = load(database, corpus, now)
    java, javascript, python = sorted(made)
    node = parse_query("jav* OR pyth* OR -rus*")

    def reached() -> dict[str, tuple[str, ...]]:
        with database.unit_of_work() as session:
            return postgres_search.prefix_words(session, node)

    def found(query: str) -> set[int]:
        page = run(database, employer_id, {"query": query})
        return {hit.candidate.id for hit in page.hits}

    assert reached() == {"jav": ("java", "javascript"), "pyth": ("python",), "rus": ("rust",)}
    literal = pg_search.tsquery_literal(node, hints=True, expansions=reached())
    assert literal == "(('java' | 'javascript') | 'python' | !'rust')"
    # A word first filed by an update is in the vocabulary as soon as the update commits, so the
    # wildcard still finds every profile it should (a word no profile holds any more stays, and
    # matches nothing).
    with database.unit_of_work() as session:
        candidates.update_owned_candidate(session, employer_id, java, {"cv_text": "javelin"})
    assert reached()["jav"] == ("java", "javascript", "javelin")
    assert found("jav*") == {java, javascript}
    # Reaching more words than PREFIX_WORDS, a wildcard stays a prefix: the same matches.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(limits, "PREFIX_WORDS", 2)
        assert reached() == {"pyth": ("python",), "rus": ("rust",)}
        assert found("jav*") == {java, javascript}
        assert found("pyth* OR rus*") == {javascript, python}


def test_postgresql_checks_a_long_phrase_on_the_ranking_words(
    databases: dict[str, db.Database],
) -> None:
    """A required phrase of five words is matched by its quadruples and the test at their overlap
    in the GIN index alone: the matching vectors (``terms``, out of line) are never read back
    from TOAST, where PostgreSQL read each candidate's to check the phrase's positions, and no
    match is checked. A profile holding both quadruples apart is not a match: the triple where
    they overlap stands two ways in it, and not between the phrase's words. A phrase of six words
    is checked on the ranking words only where both its overlaps could be ambiguous. A phrase
    under a NOT keeps its positions; a phrase of four words is one quadruple."""
    database = databases["postgresql"]
    texts = [
        "lead senior site reliability engineer, kubernetes",  # the phrase
        "lead senior site reliability team; senior site reliability engineer",  # both, apart
        "senior site reliability engineer",
        "lead senior site reliability engineer",
        "chief lead senior site reliability engineer",  # the six-word phrase
        # Every quadruple of the six-word phrase, and the five words at each of its overlaps,
        # and not the phrase.
        "chief lead senior site reliability team, lead senior site reliability engineer team, "
        "senior site reliability team",
    ]
    # Long enough for PostgreSQL to keep each matching vector out of line (over 2 KB a row).
    history = " ".join(f"project{number}" for number in range(200))
    corpus = [
        {
            "cv_text": f"{cv_text}. {history}",
            "preferred_country_ids": [],
            "hours_ago": hour,
            "kind": "platform",
        }
        for hour, cv_text in enumerate(texts)
    ]
    employer_id, made = load(database, corpus, datetime.now(UTC))
    phrase, apart, shorter, alone, six, six_apart = sorted(made)

    def toast_blocks() -> int:
        # A backend's counters reach the statistics when it goes idle, at most once a second
        # unless forced: forced here, and by each search on its own connection.
        with database.engine.connect() as connection:
            connection.execute(text("SELECT pg_stat_force_next_flush()"))
            connection.commit()
            return int(
                connection.execute(
                    text(
                        "SELECT toast_blks_read + toast_blks_hit FROM pg_statio_user_tables "
                        "WHERE relname = 'candidate_search'"
                    )
                ).scalar_one()
            )

    checks: list[bool] = []

    def found(query: str) -> tuple[set[int], int]:
        before = toast_blocks()
        with database.unit_of_work() as session, recorded_statements(database) as statements:
            employer = employers.get_employer(session, employer_id)
            page = service.search_candidates(session, employer, SearchRequest(query=query))
            session.execute(text("SELECT pg_stat_force_next_flush()"))  # as the search commits
        checks.append(any("checked_words" in statement for statement in statements))
        return {hit.candidate.id for hit in page.hits}, toast_blocks() - before

    five = '"lead senior site reliability engineers"'
    holding = {phrase, alone, six, six_apart}
    assert found(five) == (holding, 0)
    assert found('"lead senior site reliability engineer" kubernetes') == ({phrase}, 0)
    assert found(f'{five} OR "reliability team"') == ({*holding, apart}, 0)
    assert found('"senior site reliability engineer"') == ({*holding, apart, shorter}, 0)
    assert checks == [False, False, False, False]
    # Under a NOT the positions are checked on the matching vectors (the counter counts).
    without, blocks = found('NOT "lead senior site reliability engineer"')
    assert without == {apart, shorter} and blocks > 0
    sixth = '"chief lead senior site reliability engineers"'
    assert found(sixth) == ({six}, 0)
    assert checks[-1] is True
    # Only a match whose two signatures both hold the bits of both triples where the six-word
    # phrase's quadruples overlap is checked: given either signature without one of them, the
    # profile holding them apart passes unchecked.
    overlaps = [
        pg_search.triple_bits(["lead", "senior", "site"]),
        pg_search.triple_bits(["senior", "site", "reliabl"]),
    ]
    for half, column in enumerate(("ambiguous_triples", "ambiguous_triples_2")):
        with database.engine.begin() as connection:
            signed = {
                candidate: value
                for candidate, value in connection.execute(
                    text(f"SELECT candidate_id, {column} FROM candidate_search")
                )
            }
            both = {
                candidate
                for candidate, value in signed.items()
                if all(value & bits[half] for bits in overlaps)
            }
            assert both == {six_apart}
            connection.execute(
                text(f"UPDATE candidate_search SET {column} = :value WHERE candidate_id = :id"),
                {"id": six_apart, "value": signed[six_apart] & ~overlaps[0][half]},
            )
        assert found(sixth)[0] == {six, six_apart}
        with database.engine.begin() as connection:
            connection.execute(
                text(f"UPDATE candidate_search SET {column} = :value WHERE candidate_id = :id"),
                {"id": six_apart, "value": signed[six_apart]},
            )
        assert found(sixth)[0] == {six}


def test_concurrent_writers_of_the_same_new_words_all_commit(
    databases: dict[str, db.Database],
) -> None:
    """Profiles written at once by many transactions, each filing the same new words (in its own
    order in the text), all commit: the vocabulary's trigger adds words in one order, so the
    writers wait for each other rather than deadlock; and a wildcard then finds every profile."""
    load(databases["postgresql"], [], datetime.now(UTC))
    database = db.Database(databases["postgresql"].url.render_as_string(False), pool_size=8)
    words = [f"zephyr{letter}" for letter in "abcdefghijklmnopqrstuvwxyz"]
    writers, each = 8, 4
    start = threading.Barrier(writers)

    def write(writer: int) -> list[int]:
        shuffled = random.Random(writer)
        made = []
        start.wait()
        for number in range(each):
            with database.unit_of_work() as session:
                text_words = shuffled.sample(words, len(words))
                candidate = candidates.create_platform_candidate(
                    session,
                    {
                        "full_name": "Some One",
                        "email": f"w{writer}.{number}@example.com",
                        "cv_text": " ".join(text_words),
                    },
                )
                made.append(candidate.id)
        return made

    try:
        with ThreadPoolExecutor(writers) as pool:
            made = {found for batch in pool.map(write, range(writers)) for found in batch}
        with database.unit_of_work() as session:
            filed = session.execute(
                text("SELECT word FROM search_words WHERE word LIKE 'zephyr%' ORDER BY word")
            ).scalars()
            assert list(filed) == sorted(set(stems(words)))
            searcher = employers.create_employer(session, name="Z", contract_unlimited=True)
        page = run(database, searcher.id, {"query": "zephyr*"}, page_size=100)
        assert {hit.candidate.id for hit in page.hits} == made and page.total == writers * each
    finally:
        database.dispose()

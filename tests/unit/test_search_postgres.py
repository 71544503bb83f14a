"""PostgreSQL's literals for the filters: country and recency lexemes and their tsqueries."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from storage.search.postgres import (
    activity_day,
    countries_tsquery,
    country_lexeme,
    days_tsquery,
    recency_cover,
    recency_lexemes,
    search_vectors,
)
from storage.search.tokens import FILLER

ACTIVE = datetime(2026, 11, 1, 9, 30, tzinfo=UTC)


def test_the_matching_vector_holds_each_preferred_country_once() -> None:
    plain = search_vectors(["process", "engineer"], ACTIVE)
    vectors = search_vectors(["process", "engineer"], ACTIVE, [971, 44, 971])
    assert vectors.terms == f"{plain.terms} '{FILLER}c.44' '{FILLER}c.971'"
    # Ranking reads neither the countries nor the recency buckets.
    assert (vectors.words, vectors.length) == (plain.words, plain.length)
    assert country_lexeme(44) == f"'{FILLER}c.44'"


def test_the_filters_are_tsqueries_of_their_own() -> None:
    assert countries_tsquery([44, 971]) == f"'{FILLER}c.44' | '{FILLER}c.971'"
    assert days_tsquery(20_000, 20_001) == f"'{FILLER}0.20001' | '{FILLER}0.20000'"
    assert days_tsquery(78 * 256, 79 * 256 - 1) == f"'{FILLER}2.78'"


@pytest.mark.parametrize(
    ("first", "last"),
    [(0, 0), (20_000, 20_000), (19_990, 20_409), (15, 4_097), (1, 70_000), (4_096, 8_191)],
)
def test_a_recency_cover_is_exactly_its_span_of_days(first: int, last: int) -> None:
    cover = set(recency_cover(first, last))
    for day in range(max(0, first - 5_000), last + 5_000):
        assert bool(cover & set(recency_lexemes(day))) == (first <= day <= last), day


def test_breadth_estimates_the_share_a_query_matches() -> None:
    from storage.search.breadth import Statistics
    from storage.search.postgres import country_text, pair_lexeme
    from storage.search.query import parse_query

    days = [datetime(2026, 11, day, tzinfo=UTC) for day in range(1, 12)]
    found = Statistics.of(
        [
            ("engin", 0.4),
            ("engineerin", 0.01),
            ("python", 0.2),
            (pair_lexeme("process", "engin"), 0.05),
            (country_text(44), 0.3),
            ("junior", 0.1),
        ],
        days,
        1_000_000,
    )
    assert found is not None
    share = found.share
    assert share(parse_query("python")) == 0.2
    assert share(parse_query("rare")) == 0.01  # not listed: as common as the least listed
    assert share(parse_query("python engineer -junior")) == pytest.approx(0.2 * 0.4 * 0.9)
    assert share(parse_query("python OR engineers")) == pytest.approx(1 - 0.8 * 0.6)
    assert share(parse_query('"process engineers"')) == 0.05
    # A prefix: the listed lexemes it begins, its letters' stem, and the rare ones it may reach.
    assert share(parse_query("engineer*")) == pytest.approx(1 - 0.99 * 0.6 * 0.99)
    assert share(parse_query("pyth*")) == pytest.approx(1 - 0.8 * 0.99)
    # The most recent tenth of the profiles was active from the last histogram step's day.
    assert found.first_day_of_newest(0.1) == activity_day(days[-2])
    assert found.first_day_of_newest(1.0) == activity_day(days[0])
    assert Statistics.of([], days, 10) is None


def test_the_share_of_profiles_since_a_day_is_interpolated_from_the_histogram() -> None:
    from storage.search.breadth import Statistics

    days = [datetime(2026, 11, day, tzinfo=UTC) for day in (1, 11, 21)]
    found = Statistics.of([("java", 0.5)], days, 1000)
    assert found is not None
    assert found.share_since(activity_day(days[0])) == 1.0
    assert found.share_since(activity_day(days[1])) == 0.5
    assert found.share_since(activity_day(days[1]) + 5) == 0.25
    assert found.share_since(activity_day(days[2]) + 1) == 0.0

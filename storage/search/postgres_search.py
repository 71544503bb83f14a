"""The search on PostgreSQL: which statements of ``storage.search.postgres_statements`` a search
runs, with which values, and the planner settings they run under."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Text, func, select, text
from sqlalchemy.orm import Session

from storage.clock import utcnow
from storage.models import Candidate
from storage.search import breadth, limits
from storage.search import postgres as pg_search
from storage.search import postgres_statements as statements
from storage.search.postgres_statements import Shape
from storage.search.query import Node
from storage.search.request import SearchRequest


@dataclass(frozen=True)
class Scope:
    """A PostgreSQL search's words, built once for all its statements, and what it restricts its
    matches to besides them."""

    employer_id: int
    country_ids: tuple[int, ...]
    since: datetime | None  # last active at or after
    newest: datetime | None  # the latest ``last_active_at`` of all profiles (none: no profiles)
    # What the GIN index answers for the query's words (``postgres.index_query``, its wildcards as
    # the words they reach: ``prefix_words``), and the query's own tsquery, which ranks the
    # matches and, when ``words.checked``, checks them on the ranking words.
    words: pg_search.IndexQuery
    query: str

    def conditions(self, first_day: int | None = None) -> tuple[Shape, dict[str, Any]]:
        """What the GIN index answers: the words, the preferred countries, and the days from
        ``first_day`` (or ``since``'s day) to the newest profile's; then the tests of the rows it
        returns: the employer's scope, the exact moment of ``since`` (the buckets are days), and
        the query on the ranking words when the index's words match a few profiles more
        (``postgres.index_query``: a phrase of six words or more).
        As the shape of the conditions and their values (``postgres_statements`` makes the SQL)."""
        words = self.words
        values: dict[str, Any] = {"words": words.literal, "employer_id": self.employer_id}
        if words.checked:
            values["checked_words"] = self.query
            values["ambiguous_0"], values["ambiguous_1"] = words.ambiguous
            for index, bits in enumerate(words.overlaps):
                values[f"overlap_0_{index}"], values[f"overlap_1_{index}"] = bits
        if self.country_ids:
            values["countries"] = pg_search.countries_tsquery(self.country_ids)
        if self.since is not None:
            since_day = pg_search.activity_day(self.since)
            first_day = since_day if first_day is None else max(first_day, since_day)
            values["since"] = self.since
        if first_day is not None:
            last_day = pg_search.activity_day(self.newest) if self.newest else first_day
            values["days"] = pg_search.days_tsquery(first_day, max(first_day, last_day))
        shape = Shape(
            countries="countries" in values,
            days="days" in values,
            since="since" in values,
            overlaps=len(words.overlaps),
        )
        return shape, values


def search(
    session: Session, node: Node, employer_id: int, request: SearchRequest
) -> tuple[int, list[int]]:
    """(matches counted up to 10,001; the ids of the requested page), as
    ``sqlite_statements.search`` but on the narrow ``candidate_search`` rows: in one statement
    unless there are many more than 10,000 matches (``postgres_statements.search``); a query
    expected to match many times more is first searched in its most recent matches only
    (``_newest_span``)."""
    previous_seqscan, newest = _planner(session)
    scope = Scope(
        employer_id=employer_id,
        country_ids=tuple(sorted(set(request.preferred_country_ids))),
        since=(
            None
            if request.active_within_days is None
            else utcnow() - timedelta(days=request.active_within_days)
        ),
        newest=newest,
        words=pg_search.index_query(node, prefix_words(session, node)),
        query=pg_search.tsquery_literal(node),
    )
    page = {**_page_values(scope, request), "previous_seqscan": previous_seqscan}
    statistics = breadth.statistics(session.connection())
    first_day = _newest_span(session, node, scope, statistics)
    if first_day is not None:
        newest_first = _newest_first(session, scope, first_day, page)
        if newest_first is not None:
            return limits.MAX_RESULT_WINDOW + 1, newest_first
    shape, values = scope.conditions()
    ordered = statistics is None or statistics.in_recency_order
    read_on = limits.READ_ON if ordered else limits.UNORDERED_READ_ON
    found = list(
        session.connection().execute(
            statements.search(shape),
            {
                **values,
                **page,
                "counted": limits.MAX_RESULT_WINDOW,
                "sample_size": limits.MAX_RESULT_WINDOW + 1,
                "read_on_limit": read_on * limits.MAX_RESULT_WINDOW,
                "read_on_size": math.floor(read_on * limits.MAX_RESULT_WINDOW) + 1,
            },
        )
    )
    outcome = found[0]
    if outcome.everything:
        return outcome.total, [row.id for row in found if row.id is not None]
    in_order = statistics is not None and statistics.in_recency_order
    return outcome.total, most_recent_page(session, scope, outcome, page, ordered=in_order)


# The words of the vocabulary (migration 0017) that begin with each of some letters, up to
# ``cap`` each: ``[low, high)`` in code point order is exactly the words beginning with ``low``.
_PREFIX_WORDS = text(
    """
    SELECT letters.low, found.word
    FROM unnest(CAST(:lows AS text[]), CAST(:highs AS text[])) AS letters(low, high),
    LATERAL (
        SELECT word FROM search_words
        WHERE word >= letters.low COLLATE "C" AND word < letters.high COLLATE "C"
        ORDER BY word LIMIT :cap
    ) found
    """
)


def prefix_words(session: Session, node: Node) -> dict[str, tuple[str, ...]]:
    """For the letters of each one-word wildcard term of ``node``: every word filed in a profile
    that begins with them, when they are at most ``limits.PREFIX_WORDS`` (else none: the term
    stays a prefix). ``storage.search.postgres.tsquery_literal`` then names them."""
    letters = pg_search.prefix_letters(node)
    if not letters:
        return {}
    found: dict[str, list[str]] = {low: [] for low in letters}
    values = {
        "lows": letters,
        "highs": [low[:-1] + chr(ord(low[-1]) + 1) for low in letters],
        "cap": limits.PREFIX_WORDS + 1,
    }
    for low, word in session.connection().execute(_PREFIX_WORDS, values):
        found[low].append(word)
    return {low: tuple(words) for low, words in found.items() if len(words) <= limits.PREFIX_WORDS}


def _newest_span(
    session: Session, node: Node, scope: Scope, statistics: breadth.Statistics | None
) -> int | None:
    """For a query that matches more than ``BROAD_MATCHES`` times the counted window: the first
    day of the most recent span of days expected to hold ``SPAN_MATCHES`` times the counted
    window of its matches (``None``: search the usual way).

    Every match outside that span is older than every match in it: when it holds more than the
    counted window, the most recent matches are among its matches, and the GIN index never
    builds the bitmap of all the others (for a word in every profile, a million entries).

    How broad the query is comes from counting its matches in the most recent days holding
    ``PROBE_SHARE`` of all profiles (``postgres_statements.probe``): the words' shares taken as
    independent (``breadth``) were many times too low for words that go together (``sales AND
    (CRM OR Salesforce) AND managers``: 9,762 expected, 91,311 found). The statistics' own
    estimate only spares the count for a query expected to be rare, and the histogram of
    ``last_active_at`` says how many profiles a span holds. With the table in order of recency
    (migration 0015) the count reads a few pages. Out of that order (``Statistics.order``: writes
    since the last ``CLUSTER`` move rows) a span is spread over the whole table and the count would
    cost about what the usual search does: the statistics' estimate alone decides, as before.
    """
    if statistics is None:
        return None
    share = statistics.share(node)
    if scope.country_ids:
        share *= breadth.any_of(
            statistics.lexeme(pg_search.country_text(country)) for country in scope.country_ids
        )
    since_day = None if scope.since is None else pg_search.activity_day(scope.since)
    if not statistics.in_recency_order:
        return _span_of(
            statistics,
            share * statistics.profiles,
            since_day,
            limits.UNORDERED_BROAD_MATCHES,
            limits.UNORDERED_SPAN_MATCHES,
        )
    if share * statistics.profiles < limits.PROBE_FROM * limits.MAX_RESULT_WINDOW:
        return None
    probe_day = statistics.first_day_of_newest(limits.PROBE_SHARE)
    if since_day is not None and probe_day <= since_day:
        return None
    shape, values = scope.conditions(probe_day)
    found = (
        session.connection()
        .execute(statements.probe(shape), {**values, "sample_size": limits.MAX_RESULT_WINDOW + 1})
        .scalar_one()
    )
    if found > limits.MAX_RESULT_WINDOW:
        return probe_day
    profiles = statistics.share_since(probe_day) * statistics.profiles
    expected = found * statistics.profiles / max(profiles, 1.0)
    return _span_of(statistics, expected, since_day, limits.BROAD_MATCHES, limits.SPAN_MATCHES)


def _span_of(
    statistics: breadth.Statistics,
    expected: float,
    since_day: int | None,
    broad: float,
    span: float,
) -> int | None:
    """The first day of the most recent span of days expected to hold ``span`` times the counted
    window of a query expected to match ``expected`` profiles, if that is more than ``broad``
    times the window and the span starts after ``since_day``."""
    if expected < broad * limits.MAX_RESULT_WINDOW:
        return None
    first_day = statistics.first_day_of_newest(span * limits.MAX_RESULT_WINDOW / expected)
    if since_day is not None and first_day <= since_day:
        return None
    return first_day


def _newest_first(
    session: Session, scope: Scope, first_day: int, page: dict[str, Any]
) -> list[int] | None:
    """The requested page's ids when the days from ``first_day`` hold more than 10,000 matches
    (``postgres_statements.span``); ``None`` when they hold fewer."""
    shape, values = scope.conditions(first_day)
    found = list(
        session.connection().execute(
            statements.span(shape),
            {
                **values,
                **page,
                "counted": limits.MAX_RESULT_WINDOW,
                "sample_size": limits.MAX_RESULT_WINDOW + 1,
            },
        )
    )
    if not found[0].more:
        return None
    return [row.id for row in found if row.id is not None]


def _page_values(scope: Scope, request: SearchRequest) -> dict[str, Any]:
    """The values of ``postgres_statements``' page: the same in every search statement."""
    return {
        "keep": limits.kept(request),
        "rescore_window": limits.RESCORE_WINDOW,
        # A tsquery parameter, not text cast in the statement: under a generic plan (psycopg
        # prepares a statement from its fifth use) a cast would parse the query again for every
        # row ranked.
        "rank_query": scope.query,
        "page_start": request.page_end - request.page_size,
        "page_end": request.page_end,
    }


def most_recent_page(
    session: Session,
    scope: Scope,
    outcome: Any,
    page: dict[str, Any],
    *,
    ordered: bool = False,
) -> list[int]:
    """The requested page's ids when there are many more than 10,000 matches: the page of the
    ``keep`` most recent matches, given the moments of the most recent of 10,001 matches found
    in table order (``outcome.moments``, newest first), and how far through the table those were
    found (``outcome.share``). ``page`` holds the values both search statements share.

    The GIN index can return only the matches active within a span of days (the query ANDed with
    recency buckets, ``storage.search.postgres``): the span from the day of the sample's keep-th
    most recent match holds enough matches, and the ``keep`` most recent of those are the most
    recent of all. Out of recency order (``ordered`` false) it may hold many more (the sample's
    part of all matches is unknown); so the search first tries the span that should hold about
    twice ``keep`` matches, estimated from how far through the table the sample reached, and
    falls back to that day when that span holds too few. The statement that finds enough ranks
    them and restores the planner.

    In recency order the sample is the most recent matches, not a part of all of them taken
    anywhere: its ``guess``-th most recent is about the ``guess``-th of all, so that span would
    hold fewer than ``keep`` matches unless the day of the ``keep``-th is the same, and the
    statement that tried it would be wasted. The span from the ``keep``-th's day holds about
    ``keep`` there.
    """
    moments: list[datetime] = outcome.moments
    keep = len(moments)
    spans = [pg_search.activity_day(moments[-1])]
    if outcome.share and not ordered:
        guess = math.ceil(2 * keep * min(1.0, outcome.share))
        if guess < keep:
            spans.insert(0, pg_search.activity_day(moments[guess - 1]))
    found: list[Any] = []
    for first_day in spans:
        shape, values = scope.conditions(first_day)
        found = list(session.connection().execute(statements.recent(shape), {**values, **page}))
        if found[0].recent_count >= keep:
            break
    return [row.id for row in found if row.id is not None]


def _planner(session: Session) -> tuple[str, datetime | None]:
    """Plans for the search's own statements; returns the setting to restore after them, and the
    latest ``last_active_at`` of all profiles (where recency-bucket spans end).

    Exact bitmaps (``work_mem``: a lossy bitmap page makes PostgreSQL test every row on it), and
    no sequential scan: the planner counts ``@@`` as cheap, but outside the GIN index each row it
    tests means fetching ``terms`` from the TOAST table, so scanning the table to find
    10,001 matches of a common word costs far more than its estimate. The GIN index is the one
    way to the matches left (``candidate_search`` has no other index to walk). And no JIT
    compilation: the ranking's correlated lookups make a search statement's estimate cross
    ``jit_above_cost``, and compiling it took several times longer than the search itself.
    """
    previous = (
        session.connection()
        .execute(
            select(
                func.current_setting("enable_seqscan", type_=Text),
                func.set_config("work_mem", "64MB", True),
                func.set_config("enable_seqscan", "off", True),
                func.set_config("jit", "off", True),
                select(func.max(Candidate.last_active_at)).scalar_subquery(),
            )
        )
        .one()
    )
    return str(previous[0]), previous[4]

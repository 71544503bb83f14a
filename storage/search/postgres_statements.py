"""The search's statements on PostgreSQL, over the narrow ``candidate_search`` rows (the GIN
index of their ``terms``) and the ranking words of ``candidate_search_words``.

Each statement is built once per ``Shape`` of its conditions and then reused with new values;
``storage.search.postgres_search`` decides which of them a search runs, and in what order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BigInteger,
    DateTime,
    Float,
    Integer,
    Select,
    Text,
    and_,
    bindparam,
    case,
    cast,
    func,
    literal_column,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.dialects.postgresql import ARRAY, TSQUERY, aggregate_order_by
from sqlalchemy.sql import ColumnElement

from storage.candidate_scopes import searchable_by
from storage.models import CandidateSearch, CandidateSearchWords
from storage.search import postgres as pg_search

TABLE_BLOCKS = "pg_relation_size('candidate_search'::regclass) / current_setting('block_size')::int"


@dataclass(frozen=True)
class Shape:
    """Which conditions a PostgreSQL search's statement carries besides the words and the
    employer's scope. Every value is a parameter, so each statement is built once per shape
    and then reused: building and keying a statement of this size costs milliseconds."""

    countries: bool
    days: bool
    since: bool
    # The words checked on the ranking words too (``checked_words``) where the row's signatures
    # hold the bits of two of this many overlaps (``postgres.IndexQuery``).
    overlaps: int = 0


def _conditions(shape: Shape) -> list[ColumnElement[bool]]:
    """``postgres_search.Scope.conditions`` as SQL: each tsquery is a separate ``@@`` on the one GIN
    index (``storage.search.postgres``), then the tests of the rows it returns."""
    queries = ["words", *(name for name in ("countries", "days") if getattr(shape, name))]
    conditions: list[ColumnElement[bool]] = [
        CandidateSearch.terms.op("@@")(bindparam(name, type_=TSQUERY)) for name in queries
    ]
    conditions.append(searchable_by(bindparam("employer_id"), CandidateSearch))
    if shape.since:
        conditions.append(CandidateSearch.last_active_at >= bindparam("since"))
    if shape.overlaps:
        # Only a row whose signatures both hold the bits of two of a long phrase's overlaps can
        # be one of the few that hold its quadruples apart (``postgres.index_query``); the others
        # are matches. Most rows have none of the bits at all, which is tested first. Those few
        # are checked by a subquery per row (a lookup by key in the ranking words' table, whose
        # vectors are inline), never a join over that table.
        words = CandidateSearchWords
        halves = list(enumerate(_SIGNATURES))
        flagged = [
            cast(
                and_(*(_holds(column, f"overlap_{half}_{index}") for half, column in halves)),
                Integer,
            )
            for index in range(shape.overlaps)
        ]
        conditions.append(
            or_(
                *(~_holds(column, f"ambiguous_{half}") for half, column in halves),
                sum(flagged[1:], flagged[0]) < 2,
                select(words.words.op("@@")(bindparam("checked_words", type_=TSQUERY)))
                .where(words.candidate_id == CandidateSearch.candidate_id)
                .correlate(CandidateSearch)
                .scalar_subquery(),
            )
        )
    return conditions


# A row's two signatures of ambiguous triples (``postgres.triple_bits``: the first byte of each
# triple's MD5, then the second).
_SIGNATURES = (CandidateSearch.ambiguous_triples, CandidateSearch.ambiguous_triples_2)


def _holds(signature: Any, bits: str) -> ColumnElement[bool]:
    """Whether ``signature`` has any of the parameter ``bits``."""
    holds: ColumnElement[bool] = signature.op("&")(bindparam(bits, type_=BigInteger)) != 0
    return holds


_statements: dict[tuple[str, Shape, str], Select[Any]] = {}


def _statement(kind: str, shape: Shape, build: Callable[[Shape], Select[Any]]) -> Select[Any]:
    # ``TABLE_BLOCKS`` is in the key: tests replace it to make the table look large.
    key = (kind, shape, TABLE_BLOCKS)
    statement = _statements.get(key)
    if statement is None:
        statement = _statements[key] = build(shape)
    return statement


def search(shape: Shape) -> Select[Any]:
    """The usual search statement (``_search_statement``) for conditions of ``shape``."""
    return _statement("search", shape, _search_statement)


def span(shape: Shape) -> Select[Any]:
    """The search within a span of recent days (``_span_statement``)."""
    return _statement("span", shape, _span_statement)


def probe(shape: Shape) -> Select[Any]:
    """How many matches a span of days holds, up to ``sample_size`` (``_probe_statement``)."""
    return _statement("probe", shape, _probe_statement)


def recent(shape: Shape) -> Select[Any]:
    """The most recent matches within a span of days (``_recent_statement``)."""
    return _statement("recent", shape, _recent_statement)


def _search_statement(shape: Shape) -> Select[Any]:
    """The search, and, when there are too many matches for that, what a second search for the
    most recent of them needs (``postgres_search.most_recent_page``).

    The first 10,001 matches the index yields (the ``sample``) are counted. With at most 10,000,
    those are all the matches: the ``keep`` most recent are kept (a bounded, top-N sort), the
    first ``RESCORE_WINDOW`` of them ranked, and only the page's ids are returned. With more,
    and the sample found in enough of the table that the matches should be at most
    ``read_on_limit`` (``limits.READ_ON`` times the counted window, if spread evenly), the
    statement reads on that far: when that finds them all, it serves them the same way, for less
    than a second search costs. Otherwise it returns the sample's ``keep`` most recent moments
    and how far through the table the sample reached, and leaves the planner settings for that
    second search.
    """
    searched = CandidateSearch
    # Every match, read only as far as the statement asks (a materialized CTE is filled on demand).
    matches = (
        select(
            searched.candidate_id.label("id"),
            searched.last_active_at.label("last_active_at"),
            literal_column("candidate_search.ctid").label("place"),
        )
        .where(*_conditions(shape))
        .cte("matches")
        .prefix_with("MATERIALIZED")
    )
    sample = (
        select(matches)
        .limit(bindparam("sample_size", type_=Integer))
        .cte("sample")
        .prefix_with("NOT MATERIALIZED")
    )
    counted = select(
        func.count().label("total"), func.max(sample.c.place).label("reached")
    ).subquery("counted")
    # How far through the table the sample was found: up to its last row's block, as a share.
    reached_block = cast(
        func.split_part(func.btrim(cast(counted.c.reached, Text), "()"), ",", 1), Integer
    )
    share = cast(reached_block + 1, Float) / literal_column(TABLE_BLOCKS)
    # ``exact``: the sample is every match (at most 10,000 of them).
    exact = (counted.c.total <= bindparam("counted")).label("exact")
    sample_summary = select(counted.c.total, share.label("share"), exact).cte("sample_summary")
    # Read on when the sample's share of the table says the matches are at most about
    # ``read_on_limit`` in all (if spread evenly).
    read_on = select(
        and_(
            ~sample_summary.c.exact,
            sample_summary.c.share * bindparam("read_on_limit", type_=Float)
            >= bindparam("counted"),
        )
    ).scalar_subquery()
    read_on_size = bindparam("read_on_size", type_=Integer)
    # (Its two readers read ``matches`` again rather than a copy of it.)
    extended = (
        select(matches)
        .where(read_on)
        .limit(read_on_size)
        .cte("extended")
        .prefix_with("NOT MATERIALIZED")
    )
    extended_count = select(func.count()).select_from(extended).scalar_subquery()
    # Whether the rows read (the sample, or the sample read on) are every match: ``everything``.
    coverage = select(
        sample_summary.c.total,
        sample_summary.c.share,
        sample_summary.c.exact,
        or_(
            sample_summary.c.exact, and_(read_on, extended_count <= bindparam("read_on_limit"))
        ).label("everything"),
    ).cte("coverage")
    # Every match, when the rows read are all of them (else no rows).
    every_match = union_all(
        select(sample.c.id, sample.c.last_active_at).where(
            select(coverage.c.exact).scalar_subquery()
        ),
        select(extended.c.id, extended.c.last_active_at).where(
            select(and_(coverage.c.everything, ~coverage.c.exact)).scalar_subquery()
        ),
    ).subquery("every_match")
    everything = select(coverage.c.everything).scalar_subquery()
    ordered = _in_result_order(_most_recent(every_match), ranked=everything)
    # (Plain timestamps: the rows' own type would convert each of the 1,000 in Python.)
    sampled = _most_recent(sample)
    moments = select(
        func.array_agg(
            aggregate_order_by(sampled.c.last_active_at, sampled.c.recency),
            type_=ARRAY(DateTime(timezone=True)),
        )
    ).scalar_subquery()
    restored = _restored_when(coverage.c.everything)
    # The one row the caller reads first: the count, and what a second search would need.
    outcome = select(
        coverage.c.total,
        coverage.c.everything,
        case((coverage.c.everything, None), else_=coverage.c.share).label("share"),
        case((coverage.c.everything, None), else_=moments).label("moments"),
        restored.label("restored"),
    ).subquery("outcome")
    return _with_page(outcome, ordered, outcome.c.everything)


def _most_recent(rows: Any) -> Any:
    """The ``keep`` most recent of ``rows`` (``id``, ``last_active_at``), numbered from the most
    recent: ``recency``. (ORDER BY and LIMIT directly over the rows: a bounded, top-N sort.)"""
    newest_first = (rows.c.last_active_at.desc(), rows.c.id.desc())
    return _by_recency(
        select(rows.c.id, rows.c.last_active_at)
        .order_by(*newest_first)
        .limit(bindparam("keep", type_=Integer))
        .subquery()
    )


def _by_recency(recent: Any) -> Any:
    """``recent``'s rows (``id``, ``last_active_at``) numbered from the most recent: ``recency``."""
    number = func.row_number().over(order_by=(recent.c.last_active_at.desc(), recent.c.id.desc()))
    return select(recent.c.id, recent.c.last_active_at, number.label("recency")).cte()


def _in_result_order(numbered: Any, *, ranked: ColumnElement[bool]) -> Any:
    """``numbered``'s rows numbered in result order (``place``): the ``RESCORE_WINDOW`` most
    recent by rank (when ``ranked``), then by recency; ties by recency.

    The rank is PostgreSQL's, read from each profile's small vector of words and positions (a
    subquery per row of the window: an index lookup in ``candidate_search_words``); ``ranked`` is
    evaluated once, before any row is ranked.
    """
    words = CandidateSearchWords
    window = bindparam("rescore_window", type_=Integer)
    query = bindparam("rank_query", type_=TSQUERY)
    rank = (
        select(pg_search.rank_sql(words.words, query, words.length))
        .where(words.candidate_id == numbered.c.id, numbered.c.recency <= window, ranked)
        .scalar_subquery()
    )
    place = func.row_number().over(
        order_by=(
            (numbered.c.recency > window).asc(),
            func.coalesce(rank, 0).desc(),
            numbered.c.last_active_at.desc(),
            numbered.c.id.desc(),
        )
    )
    return select(numbered.c.id, place.label("place")).subquery("ordered")


def _with_page(outcome: Any, ordered: Any, when: ColumnElement[bool]) -> Select[Any]:
    """``outcome``'s one row, joined, when ``when``, to the ids of the requested page of
    ``ordered``, in order: at least one row (``id`` null when the page is empty)."""
    on_page = and_(
        when,
        ordered.c.place > bindparam("page_start", type_=Integer),
        ordered.c.place <= bindparam("page_end", type_=Integer),
    )
    return (
        select(outcome, ordered.c.id)
        .select_from(outcome.outerjoin(ordered, on_page))
        .order_by(ordered.c.place)
    )


def _span_statement(shape: Shape) -> Select[Any]:
    """Every match within a span of days (``shape.days``): whether there are more than
    ``counted``, and when there are, the page of their ``keep`` most recent in result order,
    and the planner restored (when there are not, the usual search follows)."""
    searched = CandidateSearch
    matches = (
        select(searched.candidate_id.label("id"), searched.last_active_at)
        .where(*_conditions(shape))
        .cte("matches")
        .prefix_with("MATERIALIZED")
    )
    sample = select(matches.c.id).limit(bindparam("sample_size", type_=Integer)).subquery()
    sample_count = select(func.count()).select_from(sample).scalar_subquery()
    # Counted once: a CTE, which both its readers (the ranking's gate and the outcome) share; as
    # a scalar subquery each read the sample again.
    counted = select((sample_count > bindparam("counted")).label("more")).cte("counted")
    more = select(counted.c.more).scalar_subquery()
    ordered = _in_result_order(_most_recent(matches), ranked=more)
    restored = _restored_when(more)
    outcome = select(more.label("more"), restored.label("restored")).subquery("outcome")
    return _with_page(outcome, ordered, outcome.c.more)


def _probe_statement(shape: Shape) -> Select[Any]:
    """The number of matches within a span of days (``shape.days``), counted up to
    ``sample_size``: with the table in order of recency (migration 0015), a narrow span of the
    most recent days is a few pages, and its count measures how broad the query is among recent
    profiles, words that go together included."""
    found = (
        select(CandidateSearch.candidate_id)
        .where(*_conditions(shape))
        .limit(bindparam("sample_size", type_=Integer))
        .subquery("found")
    )
    return select(func.count().label("found")).select_from(found)


def _recent_statement(shape: Shape) -> Select[Any]:
    """The ``keep`` most recent matches within a span of days (``shape.days``), their number,
    and, when they are ``keep``, the page of them in result order; then the planner restored."""
    searched = CandidateSearch
    keep = bindparam("keep", type_=Integer)
    recent = (
        select(searched.candidate_id.label("id"), searched.last_active_at)
        .where(*_conditions(shape))
        .order_by(searched.last_active_at.desc(), searched.candidate_id.desc())
        .limit(keep)
        .cte("recent")
    )
    recent_count = select(func.count()).select_from(recent).scalar_subquery()
    enough = select(recent_count >= keep).scalar_subquery()
    ordered = _in_result_order(_by_recency(recent), ranked=enough)
    restored = _restored_when(enough)
    outcome = select(recent_count.label("recent_count"), restored.label("restored")).subquery(
        "outcome"
    )
    return _with_page(outcome, ordered, true())


def _restored_when(done: Any) -> Any:
    """``enable_seqscan`` back as it was before the search (``previous_seqscan``) when ``done``,
    else left off for the search statement that follows."""
    return func.set_config(
        "enable_seqscan",
        case((done, bindparam("previous_seqscan", type_=Text)), else_="off"),
        True,
    )

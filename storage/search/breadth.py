"""How broad a query is, estimated from PostgreSQL's own statistics of the matching vectors.

``ANALYZE`` keeps, for ``candidate_search.terms``, the most common lexemes and the share of rows
holding each (``pg_stats.most_common_elems``; words, word pairs, recency buckets and countries
alike), and a histogram of ``last_active_at``. From them this estimates the share of profiles a
query matches (its terms taken as independent of each other; a lexeme not listed counts as
common as the least common one listed), and the first day of the most recent span of days that
should hold a given share of all profiles. Estimates only choose how to search, never what a
search returns.
"""

from __future__ import annotations

import bisect
import math
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import pairwise

from sqlalchemy import Connection, text

from storage.search import limits
from storage.search.postgres import activity_day, pair_lexeme
from storage.search.query import And, Node, Not, Or, Term

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

# How long a process keeps the statistics it read (ANALYZE changes them rarely).
STATISTICS_SECONDS = 300.0


@dataclass(frozen=True)
class Statistics:
    """What ``ANALYZE`` last found in ``candidate_search``."""

    frequencies: dict[str, float]  # lexeme: share of profiles holding it
    floor: float  # the least share listed: every lexeme not listed is at most this common
    activity: Sequence[datetime]  # last_active_at at equal steps of all profiles, oldest first
    profiles: float
    # How closely the table's order follows ``last_active_at`` (``pg_stats.correlation``): -1 when
    # the most recent rows come first, as migration 0015 and ``CLUSTER`` leave them.
    order: float = -1.0

    @classmethod
    def of(
        cls,
        lexemes: Iterable[tuple[str, float]],
        activity: Sequence[datetime],
        profiles: float,
        order: float = -1.0,
    ) -> Statistics | None:
        """From ``pg_stats`` (``None`` when the table has not been analysed yet)."""
        frequencies = dict(lexemes)
        if not frequencies or len(activity) < 2 or profiles <= 0:
            return None
        return cls(frequencies, min(frequencies.values()), sorted(activity), profiles, order)

    @property
    def in_recency_order(self) -> bool:
        """Whether the table is in order of recency, most recent first, closely enough that a
        span of recent days is a run of pages (``limits.RECENCY_ORDER``)."""
        return self.order <= -limits.RECENCY_ORDER

    def lexeme(self, lexeme: str) -> float:
        return self.frequencies.get(lexeme, self.floor)

    def prefixed(self, prefix: str, stem: str | None) -> float:
        """Lexemes beginning with ``prefix``, or ``stem``: at least the listed ones (and the
        floor, for the many rare ones a prefix may reach)."""
        listed = [share for lexeme, share in self.frequencies.items() if lexeme.startswith(prefix)]
        if stem is not None:
            listed.append(self.lexeme(stem))
        return any_of([*listed, self.floor])

    def share(self, node: Node) -> float:
        """The estimated share of profiles ``node`` matches."""
        if isinstance(node, Term):
            return self._term(node)
        if isinstance(node, Not):
            return 1.0 - self.share(node.child)
        if isinstance(node, And):
            return math.prod(self.share(child) for child in node.children)
        assert isinstance(node, Or)
        return any_of(self.share(child) for child in node.children)

    def _term(self, term: Term) -> float:
        words, stem = term.words, term.prefix_stem
        if len(words) == 1:
            return self.prefixed(words[0], stem) if term.prefix else self.lexeme(words[0])
        # A phrase matches no more profiles than its rarest pair of adjacent words.
        shares = [self.lexeme(pair_lexeme(first, second)) for first, second in pairwise(words)]
        if term.prefix:
            shares[-1] = self.prefixed(
                pair_lexeme(words[-2], words[-1]), stem and pair_lexeme(words[-2], stem)
            )
        return min(shares)

    def share_since(self, first_day: int) -> float:
        """The share of profiles last active on day ``first_day`` (``activity_day``) or later,
        interpolated between the histogram's bounds."""
        start = first_day * 86_400.0
        bounds = [(_aware(moment) - _EPOCH).total_seconds() for moment in self.activity]
        steps = len(bounds) - 1
        if start <= bounds[0]:
            return 1.0
        if start > bounds[-1]:
            return 0.0
        index = bisect.bisect_right(bounds, start) - 1
        low, high = bounds[index], bounds[min(index + 1, steps)]
        within = (start - low) / (high - low) if high > low else 0.0
        return 1.0 - (index + within) / steps

    def first_day_of_newest(self, share: float) -> int:
        """The first day (``activity_day``) of the most recent span of days holding at least
        ``share`` of all profiles."""
        steps = len(self.activity) - 1
        index = max(0, math.floor((1.0 - share) * steps))
        return activity_day(self.activity[index])


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def any_of(shares: Iterable[float]) -> float:
    return 1.0 - math.prod(1.0 - min(1.0, share) for share in shares)


_READ = text(
    """
    SELECT terms.most_common_elems::text::text[] AS lexemes,
           terms.most_common_elem_freqs AS shares,
           activity.histogram_bounds::text::timestamptz[] AS activity,
           activity.correlation AS "order",
           (SELECT reltuples FROM pg_class WHERE oid = 'candidate_search'::regclass) AS profiles
    FROM pg_stats terms
    JOIN pg_stats activity ON activity.schemaname = terms.schemaname
        AND activity.tablename = terms.tablename AND activity.attname = 'last_active_at'
    WHERE terms.schemaname = current_schema() AND terms.tablename = 'candidate_search'
        AND terms.attname = 'terms'
    """
)
_cache: dict[str, tuple[float, Statistics | None]] = {}
_cache_lock = threading.Lock()


def statistics(connection: Connection) -> Statistics | None:
    """The statistics of the database ``connection`` is on, read at most every
    ``STATISTICS_SECONDS`` by this process."""
    key = connection.engine.url.render_as_string(hide_password=True)
    with _cache_lock:
        cached = _cache.get(key)
    if cached is not None and time.monotonic() - cached[0] < STATISTICS_SECONDS:
        return cached[1]
    row = connection.execute(_READ).first()
    found = None
    if row is not None and row.lexemes and row.activity:
        # (The shares array ends with three figures about the shares themselves.)
        lexemes = zip(row.lexemes, row.shares, strict=False)
        order = -1.0 if row.order is None else row.order
        found = Statistics.of(lexemes, row.activity, row.profiles, order)
    with _cache_lock:
        _cache[key] = (time.monotonic(), found)
    return found

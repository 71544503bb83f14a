"""How much work one search may do, whatever the number of matches.

The search modules read these through the module (``limits.MAX_RESULT_WINDOW``), so that a test
can shrink the windows to a corpus of a few profiles.
"""

from __future__ import annotations

from storage.search.request import SearchRequest

# Like Elasticsearch's result window: deep pages of a broad query are refused, not computed.
MAX_RESULT_WINDOW = 10_000
# Like Elasticsearch's rescore window: relevance orders the most recently active matches, this
# many of them; the matches after them follow by recency. Ranking reads each profile's word list
# (with positions), so this bounds the cost of a search whatever the number of matches.
RESCORE_WINDOW = 1_000
# A query expected to match more than BROAD_MATCHES times the result window is first searched in
# the most recent span of days expected to hold SPAN_MATCHES times that many of its matches. How
# many it matches is counted in the most recent days holding PROBE_SHARE of all profiles, unless
# the statistics expect fewer than PROBE_FROM times the result window.
BROAD_MATCHES = 2.0
SPAN_MATCHES = 1.2
PROBE_SHARE = 0.02
PROBE_FROM = 0.01
# The table is taken to be in order of recency (migration 0015, ``CLUSTER``) while the correlation
# ``ANALYZE`` finds between its order and ``last_active_at`` is at least RECENCY_ORDER (negative:
# most recent first). Out of order, a span of recent days is spread over the whole table, counting
# in one costs about what the usual search does, and the search falls back to the statistics'
# estimate alone, with the thresholds below, as before the order.
RECENCY_ORDER = 0.9
UNORDERED_BROAD_MATCHES = 4.0
UNORDERED_SPAN_MATCHES = 1.5
# With more than the result window, the search reads on, in the same statement, up to READ_ON
# times the result window of matches when the sample says that is all of them. (With the table in
# order of recency the second search, for the most recent matches, reads a few pages: reading on
# past 15,000 matches cost more than it.)
READ_ON = 1.5
UNORDERED_READ_ON = 2.0
# A one-word wildcard term (``nurs*``) reaching at most this many words is searched as those words
# (the vocabulary, migration 0017); reaching more, as a prefix.
PREFIX_WORDS = 32


def kept(request: SearchRequest) -> int:
    """How many of the most recent matches any page up to ``request``'s can show: the ranked
    window, then more recent matches up to the page's end."""
    return max(RESCORE_WINDOW, request.page_end)

"""The reference evaluator: what a query should match, computed in plain Python.

It reads a document as the list of its words and a query as the tree ``parse_query`` builds, and
knows nothing of SQL, tsquery or FTS5, so the databases' answers can be checked against it.
"""

from __future__ import annotations

from collections.abc import Sequence

from storage.search.query import And, Node, Not, Or, Term
from storage.search.tokens import FILLER


def _word_matches(expected: str, actual: str, *, prefix: bool) -> bool:
    if actual == FILLER:
        return False
    return actual.startswith(expected) if prefix else actual == expected


def _term_at(term: Term, document: Sequence[str], start: int) -> bool:
    if start + len(term.words) > len(document):
        return False
    last = len(term.words) - 1
    return all(
        _word_matches(word, document[start + offset], prefix=term.prefix and offset == last)
        for offset, word in enumerate(term.words)
    )


def matches(node: Node, document: Sequence[str]) -> bool:
    """Whether a document (its words, in order) satisfies the query tree."""
    if isinstance(node, Term):
        return any(_term_at(node, document, start) for start in range(len(document)))
    if isinstance(node, Not):
        return not matches(node.child, document)
    if isinstance(node, And):
        return all(matches(child, document) for child in node.children)
    assert isinstance(node, Or)
    return any(matches(child, document) for child in node.children)

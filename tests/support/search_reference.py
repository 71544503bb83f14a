"""The reference evaluator: what a query should match, computed in plain Python.

It reads a document as the list of its words (stems, from ``storage.search.tokens``, the one
tokenizer indexing and querying use) and a query as the tree ``parse_query`` builds, and
knows nothing of SQL, tsquery or FTS5, so the databases' answers can be checked against it.
"""

from __future__ import annotations

from collections.abc import Sequence

from storage.search.query import And, Node, Not, Or, Term
from storage.search.tokens import FILLER


def _word_matches(expected: str, actual: str) -> bool:
    return actual != FILLER and actual == expected


def _prefix_matches(term: Term, actual: str) -> bool:
    """A prefix's letters match the stored words beginning with them, and their own stem."""
    return actual != FILLER and (actual.startswith(term.words[-1]) or actual == term.prefix_stem)


def _term_at(term: Term, document: Sequence[str], start: int) -> bool:
    if start + len(term.words) > len(document):
        return False
    last = len(term.words) - 1
    return all(
        _prefix_matches(term, document[start + offset])
        if term.prefix and offset == last
        else _word_matches(word, document[start + offset])
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

"""PostgreSQL: profiles as tsvector literals, queries as tsquery literals.

Both are written here word by word and cast (``CAST(:v AS tsvector)``), so PostgreSQL's parser,
dictionaries and stemmer never touch them: the words matched are exactly the words of
``storage.search.tokens``. The values are bound parameters; no query text is ever spliced into SQL.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from storage.search.query import And, Node, Not, Or, Term
from storage.search.tokens import FILLER

# PostgreSQL keeps word positions up to 16383; the tokenizer stops at 16,000 words.
_MAX_POSITION = 16383


def _lexeme(word: str) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def _pair(first: str, second: str) -> str:
    # Words never contain a space, so a pair can never be mistaken for a word.
    return f"{first} {second}"


def tsvector_literal(document: Sequence[str]) -> str:
    """``'word':1,7 'other':2 ... 'word other'`` for a profile's words (positions from 1).

    Besides each word with its positions, every pair of adjacent words is listed once, without
    positions: GIN keeps no positions, so without the pairs a phrase of two common words would make
    PostgreSQL re-read every profile that merely contains both.
    """
    positions: dict[str, list[int]] = defaultdict(list)
    pairs: dict[str, None] = {}
    previous = FILLER
    for index, word in enumerate(document, start=1):
        if word != FILLER:
            positions[word].append(min(index, _MAX_POSITION))
            if previous != FILLER:
                pairs[_pair(previous, word)] = None
        previous = word
    words = (f"{_lexeme(word)}:{','.join(map(str, places))}" for word, places in positions.items())
    return " ".join([*words, *(_lexeme(pair) for pair in pairs)])


def _term(term: Term, *, hints: bool) -> str:
    parts = [_lexeme(word) for word in term.words]
    if term.prefix:
        parts[-1] += ":*"
    if len(parts) == 1:
        return parts[0]
    phrase = " <-> ".join(parts)
    if not hints:
        return f"({phrase})"
    # Every adjacent pair of the phrase must be in the profile: implied by the phrase itself, so the
    # matches are the same, but each pair is a GIN lookup that rules out most profiles at once. A
    # two-word phrase is exactly its pair, and then needs no positions: the GIN index answers it
    # alone, without PostgreSQL re-reading every candidate profile to check positions.
    pairs = [
        _lexeme(_pair(first, second))
        for first, second in zip(term.words, term.words[1:], strict=False)
    ]
    if term.prefix:
        pairs[-1] += ":*"
    if len(pairs) == 1:
        return pairs[0]
    return f"({phrase} & {' & '.join(pairs)})"


def tsquery_literal(node: Node, *, hints: bool = False) -> str:
    """The tsquery for a query tree; with ``hints``, phrases also require their word pairs."""
    if isinstance(node, Term):
        return _term(node, hints=hints)
    if isinstance(node, Not):
        return "!" + tsquery_literal(node.child, hints=hints)
    operator = " & " if isinstance(node, And) else " | "
    assert isinstance(node, And | Or)
    return "(" + operator.join(tsquery_literal(child, hints=hints) for child in node.children) + ")"

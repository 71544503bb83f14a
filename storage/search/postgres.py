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


def tsvector_literal(document: Sequence[str]) -> str:
    """``'word':1,7 'other':2 ...`` for a profile's words (positions count from 1)."""
    positions: dict[str, list[int]] = defaultdict(list)
    for index, word in enumerate(document, start=1):
        if word != FILLER:
            positions[word].append(min(index, _MAX_POSITION))
    return " ".join(
        f"{_lexeme(word)}:{','.join(map(str, places))}" for word, places in positions.items()
    )


def _term(term: Term) -> str:
    parts = [_lexeme(word) for word in term.words]
    if term.prefix:
        parts[-1] += ":*"
    return parts[0] if len(parts) == 1 else "(" + " <-> ".join(parts) + ")"


def tsquery_literal(node: Node) -> str:
    """The tsquery for a query tree."""
    if isinstance(node, Term):
        return _term(node)
    if isinstance(node, Not):
        return "!" + tsquery_literal(node.child)
    operator = " & " if isinstance(node, And) else " | "
    assert isinstance(node, And | Or)
    return "(" + operator.join(tsquery_literal(child) for child in node.children) + ")"

"""SQLite: FTS5 over pre-tokenized text, and the query as MATCH expressions.

The FTS5 table (``candidate_fts``) holds each profile's words joined by spaces and uses the
``ascii`` tokenizer, which splits on ASCII spaces and punctuation only and keeps every other
character: the words FTS5 indexes are exactly the words of ``storage.search.tokens``.

FTS5 has no unary NOT (``NOT`` is ``AND NOT``). A query or sub-query FTS5 can say is one MATCH
expression; the rest is combined in SQL (``id IN (... MATCH ...)``, ``NOT``, ``AND``, ``OR``).
The expressions are bound parameters.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from storage.search.query import And, Node, Not, Or, Term


def fts_document(document: list[str]) -> str:
    return " ".join(document)


def _phrase(words: tuple[str, ...]) -> str:
    return '"' + " ".join(words) + '"'


def _term(term: Term) -> str:
    phrase = _phrase(term.words)
    if not term.prefix:
        return phrase
    stem = term.prefix_stem
    if stem is None:
        return phrase + "*"
    # Or the stem of the prefix's letters (``engineer*``: also ``engin``).
    return f"({phrase}* OR {_phrase((*term.words[:-1], stem))})"


def match_expression(node: Node) -> str | None:
    """The FTS5 expression for ``node``, or ``None`` when FTS5 cannot say it."""
    if isinstance(node, Term):
        return _term(node)
    if isinstance(node, Not):
        return None
    if isinstance(node, Or):
        parts = [match_expression(child) for child in node.children]
        if any(part is None for part in parts):
            return None
        return "(" + " OR ".join(part for part in parts if part) + ")"
    positives = [child for child in node.children if not isinstance(child, Not)]
    negatives = [child.child for child in node.children if isinstance(child, Not)]
    required = [match_expression(child) for child in positives]
    excluded = [match_expression(child) for child in negatives]
    if not required or any(part is None for part in [*required, *excluded]):
        return None
    expression = "(" + " AND ".join(part for part in required if part) + ")"
    if excluded:
        expression = f"({expression} NOT ({' OR '.join(part for part in excluded if part)}))"
    return expression


@dataclass
class SqlCondition:
    """A boolean SQL condition on ``candidates.id`` with its bound MATCH expressions."""

    sql: str
    params: dict[str, str] = field(default_factory=dict)


def condition(node: Node, id_column: str = "candidates.id") -> SqlCondition:
    params: dict[str, str] = {}

    def build(part: Node) -> str:
        expression = match_expression(part)
        if expression is not None:
            name = f"fts_{len(params)}"
            params[name] = expression
            # Only our own fragments and a bound parameter name: the query text is in ``params``.
            subquery = f"SELECT rowid FROM candidate_fts WHERE candidate_fts MATCH :{name}"  # noqa: S608
            return f"{id_column} IN ({subquery})"
        if isinstance(part, Not):
            return f"NOT ({build(part.child)})"
        assert isinstance(part, And | Or)
        joiner = " AND " if isinstance(part, And) else " OR "
        return "(" + joiner.join(build(child) for child in part.children) + ")"

    return SqlCondition(sql=build(node), params=params)

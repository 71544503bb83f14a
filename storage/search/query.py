"""The search query language: luqum's parse tree, checked and reduced to four node kinds.

Supported (J2): words, quoted phrases, ``AND``/``OR``/``NOT`` and ``+``/``-``, parentheses, a
trailing ``*`` wildcard, and the implicit operator between terms, which is AND. Precedence, tightest
first: ``NOT``, ``AND``, ``OR``, then the implicit AND (so ``a b OR c`` is ``a AND (b OR c)``).
Negation is plain boolean negation: ``a OR NOT b`` matches profiles with ``a`` or without ``b``.

A word made of several tokens (``node.js``) is searched as the phrase of its tokens.
Everything else luqum understands (fields, fuzziness, proximity, boosts, ranges, regular
expressions, ``?`` wildcards) is refused with ``InvalidQuery``, as is an empty query, one over
512 characters or 50 terms, and one with a leading wildcard.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from luqum import tree
from luqum.exceptions import IllegalCharacterError, ParseError
from luqum.parser import parser

from storage.errors import InvalidQuery, quoted
from storage.search.tokens import words

MAX_QUERY_LENGTH = 512
MAX_TERMS = 50

# luqum's PLY parser and lexer keep their state on shared objects: one parse at a time.
_parse_lock = threading.Lock()


@dataclass(frozen=True)
class Term:
    """One or more consecutive words; with ``prefix`` the last one is a prefix."""

    words: tuple[str, ...]
    prefix: bool = False


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    child: Node


Node = Term | And | Or | Not

_UNSUPPORTED: dict[type, str] = {
    tree.SearchField: "Field searches (field:value) are not supported; leave the field out to "
    "search every field.",
    tree.Fuzzy: "Fuzzy matching (~) is not supported.",
    tree.Proximity: 'Proximity searches ("..."~N) are not supported.',
    tree.Boost: "Boosts (^) are not supported.",
    tree.Range: "Ranges ([a TO b]) are not supported.",
    tree.Regex: "Regular expressions (/.../) are not supported.",
}


def parse_query(text: str) -> Node:
    """Check ``text`` and return its tree; raises ``InvalidQuery`` with a message for people."""
    if not text or not text.strip():
        raise InvalidQuery("The query is empty.")
    if len(text) > MAX_QUERY_LENGTH:
        raise InvalidQuery(f"The query is longer than {MAX_QUERY_LENGTH} characters.")
    try:
        with _parse_lock:
            parsed = parser.parse(text)
    except IllegalCharacterError as exc:
        position = _position(str(exc))
        raise InvalidQuery(
            f"The query could not be parsed: unexpected character{position} "
            "(is a quote left open?)."
        ) from None
    except (ParseError, ValueError) as exc:
        raise InvalidQuery(f"The query could not be parsed: {_explain(str(exc))}") from None
    node = _convert(parsed)
    count = _count_terms(node)
    if count > MAX_TERMS:
        raise InvalidQuery(f"The query has {count} terms; at most {MAX_TERMS} are allowed.")
    return node


def _position(message: str) -> str:
    match = re.search(r"at position (\d+)", message)
    return f" at position {match.group(1)}" if match else ""


def _explain(message: str) -> str:
    if "unexpected end of expression" in message:
        return "it ends too early (check for an unclosed parenthesis or a trailing operator)."
    match = re.search(r"unexpected\s+'(.*)' at position (\d+)", message)
    if match:
        return f"unexpected '{quoted(match.group(1))}' at position {match.group(2)}."
    return "check the operators, quotes and parentheses."


def _convert(node: tree.Item) -> Node:
    if isinstance(node, tree.Group):
        return _convert(node.children[0])
    if isinstance(node, tree.Plus):
        return _convert(node.children[0])
    if isinstance(node, tree.Not | tree.Prohibit):
        return Not(_convert(node.children[0]))
    if isinstance(node, tree.AndOperation | tree.UnknownOperation):
        return And(_flatten(And, [_convert(child) for child in node.children]))
    if isinstance(node, tree.OrOperation):
        return Or(_flatten(Or, [_convert(child) for child in node.children]))
    if isinstance(node, tree.Phrase):
        return _phrase(node.value)
    if isinstance(node, tree.Word):
        return _word(node.value)
    for kind, message in _UNSUPPORTED.items():
        if isinstance(node, kind):
            raise InvalidQuery(message)
    raise InvalidQuery(f"This part of the query is not supported: {quoted(node)}.")


def _flatten(kind: type[And] | type[Or], children: list[Node]) -> tuple[Node, ...]:
    flat: list[Node] = []
    for child in children:
        if isinstance(child, kind):
            flat.extend(child.children)
        else:
            flat.append(child)
    return tuple(flat)


def _phrase(phrase: str) -> Term:
    inner = phrase[1:-1].replace('\\"', '"')
    found = words(inner)
    if not found:
        raise InvalidQuery(f"The phrase {quoted(phrase)} has no letters or digits to search for.")
    return Term(tuple(found))


def _word(value: str) -> Term:
    if value.startswith(("*", "?")):
        raise InvalidQuery(f"A term may not start with a wildcard: {quoted(value)}.")
    if "?" in value:
        raise InvalidQuery(
            f"The ? wildcard is not supported ({quoted(value)}); use a trailing * instead."
        )
    if value in {"&&", "||"}:
        raise InvalidQuery(f"Use AND or OR instead of {value}.")
    if value.startswith("!"):
        raise InvalidQuery(f"Use NOT instead of ! ({quoted(value)}).")
    prefix = value.endswith("*")
    stem = value[:-1] if prefix else value
    if "*" in stem:
        raise InvalidQuery(f"Only a trailing * wildcard is supported ({quoted(value)}).")
    found = words(stem)
    if not found:
        raise InvalidQuery(f"The term {quoted(value)} has no letters or digits to search for.")
    return Term(tuple(found), prefix=prefix)


def _count_terms(node: Node) -> int:
    if isinstance(node, Term):
        return 1
    if isinstance(node, Not):
        return _count_terms(node.child)
    return sum(_count_terms(child) for child in node.children)


def positive_terms(node: Node) -> list[Term]:
    """The terms a matching profile may contain (those not under a NOT), for ranking."""
    if isinstance(node, Term):
        return [node]
    if isinstance(node, Not):
        return []
    return [term for child in node.children for term in positive_terms(child)]

"""The search query language: luqum's parse tree, checked and reduced to four node kinds.

Supported (docs/requirements.md#j2): words, quoted phrases, ``AND``/``OR``/``NOT`` and ``+``/``-``,
parentheses, a trailing ``*`` wildcard, and the implicit operator between terms, which is AND.
Precedence, tightest
first: ``NOT``, ``AND``, ``OR``, then the implicit AND (so ``a b OR c`` is ``a AND (b OR c)``).
Negation is plain boolean negation: ``a OR NOT b`` matches profiles with ``a`` or without ``b``.

Words are stemmed (``storage.search.tokens``): ``"Engineers"`` is the term ``engin`` and finds
engineer, engineers, engineering. A quoted phrase is the sequence of its words' stems. A wildcard
term's letters are not stemmed: ``engineer*`` finds the stored words (stems) that begin with
``engineer``, and the stem of ``engineer`` itself, ``engin``; it needs at least three letters or
digits before the ``*`` (``MIN_PREFIX_LENGTH``), as every shorter prefix reaches a large part of the
vocabulary. A word made of several tokens (``node.js``) is searched as the phrase of its tokens.
Everything else luqum understands (fields, fuzziness, proximity, boosts, ranges, regular
expressions, ``?`` wildcards) is refused with ``InvalidQuery``, as is an empty query, one over
512 characters or 50 terms, one with a leading wildcard, and a wildcard after fewer than three
letters or digits.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from luqum import tree
from luqum.exceptions import IllegalCharacterError, ParseError
from luqum.parser import parser

from storage.errors import InvalidQuery, quoted
from storage.search.tokens import folded_words, stems, words

MAX_QUERY_LENGTH = 512
MAX_TERMS = 50
MIN_PREFIX_LENGTH = 3

# luqum's PLY parser and lexer keep their state on shared objects: one parse at a time.
_parse_lock = threading.Lock()


@dataclass(frozen=True)
class Term:
    """One or more consecutive words (stems). With ``prefix``, the last one is the letters
    before a ``*``, unstemmed: it matches every stored word that begins with them, and
    ``prefix_stem`` when that is set."""

    words: tuple[str, ...]
    prefix: bool = False

    @property
    def prefix_stem(self) -> str | None:
        """The stem of a prefix's letters, when the prefix does not already reach it (the stem
        of ``engineer`` is ``engin``: ``engineer*`` also matches ``engin``)."""
        if not self.prefix:
            return None
        letters = self.words[-1]
        stem = stems([letters])[0]
        return None if stem.startswith(letters) else stem


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
    text = value[:-1] if prefix else value
    if "*" in text:
        raise InvalidQuery(f"Only a trailing * wildcard is supported ({quoted(value)}).")
    if not prefix:
        found = words(text)
        if not found:
            raise InvalidQuery(f"The term {quoted(value)} has no letters or digits to search for.")
        return Term(tuple(found))
    folded = folded_words(text)
    if not folded or len(folded[-1]) < MIN_PREFIX_LENGTH:
        raise InvalidQuery(
            f"A wildcard needs at least {MIN_PREFIX_LENGTH} letters or digits right before "
            f"the * ({quoted(value)})."
        )
    return Term((*stems(folded[:-1]), folded[-1]), prefix=True)


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

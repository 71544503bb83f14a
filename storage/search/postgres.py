"""PostgreSQL: profiles as tsvector literals, queries as tsquery literals.

Both are written here word by word and cast (``CAST(:v AS tsvector)``), so PostgreSQL's parser,
dictionaries and stemmer never touch them: the words matched are exactly the words of
``storage.search.tokens``. The values are bound parameters; no query text is ever spliced into SQL.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import case, cast, func
from sqlalchemy.dialects.postgresql import DOUBLE_PRECISION, REAL

from storage.search.query import And, Node, Not, Or, Term
from storage.search.tokens import FILLER

# PostgreSQL keeps word positions up to 16383; the tokenizer stops at 16,000 words.
_MAX_POSITION = 16383


def _lexeme(word: str) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def pair_lexeme(first: str, second: str) -> str:
    # Words never contain a space, so a pair can never be mistaken for a word; and a pair starts
    # with ``FILLER`` (migration 0009), so a prefix term (``engin*``) matches words only: pairs
    # starting with the prefix would be many index keys more (``engin*`` at 1M profiles: many
    # pairs for each word, and a far slower GIN scan; bench/RESULTS.md has the figures), for no
    # match that the words do not already make.
    return f"{FILLER}{first} {second}"


def triple_lexeme(first: str, second: str, third: str) -> str:
    # Three adjacent words (migration 0016), behind two ``FILLER``s: a three-word phrase is then one
    # GIN key the index answers alone, where its positions had to be checked on each candidate's
    # ``terms`` (read back from TOAST). Not behind one: a two-word prefix phrase (``'FILLERnode
    # jav':*``) would reach the triples beginning with the same two words too.
    return f"{FILLER}{FILLER}{first} {second} {third}"


def quad_lexeme(first: str, second: str, third: str, fourth: str) -> str:
    # Four adjacent words (migration 0018), behind three ``FILLER``s, for the same reasons as a
    # triple: a four-word phrase is one GIN key the index answers alone (a recruiter's commonest
    # long phrase: "senior site reliability engineer"), and no shorter prefix phrase reaches it.
    return f"{FILLER}{FILLER}{FILLER}{first} {second} {third} {fourth}"


# The adjacent runs of words a matching vector lists, by length (pairs, triples, quadruples).
_ADJACENT: dict[int, Callable[..., str]] = {2: pair_lexeme, 3: triple_lexeme, 4: quad_lexeme}


def _entries(document: Sequence[str]) -> tuple[dict[str, list[int]], dict[int, dict[str, None]]]:
    """Each word's positions (from 1), and the pairs, triples and quadruples of adjacent words
    (``_ADJACENT``, by size), each in order of appearance. A ``FILLER`` breaks a run."""
    positions: dict[str, list[int]] = defaultdict(list)
    adjacent: dict[int, dict[str, None]] = {size: {} for size in _ADJACENT}
    run: list[str] = []
    for index, word in enumerate(document, start=1):
        if word == FILLER:
            run = []
            continue
        positions[word].append(min(index, _MAX_POSITION))
        run = [*run[-3:], word]
        for size in range(2, len(run) + 1):
            adjacent[size][_ADJACENT[size](*run[-size:])] = None
    return positions, adjacent


# Which triples of adjacent words a profile holds in more than one context (the words just before
# and after them), as two 64-bit signatures: each such triple sets one bit in each, from its own
# byte of the triple's MD5 (``triple_bits``; a Bloom filter of two hash functions, one per
# signature). A profile holding every quadruple of a longer phrase holds the phrase itself unless a
# triple where two of those quadruples overlap stands in two contexts (``ambiguous_triples``), and
# since migration 0021 the index itself rules out all but a profile where two such triples do; so
# a profile where the signatures do not both hold the bits of two of the phrase's overlaps needs
# no check (``index_query``). Migration 0019 added the first signature, 0020 the second: with one,
# 6-36% of the matches of the benchmark's long phrases were checked, most for a bit shared by
# chance (bench/RESULTS.md).
ALL_AMBIGUOUS = -1  # every bit set: check every phrase (each signature's default)
Signatures = tuple[int, int]


def triple_bits(words: Sequence[str]) -> Signatures:
    """The bit of each signature for three adjacent words: one of 64, from the first and the
    second byte of their MD5 (migrations 0019 and 0020 compute the same in SQL:
    ``get_byte(decode(md5('a b c'), 'hex'), 0) & 63``, then byte 1)."""
    digest = hashlib.md5(" ".join(words).encode(), usedforsecurity=False).digest()
    return 1 << (digest[0] & 63), 1 << (digest[1] & 63)


def signatures(triples: Iterable[Sequence[str]]) -> Signatures:
    """The two signatures of ``triples``, each as PostgreSQL's signed ``bigint``."""
    first = second = 0
    for triple in triples:
        bit, other = triple_bits(triple)
        first |= bit
        second |= other
    return _signed(first), _signed(second)


def _signed(value: int) -> int:
    return value - (1 << 64) if value >= 1 << 63 else value


def ambiguous_triples(document: Sequence[str]) -> list[tuple[str, str, str]]:
    """The runs of three adjacent words that stand in the profile with more than one pair of
    (word before, word after), where a ``FILLER`` or either end of the profile counts as no word.

    If a triple stands only one way, a profile that holds ``a`` + triple and triple + ``e`` (two
    quadruples) holds ``a`` + triple + ``e``: both quadruples overlap at the one context. So a
    phrase of five words or more is in a profile that holds all its quadruples unless one of the
    triples where they overlap is ambiguous here (for six words and more, by the same argument
    from one overlap to the next)."""
    return list(_ambiguous_contexts(document))


Context = tuple[str | None, str | None]


def _ambiguous_contexts(
    document: Sequence[str],
) -> dict[tuple[str, str, str], set[Context]]:
    """``ambiguous_triples``, each with its contexts: the (word before, word after) it stands
    between, ``None`` for no word."""
    # No word (``None``) at either end: each window of five is a triple with its context.
    words = [None, *(None if word == FILLER else word for word in document), None]
    contexts: dict[tuple[str, str, str], set[Context]] = defaultdict(set)
    windows = zip(words, words[1:], words[2:], words[3:], words[4:], strict=False)
    for before, first, second, third, after in windows:
        if first is not None and second is not None and third is not None:
            contexts[(first, second, third)].add((before, after))
    return {triple: seen for triple, seen in contexts.items() if len(seen) > 1}


# An ambiguous triple's mark and its contexts as lexemes (migration 0021): where a triple stands
# in more than one context, ``terms`` also lists the triple behind four ``FILLER``s
# (``ambiguous_mark``: "ambiguous here") and each five words it stands in, behind five
# (``context_lexeme``). A long phrase's overlap then needs no check on the ranking words: the
# profile's triple there is either unambiguous (no mark) or stands in the phrase's own context
# (that five-word key); see ``index_query``. Each is behind more ``FILLER``s than any shorter run,
# so no prefix reaches them.
def ambiguous_mark(first: str, second: str, third: str) -> str:
    return f"{FILLER * 4}{first} {second} {third}"


def context_lexeme(before: str, first: str, second: str, third: str, after: str) -> str:
    return f"{FILLER * 5}{before} {first} {second} {third} {after}"


def _context_lexemes(ambiguous: dict[tuple[str, str, str], set[Context]]) -> list[str]:
    """The marks of ``_ambiguous_contexts``' triples and their contexts of five words (not those
    at an end or a ``FILLER``: no phrase names them), each once, in order."""
    lexemes: list[str] = []
    for triple, contexts in ambiguous.items():
        lexemes.append(_lexeme(ambiguous_mark(*triple)))
        fives = {
            context_lexeme(before, *triple, after)
            for before, after in contexts
            if before is not None and after is not None
        }
        lexemes.extend(_lexeme(five) for five in sorted(fives))
    return lexemes


def _adjacent_lexemes(adjacent: dict[int, dict[str, None]]) -> list[str]:
    return [_lexeme(lexeme) for runs in adjacent.values() for lexeme in runs]


def _words(positions: dict[str, list[int]]) -> list[str]:
    return [f"{_lexeme(word)}:{','.join(map(str, places))}" for word, places in positions.items()]


def tsvector_literal(document: Sequence[str]) -> str:
    """``'word':1,7 'other':2 ... 'word other' ... 'word other third'`` for a profile's words
    (positions from 1).

    Besides each word with its positions, every pair, triple and quadruple of adjacent words is
    listed once, without positions and behind ``FILLER`` (``_ADJACENT``): GIN keeps
    no positions, so without them a phrase of common words would make PostgreSQL re-read every
    profile that merely contains its words. This is the vector the GIN index matches on
    (``candidate_search.terms``).
    """
    positions, adjacent = _entries(document)
    contexts = _context_lexemes(_ambiguous_contexts(document))
    return " ".join([*_words(positions), *_adjacent_lexemes(adjacent), *contexts])


# Recency buckets: each profile's matching vector also holds the day it was last active, and the
# 16-, 256- and 4,096-day periods holding that day, as lexemes no query can name (they start with
# FILLER, which is not a letter or digit). ANDed with a query, a few of them cover any span of days,
# so the GIN index itself returns only the matches active within that span: the most recent
# matches of a broad query, without reading every match to sort them.
RECENCY_LEVELS = 4
_RECENCY_BASE = 16
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def activity_day(moment: datetime) -> int:
    """Days since 1970-01-01 (UTC) of ``moment`` (a naive one is taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment - _EPOCH) // timedelta(days=1)


def _recency(level: int, bucket: int) -> str:
    return _lexeme(f"{FILLER}{level}.{bucket}")


def recency_lexemes(day: int) -> list[str]:
    return [_recency(level, day // _RECENCY_BASE**level) for level in range(RECENCY_LEVELS)]


def recency_cover(first_day: int, last_day: int) -> list[str]:
    """The fewest recency lexemes whose periods together are exactly days ``first_day`` to
    ``last_day``."""
    lexemes = []
    low, high, level = first_day, last_day, 0
    while low <= high:
        size = _RECENCY_BASE**level
        if level == RECENCY_LEVELS - 1:
            lexemes += [_recency(level, bucket) for bucket in range(low // size, high // size + 1)]
            break
        larger = size * _RECENCY_BASE
        while low <= high and low % larger:
            lexemes.append(_recency(level, low // size))
            low += size
        while low <= high and (high + 1) % larger:
            lexemes.append(_recency(level, high // size))
            high -= size
        level += 1
    return lexemes


# Filters as lexemes too: each preferred country of the profile is one (``FILLER`` again, so no
# query word can name it). Matched by the GIN index, the filter costs no lookup per match in
# ``candidate_preferred_countries``.
def country_text(country_id: int) -> str:
    return f"{FILLER}c.{country_id}"


def country_lexeme(country_id: int) -> str:
    return _lexeme(country_text(country_id))


# The filters are tsqueries of their own, each a separate ``@@`` condition on the same index: the
# GIN scan then walks the keys' posting lists alongside each other. ANDed into the words' tsquery
# instead, an OR group of buckets made PostgreSQL read every profile of the group and test the
# words on each (at 1M profiles about twice the GIN scan of the bucket group as a key of its own;
# bench/RESULTS.md has the figures); the countries, an OR group too, follow the same rule.
def countries_tsquery(country_ids: Sequence[int]) -> str:
    """Profiles preferring any of ``country_ids``."""
    return " | ".join(country_lexeme(country) for country in country_ids)


def days_tsquery(first_day: int, last_day: int) -> str:
    """Profiles last active from day ``first_day`` to ``last_day`` (``activity_day``)."""
    return " | ".join(recency_cover(first_day, last_day))


@dataclass(frozen=True)
class SearchVectors:
    """What PostgreSQL's search tables keep of a profile."""

    terms: str  # the matching vector: ``tsvector_literal``, the recency buckets and countries
    words: str  # the ranking vector: words with positions only, no pairs (under half the size)
    # The signatures of the triples standing in more than one context (``ambiguous_triples``).
    ambiguous: Signatures
    # The document length ranking normalises by: positions, plus one per pair. (Not per triple or
    # quadruple: ranking stays what it was before them, migrations 0016 and 0018.)
    length: int


def search_vectors(
    document: Sequence[str], last_active_at: datetime, preferred_country_ids: Sequence[int] = ()
) -> SearchVectors:
    positions, adjacent = _entries(document)
    ambiguous = _ambiguous_contexts(document)
    words = _words(positions)
    buckets = recency_lexemes(activity_day(last_active_at))
    countries = [country_lexeme(country) for country in sorted(set(preferred_country_ids))]
    contexts = _context_lexemes(ambiguous)
    return SearchVectors(
        terms=" ".join([*words, *_adjacent_lexemes(adjacent), *contexts, *buckets, *countries]),
        words=" ".join(words),
        ambiguous=signatures(ambiguous),
        length=sum(map(len, positions.values())) + len(adjacent[2]),
    )


def copy_field(value: object) -> str:
    """``value`` as a field of PostgreSQL's COPY text format (how migration 0010 and the search
    benchmark write search rows in bulk)."""
    if value is None:
        return "\\N"
    if isinstance(value, datetime):
        return value.isoformat()
    return (
        str(value)
        .replace("\\", "\\\\")
        .replace("\t", "\\t")
        .replace("\n", "\\n")
        .replace("\r", "\\r")
    )


def rank_sql(words: Any, query: Any, length: Any) -> Any:
    """``ts_rank(terms, query, 1)``, from ``ts_rank(words, query, 0)`` over the small vector.

    Normalisation 1 divides the raw rank by log2(1 + the document length), where PostgreSQL counts
    each lexeme's positions, or 1 for a lexeme without positions (a word pair): that is ``length``,
    kept with the row. The raw rank reads only the lexemes the query names, and query words never
    contain a space, so it is the same over either vector; except for a prefix term, which over
    ``terms`` also counted each word pair starting with the prefix as one more occurrence.
    PostgreSQL divides the ``real`` in double precision and returns a ``real``; so does this, to
    the bit.
    """
    raw = cast(func.ts_rank(words, query, 0), DOUBLE_PRECISION)
    log2 = func.ln(cast(length + 1, DOUBLE_PRECISION), type_=DOUBLE_PRECISION) / func.ln(
        cast(2, DOUBLE_PRECISION), type_=DOUBLE_PRECISION
    )
    return cast(case((length > 0, raw / log2), else_=raw), REAL)


def _either(prefix: str, stem: str | None) -> str:
    """A prefix lexeme (``'engineer':*``), or it or the stem of its letters (``'engin'``)."""
    return f"{prefix}:*" if stem is None else f"({prefix}:* | {stem})"


# A wildcard word's letters: the words (stems) filed in profiles that begin with them, when they
# are few (``prefix_words``).
Expansions = Mapping[str, Sequence[str]]


def prefix_letters(node: Node) -> list[str]:
    """The letters of the query's one-word wildcard terms (``nurs*``: ``nurs``), each once."""
    if isinstance(node, Term):
        return [node.words[0]] if node.prefix and len(node.words) == 1 else []
    if isinstance(node, Not):
        return prefix_letters(node.child)
    return list(
        dict.fromkeys(letters for child in node.children for letters in prefix_letters(child))
    )


def _named(term: Term, expansions: Expansions) -> str | None:
    """A one-word wildcard term as the words it reaches, or ``None`` (keep the prefix).

    ``expansions`` holds, for the letters, every word filed in any profile that begins with them
    (``storage.search.postgres_search``: the vocabulary of migration 0017), so the words match
    exactly the profiles the prefix does; named, the GIN index walks them alongside the search's
    other keys, where a prefix is first read whole into a bitmap."""
    found = expansions.get(term.words[0])
    if not term.prefix or len(term.words) != 1 or not found:
        return None
    stem = term.prefix_stem
    named = sorted({*found, *([stem] if stem else [])})
    lexemes = [_lexeme(word) for word in named]
    return lexemes[0] if len(lexemes) == 1 else "(" + " | ".join(lexemes) + ")"


def _term(term: Term, *, hints: bool, expansions: Expansions, relaxed: list[Term] | None) -> str:
    named = _named(term, expansions)
    if named is not None:
        return named
    parts = [_lexeme(word) for word in term.words]
    stem = term.prefix_stem
    if term.prefix:
        parts[-1] = _either(parts[-1], stem and _lexeme(stem))
    if len(parts) == 1:
        return parts[0]
    phrase = " <-> ".join(parts)
    if not hints:
        return f"({phrase})"
    # Every adjacent pair (two words), triple (three) or quadruple (four or more) of the phrase
    # must be in the profile: implied by the phrase itself, so the matches are the same, but each
    # is a GIN lookup that rules out most profiles at once. A phrase of two, three or four words is
    # exactly its pair, triple or quadruple, and then needs no positions: the GIN index answers it
    # alone, without PostgreSQL re-reading every candidate profile to check positions.
    words = term.words
    size = min(len(words), 4)
    runs = [words[index : index + size] for index in range(len(words) - size + 1)]
    keys = [_ADJACENT[size](*run) for run in runs]
    last = stem and _ADJACENT[size](*words[-size:-1], stem)
    hinted = [_lexeme(key) for key in keys]
    if term.prefix:
        hinted[-1] = _either(hinted[-1], last and _lexeme(last))
    if len(hinted) == 1:
        return hinted[0]
    if relaxed is not None:
        # A longer phrase's quadruples without its positions, and at each overlap the triple
        # unambiguous or in the phrase's own context (``index_query``).
        relaxed.append(term)
        return f"({' & '.join([*hinted, *_overlap_tests(term)])})"
    return f"({phrase} & {' & '.join(hinted)})"


def tsquery_literal(
    node: Node, *, hints: bool = False, expansions: Expansions | None = None
) -> str:
    """The tsquery for a query tree; with ``hints``, phrases also require their adjacent word
    pairs, triples or quadruples; with ``expansions`` (``prefix_letters``' letters: the words they
    reach), one-word wildcard terms are the words they reach."""
    return _literal(node, hints=hints, expansions=expansions or {}, relaxed=None)


@dataclass(frozen=True)
class IndexQuery:
    """What the GIN index of ``candidate_search.terms`` matches for a query (``index_query``)."""

    literal: str
    # The bits, in each signature, of each triple where the quadruples of a relaxed phrase of six
    # words or more overlap.
    overlaps: tuple[Signatures, ...] = ()

    @property
    def checked(self) -> bool:
        """The literal matches a few profiles more than the query: each match must also match
        the query itself (``tsquery_literal(node)``) on its ranking words,
        ``candidate_search_words``, unless its signatures (``CandidateSearch.ambiguous_triples``,
        ``_2``) hold both bits of at most one of ``overlaps``."""
        return bool(self.overlaps)

    @property
    def ambiguous(self) -> Signatures:
        """The bits of all of ``overlaps``, in each signature."""
        first = second = 0
        for bit, other in self.overlaps:
            first |= bit
            second |= other
        return first, second


def index_query(node: Node, expansions: Expansions | None = None) -> IndexQuery:
    """The tsquery the GIN index answers for ``node``: ``tsquery_literal`` with hints, except
    that a phrase of five words or more that a match must hold (not one under a ``NOT``) is its
    quadruples, and a test at each triple where two of them overlap.

    A phrase's positions are not in the index: PostgreSQL checks them on every profile the index
    returns, reading that profile's whole matching vector (pairs and triples included, 7.4 KB at
    1M profiles) back from TOAST; for a phrase with 10,000 matches that check was most of the
    search. Without positions, a profile holding every quadruple can still hold them apart, but
    only where the triple at an overlap stands in more than one context
    (``ambiguous_triples``). So at each overlap the literal also requires that triple's mark to be
    absent (it stands one way only) or the phrase's five words around it to be there
    (``ambiguous_mark``, ``context_lexeme``). Then a profile holds the phrase: from the one
    overlap where the five words stand, or from the first quadruple when there is none, each
    unambiguous overlap carries the phrase on by one word. That fails only where two overlaps or
    more of the phrase are ambiguous in the profile, each five words standing somewhere else; so
    a match of a phrase of six words or more is checked against the query on its ranking words
    (``checked``), a small vector kept inline, where its signatures hold the bits of two of the
    phrase's overlaps (``overlaps``). A phrase under a ``NOT`` keeps its positions: without them
    it would rule out too much."""
    relaxed: list[Term] = []
    literal = _literal(node, hints=True, expansions=expansions or {}, relaxed=relaxed)
    triples = [
        term.words[start : start + 3]
        for term in relaxed
        if len(_overlaps(term)) > 1
        for start in _overlaps(term)
    ]
    return IndexQuery(literal=literal, overlaps=tuple(signatures([triple]) for triple in triples))


def _overlaps(term: Term) -> range:
    """Where the triples start at which a long phrase's consecutive quadruples overlap (words 2-4
    of a five-word phrase; 2-4 and 3-5 of six words). A wildcard's last word is in none."""
    return range(1, len(term.words) - 3)


def _overlap_tests(term: Term) -> list[str]:
    """For each overlap of a long phrase's quadruples: the triple there is not ambiguous in the
    profile, or stands between the phrase's words before and after it (with a wildcard, the last
    five words end in its letters or their stem, as its last quadruple does)."""
    words, stem = term.words, term.prefix_stem
    tests = []
    for start in _overlaps(term):
        before, first, second, third, after = words[start - 1 : start + 4]
        context = _lexeme(context_lexeme(before, first, second, third, after))
        if term.prefix and start + 4 == len(words):
            context = _either(
                context, stem and _lexeme(context_lexeme(before, first, second, third, stem))
            )
        tests.append(f"(!{_lexeme(ambiguous_mark(first, second, third))} | {context})")
    return tests


def _literal(node: Node, *, hints: bool, expansions: Expansions, relaxed: list[Term] | None) -> str:
    """``tsquery_literal``; with ``relaxed`` (a list), required phrases of five words or more as
    their quadruples and the tests at their overlaps, each such phrase appended to it
    (``index_query``)."""
    if isinstance(node, Term):
        return _term(node, hints=hints, expansions=expansions, relaxed=relaxed)
    if isinstance(node, Not):
        # Under a NOT the phrase must keep its positions (as must any phrase under two NOTs).
        return "!" + _literal(node.child, hints=hints, expansions=expansions, relaxed=None)
    operator = " & " if isinstance(node, And) else " | "
    assert isinstance(node, And | Or)
    children = (
        _literal(child, hints=hints, expansions=expansions, relaxed=relaxed)
        for child in node.children
    )
    return "(" + operator.join(children) + ")"

"""The tokenizer shared by indexing, querying and the tests' reference evaluator.

A word is a maximal run of letters and digits. Words are case-folded and stripped of diacritics
(``José`` and ``jose`` are one word), cut to 64 characters, then reduced to their English Snowball
stem (PyStemmer: ``engineers``, ``engineering`` and ``engineer`` are all ``engin``; ``nursing`` and
``nurses`` are ``nurs``). Profiles and queries go through the same steps, so an inflected query word
finds every inflection of its stem. A profile contributes at most its first 16,000 words, and
fewer when they are long and distinct (``MAX_DOCUMENT_COST``: about 8,000 words of ordinary prose,
some 60,000 characters, far more than a CV holds). PostgreSQL keeps 256 positions per word, so the
257th and later repeats of a word in one profile become ``FILLER``: they keep their place (phrases
cannot jump over them) but match nothing, in both databases and in the tests' reference alike.
There are no stop words.
"""

from __future__ import annotations

import threading
import unicodedata
from collections import Counter
from collections.abc import Iterable

import Stemmer

MAX_WORD_LENGTH = 64
MAX_DOCUMENT_WORDS = 16_000
MAX_REPEATS = 256
# PostgreSQL refuses a tsvector over 1 MB. A profile's matching vector holds each distinct word
# with its positions, and every pair, triple and quadruple of adjacent words (storage.search.
# postgres): about ten bytes per byte of word and 43 more per word when all are distinct (measured
# on PostgreSQL 15: 16,000 distinct eleven-letter words, a valid 192,000-character CV, made 1.37 MB
# and could not be stored). The contexts of triples a profile repeats (migration 0021) add a
# five-word lexeme per repeat, but the repeated words are then one lexeme each, which saves more:
# measured, profiles of a repeated triple between distinct words stay under 0.65 MB at the cut.
# So the words a profile contributes stop where the sum of their UTF-8
# lengths plus 5 each would pass 90,000: under 0.9 MB whatever the words, with room for the recency
# and country lexemes. The cut is here, in the one tokenizer, so every database and the tests'
# reference search the same words.
MAX_DOCUMENT_COST = 90_000
WORD_COST = 5
# Not a letter or digit, so no query word can ever equal it or start with it; FTS5's ascii
# tokenizer still reads it as a word, so it holds its position.
FILLER = "\u2063"


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    # Case folding and compatibility composition can each undo the other (NFKC turns a few
    # symbols into capital letters); repeat until neither changes the text.
    for _ in range(3):
        refolded = unicodedata.normalize("NFKC", folded.casefold())
        if refolded == folded:
            break
        folded = refolded
    return folded


# A PyStemmer stemmer keeps state while it stems (and a cache of recent words): one per thread.
_stemmers = threading.local()


def _stemmer() -> Stemmer.Stemmer:
    stemmer: Stemmer.Stemmer | None = getattr(_stemmers, "english", None)
    if stemmer is None:
        stemmer = _stemmers.english = Stemmer.Stemmer("english")
    return stemmer


def stems(folded: list[str]) -> list[str]:
    """The English Snowball stems of words ``folded_words`` returned."""
    # Snowball only cuts or respells the ends of words, so a stem keeps to letters and digits;
    # an empty one (there is none in English Snowball) would keep the word as it is.
    return [stem or word for word, stem in zip(folded, _stemmer().stemWords(folded), strict=True)]


def words(text: str) -> list[str]:
    """The words of ``text`` as search stores and matches them: folded and stemmed, in order."""
    return stems(folded_words(text))


def folded_words(text: str) -> list[str]:
    """The words of ``text``, folded but not stemmed, in order."""
    result: list[str] = []
    current: list[str] = []
    for ch in _fold(text):
        if ch.isalnum():
            current.append(ch)
        elif current:
            result.append("".join(current)[:MAX_WORD_LENGTH])
            current = []
    if current:
        result.append("".join(current)[:MAX_WORD_LENGTH])
    # Folding can produce characters that are not letters or digits themselves; keep every word
    # made only of characters the databases treat as word characters.
    return [word for word in result if word.isalnum()]


def document_words(fields: Iterable[str | None], *, stemmed: bool = True) -> list[str]:
    """The searchable words of a profile: its fields in order, capped at 16,000 words and at
    ``MAX_DOCUMENT_COST`` (``word_cost``).

    ``stemmed=False`` gives the words as search stored them before stemming (migration 0010's
    downgrade writes them back).
    """
    split = words if stemmed else folded_words
    collected: list[str] = []
    for field in fields:
        if field:
            collected.extend(split(field))
            if len(collected) >= MAX_DOCUMENT_WORDS:
                break
    seen: Counter[str] = Counter()
    document: list[str] = []
    cost = 0
    for word in collected[:MAX_DOCUMENT_WORDS]:
        seen[word] += 1
        kept = word if seen[word] <= MAX_REPEATS else FILLER
        cost += word_cost(kept)
        if cost > MAX_DOCUMENT_COST:
            break
        document.append(kept)
    return document


def word_cost(word: str) -> int:
    """What one word of a document counts against ``MAX_DOCUMENT_COST`` (a ``FILLER`` nothing:
    it is no lexeme, and it ends runs of adjacent words rather than making them)."""
    return 0 if word == FILLER else len(word.encode()) + WORD_COST

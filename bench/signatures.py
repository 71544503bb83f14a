"""How often a match of a long phrase is checked, by the design of the ambiguous triples' signatures
(issue 22; bench/RESULTS.md, "seventh round").

A match of a quoted phrase of five words or more is checked on the ranking words only where the
profile's signatures say a triple where the phrase's quadruples overlap could stand in it in more
than one context (``storage.search.postgres``). This generates the benchmark's profiles
(``storage.synthetic``, as bench/search.py loads them), keeps those that hold every quadruple of
each phrase (the GIN index's matches), and prints the share of them each design would check: the
real ambiguities (the floor of any design), migration 0019's signature (one bit of 64, from the
first byte of the triple's MD5), one bit of 64, 128, 256 or 512 (from its first two bytes), one
bit in each of two 64-bit signatures (0020, the code's ``triple_bits``), and two bits of 256:

    .venv/bin/python bench/signatures.py [--profiles 20000]
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from storage import synthetic
from storage.models import Candidate
from storage.search import indexing
from storage.search import postgres as pg_search
from storage.search.tokens import FILLER, document_words

PHRASES = (
    "MEng Electrical and Electronic Engineering",
    "Lean Six Sigma Green Belt",
    "BSc Logistics and Supply Chain Management",
    "with 10 years of experience in",
)
Triple = tuple[str, ...]


def _hash(triple: Triple, first: int, last: int) -> int:
    digest = hashlib.md5(" ".join(triple).encode(), usedforsecurity=False).digest()
    return int.from_bytes(digest[first:last], "big")


def _one_of(bits: int) -> Callable[[Sequence[Triple], Sequence[Triple]], bool]:
    def checked(overlaps: Sequence[Triple], ambiguous: Sequence[Triple]) -> bool:
        signed = {_hash(triple, 0, 2) % bits for triple in ambiguous}
        return any(_hash(triple, 0, 2) % bits in signed for triple in overlaps)

    return checked


def _first_signature(overlaps: Sequence[Triple], ambiguous: Sequence[Triple]) -> bool:
    # Migration 0019's signature alone: the first byte of each triple's MD5.
    return bool(pg_search.signatures(ambiguous)[0] & pg_search.signatures(overlaps)[0])


def _two_signatures(overlaps: Sequence[Triple], ambiguous: Sequence[Triple]) -> bool:
    # As the search statement tests them: each signature against all the overlaps' bits.
    profile = pg_search.signatures(ambiguous)
    phrase = pg_search.signatures(overlaps)
    return all(mine & theirs for mine, theirs in zip(profile, phrase, strict=True))


def _two_of_256(overlaps: Sequence[Triple], ambiguous: Sequence[Triple]) -> bool:
    signed = {_hash(triple, start, start + 2) % 256 for triple in ambiguous for start in (0, 2)}
    return any(
        _hash(triple, 0, 2) % 256 in signed and _hash(triple, 2, 4) % 256 in signed
        for triple in overlaps
    )


DESIGNS: dict[str, Callable[[Sequence[Triple], Sequence[Triple]], bool]] = {
    "real": lambda overlaps, ambiguous: bool(set(overlaps) & set(ambiguous)),
    "0019": _first_signature,
    "1 of 64": _one_of(64),
    "1 of 128": _one_of(128),
    "1 of 256": _one_of(256),
    "1 of 512": _one_of(512),
    "2 x 64": _two_signatures,
    "2 of 256": _two_of_256,
}


def _runs(document: Sequence[str], size: int) -> set[Triple]:
    return {
        tuple(document[start : start + size])
        for start in range(len(document) - size + 1)
        if FILLER not in document[start : start + size]
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", type=int, default=20_000)
    arguments = parser.parse_args()
    phrases = {phrase: document_words([phrase]) for phrase in PHRASES}
    matches = dict.fromkeys(PHRASES, 0)
    checked = {phrase: dict.fromkeys(DESIGNS, 0) for phrase in PHRASES}
    counts = []
    now = datetime(2026, 12, 1, tzinfo=UTC)
    for seed in range(0, arguments.profiles, 5_000):
        for profile in synthetic.profiles(
            min(5_000, arguments.profiles - seed), seed=seed, now=now
        ):
            fields = profile.fields
            document = indexing.searchable_words(
                Candidate(
                    **{
                        name: fields[name]
                        for name in ("headline", "summary", "skills", "city", "cv_text")
                    }
                )
            )
            quadruples = _runs(document, 4)
            ambiguous = pg_search.ambiguous_triples(document)
            counts.append(len(ambiguous))
            for phrase, words in phrases.items():
                if not _runs(words, 4) <= quadruples:
                    continue
                matches[phrase] += 1
                overlaps = [tuple(words[start : start + 3]) for start in range(1, len(words) - 3)]
                for name, design in DESIGNS.items():
                    checked[phrase][name] += design(overlaps, ambiguous)
    deciles = statistics.quantiles(counts, n=10)
    print(
        f"{len(counts):,} profiles; ambiguous triples a profile: "
        f"mean {statistics.mean(counts):.1f}, deciles {deciles}"
    )
    print(f"{'phrase':45} {'matches':>7} " + " ".join(f"{name:>8}" for name in DESIGNS))
    for phrase in PHRASES:
        shares = " ".join(
            f"{checked[phrase][name] / max(matches[phrase], 1):8.1%}" for name in DESIGNS
        )
        print(f"{phrase:45} {matches[phrase]:7,} {shares}")


if __name__ == "__main__":
    main()

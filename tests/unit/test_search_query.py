"""The query language: what luqum's trees become, and every refusal docs/requirements.md#j2
names."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storage.errors import InvalidQuery
from storage.search.query import And, Not, Or, Term, parse_query
from storage.search.tokens import (
    FILLER,
    MAX_DOCUMENT_COST,
    MAX_REPEATS,
    document_words,
    folded_words,
    words,
)
from tests.support.search_reference import matches


def t(*names: str, prefix: bool = False) -> Term:
    return Term(tuple(names), prefix=prefix)


@pytest.mark.parametrize(
    ("query", "tree"),
    [
        ('"Process Engineer" AND "HVAC"', And((t("process", "engin"), t("hvac")))),
        (
            '(("High" OR "Low") AND "voltage") AND "Engineers" AND "Dubai"',
            And((Or((t("high"), t("low"))), t("voltag"), t("engin"), t("dubai"))),
        ),
        (
            "kubernetes AND (aws OR gcp) AND NOT junior",
            And((t("kubernet"), Or((t("aw"), t("gcp"))), Not(t("junior")))),
        ),
        ("java python", And((t("java"), t("python")))),
        ("Managers nursing DEVELOPERS", And((t("manag"), t("nurs"), t("develop")))),
        ('"Registered Nurses"', t("regist", "nurs")),
        ("+java -php", And((t("java"), Not(t("php"))))),
        ("a b OR c", And((t("a"), Or((t("b"), t("c")))))),
        ("a OR b AND c", Or((t("a"), And((t("b"), t("c")))))),
        ("engin*", t("engin", prefix=True)),
        # A prefix's letters are not stemmed; the words before it are.
        ("engineers*", t("engineers", prefix=True)),
        ('"nursing mana*"', t("nurs", "mana")),
        ("nursing.manag*", t("nurs", "manag", prefix=True)),
        ("node.js", t("node", "js")),
        ("C++", t("c")),
        ("Café MÜLLER", And((t("cafe"), t("muller")))),
        ("NOT junior", Not(t("junior"))),
        ("NOT NOT junior", Not(Not(t("junior")))),
        ("a OR NOT b", Or((t("a"), Not(t("b"))))),
        ("and or not", And((t("and"), t("or"), t("not")))),
    ],
)
def test_queries_become_the_expected_tree(query: str, tree: object) -> None:
    assert parse_query(query) == tree


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "The query is empty."),
        ("   ", "The query is empty."),
        ("a" * 513, "The query is longer than 512 characters."),
        (" ".join(f"w{n}" for n in range(51)), "The query has 51 terms; at most 50 are allowed."),
        ("*ngineer", "A term may not start with a wildcard: *ngineer."),
        ("java AND *script", "A term may not start with a wildcard: *script."),
        ("?ava", "A term may not start with a wildcard: ?ava."),
        ("j?va", "The ? wildcard is not supported (j?va); use a trailing * instead."),
        ("en*ineer", "Only a trailing * wildcard is supported (en*ineer)."),
        ("a*", "A wildcard needs at least 3 letters or digits right before the * (a*)."),
        ("java AND en*", "right before the * (en*)."),
        ("node.js*", "right before the * (node.js*)."),
        ("C++*", "right before the * (C++*)."),
        ("title:engineer", "Field searches (field:value) are not supported"),
        ("java~2", "Fuzzy matching (~) is not supported."),
        ('"java developer"~3', 'Proximity searches ("..."~N) are not supported.'),
        ("java^2", "Boosts (^) are not supported."),
        ("[a TO b]", "Ranges ([a TO b]) are not supported."),
        ("/jav.*/", "Regular expressions (/.../) are not supported."),
        ("java AND", "it ends too early"),
        ("(java OR python", "it ends too early"),
        ("java)", "unexpected ')' at position 4."),
        ('"unclosed phrase', "unexpected character at position 0 (is a quote left open?)."),
        ("@#%", "The term @#% has no letters or digits to search for."),
        ('"!!!"', 'The phrase "!!!" has no letters or digits to search for.'),
        ("a && b", "Use AND or OR instead of &&."),
        ("!java", "Use NOT instead of ! (!java)."),
    ],
)
def test_refused_queries_say_why(query: str, message: str) -> None:
    with pytest.raises(InvalidQuery) as refused:
        parse_query(query)
    assert message in refused.value.message


def test_fifty_terms_are_allowed() -> None:
    parse_query(" ".join(f"w{n}" for n in range(50)))


def test_tokenizer_folds_case_and_accents_and_splits_on_punctuation() -> None:
    assert folded_words("José Müller-Lüdenscheidt, C++/node.js ŞTRASSE ß") == [
        "jose",
        "muller",
        "ludenscheidt",
        "c",
        "node",
        "js",
        "strasse",
        "ss",
    ]


def test_tokenizer_stems_every_word_with_english_snowball() -> None:
    assert words("Engineers engineering ENGINEERED engineer Nursing nurses Managers") == [
        "engin",
        "engin",
        "engin",
        "engin",
        "nurs",
        "nurs",
        "manag",
    ]
    # The same for a profile's fields: indexing and querying cannot disagree.
    assert document_words(["Registered Nurses", None, "analysis"]) == ["regist", "nurs", "analysi"]
    assert document_words(["Registered Nurses"], stemmed=False) == ["registered", "nurses"]


@given(st.text())
def test_every_word_is_a_non_empty_run_of_letters_and_digits(text: str) -> None:
    for word in words(text):
        assert word and word.isalnum() and word == word.casefold()


@pytest.mark.parametrize(
    ("query", "found", "missed"),
    [
        # The stem of the letters too: engineer* finds engineers (stem engin), and engine.
        ("engineer*", ["engineers", "Engineering", "engineer", "engine"], ["engage", "eng"]),
        ("analy*", ["analysis", "analysts", "analytics", "analyse"], ["anal", "anabolic"]),
        ("nurs*", ["nurse", "nursing", "nursery"], ["nut"]),
        # A quoted word is its stem: every inflection (engine too: its stem is engin as well).
        ('"Engineers"', ["engineer", "engineering", "engineered", "engine"], ["engagement"]),
        ('"registered nurses"', ["Registered nurse"], ["nurse registered", "registered a nurse"]),
    ],
)
def test_stems_and_prefixes_match_as_documented(
    query: str, found: list[str], missed: list[str]
) -> None:
    node = parse_query(query)
    for text in found:
        assert matches(node, document_words([text])), text
    for text in missed:
        assert not matches(node, document_words([text])), text


def test_repeats_beyond_postgresqls_position_limit_become_fillers() -> None:
    document = document_words(["a " * (MAX_REPEATS + 2) + "b"])
    assert document[:MAX_REPEATS] == ["a"] * MAX_REPEATS
    assert document[MAX_REPEATS:] == [FILLER, FILLER, "b"]
    assert not matches(t("a", "b"), document)
    assert matches(t("a"), document) and matches(t("b"), document)


def test_a_profiles_words_stop_where_their_cost_would_pass_the_cap() -> None:
    # Ten-character words cost 15 each (length plus 5); the cap keeps 6,000 of 10,000.
    text = " ".join(f"w{number:09d}" for number in range(10_000))
    document = document_words([text])
    assert len(document) == MAX_DOCUMENT_COST // 15 == 6_000
    assert document[-1] == "w000005999"
    # Short or repeated words stop at 16,000 words first.
    assert len(document_words(["java " * 20_000])) == 16_000


def test_reference_evaluator_on_the_seed_examples() -> None:
    process = document_words(["Senior Process Engineer", "HVAC design"])
    dubai = document_words(["High voltage systems", "Engineers wanted in Dubai"])
    junior = document_words(["Kubernetes on AWS, junior"])
    senior = document_words(["Kubernetes on GCP"])
    assert matches(parse_query('"Process Engineer" AND "HVAC"'), process)
    assert not matches(parse_query('"Engineer Process" AND "HVAC"'), process)
    query = parse_query('(("High" OR "Low") AND "voltage") AND "Engineers" AND "Dubai"')
    assert matches(query, dubai) and not matches(query, process)
    cloud = parse_query("kubernetes AND (aws OR gcp) AND NOT junior")
    assert matches(cloud, senior) and not matches(cloud, junior)


def test_postgres_literals_carry_word_pairs_as_hints() -> None:
    from storage.search.postgres import tsquery_literal, tsvector_literal

    vector = tsvector_literal(["process", "engineer", FILLER, "hvac", "process"])
    # The pairs are behind FILLER, where no prefix term can reach them.
    assert vector == (
        f"'process':1,5 'engineer':2 'hvac':4 '{FILLER}process engineer' '{FILLER}hvac process'"
    )
    # Triples of adjacent words are behind two FILLERs, where no pair prefix can reach them;
    # quadruples behind three, where no triple prefix can.
    assert tsvector_literal(["senior", "process", "engineer", FILLER, "hvac"]) == (
        f"'senior':1 'process':2 'engineer':3 'hvac':5 '{FILLER}senior process' "
        f"'{FILLER}process engineer' '{FILLER}{FILLER}senior process engineer'"
    )
    assert tsvector_literal(["lead", "site", "reliabl", "engin", "team", FILLER, "java"]) == (
        f"'lead':1 'site':2 'reliabl':3 'engin':4 'team':5 'java':7 '{FILLER}lead site' "
        f"'{FILLER}site reliabl' '{FILLER}reliabl engin' '{FILLER}engin team' "
        f"'{FILLER * 2}lead site reliabl' '{FILLER * 2}site reliabl engin' "
        f"'{FILLER * 2}reliabl engin team' '{FILLER * 3}lead site reliabl engin' "
        f"'{FILLER * 3}site reliabl engin team'"
    )
    phrase = parse_query('"process engineers" node.jav* NOT "o\'neil x"')
    assert tsquery_literal(phrase) == (
        "(('process' <-> 'engin') & ('node' <-> 'jav':*) & !('o' <-> 'neil' <-> 'x'))"
    )
    # A phrase of two, three or four words is exactly its pair, triple or quadruple; longer
    # phrases keep their positions and add their quadruples.
    assert tsquery_literal(phrase, hints=True) == (
        f"('{FILLER}process engin' & '{FILLER}node jav':* & !'{FILLER}{FILLER}o neil x')"
    )
    longer = parse_query(
        '"site reliability engineer team" NOT senior.process.engineer* lead.site.reliability.eng*'
    )
    assert tsquery_literal(longer, hints=True) == (
        f"('{FILLER * 3}site reliabl engin team' & "
        f"!('{FILLER * 2}senior process engineer':* | '{FILLER * 2}senior process engin') & "
        f"'{FILLER * 3}lead site reliabl eng':*)"
    )
    longest = parse_query('"lead site reliability engineer team"')
    assert tsquery_literal(longest, hints=True) == (
        "('lead' <-> 'site' <-> 'reliabl' <-> 'engin' <-> 'team' & "
        f"'{FILLER * 3}lead site reliabl engin' & '{FILLER * 3}site reliabl engin team')"
    )
    # A prefix also matches the stem of its letters, alone and as the end of a pair.
    prefixes = parse_query("engineer* senior.engineer*")
    assert tsquery_literal(prefixes, hints=True) == (
        f"(('engineer':* | 'engin') & ('{FILLER}senior engineer':* | '{FILLER}senior engin'))"
    )


def test_the_index_matches_a_required_long_phrase_by_its_quadruples_and_overlaps() -> None:
    from storage.search.postgres import index_query

    quads = f"'{FILLER * 3}lead site reliabl engin' & '{FILLER * 3}site reliabl engin team'"
    # At the overlap: the triple is not ambiguous in the profile, or stands between the phrase's
    # words before and after it.
    overlap = f"(!'{FILLER * 4}site reliabl engin' | '{FILLER * 5}lead site reliabl engin team')"
    # Required (under AND or OR): the index answers alone, without positions; five words need
    # no check at all.
    required = index_query(parse_query('"lead site reliability engineer team" OR java'))
    assert required.literal == f"(({quads} & {overlap}) | 'java')"
    assert not required.checked
    # Under a NOT, the positions stay (the quadruples alone would rule out too much).
    negated = index_query(parse_query('java NOT "lead site reliability engineer team"'))
    assert negated.literal == (
        f"('java' & !('lead' <-> 'site' <-> 'reliabl' <-> 'engin' <-> 'team' & {quads}))"
    )
    assert not negated.checked
    # Phrases of two, three and four words are exact keys already: nothing to check.
    exact = '"site reliability engineer" "reliability team" "site reliability engineer team"'
    assert not index_query(parse_query(exact)).checked
    # A wildcard's five last words end in its letters or their stem, as its last quadruple does.
    wildcard = index_query(parse_query("lead.site.reliability.engineer.teams*"))
    assert wildcard.literal.endswith(
        f"(!'{FILLER * 4}site reliabl engin' | ('{FILLER * 5}lead site reliabl engin teams':* | "
        f"'{FILLER * 5}lead site reliabl engin team')))"
    )


def test_a_long_phrase_is_checked_only_where_two_overlaps_could_be_ambiguous() -> None:
    from storage.search.postgres import index_query, signatures, triple_bits

    # Five words overlap once: exact, no bits. Six overlap at words 2-4 and 3-5: the bits of
    # each overlap of every such phrase of the query, in each of the two signatures (and a
    # wildcard's last word is in none).
    assert index_query(parse_query('"lead site reliability engineer team"')).ambiguous == (0, 0)
    both = index_query(
        parse_query('"a b c d e f" OR "lead site reliability engineer team" OR "s a b c d e*"')
    )
    overlaps = [["b", "c", "d"], ["c", "d", "e"], ["a", "b", "c"], ["b", "c", "d"]]
    assert both.checked
    assert both.overlaps == tuple(signatures([triple]) for triple in overlaps)
    assert both.ambiguous == signatures(overlaps)
    bits = [triple_bits(triple) for triple in overlaps]
    assert both.ambiguous == tuple(bits[0][half] | bits[1][half] | bits[2][half] for half in (0, 1))
    # Nothing to check, no bits.
    assert index_query(parse_query('"site reliability engineer team"')).overlaps == ()
    assert index_query(parse_query('NOT "lead site reliability engineer team x"')).ambiguous == (
        0,
        0,
    )


def test_the_two_signatures_take_their_bits_from_two_bytes_of_the_md5() -> None:
    from hashlib import md5

    from storage.search.postgres import signatures, triple_bits

    digest = md5(b"senior site reliabl").digest()
    assert triple_bits(["senior", "site", "reliabl"]) == (
        1 << (digest[0] & 63),
        1 << (digest[1] & 63),
    )
    # As PostgreSQL's signed bigint: the 64th bit is the sign.
    high = next(f"w{n}" for n in range(1_000) if md5(f"w{n} a b".encode()).digest()[0] & 63 == 63)
    assert signatures([[high, "a", "b"]])[0] == -(1 << 63)
    assert signatures([]) == (0, 0)


def test_a_triple_seen_in_two_contexts_is_ambiguous() -> None:
    from storage.search.postgres import ambiguous_triples

    a, b, c, d, e, f, x, y = "abcdefxy"
    # Once, or always between the same words: not ambiguous ("b c d", twice between a and e).
    assert ambiguous_triples([a, b, c, d, e]) == []
    assert ambiguous_triples([a, b, c, d, e, x, a, b, c, d, e]) == [(a, b, c), (c, d, e)]
    # "b c d e" between a and x, then y and f: a profile with every quadruple of "a b c d e f"
    # and not the phrase; both its overlaps are ambiguous.
    words = [a, b, c, d, e, x, y, b, c, d, e, f]
    assert {(b, c, d), (c, d, e)} <= set(ambiguous_triples(words))
    # The ends of the profile and a FILLER are no word, and no word is a FILLER.
    assert ambiguous_triples([b, c, d, a, b, c, d]) == [(b, c, d)]
    assert ambiguous_triples([x, b, c, d, FILLER, b, c, d]) == [(b, c, d)]
    assert ambiguous_triples([a, b, c, d, FILLER, a, b, c, d]) == []
    assert ambiguous_triples([FILLER, b, c, d, FILLER, b, c, d]) == []


def _holds(document: list[str], phrase: list[str]) -> bool:
    size = len(phrase)
    return any(document[start : start + size] == phrase for start in range(len(document)))


def _lexemes(vector: str) -> set[str]:
    """The lexemes of a ``tsvector_literal`` of words without quotes."""
    return set(re.findall(r"'([^']*)'", vector))


@settings(max_examples=2_000)
@given(st.lists(st.sampled_from("abcdef"), min_size=5, max_size=8), st.data())
def test_every_quadruple_and_the_overlaps_tests_are_the_phrase(
    phrase: list[str], data: st.DataObject
) -> None:
    """Why a match of a long phrase needs no check when at most one of its overlaps is ambiguous
    in the profile (``storage.search.postgres.index_query``): the index holds every quadruple of
    the phrase, and at each overlap the triple has no mark or the phrase's five words there are
    one of its contexts; profiles made of pieces of the phrase, other words and FILLERs, where
    the quadruples often stand apart. With two ambiguous overlaps it can fail (the last assertion:
    the check is needed)."""
    from storage.search.postgres import (
        ambiguous_mark,
        ambiguous_triples,
        context_lexeme,
        quad_lexeme,
        tsvector_literal,
    )

    pieces = st.one_of(
        st.tuples(st.integers(0, len(phrase) - 2), st.integers(2, 6)).map(
            lambda cut: phrase[cut[0] : cut[0] + cut[1]]
        ),
        st.sampled_from(["a", "x", FILLER]).map(lambda word: [word]),
    )
    document = [word for piece in data.draw(st.lists(pieces, max_size=8)) for word in piece]
    lexemes = _lexemes(tsvector_literal(document))
    starts = range(1, len(phrase) - 3)
    ambiguous = [start for start in starts if ambiguous_mark(*phrase[start : start + 3]) in lexemes]
    assert len(ambiguous) == len(
        {
            start
            for start in starts
            if tuple(phrase[start : start + 3]) in ambiguous_triples(document)
        }
    )
    quadruples = all(
        quad_lexeme(*phrase[start : start + 4]) in lexemes for start in range(len(phrase) - 3)
    )
    contexts = all(context_lexeme(*phrase[start - 1 : start + 4]) in lexemes for start in ambiguous)
    if quadruples and contexts and len(ambiguous) <= 1:
        assert _holds(document, phrase)


def test_two_ambiguous_overlaps_can_hold_a_phrase_apart() -> None:
    """What ``index_query`` checks on the ranking words: a profile with every quadruple of a
    six-word phrase, and both overlaps' five words, and not the phrase."""
    from storage.search.postgres import ambiguous_mark, context_lexeme, tsvector_literal

    a, b, c, d, e, f, x = "abcdefx"
    document = [a, b, c, d, e, x, FILLER, b, c, d, e, f, FILLER, x, c, d, e, x]
    lexemes = _lexemes(tsvector_literal(document))
    assert {ambiguous_mark(b, c, d), ambiguous_mark(c, d, e)} <= lexemes
    assert {context_lexeme(a, b, c, d, e), context_lexeme(b, c, d, e, f)} <= lexemes
    assert not _holds(document, [a, b, c, d, e, f])

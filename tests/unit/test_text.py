"""The service strips exactly the white space the documents' "not blank" patterns define."""

from __future__ import annotations

import re

import pytest

from hirebridge.contract.bundle import load_bundled
from hirebridge.documents import OPENAPI_DIR
from storage.text import WHITESPACE, normalize_email, strip

NOT_BLANK = load_bundled(OPENAPI_DIR / "public.yaml")["components"]["schemas"]["QuickApplication"][
    "properties"
]["fullName"]["pattern"]


def test_patterns_and_strip_agree_on_white_space() -> None:
    pattern = re.compile(NOT_BLANK)
    for ch in WHITESPACE:
        assert not pattern.search(ch * 3), repr(ch)
        assert strip(f"{ch}x{ch}") == "x"
    # Python alone calls these white space; the documents (like ECMAScript) call them text.
    for ch in "\x1c\x1d\x1e\x1f\x85":
        assert pattern.search(ch), repr(ch)
        assert strip(ch) == ch


def test_every_not_blank_pattern_of_the_documents_is_the_same() -> None:
    for path in [*OPENAPI_DIR.glob("*.yaml"), *OPENAPI_DIR.glob("shared/*.yaml")]:
        text = path.read_text()
        assert "\\s" not in "".join(re.findall(r"pattern: '?([^'\n]*)'?", text)), path.name


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("ada@acme.example", "ada@acme.example"),
        ("  Ada@ACME.Example\n", "ada@acme.example"),
        ("\ufeffada@acme.example\u00a0", "ada@acme.example"),
        ("\u3000ada@acme.example\u2009", "ada@acme.example"),
        # NFKC: full-width letters and the full-width at sign are the ASCII ones.
        ("\uff41\uff44\uff41\uff20\uff21\uff23\uff2d\uff25.example", "ada@acme.example"),
        # The whole address is lower-cased: the platform has always treated addresses that differ
        # only in case as one person, and stores them so.
        ('"A@B"@Acme.Example', '"a@b"@acme.example'),
        ("no-at-sign", "no-at-sign"),
    ],
)
def test_e_mail_addresses_are_normalised_one_way(typed: str, stored: str) -> None:
    assert normalize_email(typed) == stored
    assert normalize_email(normalize_email(typed)) == stored

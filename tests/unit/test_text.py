"""The service strips exactly the white space the documents' "not blank" patterns define."""

from __future__ import annotations

import re

import yaml

from hirebridge.settings import OPENAPI_DIR
from storage.text import WHITESPACE, strip

NOT_BLANK = yaml.safe_load((OPENAPI_DIR / "public.yaml").read_text())["components"]["schemas"][
    "QuickApplication"
]["properties"]["fullName"]["pattern"]


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
    for name in ("v1.yaml", "public.yaml"):
        text = (OPENAPI_DIR / name).read_text()
        assert "\\s" not in "".join(re.findall(r"pattern: '([^']*)'", text)), name

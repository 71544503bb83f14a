"""Comments cite requirements of ``docs/requirements.md`` only, by its anchors.

A comment or docstring that names a requirement says where it is written
(``docs/requirements.md#w5``, then ``#w6`` for the next ones in the same phrase); a bare code
(its letter and number alone), or a document outside the repository, would leave a reader with
nothing to open.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REQUIREMENTS = ROOT / "docs" / "requirements.md"
# Where the project's own code and tests live; ``clients/`` is generated from the documents.
SOURCES = ["storage", "handlers", "hirebridge", "jobs_queue", "tests", "contract_tests", "bench"]
HASH_COMMENTED = ("*.toml", "*.yaml", "*.yml", "*.cfg", "*.sh", "Makefile", "Dockerfile")

# A citation, and the ones that follow it in the same phrase ("#w4 to #w7", "#r1, #c1").
CITATION = re.compile(r"docs/requirements\.md((?:#[\w-]+(?:,? (?:and|or|to) |, )?)+)")
ANCHOR = re.compile(r"#([\w-]+)")
# A requirement code written without saying where it is: a capital, one or two digits, maybe "b".
BARE_CODE = re.compile(r"(?<![#\w/.-])[CHJKOPRSVW]\d{1,2}b?\b")
OUTSIDE = re.compile(r"\bPRODUCT\b|/work/shared")


def anchors() -> set[str]:
    return set(re.findall(r'<a id="([\w-]+)"></a>', REQUIREMENTS.read_text()))


def cited(text: str) -> set[str]:
    """The anchors ``text`` cites."""
    return {
        anchor for found in CITATION.finditer(text) for anchor in ANCHOR.findall(found.group(1))
    }


def python_comments(source: str) -> Iterator[tuple[int, str]]:
    """(line, text) of every comment and docstring of a Python module."""
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            yield token.start[0], token.string
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            docstring = ast.get_docstring(node, clean=False)
            if docstring is not None:
                yield (node.body[0].lineno, docstring)


def hash_comments(source: str) -> Iterator[tuple[int, str]]:
    for number, line in enumerate(source.splitlines(), start=1):
        if "#" in line:
            yield number, line[line.index("#") :]


def commented_files() -> list[Path]:
    files = [path for folder in SOURCES for path in (ROOT / folder).rglob("*.py")]
    files += ROOT.glob("*.py")
    for pattern in HASH_COMMENTED:
        files += (path for folder in ["", *SOURCES] for path in (ROOT / folder).glob(pattern))
    return sorted(set(files))


def problems(path: Path, known: set[str], root: Path = ROOT) -> list[str]:
    source = path.read_text(encoding="utf-8")
    comments = python_comments(source) if path.suffix == ".py" else hash_comments(source)
    found = []
    for line, text in comments:
        where = f"{path.relative_to(root)}:{line}"
        found += [f"{where}: #{a} is not in docs/requirements.md" for a in cited(text) - known]
        without_citations = CITATION.sub("", text)
        found += [f"{where}: bare code {code}" for code in BARE_CODE.findall(without_citations)]
        found += [f"{where}: {name} is outside the repository" for name in OUTSIDE.findall(text)]
    return found


def test_the_requirements_page_has_an_anchor_per_code() -> None:
    known = anchors()
    families = {"k": 8, "v": 5, "h": 4, "j": 6, "c": 2, "r": 2, "w": 9, "o": 5, "p": 6, "s": 8}
    codes = {f"{family}{n}" for family, count in families.items() for n in range(1, count + 1)}
    assert codes | {"p2b", "plans", "portal", "performance"} <= known


@pytest.mark.parametrize("path", commented_files(), ids=lambda path: str(path.relative_to(ROOT)))
def test_comments_cite_only_codes_of_the_requirements_page(path: Path) -> None:
    assert problems(path, anchors()) == []


def test_the_check_finds_unknown_bare_and_outside_citations(tmp_path: Path) -> None:
    module = tmp_path / "module.py"
    module.write_text(
        '"""Deliveries (docs/requirements.md#w5 to #w77)."""\n'
        "# Retried as W5 says; see PRODUCT section 8.\n"
        "LIMIT = 10  # docs/requirements.md#r1, #c1 and #zz\n"
        'NAME = "W5 in a string is data, not a comment"\n'
    )
    assert problems(module, anchors(), tmp_path) == [
        "module.py:2: bare code W5",
        "module.py:2: PRODUCT is outside the repository",
        "module.py:3: #zz is not in docs/requirements.md",
        "module.py:1: #w77 is not in docs/requirements.md",
    ]

"""The README as the server's guides page (``/guides``), one anchor per section.

The README is Markdown of a plain kind: headings, paragraphs, lists, tables and fenced code.
That much is rendered here, escaping everything first, so a running server explains itself
without a Markdown library. The text comes from the checkout, or from the installed package's
metadata (where ``pyproject.toml`` puts the README) when there is no checkout.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

_FENCE = "```"
_HEADING = re.compile(r"^(#{1,3}) (.+)$")
_INLINE_CODE = re.compile(r"`([^`]+)`")
_BOLD = re.compile(r"\*\*([^*]+)\*\*")
_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+|/[^)\s]*)\)")


@dataclass(frozen=True)
class Section:
    level: int
    title: str
    anchor: str


def readme_text() -> str:
    """The checkout's README when the package runs from a checkout (it may have changed since
    the editable install wrote its metadata), otherwise the installed distribution's."""
    checkout = Path(__file__).resolve().parent.parent
    if (checkout / "pyproject.toml").exists() and (checkout / "README.md").exists():
        return (checkout / "README.md").read_text(encoding="utf-8")
    return str(metadata.metadata("hirebridge").json.get("description", ""))


def anchor(title: str) -> str:
    """``Run it`` → ``run-it``: GitHub's rule for heading anchors, for plain titles."""
    return re.sub(r"[^a-z0-9 -]", "", title.lower()).strip().replace(" ", "-")


def sections(text: str) -> list[Section]:
    """The ``##`` and ``###`` headings outside code blocks, in order."""
    found = []
    in_code = False
    for line in text.splitlines():
        if line.startswith(_FENCE):
            in_code = not in_code
        elif not in_code and (match := _HEADING.match(line)) and len(match.group(1)) > 1:
            title = match.group(2).strip()
            found.append(Section(len(match.group(1)), title, anchor(title)))
    return found


def to_html(text: str) -> str:
    """The Markdown ``text`` as HTML (headings carry ``id`` anchors)."""
    out: list[str] = []
    block: list[str] = []
    kind = ""

    def close() -> None:
        nonlocal block, kind
        if kind == "p":
            out.append(f"<p>{_inline(' '.join(block))}</p>")
        elif kind in {"ul", "ol"}:
            items = "".join(f"<li>{_inline(item)}</li>" for item in block)
            out.append(f"<{kind}>{items}</{kind}>")
        elif kind == "table":
            out.append(_table(block))
        elif kind == "code":
            out.append(f"<pre><code>{html.escape(chr(10).join(block))}</code></pre>")
        block, kind = [], ""

    for line in text.splitlines():
        if kind == "code":
            if line.startswith(_FENCE):
                close()
            else:
                block.append(line)
            continue
        item = re.match(r"^(?:- |\d+\. )(.*)$", line)
        if line.startswith(_FENCE):
            close()
            kind = "code"
        elif match := _HEADING.match(line):
            close()
            level, title = len(match.group(1)), match.group(2).strip()
            out.append(f'<h{level} id="{anchor(title)}">{_inline(title)}</h{level}>')
        elif not line.strip():
            close()
        elif line.startswith("|"):
            if kind != "table":
                close()
                kind = "table"
            block.append(line)
        elif item:
            wanted = "ul" if line.startswith("- ") else "ol"
            if kind != wanted:
                close()
                kind = wanted
            block.append(item.group(1))
        elif kind in {"ul", "ol"} and line.startswith("  "):
            block[-1] += " " + line.strip()
        else:
            if kind not in {"p"}:
                close()
                kind = "p"
            block.append(line.strip())
    close()
    return "\n".join(out)


def _inline(text: str) -> str:
    escaped = html.escape(text, quote=False)
    escaped = _INLINE_CODE.sub(r"<code>\1</code>", escaped)
    escaped = _BOLD.sub(r"<strong>\1</strong>", escaped)
    return _LINK.sub(r'<a href="\2">\1</a>', escaped)


def _table(lines: list[str]) -> str:
    rows = [[cell.strip() for cell in line.strip().strip("|").split("|")] for line in lines]
    rows = [row for row in rows if not all(re.fullmatch(r":?-+:?", cell) for cell in row)]
    if not rows:
        return ""
    head = "".join(f"<th>{_inline(cell)}</th>" for cell in rows[0])
    body = "".join(
        "<tr>" + "".join(f"<td>{_inline(cell)}</td>" for cell in row) + "</tr>" for row in rows[1:]
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

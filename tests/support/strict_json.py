"""The tests' own strict JSON reader: RFC 8259 has no NaN, Infinity or -Infinity.

Python's ``json.loads`` (and so ``httpx.Response.json()``) reads those tokens, so a reply that no
browser could parse would pass a test that reads it. Every body the suite's clients receive goes
through ``loads`` here (``conftest.Api`` and the contract tests' Schemathesis check).
"""

from __future__ import annotations

import json
from typing import Any


def _refuse(token: str) -> Any:
    raise ValueError(f"{token} is not JSON (RFC 8259 has no such token)")


def loads(content: str | bytes) -> Any:
    """``content`` parsed as strict JSON; raises ``ValueError`` for what RFC 8259 refuses."""
    return json.loads(content, parse_constant=_refuse)


def is_json_media_type(content_type: str | None) -> bool:
    media_type = (content_type or "").split(";")[0].strip().lower()
    return media_type == "application/json" or media_type.endswith("+json")

"""Checks every Schemathesis run of the contract tests adds to its default ones."""

from __future__ import annotations

from typing import Any

import schemathesis

from tests.support import strict_json


@schemathesis.check
def strict_json_body(ctx: Any, response: Any, case: Any) -> None:
    """A JSON reply must be strict JSON (RFC 8259): no ``NaN``, ``Infinity`` or ``-Infinity``.

    Schemathesis reads bodies with Python's lenient reader, so its own checks would let them by.
    """
    content_type = response.headers.get("content-type", [None])[0]
    if strict_json.is_json_media_type(content_type) and response.content:
        strict_json.loads(response.content)

"""What a handler knows about its caller, from the security layer's token info."""

from __future__ import annotations

from typing import Any


def employer_id(token_info: dict[str, Any]) -> int:
    return int(token_info["employer_id"])

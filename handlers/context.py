"""What a handler knows about its caller, and the shapes its replies take."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from connexion.jsonifier import Jsonifier

from storage import strict_json


class ReplyJsonifier(Jsonifier):  # type: ignore[misc]  # (connexion ships no types)
    """Connexion's serialiser of replies, writing them with ``strict_json.encode``: Connexion's
    conventions for dates and decimals, never a bare NaN or infinity, and bytes, which Connexion
    passes on as the body (``Jsonifier.dumps`` makes text, which Starlette encodes again)."""

    def __init__(self) -> None:
        super().__init__(strict_json)

    def dumps(self, data: Any, **kwargs: Any) -> bytes:
        return strict_json.encode(data)


# Every reply is written with this.
JSONIFIER = ReplyJsonifier()

# (body, status) or (body, status, headers), as Connexion takes them.
Reply = tuple[dict[str, Any], int] | tuple[dict[str, Any], int, dict[str, str]]


def employer_id(token_info: dict[str, Any]) -> int:
    return int(token_info["employer_id"])


def stage_uuid(value: str) -> uuid.UUID:
    """A stage id the document already checked to be a canonical UUID."""
    return uuid.UUID(value)


def v1_page(total: int, page: int, page_size: int, items: Sequence[dict[str, Any]]) -> Reply:
    """A v1 list: ``{"total", "page", "pageSize", "items"}``."""
    return {"total": total, "page": page, "pageSize": page_size, "items": list(items)}, 200


def v2_one(data: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None) -> Reply:
    """A v2 single object: ``{"success": true, "data": {...}}``."""
    body = {"success": True, "data": data}
    return (body, status, headers) if headers else (body, status)


def v2_page(items: Sequence[dict[str, Any]], next_cursor: str | None, limit: int) -> Reply:
    """A v2 list: ``{"success": true, "data": [...], "pagination": {...}}``."""
    pagination = {"hasMore": next_cursor is not None, "nextCursor": next_cursor, "limit": limit}
    return {"success": True, "data": list(items), "pagination": pagination}, 200

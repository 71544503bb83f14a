"""What a handler knows about its caller, and the shapes its replies take."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

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

"""Cursor pages of ``/api/v2`` lists: read the cursor, fetch one keyset slice, issue the next."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from handlers import cursors
from handlers.context import Reply, employer_id, v2_page
from storage.db import read_only
from storage.paging import Position, Slice

T = TypeVar("T")


def cursor_page(
    token_info: dict[str, Any],
    operation: str,
    arguments: dict[str, Any],
    page: tuple[str | None, int],
    fetch: Callable[[Session, int, Position | None, int], Slice[T]],
    show: Callable[[T], dict[str, Any]],
) -> Reply:
    """One page of a list: ``fetch(session, employer_id, after, limit)``, each item ``show``n.

    ``arguments`` are the path and filter arguments the cursor is bound to, ``page`` the request's
    ``(cursor, limit)``.
    """
    cursor, limit = page
    employer = employer_id(token_info)
    scope = cursors.ListScope(operation, employer, arguments)
    after = cursors.read(scope, cursor)
    with read_only() as session:
        found = fetch(session, employer, after, limit)
        items = [show(item) for item in found.items]
    next_cursor = cursors.issue(scope, found.last) if found.has_more else None
    return v2_page(items, next_cursor, limit)

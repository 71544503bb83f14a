"""Cursor pages of ``/api/v2`` lists: read the cursor, fetch one keyset slice, issue the next."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from handlers import cursors, loop_first
from handlers.context import Reply, employer_id, v2_page
from storage.db import read_only
from storage.loop_statements import LoopStatements
from storage.paging import Position, Slice

T = TypeVar("T")
# A list's slice: ``fetch(session, employer_id, after, limit)``, and on the event loop
# ``fetch(statements, employer_id, after, limit)`` (``None``: read it on a thread instead).
Fetch = Callable[[Session, int, Position | None, int], Slice[T]]
FetchOnLoop = Callable[[LoopStatements, int, Position | None, int], Awaitable[Slice[T] | None]]


def cursor_page(
    token_info: dict[str, Any],
    operation: str,
    arguments: dict[str, Any],
    page: tuple[str | None, int],
    fetch: Fetch[T],
    show: Callable[[T], dict[str, Any]],
) -> Reply:
    """One page of a list: ``fetch(session, employer_id, after, limit)``, each item ``show``n.

    ``arguments`` are the path and filter arguments the cursor is bound to, ``page`` the request's
    ``(cursor, limit)``.
    """
    scope, after = _position(token_info, operation, arguments, page[0])
    with read_only() as session:
        found = fetch(session, scope.employer_id, after, page[1])
        items = [show(item) for item in found.items]
    return _page(scope, found, items, page[1])


async def cursor_page_on_loop(
    reads: LoopStatements,
    token_info: dict[str, Any],
    operation: str,
    arguments: dict[str, Any],
    page: tuple[str | None, int],
    fetch: FetchOnLoop[T],
    show: Callable[[T], dict[str, Any]],
) -> Reply | None:
    """``cursor_page`` read on the event loop (``storage.loop_statements``): ``fetch(reads,
    employer_id, after, limit)`` returns the slice, or ``None`` when it must be read on a thread
    (and then so is this page)."""
    scope, after = _position(token_info, operation, arguments, page[0])
    found = await fetch(reads, scope.employer_id, after, page[1])
    if found is None:
        return None
    return _page(scope, found, [show(item) for item in found.items], page[1])


async def cursor_page_loop_first(
    token_info: dict[str, Any],
    operation: str,
    arguments: dict[str, Any],
    page: tuple[str | None, int],
    fetch: Fetch[T],
    fetch_on_loop: FetchOnLoop[T],
    show: Callable[[T], dict[str, Any]],
) -> Reply:
    """``cursor_page_on_loop`` where the event loop reads the page, otherwise ``cursor_page`` on a
    worker thread (``handlers.loop_first``)."""
    return await loop_first.run(
        lambda: cursor_page(token_info, operation, arguments, page, fetch, show),
        lambda reads: cursor_page_on_loop(
            reads, token_info, operation, arguments, page, fetch_on_loop, show
        ),
    )


def _position(
    token_info: dict[str, Any], operation: str, arguments: dict[str, Any], cursor: str | None
) -> tuple[cursors.ListScope, Position | None]:
    """The list's scope and the position its cursor names (a cursor of another list refused)."""
    scope = cursors.ListScope(operation, employer_id(token_info), arguments)
    return scope, cursors.read(scope, cursor)


def _page(
    scope: cursors.ListScope, found: Slice[Any], items: list[dict[str, Any]], limit: int
) -> Reply:
    next_cursor = cursors.issue(scope, found.last) if found.has_more else None
    return v2_page(items, next_cursor, limit)

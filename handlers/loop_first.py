"""Statements tried on the event loop first (``storage.loop_statements``), then on a worker
thread: the hot reads, and a new draft's write."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from starlette.concurrency import run_in_threadpool

from storage.db import loop_statements
from storage.loop_statements import LoopStatements

T = TypeVar("T")


async def run(
    on_thread: Callable[[], T],
    on_loop: Callable[[LoopStatements], Awaitable[T | None]] | None = None,
) -> T:
    """``on_loop(statements)`` where the process's database runs statements on the event loop
    and it answers; otherwise ``on_thread()`` on a worker thread (see ``storage.loop_statements``
    for when). ``on_loop`` answers ``None`` only when it changed nothing."""
    statements = loop_statements()
    if on_loop is not None and statements is not None:
        found = await on_loop(statements)
        if found is not None:
            return found
    return await run_in_threadpool(on_thread)

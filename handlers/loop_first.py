"""Reads tried on the event loop first (``storage.loop_reads``), then on a worker thread."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from starlette.concurrency import run_in_threadpool

from storage.db import loop_reads
from storage.loop_reads import LoopReads

T = TypeVar("T")


async def read(
    on_thread: Callable[[], T], on_loop: Callable[[LoopReads], Awaitable[T | None]] | None = None
) -> T:
    """``on_loop(reads)`` where the process's database reads on the event loop and it answers;
    otherwise ``on_thread()`` on a worker thread (see ``storage.loop_reads`` for when)."""
    reads = loop_reads()
    if on_loop is not None and reads is not None:
        found = await on_loop(reads)
        if found is not None:
            return found
    return await run_in_threadpool(on_thread)

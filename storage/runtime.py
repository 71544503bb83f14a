"""How every process starts: the API (``hirebridge.app``), the queue worker (``jobs_queue.worker``)
and each CLI command (``hirebridge.cli``) call ``start`` with their settings and role, and nothing
else opens the database or configures what depends on the settings.

``start`` opens the database with the invalidation of cached reads built in (its Redis comes from
the same settings), configures the secret box (webhook secrets at rest) and the webhook target
policy, and becomes the process's runtime. What the HTTP edge derives from the settings (the v2
cursors' key, the read cache's lifetime) is read from ``current()`` when it is first needed, so
no entry point configures it either.
"""

from __future__ import annotations

import enum
import functools
from dataclasses import dataclass

import redis

from hirebridge_floor.logging_setup import configure_logging
from hirebridge_floor.redis_client import connect, connect_on_loop, redis_url
from hirebridge_floor.settings import Settings
from storage import db, secret_box, webhook_targets


@dataclass(frozen=True)
class _Traits:
    pool_size: int
    redis_timeout: float
    json_logs: bool
    # `hirebridge webhooks listen` subscribes a loopback listener of its own; the worker that
    # delivers to it and the command that creates it accept it outside production, the API never.
    local_listeners: bool
    # Only the API serves the reads a replica may answer (DATABASE_REPLICA_URL).
    replica_reads: bool = False


class Role(enum.Enum):
    """What the process is; it decides the pool size, the Redis timeout and the logs."""

    API = _Traits(
        pool_size=10,
        redis_timeout=2.0,
        json_logs=True,
        local_listeners=False,
        replica_reads=True,
    )
    # The RQ worker, the pump and the recorder each use a connection at times; the pump's Redis
    # connection gives up quickly (RQ's blocking reads get one of their own).
    WORKER = _Traits(pool_size=4, redis_timeout=5.0, json_logs=True, local_listeners=True)
    # A CLI command prints its own one-line results and errors: no JSON logs.
    COMMAND = _Traits(pool_size=2, redis_timeout=2.0, json_logs=False, local_listeners=True)


class Runtime:
    """The settings a process started with, its database and (opened on first use) its Redis."""

    def __init__(self, settings: Settings, role: Role) -> None:
        self.settings = settings
        self.role = role
        traits: _Traits = role.value
        # Opened when first asked for: a command that changes nothing cached never connects
        # (nor starts the embedded Redis).
        self.redis = functools.cache(
            lambda: connect(redis_url(settings), timeout=traits.redis_timeout)
        )
        replica_url = settings.database_replica_url if traits.replica_reads else ""
        self.database = db.configure(
            settings.resolved_database_url,
            pool_size=traits.pool_size,
            cache_redis=self.redis,
            # The API's event loop publishes what it writes itself (``storage.loop_statements``).
            cache_redis_on_loop=lambda: connect_on_loop(
                redis_url(settings), timeout=traits.redis_timeout
            ),
            replica_url=replica_url or None,
            replica_max_lag_seconds=settings.database_replica_max_lag_seconds,
        )

    def close_redis(self) -> None:
        """Close the Redis connection if one was opened (an embedded Redis this process started
        then stops when it exits)."""
        if self.redis.cache_info().currsize:
            connection: redis.Redis = self.redis()
            connection.close()
            self.redis.cache_clear()

    def close(self) -> None:
        self.close_redis()
        self.database.dispose()


_current: Runtime | None = None


def start(settings: Settings, role: Role) -> Runtime:
    """Start this process as ``role`` with ``settings``; the runtime it returns is ``current()``.

    Called once by each entry point (the tests build several applications in one process, each
    starting its own runtime; the newest is current).
    """
    global _current
    traits: _Traits = role.value
    if traits.json_logs:
        configure_logging(settings.log_level)
    runtime = Runtime(settings, role)
    secret_box.configure(settings.webhook_secret_key)
    webhook_targets.configure(
        allow_insecure=settings.webhook_allow_insecure_targets,
        allow_local_listeners=traits.local_listeners and not settings.is_production,
    )
    _current = runtime
    return runtime


def current() -> Runtime | None:
    """The runtime the process started with, or ``None`` before ``start``."""
    return _current

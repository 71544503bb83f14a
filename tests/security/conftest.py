"""The adversarial suite's own server: ``hirebridge serve`` with small edge limits, behind a
trusted proxy address (loopback), on this session's PostgreSQL database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.security.support import EDGE_CONNECTIONS, EDGE_SIGN_IN_PER_MINUTE
from tests.support.live import LiveServer, service_env, start_live_server, stop_live_server


@pytest.fixture(scope="session")
def edge_server(
    postgresql_url: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    env = service_env(postgresql_url, redis_url, tmp_path_factory.mktemp("edge"))
    env.update(
        GUNICORN_HEADER_TIMEOUT="2",
        GUNICORN_KEEPALIVE="1",
        GUNICORN_WORKER_CONNECTIONS=str(EDGE_CONNECTIONS),
        # As behind a proxy on this host: its X-Forwarded-For names the client.
        FORWARDED_ALLOW_IPS="127.0.0.1",
        PORTAL_SIGN_IN_PER_MINUTE=str(EDGE_SIGN_IN_PER_MINUTE),
    )
    server = start_live_server(env, workers=1)
    yield server
    stop_live_server(server)

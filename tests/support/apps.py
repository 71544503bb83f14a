"""The app in process, on each backend (a pytest plugin, registered in the root ``conftest.py``).

The app is built once per backend and test session (Connexion's cold start is most of a second);
``api`` points the process's storage at it for each test.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from hirebridge_floor.settings import Settings
from storage import db
from tests.support.databases import BACKENDS

TEST_PUBLIC_LIMIT = 1_000_000
# Per-key limits for the shared apps and the live server: a test module makes many calls with one
# key within a minute. The real defaults have tests of their own (test_rate_limits.py).
TEST_API_RATE_LIMITS = {
    family: TEST_PUBLIC_LIMIT for family in ("jobs", "search", "candidate", "pipeline", "other")
}


def make_settings(database_url: str, redis_url: str, data_dir: Path) -> Settings:
    return Settings(
        database_url=database_url,
        redis_url=redis_url,
        data_dir=data_dir,
        validate_responses=True,
        log_level=os.environ.get("TEST_LOG_LEVEL", "WARNING"),
        # Every request of the suite comes from one address; the limits have tests of their own.
        public_board_per_minute=TEST_PUBLIC_LIMIT,
        public_apply_per_minute=TEST_PUBLIC_LIMIT,
        api_rate_limits=TEST_API_RATE_LIMITS,
    )


@dataclass
class Api:
    """An in-process client of the app, with helpers to act as a given key."""

    app: Any
    client: Any
    backend: str
    database: db.Database
    default_key: str | None = None

    def activate(self) -> Api:
        """Point the process's storage at this app's database and forget the default key."""
        from hirebridge.security import last_used

        db.use(self.database)
        last_used.forget()
        self.default_key = None
        return self

    def request(
        self, method: str, path: str, *, key: str | None = None, **kwargs: Any
    ) -> httpx.Response:
        headers = dict(kwargs.pop("headers", {}) or {})
        key = key or self.default_key
        if key and "Authorization" not in headers and "X-Api-Key" not in headers:
            headers["Authorization"] = f"Bearer {key}"
        return self.client.request(method, path, headers=headers, **kwargs)  # type: ignore[no-any-return]

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("PUT", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("DELETE", path, **kwargs)


def build_api(
    backend: str,
    database_url: str,
    redis_url: str,
    data_dir: Path,
    *,
    replica_url: str | None = None,
    replica_max_lag_seconds: float = 0,
) -> Iterator[Api]:
    from hirebridge.app import create_app

    settings = make_settings(database_url, redis_url, data_dir)
    if replica_url is not None:
        # However far behind, unless told: the pair's test database applies each commit on the
        # replica before the commit returns (``replica_database``), and the lag guard has tests
        # of its own.
        settings = dataclasses.replace(
            settings,
            database_replica_url=replica_url,
            database_replica_max_lag_seconds=replica_max_lag_seconds,
        )
    app = create_app(settings)
    database = db.current()
    with app.test_client() as client:
        yield Api(app=app, client=client, backend=backend, database=database)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Tests of the app run on each backend; a module that sets ``ALSO_ON_A_REPLICA`` runs its
    tests once more on a PostgreSQL primary with a streaming replica serving the reads that may
    lag (``replica_pair``), when PostgreSQL is among the backends."""
    if "api_backend" in metafunc.fixturenames:
        backends = list(BACKENDS)
        if "postgresql" in BACKENDS and getattr(metafunc.module, "ALSO_ON_A_REPLICA", False):
            backends.append("replica")
        metafunc.parametrize("api_backend", backends, indirect=True, scope="session")


@pytest.fixture(scope="session")
def api_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def session_api(
    api_backend: str,
    request: pytest.FixtureRequest,
    redis_url: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Api]:
    """The app on each backend in turn (PostgreSQL, then SQLite), built once per backend."""
    data_dir = tmp_path_factory.mktemp("data")
    if api_backend == "replica":
        primary_url, standby_url = request.getfixturevalue("replica_database")
        yield from build_api(api_backend, primary_url, redis_url, data_dir, replica_url=standby_url)
        return
    database_url = request.getfixturevalue(f"{api_backend}_url")
    yield from build_api(api_backend, database_url, redis_url, data_dir)


@pytest.fixture
def api(session_api: Api) -> Api:
    return session_api.activate()


@pytest.fixture(scope="session")
def session_pg_api(
    postgresql_url: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Api]:
    """The app on PostgreSQL only, for suites that need not run twice (contract tests)."""
    yield from build_api("postgresql", postgresql_url, redis_url, tmp_path_factory.mktemp("data"))


@pytest.fixture
def pg_api(session_pg_api: Api) -> Api:
    return session_pg_api.activate()


@pytest.fixture
def uncached_job_reads() -> Iterator[None]:
    """Job reads as with ``READ_CACHE_SECONDS=0``: every call reads the database."""
    from handlers.read_cache import job_pages

    job_pages.configure(0)
    yield
    job_pages.configure(60)

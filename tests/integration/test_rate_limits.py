"""Per-key rate limits (docs/requirements.md#r1), monthly quotas (docs/requirements.md#c1) and their
Redis-outage behaviour, through HTTP.

Every app here counts in Redis database 11, flushed before each test, so counts start at 0 and no
other test's calls (nor the other backend's, whose key and employer ids overlap) are counted.
"""

from __future__ import annotations

import dataclasses
import subprocess
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
from sqlalchemy import func, select

from hirebridge_floor.settings import DEFAULT_API_RATE_LIMITS, Settings
from storage import clock, credits, db, employers, usage
from storage.models import CreditKind, CreditLedgerEntry, Plan
from tests.support.apps import Api, make_settings
from tests.support.databases import TEST_REDIS_URL
from tests.support.factories import EmployerFactory, KeyFactory
from tests.support.live import free_port, service_env, start_live_server, stop_live_server

from .test_cli import hirebridge

# A Redis database of its own on the suite's server (TEST_REDIS_URL), emptied per test.
LIMITS_REDIS_URL = TEST_REDIS_URL.rpartition("/")[0] + "/11"
JOBS = "/api/v1/jobs"
SEARCH = "/api/v1/candidates/search"

AppFactory = Callable[..., Any]


@pytest.fixture
def limits_redis() -> str:
    client = redis.Redis.from_url(LIMITS_REDIS_URL)
    client.flushdb()
    client.close()
    return LIMITS_REDIS_URL


@pytest.fixture
def limited_app(
    api: Api, limits_redis: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[AppFactory]:
    """Builds in-process apps on ``api``'s database with the given limits and Redis."""
    from hirebridge.app import create_app

    stack: list[Any] = []

    def build(redis_url: str = limits_redis, **limits: int) -> Any:
        settings = dataclasses.replace(
            make_settings(str(api.database.url), redis_url, tmp_path_factory.mktemp("keyed")),
            api_rate_limits={**DEFAULT_API_RATE_LIMITS, **limits},
            usage_flush_seconds=0.05,
        )
        app = create_app(settings)
        db.use(api.database)
        client = app.test_client()
        stack.append(client)
        return client.__enter__()

    yield build
    for client in reversed(stack):
        client.__exit__(None, None, None)
    api.activate()


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def new_key(make_employer: EmployerFactory, make_key: KeyFactory, **employer: Any) -> str:
    return make_key(make_employer(**employer))[1]


class TestRateLimits:
    def test_each_family_is_limited_per_key_with_headers(
        self, limited_app: AppFactory, make_employer: EmployerFactory, make_key: KeyFactory
    ) -> None:
        client = limited_app(jobs=3, pipeline=2)
        key, other_key = (new_key(make_employer, make_key) for _ in range(2))
        responses = [client.get(JOBS, headers=bearer(key)) for _ in range(4)]
        assert [r.status_code for r in responses] == [200, 200, 200, 429]
        assert [r.headers["X-RateLimit-Remaining"] for r in responses] == ["2", "1", "0", "0"]
        assert {r.headers["X-RateLimit-Limit"] for r in responses} == {"3"}
        assert all(0 <= int(r.headers["X-RateLimit-Reset"]) <= 60 for r in responses)
        refused = responses[-1]
        assert refused.json()["code"] == "rate_limited"
        assert 0 <= int(refused.headers["Retry-After"]) <= 60
        # Another family of the same key, and the same family of another key, count apart.
        stages = client.get("/api/v1/pipeline/stages", headers=bearer(key))
        assert stages.status_code == 200
        assert stages.headers["X-RateLimit-Limit"] == "2"
        assert client.get(JOBS, headers={"X-Api-Key": other_key}).status_code == 200

    def test_errors_carry_the_headers_and_401_does_not(
        self, limited_app: AppFactory, make_employer: EmployerFactory, make_key: KeyFactory
    ) -> None:
        client = limited_app(jobs=5)
        employer_id = make_employer()
        _, key = make_key(employer_id)
        _, reader = make_key(employer_id, "jobs:read")
        missing = client.get(f"{JOBS}/999999999", headers=bearer(key))
        invalid = client.get(f"{JOBS}?pageSize=0", headers=bearer(key))
        forbidden = client.post(JOBS, headers=bearer(reader), json={"title": "x"})
        unknown = client.get(JOBS, headers=bearer("pk_live_" + "x" * 40))
        assert [missing.status_code, invalid.status_code, forbidden.status_code] == [404, 400, 403]
        assert missing.headers["X-RateLimit-Remaining"] == "4"
        assert invalid.headers["X-RateLimit-Remaining"] == "3"
        assert forbidden.headers["X-RateLimit-Limit"] == "5"
        assert unknown.status_code == 401
        assert "X-RateLimit-Limit" not in unknown.headers

    def test_the_real_defaults(
        self,
        limited_app: AppFactory,
        make_employer: EmployerFactory,
        make_key: KeyFactory,
    ) -> None:
        assert Settings().api_rate_limits == {
            "jobs": 100,
            "search": 30,
            "candidate": 60,
            "pipeline": 60,
            "other": 60,
        }
        assert Settings.from_env({}).api_rate_limits == Settings().api_rate_limits
        client = limited_app()
        key = new_key(make_employer, make_key)
        # Refused bodies cost nothing and still show each family's limit.
        calls = {
            "100": client.get(JOBS, headers=bearer(key)),
            "30": client.post(SEARCH, headers=bearer(key), json={}),
            "60": client.get("/api/v1/candidates", headers=bearer(key)),
        }
        for limit, response in calls.items():
            assert response.headers["X-RateLimit-Limit"] == limit, response.request.url
        for path in ("/api/v1/pipeline/stages", "/api/v1/webhooks"):
            assert client.get(path, headers=bearer(key)).headers["X-RateLimit-Limit"] == "60"

    def test_a_search_refused_for_its_rate_charges_nothing(
        self, limited_app: AppFactory, make_employer: EmployerFactory, make_key: KeyFactory
    ) -> None:
        client = limited_app(search=1)
        employer_id = make_employer(cv_search=5)
        _, key = make_key(employer_id)
        first = client.post(SEARCH, headers=bearer(key), json={"query": "engineer"})
        assert first.status_code == 200
        before = search_credits(employer_id)
        refused = client.post(SEARCH, headers=bearer(key), json={"query": "engineer"})
        assert refused.status_code == 429
        assert refused.json()["code"] == "rate_limited"
        assert search_credits(employer_id) == before == (4, 2)

    def test_the_multiplier_set_with_the_cli_raises_every_family(
        self,
        api: Api,
        limited_app: AppFactory,
        make_employer: EmployerFactory,
        make_key: KeyFactory,
        tmp_path: Path,
    ) -> None:
        employer_id = make_employer()
        _, key = make_key(employer_id)
        env = service_env(
            api.database.url.render_as_string(hide_password=False), LIMITS_REDIS_URL, tmp_path
        )
        result = hirebridge(
            env, "employer", "set-rate", "--employer", str(employer_id), "--multiplier", "3"
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip().splitlines()[-1] == "3"
        refused = hirebridge(
            env, "employer", "set-rate", "--employer", str(employer_id), "--multiplier", "0"
        )
        assert refused.returncode != 0
        client = limited_app(jobs=2, pipeline=1)
        statuses = [client.get(JOBS, headers=bearer(key)).status_code for _ in range(7)]
        assert statuses == [200] * 6 + [429]
        stages = client.get("/api/v1/pipeline/stages", headers=bearer(key))
        assert stages.headers["X-RateLimit-Limit"] == "3"

    def test_a_window_runs_a_minute_from_its_first_call_whatever_the_clock(
        self, limited_app: AppFactory, make_employer: EmployerFactory, make_key: KeyFactory
    ) -> None:
        """A key's window starts at its first call (a Redis counter that expires a minute later),
        not at the clock's minute: a burst across a minute boundary stays in one window, which is
        why no test here waits for a fresh minute. The process clock is moved, not waited for."""
        client = limited_app(jobs=3)
        key = new_key(make_employer, make_key)
        now = datetime.now(UTC)
        before_a_minute = now.replace(second=59, microsecond=500_000)
        try:
            clock.set_offset(before_a_minute - now)
            before = [client.get(JOBS, headers=bearer(key)).status_code for _ in range(2)]
            clock.set_offset(before_a_minute + timedelta(seconds=1) - now)
            after = [client.get(JOBS, headers=bearer(key)).status_code for _ in range(2)]
        finally:
            clock.set_offset(timedelta(0))
        assert before + after == [200, 200, 200, 429]

    def test_without_redis_keyed_calls_fail_open(
        self, limited_app: AppFactory, make_employer: EmployerFactory, make_key: KeyFactory
    ) -> None:
        client = limited_app(f"redis://127.0.0.1:{free_port()}/0", jobs=1)
        employer_id = make_employer()
        _, key = make_key(employer_id)
        with db.unit_of_work() as session:
            employers.set_plan(session, employer_id, Plan.FREE)
        responses = [client.get(JOBS, headers=bearer(key)) for _ in range(3)]
        # Neither the rate limit nor the quota (0 on the free plan) refuses anything.
        assert [r.status_code for r in responses] == [200, 200, 200]
        assert "X-RateLimit-Limit" not in responses[0].headers


def search_credits(employer_id: int) -> tuple[int, int]:
    """The cv_search balance and the number of cv_search ledger rows."""
    with db.unit_of_work() as session:
        rows = session.scalar(
            select(func.count())
            .select_from(CreditLedgerEntry)
            .where(
                CreditLedgerEntry.employer_id == employer_id,
                CreditLedgerEntry.kind == CreditKind.CV_SEARCH,
            )
        )
        return credits.balance(session, employer_id, CreditKind.CV_SEARCH), int(rows or 0)


def persisted(employer_id: int, month: str) -> int:
    with db.unit_of_work() as session:
        return usage.persisted_requests(session, employer_id, month)


def wait_for_persisted(employer_id: int, month: str, expected: int) -> None:
    deadline = time.monotonic() + 10
    while persisted(employer_id, month) != expected and time.monotonic() < deadline:
        time.sleep(0.05)
    assert persisted(employer_id, month) == expected


class TestMonthlyQuota:
    def test_quota_refuses_until_next_month_and_set_plan_changes_it(
        self,
        api: Api,
        limited_app: AppFactory,
        make_employer: EmployerFactory,
        make_key: KeyFactory,
        tmp_path: Path,
    ) -> None:
        employer_id = make_employer(plan=Plan.STARTER)
        _, key = make_key(employer_id)
        now = clock.utcnow()
        month = usage.month_of(now)
        with db.unit_of_work() as session:
            usage.persist_requests(session, employer_id, month, 998)
        client = limited_app()
        # The counter is new in Redis: the persisted 998 are added to the first call.
        statuses = [client.get(JOBS, headers=bearer(key)) for _ in range(3)]
        assert [r.status_code for r in statuses] == [200, 200, 429]
        refused = statuses[-1]
        assert refused.json()["code"] == "quota_exceeded"
        to_next_month = (usage.next_month_start(now) - now).total_seconds()
        assert abs(int(refused.headers["Retry-After"]) - to_next_month) <= 30
        assert "X-RateLimit-Limit" in refused.headers
        wait_for_persisted(employer_id, month, 1001)

        env = service_env(
            api.database.url.render_as_string(hide_password=False), LIMITS_REDIS_URL, tmp_path
        )
        result = hirebridge(
            env, "employer", "set-plan", "--employer", str(employer_id), "--plan", "professional"
        )
        assert result.stdout.strip().splitlines()[-1] == "professional", result.stderr
        assert client.get(JOBS, headers=bearer(key)).status_code == 200
        hirebridge(env, "employer", "set-plan", "--employer", str(employer_id), "--plan", "starter")
        assert client.get(JOBS, headers=bearer(key)).status_code == 429

        next_month = usage.next_month_start(now) + timedelta(hours=1)
        clock.set_offset(next_month - datetime.now(UTC))
        try:
            renewed = client.get(JOBS, headers=bearer(key))
        finally:
            clock.set_offset(timedelta(0))
        assert renewed.status_code == 200
        wait_for_persisted(employer_id, usage.month_of(next_month), 1)

    def test_usage_survives_a_redis_restart(
        self,
        limited_app: AppFactory,
        make_employer: EmployerFactory,
        make_key: KeyFactory,
        tmp_path: Path,
    ) -> None:
        employer_id = make_employer(plan=Plan.STARTER)
        _, key = make_key(employer_id)
        month = usage.month_of(clock.utcnow())
        with db.unit_of_work() as session:
            usage.persist_requests(session, employer_id, month, 995)
        port = free_port()
        with own_redis(port, tmp_path):
            client = limited_app(f"redis://127.0.0.1:{port}/0")
            assert [client.get(JOBS, headers=bearer(key)).status_code for _ in range(3)] == [
                200
            ] * 3
            wait_for_persisted(employer_id, month, 998)
        with own_redis(port, tmp_path):
            # A fresh Redis knows nothing; the persisted 998 come back on the first call.
            statuses = [client.get(JOBS, headers=bearer(key)).status_code for _ in range(4)]
            counter = redis.Redis(port=port).get(f"hirebridge:usage:{employer_id}:{month}")
        assert statuses[-1] == 429
        # A call on a connection Redis dropped is served uncounted (fail open), not refused.
        assert statuses[:2] == [200, 200]
        assert counter is not None and int(counter) >= 1001


@contextmanager
def own_redis(port: int, directory: Path) -> Iterator[None]:
    """A redis-server of this test's own, without persistence (never the system one)."""
    process = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(directory),
        ],
        stdout=subprocess.DEVNULL,
    )
    try:
        client = redis.Redis(port=port)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        client.close()
        yield
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_exactly_the_limit_succeeds_across_two_worker_processes(
    pg_api: Api,
    postgresql_url: str,
    limits_redis: str,
    make_employer: EmployerFactory,
    make_key: KeyFactory,
    tmp_path: Path,
) -> None:
    env = {**service_env(postgresql_url, limits_redis, tmp_path), "API_RATE_LIMITS": "jobs=10"}
    server = start_live_server(env, workers=2)
    try:
        _, key = make_key(make_employer())

        def call(_: int) -> int:
            with httpx.Client(base_url=server.base_url, headers={"X-Api-Key": key}) as client:
                return client.get(JOBS, timeout=30).status_code

        with ThreadPoolExecutor(max_workers=30) as pool:
            statuses = Counter(pool.map(call, range(30)))
    finally:
        stop_live_server(server)
    assert statuses == Counter({200: 10, 429: 20})

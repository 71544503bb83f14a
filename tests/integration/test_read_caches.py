"""Cached principals and job pages (hirebridge.admission, handlers.read_cache), through HTTP.

Each test changes the database twice: behind the application's back (plain SQL on the engine,
which no session hook sees), to show that the cached answer is really what is served, and then
through a unit of work, whose commit must make every process read the change at once.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta

import pytest
import redis
import redis.asyncio as aioredis
from sqlalchemy import text

from hirebridge import admission
from hirebridge.admission import Admission, Admitted, Miss
from hirebridge_floor.redis_client import PerLoop
from storage import api_keys, db, employers, jobs
from storage.api_keys import Principal
from storage.models import Plan
from tests.support.apps import Api
from tests.support.factories import EmployerFactory, KeyFactory, Tenant

JOBS = "/api/v1/jobs"
DRAFT = {
    "title": "Site reliability engineer",
    "reference": "SRE-1",
    "city": "Leeds",
    "country": "United Kingdom",
    "employmentType": "FullTime",
    "remoteType": "OnSite",
    "applyMethod": "EmailApply",
    "applyEmailAddress": "jobs@example.com",
    "description": "Keep the lights on.",
}


def behind_the_back(statement: str, **params: object) -> None:
    """Change the database without a session: no cache hears of it."""
    with db.current().engine.begin() as connection:
        connection.execute(text(statement), params)


def titles(api: Api) -> list[str]:
    response = api.get(JOBS)
    assert response.status_code == 200, response.text
    return [item["title"] for item in response.json()["items"]]


@pytest.fixture
def job_id(api: Api, tenant: Tenant) -> int:
    created = api.post(JOBS, json=DRAFT)
    assert created.status_code == 201, created.text
    return int(created.json()["id"])


class TestJobPages:
    def test_a_page_is_served_from_the_cache_until_a_commit_changes_the_jobs(
        self, api: Api, tenant: Tenant, job_id: int
    ) -> None:
        assert titles(api) == ["Site reliability engineer"]
        behind_the_back("UPDATE jobs SET title = 'Renamed' WHERE id = :id", id=job_id)
        # The cached page is what is served: the database was not read again.
        assert titles(api) == ["Site reliability engineer"]

        changed = api.put(f"{JOBS}/{job_id}", json={"title": "Platform engineer"})
        assert changed.status_code == 200, changed.text
        assert titles(api) == ["Platform engineer"]

    def test_a_new_job_and_another_employers_change(
        self,
        api: Api,
        tenant: Tenant,
        job_id: int,
        make_employer: EmployerFactory,
        make_key: KeyFactory,
    ) -> None:
        assert titles(api) == ["Site reliability engineer"]
        other_key = make_key(make_employer())[1]
        assert api.post(JOBS, json=DRAFT, key=other_key).status_code == 201
        behind_the_back("UPDATE jobs SET title = 'Renamed' WHERE id = :id", id=job_id)
        # Another employer's new job moves only that employer's generation.
        assert titles(api) == ["Site reliability engineer"]
        second = api.post(JOBS, json={**DRAFT, "title": "Data engineer"})
        assert second.status_code == 201
        assert titles(api) == ["Data engineer", "Renamed"]

    def test_the_expiry_sweep_invalidates_every_employers_pages(
        self, api: Api, tenant: Tenant, job_id: int
    ) -> None:
        assert api.post(f"{JOBS}/{job_id}/publish", json={}).status_code == 200
        assert api.get(JOBS).json()["items"][0]["status"] == "Active"
        behind_the_back(
            "UPDATE jobs SET expiry_date = :past WHERE id = :id",
            past=datetime.now(UTC) - timedelta(minutes=1),
            id=job_id,
        )
        assert api.get(JOBS).json()["items"][0]["status"] == "Active"
        with db.unit_of_work() as session:
            assert job_id in jobs.expire_due_jobs(session)
        assert api.get(JOBS).json()["items"][0]["status"] == "Expired"

    def test_a_redis_that_lost_its_data_never_serves_an_old_page(
        self, api: Api, tenant: Tenant, job_id: int, redis_url: str
    ) -> None:
        # A restart without persistence: every generation starts again from nothing, so the
        # page cached now, at generation 0, would be served again after the next restart were it
        # not for the epoch.
        redis.Redis.from_url(redis_url).flushdb()
        assert titles(api) == ["Site reliability engineer"]
        behind_the_back("UPDATE jobs SET title = 'Renamed' WHERE id = :id", id=job_id)
        redis.Redis.from_url(redis_url).flushdb()
        assert titles(api) == ["Renamed"]

    def test_one_job_is_cached_per_version_and_another_employers_stays_missing(
        self,
        api: Api,
        tenant: Tenant,
        job_id: int,
        make_employer: EmployerFactory,
        make_key: KeyFactory,
    ) -> None:
        for path in (f"{JOBS}/{job_id}", f"/api/v2/jobs/{job_id}"):
            assert api.get(path).status_code == 200
        behind_the_back("UPDATE jobs SET description = 'Changed' WHERE id = :id", id=job_id)
        assert api.get(f"{JOBS}/{job_id}").json()["description"] == "Keep the lights on."
        assert api.get(f"/api/v2/jobs/{job_id}").json()["data"]["description"] == (
            "Keep the lights on."
        )
        other_key = make_key(make_employer())[1]
        for _ in range(2):
            assert api.get(f"{JOBS}/{job_id}", key=other_key).status_code == 404
        assert api.put(f"{JOBS}/{job_id}", json={"title": "Renamed"}).status_code == 200
        assert api.get(f"{JOBS}/{job_id}").json()["description"] == "Changed"
        assert api.get(f"/api/v2/jobs/{job_id}").json()["data"]["title"] == "Renamed"

    def test_v2_cursor_pages_are_cached_and_invalidated_alike(
        self, api: Api, tenant: Tenant, job_id: int
    ) -> None:
        second = api.post(JOBS, json={**DRAFT, "title": "Data engineer"}).json()["id"]

        def v2_titles(cursor: str | None = None) -> tuple[list[str], str | None]:
            query = "?limit=1" + (f"&cursor={cursor}" if cursor else "")
            response = api.get(f"/api/v2/jobs{query}")
            assert response.status_code == 200, response.text
            body = response.json()
            return [job["title"] for job in body["data"]], body["pagination"]["nextCursor"]

        first_page, cursor = v2_titles()
        assert first_page == ["Data engineer"] and cursor is not None
        assert v2_titles(cursor)[0] == ["Site reliability engineer"]
        behind_the_back("UPDATE jobs SET title = 'Renamed' WHERE id = :id", id=job_id)
        assert v2_titles(cursor)[0] == ["Site reliability engineer"]
        assert api.get(f"/api/v2/jobs?limit=1&cursor={cursor}x").status_code == 400
        closed = api.delete(f"/api/v2/jobs/{second}")
        assert closed.status_code == 200, closed.text
        assert v2_titles(cursor)[0] == ["Renamed"]

    def test_read_cache_seconds_zero_reads_the_database_every_time(
        self, api: Api, tenant: Tenant, job_id: int
    ) -> None:
        from handlers.read_cache import job_pages

        job_pages.configure(0)
        try:
            assert titles(api) == ["Site reliability engineer"]
            behind_the_back("UPDATE jobs SET title = 'Renamed' WHERE id = :id", id=job_id)
            assert titles(api) == ["Renamed"]
        finally:
            job_pages.configure(60)


class TestCachedPrincipals:
    def test_a_revocation_applies_to_the_next_call(self, api: Api, tenant: Tenant) -> None:
        assert api.get(JOBS).status_code == 200
        behind_the_back(
            "UPDATE api_keys SET scopes = :scopes WHERE id = :id",
            scopes='["jobs:read"]',
            id=tenant.key_id,
        )
        # Still cached: the key's scopes are known without reading the database.
        assert api.get("/api/v1/webhooks").status_code == 200
        with db.unit_of_work() as session:
            api_keys.revoke_key(session, tenant.key_id)
        assert api.get(JOBS).status_code == 401

    def test_a_new_plan_applies_to_the_next_call(self, api: Api, tenant: Tenant) -> None:
        assert api.get(JOBS).status_code == 200
        with db.unit_of_work() as session:
            employers.set_plan(session, tenant.employer_id, Plan.FREE)
        refused = api.get(JOBS)
        assert refused.status_code == 429
        assert refused.json()["code"] == "quota_exceeded"

    def test_an_expiry_passing_while_cached_is_a_401(self, api: Api, tenant: Tenant) -> None:
        with db.unit_of_work() as session:
            key = api_keys.get_key(session, tenant.key_id)
            key.expires_at = datetime.now(UTC) + timedelta(seconds=2)
        assert api.get(JOBS).status_code == 200
        time.sleep(2.5)
        assert api.get(JOBS).status_code == 401

    def test_the_last_used_stamp_leaves_the_cache_alone(
        self, api: Api, tenant: Tenant, redis_url: str
    ) -> None:
        client = redis.Redis.from_url(redis_url)
        assert api.get(JOBS).status_code == 200
        before = client.get(admission.PRINCIPAL_GENERATION_KEY)
        with db.unit_of_work() as session:
            api_keys.record_key_use(session, tenant.key_id, datetime.now(UTC) + timedelta(hours=1))
        assert client.get(admission.PRINCIPAL_GENERATION_KEY) == before
        with db.unit_of_work() as session:
            api_keys.revoke_key(session, tenant.key_id)
        assert int(client.get(admission.PRINCIPAL_GENERATION_KEY) or 0) == int(before or 0) + 1


@pytest.fixture
def own_admission(redis_url: str) -> Admission:
    return Admission(PerLoop(lambda: aioredis.Redis.from_url(redis_url)), usage_ttl_seconds=60)


def test_a_lookup_that_raced_a_change_is_used_once_and_never_stored(
    own_admission: Admission, redis_url: str
) -> None:
    principal = Principal(key_id=10**9, employer_id=10**9, scopes=frozenset({"jobs:read"}))
    now = datetime.now(UTC)
    secret_hash = "0" * 64

    async def admit(read: tuple[Principal, str] | None = None) -> object:
        return await own_admission.admit(
            secret_hash, now=now, family="jobs", per_minute=10, month="2026-11", read=read
        )

    async def scenario() -> None:
        try:
            await steps()
        finally:
            await own_admission.clients.get().aclose()

    async def steps() -> None:
        miss = await admit()
        assert isinstance(miss, Miss)
        # A revocation commits while the database is being read.
        redis.Redis.from_url(redis_url).incr(admission.PRINCIPAL_GENERATION_KEY)
        used = await admit(read=(principal, miss.generation))
        assert isinstance(used, Admitted) and used.principal == principal
        assert isinstance(await admit(), Miss)
        fresh = await admit()
        assert isinstance(fresh, Miss)
        stored = await admit(read=(principal, fresh.generation))
        assert isinstance(stored, Admitted)
        cached = await admit()
        assert isinstance(cached, Admitted) and cached.principal == principal
        assert cached.rate.remaining == 10 - 3

    asyncio.run(scenario())

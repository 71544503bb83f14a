"""Uncached job lists are read on the event loop (``storage.loop_reads``) on PostgreSQL: the same
replies as read on a worker thread, and the thread still serves whatever the loop cannot."""

from __future__ import annotations

import asyncio
import secrets
from typing import Any

import psycopg
from sqlalchemy import bindparam, create_engine, func, select, text

from storage.loop_reads import APPLICATION_NAME, LoopReads
from tests.support.apps import Api
from tests.support.databases import admin_conninfo
from tests.support.factories import FULL_CANDIDATE, SEED_JOB, V2_JOB, EmployerFactory, KeyFactory

LISTS = [
    "/api/v1/jobs",
    "/api/v1/jobs?status=Active",
    "/api/v1/jobs?pageSize=2&page=2",
    "/api/v2/jobs",
    "/api/v2/jobs?status=open",
    "/api/v2/jobs?limit=2",
    "/api/v1/candidates",
    "/api/v1/candidates?pageSize=1&page=2",
    "/api/v2/candidates",
    "/api/v2/candidates?limit=1",
    "/api/v1/pipeline/stages/{stage}/candidates",
    "/api/v2/pipeline/stages/{stage}/candidates",
    "/api/v2/pipeline/stages/{stage}/candidates?limit=1",
]


def loop_reads(api: Api) -> LoopReads:
    assert api.database.loop_reads is not None
    return api.database.loop_reads


async def reopen(reads: LoopReads) -> None:
    reads.open()


def as_employer_with_lists(api: Api, make_employer: EmployerFactory, make_key: KeyFactory) -> str:
    """A new employer with jobs of every shape a list shows (salaries whole, with cents and none,
    each kind of place, published and closed, text that JSON must escape), a talent pool and
    applications at the first stage of its pipeline, whose id is returned."""
    employer_id = make_employer(job_posting=5)
    _key_id, api.default_key = make_key(employer_id)
    bodies: list[dict[str, Any]] = [
        SEED_JOB,
        {**SEED_JOB, "salaryMin": 50000, "salaryMax": 65000.5, "salaryCurrency": "GBP"},
        {
            **SEED_JOB,
            "title": 'Engineer "Ü" \\ tab\there',
            "applyMethod": "UrlApply",
            "applyUrl": "https://example.com/apply?x=1&y=2",
        },
    ]
    made = []
    for body in bodies:
        reply = api.post("/api/v1/jobs", json=body)
        assert reply.status_code == 201, reply.text
        made.append(reply.json()["id"])
    # Placed by v2 where no country is known, without a reference: no city, country or reference
    # of its own.
    unplaced = {field: value for field, value in V2_JOB.items() if field != "reference"}
    anywhere = api.post("/api/v2/jobs", json={**unplaced, "location": "Remote, anywhere"})
    assert anywhere.status_code == 201, anywhere.text
    assert api.post(f"/api/v1/jobs/{made[1]}/publish", json={}).status_code == 200
    assert api.post(f"/api/v1/jobs/{made[2]}/publish", json={}).status_code == 200
    assert api.delete(f"/api/v1/jobs/{made[2]}").status_code in (200, 204)
    # The talent pool: a record of the employer's own, with every field, and two applicants.
    assert api.post("/api/v1/candidates", json=FULL_CANDIDATE).status_code == 201
    for name in ("Tom Jones", "Ana Lima"):
        applicant = {
            "fullName": name,
            "email": f"{secrets.token_hex(6)}@example.com",
            "cvText": "Process engineer, twelve years of HVAC design.",
        }
        applied = api.client.post(f"/public/v1/jobs/{made[1]}/apply", json=applicant)
        assert applied.status_code in (200, 201, 202), applied.text
    stages = api.get("/api/v1/pipeline/stages").json()["items"]
    return str(stages[0]["id"])


def test_uncached_lists_are_read_on_the_loop_and_answer_as_on_a_thread(
    pg_api: Api, make_employer: EmployerFactory, make_key: KeyFactory, uncached_job_reads: None
) -> None:
    stage = as_employer_with_lists(pg_api, make_employer, make_key)
    lists = [path.format(stage=stage) for path in LISTS]
    reads = loop_reads(pg_api)
    on_the_loop = {}
    for path in lists:
        served = reads.served
        reply = pg_api.get(path)
        assert reply.status_code == 200, reply.text
        assert reads.served == served + 1, path
        on_the_loop[path] = reply.content
    # v2's next page, by the cursor the loop issued.
    cursor = pg_api.get("/api/v2/jobs?limit=2").json()["pagination"]["nextCursor"]
    assert cursor
    on_the_loop["next"] = pg_api.get("/api/v2/jobs", params={"limit": 2, "cursor": cursor}).content

    # With the loop's connections closed (as at the end of the app's lifespan), every read runs
    # on a worker thread, as before the loop served any.
    portal = pg_api.client.portal
    portal.call(reads.close)
    try:
        served = reads.served
        for path in lists:
            assert pg_api.get(path).content == on_the_loop[path], path
        next_page = pg_api.get("/api/v2/jobs", params={"limit": 2, "cursor": cursor})
        assert next_page.content == on_the_loop["next"]
        assert reads.served == served
    finally:
        portal.call(reopen, reads)
    assert (
        b"65000.5" in on_the_loop["/api/v1/jobs"]
        and b'"salaryMin":50000,' in on_the_loop["/api/v1/jobs"]
    )


def test_a_page_past_the_end_is_counted_on_a_thread(
    pg_api: Api, make_employer: EmployerFactory, make_key: KeyFactory, uncached_job_reads: None
) -> None:
    as_employer_with_lists(pg_api, make_employer, make_key)
    reply = pg_api.get("/api/v1/jobs", params={"page": 9})
    assert reply.status_code == 200
    assert reply.json()["total"] == 4 and reply.json()["items"] == []


def loop_connections(database: str) -> list[int]:
    with psycopg.connect(admin_conninfo(), autocommit=True) as admin:
        rows = admin.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND application_name = %s",
            (database, APPLICATION_NAME),
        ).fetchall()
    return [pid for (pid,) in rows]


def test_a_lost_connection_is_read_again_on_a_thread_and_replaced(
    pg_api: Api, make_employer: EmployerFactory, make_key: KeyFactory, uncached_job_reads: None
) -> None:
    as_employer_with_lists(pg_api, make_employer, make_key)
    reads = loop_reads(pg_api)
    before = pg_api.get("/api/v1/jobs")
    name = pg_api.database.url.database
    assert name is not None
    pids = loop_connections(name)
    assert pids
    with psycopg.connect(admin_conninfo(), autocommit=True) as admin:
        for pid in pids:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))

    served = reads.served
    after = pg_api.get("/api/v1/jobs")
    assert after.status_code == 200 and after.content == before.content
    assert reads.served == served
    # The next read opens a new connection on the loop.
    assert pg_api.get("/api/v1/jobs").content == before.content
    assert reads.served == served + 1
    assert not set(loop_connections(name)) & set(pids)


def test_a_loop_opens_at_most_its_pool_and_waits_for_none(pg_api: Api) -> None:
    """With every connection busy, a read is left to a thread at once; closing the loop's set
    closes its connections."""
    database = pg_api.database
    name = database.url.database
    assert name is not None
    reads = LoopReads(database.engine, None, max_size=2)
    sleep = select(func.pg_sleep(bindparam("seconds")))

    # The application's own loop keeps its idle connections meanwhile.
    kept = set(loop_connections(name))

    async def three_at_once() -> list[Any]:
        reads.open()
        try:
            found = await asyncio.gather(
                *(reads.rows(sleep, {"seconds": 0.3}, replica_safe=False) for _ in range(3))
            )
            assert len(set(loop_connections(name)) - kept) == 2
            again = await reads.rows(sleep, {"seconds": 0}, replica_safe=False)
            assert again is not None
            return found
        finally:
            await reads.close()

    found = asyncio.run(three_at_once())
    assert sorted(found, key=lambda rows: rows is None) == [[("",)], [("",)], None]
    assert set(loop_connections(name)) == kept


def test_loop_connections_are_opened_as_the_database_url_says_and_run_in_utc(pg_api: Api) -> None:
    """The URL's own options and connection name are kept; the session's zone is UTC, as on the
    engine's connections, whatever the URL asks."""
    url = pg_api.database.url.update_query_dict(
        {
            "application_name": "partner-board",
            "options": "-c statement_timeout=4321 -c TimeZone=Asia/Dubai",
        }
    )
    reads = LoopReads(create_engine(url), None, max_size=1)
    settings = text(
        "SELECT current_setting('application_name'), current_setting('statement_timeout'),"
        " current_setting('TimeZone')"
    )

    async def read() -> Any:
        reads.open()
        try:
            return await reads.rows(settings, {}, replica_safe=False)
        finally:
            await reads.close()

    assert asyncio.run(read()) == [("partner-board", "4321ms", "UTC")]

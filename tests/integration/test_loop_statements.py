"""Uncached lists are read, and new drafts written, on the event loop
(``storage.loop_statements``) on PostgreSQL: the same replies as on a worker thread, and the
thread still serves whatever the loop cannot."""

from __future__ import annotations

import asyncio
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import psycopg
from sqlalchemy import Engine, bindparam, create_engine, event, func, select, text

from storage import jobs
from storage.loop_statements import APPLICATION_NAME, LoopStatements
from storage.models import DeliveryStatus
from tests.support.apps import Api
from tests.support.databases import admin_conninfo
from tests.support.deliveries import add_delivery, targets_policy
from tests.support.factories import FULL_CANDIDATE, SEED_JOB, V2_JOB, EmployerFactory, KeyFactory
from tests.support.statements import recorded_statements

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
    "/api/v1/webhooks/{webhook}/deliveries",
    "/api/v1/webhooks/{webhook}/deliveries?status=dead",
    "/api/v1/webhooks/{webhook}/deliveries?pageSize=1&page=2",
    "/api/v2/webhooks/{webhook}/deliveries",
    "/api/v2/webhooks/{webhook}/deliveries?limit=1",
]


def loop_statements(api: Api) -> LoopStatements:
    assert api.database.loop_statements is not None
    return api.database.loop_statements


async def reopen(statements: LoopStatements) -> None:
    statements.open()


def as_employer_with_lists(
    api: Api, make_employer: EmployerFactory, make_key: KeyFactory
) -> dict[str, str]:
    """A new employer with jobs of every shape a list shows (salaries whole, with cents and none,
    each kind of place, published and closed, text that JSON must escape), a talent pool,
    applications at the first stage of its pipeline, and a webhook's deliveries of each shape
    (attempts that failed, none, a dead letter): the stage's and the webhook's ids."""
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
    with targets_policy(allow_insecure=True):
        webhook = api.post(
            "/api/v1/webhooks",
            json={
                "url": "http://127.0.0.1:9/hooks/hirebridge",
                "events": ["application.submitted"],
            },
        )
    assert webhook.status_code == 201, webhook.text
    webhook_id = webhook.json()["id"]
    add_delivery(webhook_id, employer_id, attempts=[500, None, 204])
    add_delivery(webhook_id, employer_id)
    add_delivery(
        webhook_id, employer_id, status=DeliveryStatus.DEAD, failed_attempts=2, attempts=[500, 503]
    )
    return {"stage": str(stages[0]["id"]), "webhook": str(webhook_id)}


def test_uncached_lists_are_read_on_the_loop_and_answer_as_on_a_thread(
    pg_api: Api,
    make_employer: EmployerFactory,
    make_key: KeyFactory,
    uncached_job_reads: None,
) -> None:
    ids = as_employer_with_lists(pg_api, make_employer, make_key)
    lists = [path.format(**ids) for path in LISTS]
    reads = loop_statements(pg_api)
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
    reads = loop_statements(pg_api)
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
    reads = LoopStatements(database.engine, None, max_size=2)
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
    reads = LoopStatements(create_engine(url), None, max_size=1)
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


def test_a_page_read_on_the_loop_is_planned_once_for_every_call(
    pg_api: Api, make_employer: EmployerFactory
) -> None:
    """v1's page of jobs (``LIMIT ... OFFSET``), which PostgreSQL's default would plan anew on every
    call, runs a generic plan once psycopg prepares it: no call is planned for its values."""
    employer_id = make_employer()
    reads = LoopStatements(pg_api.database.engine, None, max_size=1)
    plans = text(
        "SELECT generic_plans, custom_plans FROM pg_prepared_statements"
        " WHERE statement LIKE '%total_matches%'"
    )

    async def read() -> Any:
        reads.open()
        try:
            # psycopg prepares a statement after its fifth execution: three run prepared.
            for _ in range(8):
                # (no jobs: each call reads an empty page, and leaves the count to a thread)
                page = await jobs.list_jobs_on_loop(
                    reads, employer_id, status=None, page=1, page_size=50
                )
                assert page is None
            return await reads.rows(plans, {}, replica_safe=False)
        finally:
            await reads.close()

    assert asyncio.run(read()) == [(3, 0)]


# Drafts of each version, and a v1 one with salaries (cents, a whole number) and an apply URL.
DRAFTS = [
    ("/api/v1/jobs", SEED_JOB),
    (
        "/api/v1/jobs",
        {
            **SEED_JOB,
            "salaryMin": 50000,
            "salaryMax": 65000.5,
            "salaryCurrency": "GBP",
            "applyMethod": "UrlApply",
            "applyUrl": "https://example.com/apply?x=1&y=2",
        },
    ),
    ("/api/v2/jobs", V2_JOB),
]
# What two writes of the same draft differ in: the id, the moment, and the links that name them.
VARYING = {"id", "createdAt", "updatedAt", "created_at", "updated_at", "links", "_links"}


def as_new_employer(api: Api, make_employer: EmployerFactory, make_key: KeyFactory) -> int:
    employer_id = make_employer(job_posting=1)
    _key_id, api.default_key = make_key(employer_id)
    return employer_id


def stored_jobs(api: Api, employer_id: int) -> list[dict[str, Any]]:
    """The employer's jobs as stored, oldest first, without what two writes differ in."""
    with api.database.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT * FROM jobs WHERE employer_id = :employer ORDER BY id"),
            {"employer": employer_id},
        ).mappings()
        return [{k: v for k, v in row.items() if k not in VARYING} for row in rows]


def unvarying(reply: Any) -> dict[str, Any]:
    body = reply.json()
    job = body.get("data", body)  # v2 wraps the job
    return {k: v for k, v in job.items() if k not in VARYING}


def test_new_drafts_are_written_on_the_loop_as_on_a_thread(
    pg_api: Api, make_employer: EmployerFactory, make_key: KeyFactory
) -> None:
    employer_id = as_new_employer(pg_api, make_employer, make_key)
    statements = loop_statements(pg_api)
    written = statements.written
    on_the_loop = [pg_api.post(path, json=body) for path, body in DRAFTS]
    assert [reply.status_code for reply in on_the_loop] == [201] * len(DRAFTS)
    assert statements.written == written + len(DRAFTS)

    portal = pg_api.client.portal
    portal.call(statements.close)
    try:
        on_a_thread = [pg_api.post(path, json=body) for path, body in DRAFTS]
    finally:
        portal.call(reopen, statements)
    assert [reply.status_code for reply in on_a_thread] == [201] * len(DRAFTS)
    assert statements.written == written + len(DRAFTS)

    assert [unvarying(reply) for reply in on_the_loop] == [
        unvarying(reply) for reply in on_a_thread
    ]
    stored = stored_jobs(pg_api, employer_id)
    assert stored[: len(DRAFTS)] == stored[len(DRAFTS) :]
    assert stored[1]["salary_max"] == Decimal("65000.50") and stored[0]["status"] == "Draft"
    # Each reads back as it was answered, at its Location.
    for reply in on_the_loop:
        assert pg_api.get(reply.headers["Location"]).json() == reply.json()


def test_a_draft_written_on_the_loop_moves_its_employers_cached_pages(
    pg_api: Api, make_employer: EmployerFactory, make_key: KeyFactory
) -> None:
    as_new_employer(pg_api, make_employer, make_key)
    statements = loop_statements(pg_api)
    assert pg_api.get("/api/v1/jobs").json()["total"] == 0  # now cached
    assert pg_api.get("/api/v2/jobs").json()["data"] == []
    written = statements.written
    created = pg_api.post("/api/v1/jobs", json=SEED_JOB)
    assert created.status_code == 201 and statements.written == written + 1
    # Answered only after its invalidation: the next read of any process is a new page.
    assert [job["id"] for job in pg_api.get("/api/v1/jobs").json()["items"]] == [
        created.json()["id"]
    ]
    assert [job["id"] for job in pg_api.get("/api/v2/jobs").json()["data"]] == [
        created.json()["id"]
    ]


def test_what_a_draft_cannot_carry_on_the_loop_is_written_on_a_thread(
    pg_api: Api, make_employer: EmployerFactory, make_key: KeyFactory
) -> None:
    """An Idempotency-Key's record commits with the job; a job published at once costs a credit
    and records an event: both need a unit of work."""
    employer_id = as_new_employer(pg_api, make_employer, make_key)
    statements = loop_statements(pg_api)
    written = statements.written
    keyed = {"headers": {"Idempotency-Key": secrets.token_hex(8)}, "json": SEED_JOB}
    first = pg_api.post("/api/v1/jobs", **keyed)
    again = pg_api.post("/api/v1/jobs", **keyed)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    published = pg_api.post("/api/v2/jobs", json={**V2_JOB, "status": "open"})
    assert published.status_code == 201, published.text
    assert statements.written == written
    assert [job["status"] for job in stored_jobs(pg_api, employer_id)] == ["Draft", "Active"]


@contextmanager
def at_the_first_loop_insert(engine: Engine, act: Callable[[int], None]) -> Iterator[list[int]]:
    """Within the block, ``act`` is called with the backend pid of the first job INSERT on the
    loop (the only statements told with no SQLAlchemy connection) just before the INSERT is sent;
    yields that pid, once known."""
    backend_pids: list[int] = []

    def listener(connection: Any, cursor: Any, statement: str, *_rest: Any) -> None:
        if connection is None and statement.startswith("INSERT INTO jobs") and not backend_pids:
            backend_pids.append(cursor.connection.info.backend_pid)
            act(backend_pids[0])

    event.listen(engine, "before_cursor_execute", listener)
    try:
        yield backend_pids
    finally:
        event.remove(engine, "before_cursor_execute", listener)


def terminate_backend(pid: int) -> None:
    """Terminate the backend ``pid``, and wait until it has gone."""
    with psycopg.connect(admin_conninfo(), autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s, 5000)", (pid,))


@contextmanager
def insert_cut_while_it_runs(api: Api) -> Iterator[list[int]]:
    """Within the block, the first job INSERT on the loop is held by a lock on ``jobs`` once sent,
    and its backend terminated while it waits; yields its pid, once known."""
    holder = psycopg.connect(admin_conninfo(), dbname=str(api.database.url.database))
    cutters: list[threading.Thread] = []

    def cut(pid: int) -> None:
        with psycopg.connect(admin_conninfo(), autocommit=True) as admin:
            for _ in range(500):
                waiting = admin.execute(
                    "SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", (pid,)
                ).fetchone()
                if waiting == ("Lock",):
                    break
                time.sleep(0.01)
        terminate_backend(pid)
        holder.rollback()

    def hold(pid: int) -> None:
        holder.execute("LOCK TABLE jobs IN SHARE MODE")
        cutters.append(threading.Thread(target=cut, args=(pid,)))
        cutters[0].start()

    try:
        with at_the_first_loop_insert(api.database.engine, hold) as backend_pids:
            yield backend_pids
    finally:
        for cutter in cutters:
            cutter.join()
        holder.close()


def test_a_draft_whose_insert_was_cut_on_the_loop_is_a_503_never_written_twice(
    pg_api: Api, make_employer: EmployerFactory, make_key: KeyFactory
) -> None:
    """The loop sends a draft's INSERT alone, which commits as it runs: once sent, a connection
    lost before its answer leaves it unknown whether the row was written, so the draft is not
    written again on a thread (here the backend was terminated while the INSERT waited for a
    lock, so nothing was)."""
    employer_id = as_new_employer(pg_api, make_employer, make_key)
    statements = loop_statements(pg_api)
    with (
        insert_cut_while_it_runs(pg_api) as terminated,
        recorded_statements(pg_api.database) as sent,
    ):
        reply = pg_api.post("/api/v1/jobs", json=SEED_JOB)
    assert terminated
    assert reply.status_code == 503, reply.text
    assert reply.json()["code"] == "unavailable" and reply.headers["Retry-After"]
    assert len([sql for sql in sent if sql.startswith("INSERT INTO jobs")]) == 1
    assert stored_jobs(pg_api, employer_id) == []
    # The next draft is written on the loop again, on a new connection.
    written = statements.written
    assert pg_api.post("/api/v1/jobs", json=SEED_JOB).status_code == 201
    assert statements.written == written + 1
    assert terminated[0] not in loop_connections(str(pg_api.database.url.database))


def test_a_draft_the_loop_could_not_send_is_written_on_a_thread(
    pg_api: Api, make_employer: EmployerFactory, make_key: KeyFactory
) -> None:
    """The backend is gone before the INSERT is sent: the idle connection's socket already holds
    the server's farewell, so nothing is sent there and a thread writes the draft."""
    employer_id = as_new_employer(pg_api, make_employer, make_key)
    statements = loop_statements(pg_api)
    written = statements.written
    with at_the_first_loop_insert(pg_api.database.engine, terminate_backend) as terminated:
        reply = pg_api.post("/api/v1/jobs", json=SEED_JOB)
    assert terminated
    assert reply.status_code == 201, reply.text
    assert statements.written == written
    assert len(stored_jobs(pg_api, employer_id)) == 1

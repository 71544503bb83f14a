"""The read replica (``DATABASE_REPLICA_URL``) on a real PostgreSQL primary and streaming standby.

The pair (``tests/support/replica_pair.py``) is started by the suite itself. Its database here
does not wait for the replica to apply a commit, so pausing the standby's replay holds the
replica at a moment in the past while the primary moves on: a read served by the replica shows
the past, one served by the primary shows the present. (The search and list tests of
``test_candidates_api.py``, ``test_jobs_api.py``, ``test_pipeline_and_board.py`` and
``test_v2_cursor_walks.py`` also run against a pair, with every commit applied on the replica
before it returns.)
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from handlers.representation import job_fields
from storage import db, jobs
from storage.models import CreditKind
from storage.replica import Replica
from tests.support.apps import Api, build_api
from tests.support.factories import SEED_JOB, EmployerFactory, KeyFactory
from tests.support.live import free_port
from tests.support.replica_pair import ReplicaPair

from .test_candidates_api import balance, platform, unique_word


@pytest.fixture(scope="module")
def lagging_database(replica_pair: ReplicaPair) -> tuple[str, str, str]:
    """A database of the pair whose commits return before the replica applies them: its name and
    its primary and replica URLs. A lock this module forgets fails a request, never hangs it."""
    name = f"hirebridge_lag_{secrets.token_hex(3)}"
    primary_url, standby_url = replica_pair.create_database(name, read_your_commits=False)
    with replica_pair.primary() as admin:
        admin.execute(f"ALTER DATABASE \"{name}\" SET lock_timeout = '20s'")
    return name, primary_url, standby_url


def _app(
    lagging_database: tuple[str, str, str],
    redis_url: str,
    tmp_path_factory: pytest.TempPathFactory,
    **replica: Any,
) -> Iterator[Api]:
    _name, primary_url, standby_url = lagging_database
    yield from build_api(
        "replica",
        primary_url,
        redis_url,
        tmp_path_factory.mktemp("data"),
        **{"replica_url": standby_url, **replica},
    )


@pytest.fixture(scope="module")
def session_replica_api(
    lagging_database: tuple[str, str, str],
    redis_url: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Api]:
    """The app reading from the replica however far behind it is."""
    yield from _app(lagging_database, redis_url, tmp_path_factory)


@pytest.fixture(scope="module")
def session_guarded_api(
    lagging_database: tuple[str, str, str],
    redis_url: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Api]:
    """The app reading from the replica only while it is at most 0.4 s behind."""
    yield from _app(lagging_database, redis_url, tmp_path_factory, replica_max_lag_seconds=0.4)


@pytest.fixture(scope="module")
def session_unreachable_api(
    lagging_database: tuple[str, str, str],
    redis_url: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Api]:
    """The app with a replica URL that nothing answers."""
    yield from _app(
        lagging_database,
        redis_url,
        tmp_path_factory,
        replica_url=f"postgresql://postgres@127.0.0.1:{free_port()}/nowhere",
    )


def as_new_employer(api: Api, make_employer: EmployerFactory, make_key: KeyFactory) -> int:
    api.activate()
    employer_id = make_employer(job_posting=5, cv_search=5, cv_download=5)
    _key_id, api.default_key = make_key(employer_id)
    return employer_id


def replica_of(api: Api) -> Replica:
    assert api.database.replica is not None
    return api.database.replica


def job_ids(api: Api, path: str = "/api/v1/jobs") -> list[int]:
    reply = api.get(path).json()
    return [job["id"] for job in reply.get("items", reply.get("data"))]


def board_ids(api: Api) -> list[int]:
    return [
        job["id"] for job in api.get("/public/v1/jobs", params={"pageSize": 100}).json()["items"]
    ]


def found(api: Api, word: str) -> dict[int, dict[str, Any]]:
    reply = api.post("/api/v1/candidates/search", json={"query": word})
    assert reply.status_code == 200, reply.text
    return {item["id"]: item for item in reply.json()["items"]}


def on_standby(pair: ReplicaPair, database: str, sql: str, *values: object) -> Any:
    with pair.standby(database) as standby:
        row = standby.execute(sql, values).fetchone()
    assert row is not None
    return row[0]


def test_reads_that_may_lag_come_from_the_replica_and_charges_do_not(
    replica_pair: ReplicaPair,
    lagging_database: tuple[str, str, str],
    session_replica_api: Api,
    make_employer: EmployerFactory,
    make_key: KeyFactory,
    uncached_job_reads: None,
) -> None:
    api = session_replica_api
    employer_id = as_new_employer(api, make_employer, make_key)
    word = unique_word()
    known = platform(word)
    first = api.post("/api/v1/jobs", json=SEED_JOB).json()["id"]
    assert api.post(f"/api/v1/jobs/{first}/publish", json={}).status_code == 200
    replica_pair.wait_for_replay()
    served = replica_of(api).connections_served
    assert api.database.loop_statements is not None
    served_on_the_loop = api.database.loop_statements.served_by_replica

    with replica_pair.replay_paused():
        created = api.post("/api/v1/jobs", json={**SEED_JOB, "reference": "LAG-1"})
        assert created.status_code == 201
        job = created.json()["id"]
        # The job itself is read from the primary: a client reads what it just made.
        assert api.get(f"/api/v1/jobs/{job}").status_code == 200
        # The lists come from the replica, which has not replayed the job yet.
        assert job_ids(api) == [first]
        assert job_ids(api, "/api/v2/jobs") == [first]
        # Publishing charges on the primary, at once.
        assert api.post(f"/api/v1/jobs/{job}/publish", json={}).status_code == 200
        assert balance(employer_id, CreditKind.JOB_POSTING) == 3
        assert first in board_ids(api) and job not in board_ids(api)
        # A profile added now is not matched yet; the search's charge is not behind.
        late = platform(word)
        assert set(found(api, word)) == {known}
        assert balance(employer_id, CreditKind.CV_SEARCH) == 4
        # An unlock is the caller's own write: the next search shows it, though it lags.
        assert api.get(f"/api/v1/candidates/{known}").status_code == 200
        assert balance(employer_id, CreditKind.CV_DOWNLOAD) == 4
        hits = found(api, word)
        assert set(hits) == {known} and hits[known]["isUnlocked"] is True
        assert balance(employer_id, CreditKind.CV_SEARCH) == 3
        own = api.post(
            "/api/v1/candidates", json={"fullName": "Tom Jones", "email": "tom@example.com"}
        )
        assert own.status_code == 201
        assert api.get("/api/v1/candidates").json()["total"] == 0
        assert replica_of(api).connections_served > served
        # The job lists among them, read on the event loop (``storage.loop_statements``).
        assert api.database.loop_statements.served_by_replica >= served_on_the_loop + 2
        name = lagging_database[0]
        assert on_standby(replica_pair, name, "SELECT count(*) FROM jobs WHERE id = %s", job) == 0

    replica_pair.wait_for_replay()
    assert job_ids(api) == [job, first]
    assert job_ids(api, "/api/v2/jobs") == [job, first]
    assert {first, job} <= set(board_ids(api))
    assert set(found(api, word)) == {known, late}
    assert [item["id"] for item in api.get("/api/v1/candidates").json()["items"]] == [
        own.json()["id"]
    ]


def test_a_read_after_the_sessions_own_write_is_read_from_the_primary(
    replica_pair: ReplicaPair,
    session_replica_api: Api,
    make_employer: EmployerFactory,
    make_key: KeyFactory,
) -> None:
    employer_id = as_new_employer(session_replica_api, make_employer, make_key)
    replica_pair.wait_for_replay()
    with replica_pair.replay_paused():
        with db.unit_of_work() as session:
            made = jobs.create_job(session, employer_id, job_fields(SEED_JOB))
            page = jobs.list_jobs(session, employer_id, status=None, page=1, page_size=50)
            assert [job.id for job in page.items] == [made.id]
        with db.read_only() as session:
            page = jobs.list_jobs(session, employer_id, status=None, page=1, page_size=50)
            assert page.items == []


def test_cached_job_pages_are_filled_from_the_primary(
    replica_pair: ReplicaPair,
    session_replica_api: Api,
    make_employer: EmployerFactory,
    make_key: KeyFactory,
) -> None:
    """A cached page is kept until the next change; filled from a replica behind that change, it
    would serve the old list as the new one."""
    api = session_replica_api
    as_new_employer(api, make_employer, make_key)
    replica_pair.wait_for_replay()
    with replica_pair.replay_paused():
        job = api.post("/api/v1/jobs", json=SEED_JOB).json()["id"]
        assert job_ids(api) == [job]
        assert job_ids(api, "/api/v2/jobs") == [job]


def test_a_search_is_served_by_the_replica_while_a_long_write_holds_the_primary(
    replica_pair: ReplicaPair,
    lagging_database: tuple[str, str, str],
    session_replica_api: Api,
    make_employer: EmployerFactory,
    make_key: KeyFactory,
) -> None:
    api = session_replica_api
    employer_id = as_new_employer(api, make_employer, make_key)
    word = unique_word()
    profiles = {platform(word, headline=f"{word} engineer") for _ in range(3)}
    replica_pair.wait_for_replay()
    served = replica_of(api).connections_served
    with replica_pair.primary(lagging_database[0]) as writer:
        # A bulk rewrite of profiles in one long transaction: every other writer of candidates
        # waits for it, and its rows stay locked until it ends.
        writer.execute("BEGIN")
        writer.execute("LOCK TABLE candidates IN EXCLUSIVE MODE")
        writer.execute(
            "UPDATE candidates SET headline = 'rewritten' WHERE id = ANY(%s)", (list(profiles),)
        )
        hits = found(api, word)
        assert set(hits) == profiles
        assert {hit["headline"] for hit in hits.values()} == {f"{word} engineer"}
        assert balance(employer_id, CreditKind.CV_SEARCH) == 4
        assert replica_of(api).connections_served > served
        assert writer.info.transaction_status is psycopg.pq.TransactionStatus.INTRANS
        writer.execute("ROLLBACK")


def test_a_replica_too_far_behind_is_not_read(
    replica_pair: ReplicaPair,
    lagging_database: tuple[str, str, str],
    session_guarded_api: Api,
    make_employer: EmployerFactory,
    make_key: KeyFactory,
    uncached_job_reads: None,
) -> None:
    api = session_guarded_api
    as_new_employer(api, make_employer, make_key)
    replica_pair.wait_for_replay()
    with replica_pair.replay_paused():
        job = api.post("/api/v1/jobs", json=SEED_JOB).json()["id"]
        deadline = time.monotonic() + 30
        while job_ids(api) != [job]:
            assert time.monotonic() < deadline, "the list was never read from the primary"
            time.sleep(0.05)
        sql = "SELECT count(*) FROM jobs WHERE id = %s"
        assert on_standby(replica_pair, lagging_database[0], sql, job) == 0

    # Caught up again, the replica serves again.
    replica_pair.wait_for_replay()
    served = replica_of(api).connections_served
    deadline = time.monotonic() + 30
    while replica_of(api).connections_served == served:
        assert time.monotonic() < deadline, "the replica was never read from again"
        assert job_ids(api) == [job]
        time.sleep(0.05)


def test_an_unreachable_replica_leaves_the_reads_to_the_primary(
    session_unreachable_api: Api,
    make_employer: EmployerFactory,
    make_key: KeyFactory,
    uncached_job_reads: None,
) -> None:
    api = session_unreachable_api
    as_new_employer(api, make_employer, make_key)
    word = unique_word()
    profile = platform(word)
    job = api.post("/api/v1/jobs", json=SEED_JOB).json()["id"]
    assert job_ids(api) == [job]
    assert set(found(api, word)) == {profile}
    assert replica_of(api).connections_served == 0

"""docs/requirements.md#j4 (credits) and docs/requirements.md#j6 (applications) under real
concurrency: gunicorn with two workers, many clients at once."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from sqlalchemy import func, select

from storage import candidates, credits, db, migrate, outbox
from storage.models import Application, Candidate, CreditKind, Job
from tests.support.factories import SEED_JOB, V2_JOB, employer_in, mint_usable_key
from tests.support.live import LiveServer, service_env, start_live_server, stop_live_server


@pytest.fixture(scope="module", params=["postgresql", "sqlite"])
def server(
    request: pytest.FixtureRequest, redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[LiveServer, db.Database]]:
    data_dir = tmp_path_factory.mktemp("concurrency")
    if request.param == "postgresql":
        url = request.getfixturevalue("postgresql_url")
    else:
        url = f"sqlite:///{data_dir / 'concurrency.db'}"
        migrate.upgrade(url)
    live = start_live_server(service_env(url, redis_url, data_dir))
    database = db.Database(url, pool_size=2)
    yield live, database
    stop_live_server(live)
    database.dispose()


def tenant(
    database: db.Database, job_posting: int = 0, cv_search: int = 0, cv_download: int = 0
) -> tuple[int, str]:
    with database.unit_of_work() as session:
        employer = employer_in(
            session,
            name="Concurrent Ltd",
            job_posting=job_posting,
            cv_search=cv_search,
            cv_download=cv_download,
        )
        key = mint_usable_key(
            session, employer, name="load", scopes=["JobPosting", "CvSearch"]
        ).plaintext
        return employer.id, key


def in_parallel(base_url: str, key: str, requests: list[tuple[str, str, object]]) -> Counter[int]:
    """Send every request at once, each on its own connection; count the statuses."""

    def send(request: tuple[str, str, object]) -> int:
        method, path, body = request
        with httpx.Client(base_url=base_url, headers={"X-Api-Key": key}, timeout=60) as client:
            return client.request(method, path, json=body).status_code

    with ThreadPoolExecutor(max_workers=len(requests)) as pool:
        return Counter(pool.map(send, requests))


def platform_profiles(database: db.Database, word: str, count: int) -> list[int]:
    with database.unit_of_work() as session:
        return [
            candidates.create_platform_candidate(
                session,
                {"full_name": "Load Test", "email": f"{word}{n}@example.com", "headline": word},
            ).id
            for n in range(count)
        ]


def test_parallel_publishes_spend_exactly_the_balance(
    server: tuple[LiveServer, db.Database],
) -> None:
    live, database = server
    balance_before, drafts = 5, 16
    employer_id, key = tenant(database, balance_before)
    with httpx.Client(base_url=live.base_url, headers={"X-Api-Key": key}, timeout=30) as client:
        ids = [client.post("/api/v1/jobs", json=SEED_JOB).json()["id"] for _ in range(drafts)]

        def publish(job_id: int) -> int:
            with httpx.Client(
                base_url=live.base_url, headers={"X-Api-Key": key}, timeout=30
            ) as own:
                return own.post(f"/api/v1/jobs/{job_id}/publish").status_code

        with ThreadPoolExecutor(max_workers=drafts) as pool:
            outcomes = Counter(pool.map(publish, ids))

        active = client.get("/api/v1/jobs", params={"status": "Active"}).json()["total"]

    assert outcomes == {200: balance_before, 402: drafts - balance_before}
    assert active == balance_before
    with database.unit_of_work() as session:
        assert credits.balance(session, employer_id, CreditKind.JOB_POSTING) == 0
        assert credits.ledger_total(session, employer_id, CreditKind.JOB_POSTING) == 0


def test_parallel_creates_as_open_spend_exactly_the_balance(
    server: tuple[LiveServer, db.Database],
) -> None:
    """v2's create-as-open charges like a publish: a job is created only with its credit."""
    live, database = server
    employer_id, key = tenant(database, 5)
    body = {**V2_JOB, "status": "open"}

    outcomes = in_parallel(live.base_url, key, [("POST", "/api/v2/jobs", body)] * 12)

    assert outcomes == {201: 5, 402: 7}
    with database.unit_of_work() as session:
        jobs = session.scalar(select(func.count()).where(Job.employer_id == employer_id))
        assert jobs == 5
        assert credits.balance(session, employer_id, CreditKind.JOB_POSTING) == 0
        assert credits.ledger_total(session, employer_id, CreditKind.JOB_POSTING) == 0


def test_one_job_published_by_many_clients_is_charged_once(
    server: tuple[LiveServer, db.Database],
) -> None:
    live, database = server
    employer_id, key = tenant(database, 10)
    with httpx.Client(base_url=live.base_url, headers={"Authorization": f"Bearer {key}"}) as client:
        job_id = client.post("/api/v1/jobs", json=SEED_JOB).json()["id"]

    def publish(_: int) -> int:
        with httpx.Client(
            base_url=live.base_url, headers={"Authorization": f"Bearer {key}"}, timeout=30
        ) as own:
            return own.post(f"/api/v1/jobs/{job_id}/publish").status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = Counter(pool.map(publish, range(8)))

    assert outcomes == {200: 1, 400: 7}
    with database.unit_of_work() as session:
        assert credits.balance(session, employer_id, CreditKind.JOB_POSTING) == 9


def test_concurrent_retries_of_an_idempotent_publish_run_it_once(
    server: tuple[LiveServer, db.Database],
) -> None:
    """docs/requirements.md#j5: eight clients send the same publish with one Idempotency-Key at
    once, each retrying while the first is still running (409); all end with the one response,
    charged once."""
    live, database = server
    employer_id, key = tenant(database, 10)
    with httpx.Client(base_url=live.base_url, headers={"X-Api-Key": key}, timeout=30) as client:
        job_id = client.post("/api/v1/jobs", json=SEED_JOB).json()["id"]
    headers = {"X-Api-Key": key, "Idempotency-Key": f"publish-{job_id}"}

    def publish_until_answered(_: int) -> tuple[list[int], str | None, bytes]:
        statuses: list[int] = []
        give_up = time.monotonic() + 30
        with httpx.Client(base_url=live.base_url, headers=headers, timeout=30) as own:
            while True:
                response = own.post(f"/api/v1/jobs/{job_id}/publish")
                statuses.append(response.status_code)
                if response.status_code != 409 or time.monotonic() > give_up:
                    return statuses, response.headers.get("idempotent-replayed"), response.content
                time.sleep(0.02)

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(publish_until_answered, range(8)))

    assert {statuses[-1] for statuses, _, _ in answers} == {200}
    assert {status for statuses, _, _ in answers for status in statuses[:-1]} <= {409}
    assert len({body for _, _, body in answers}) == 1
    assert sorted(replayed or "" for _, replayed, _ in answers) == [""] + ["true"] * 7
    with database.unit_of_work() as session:
        assert credits.balance(session, employer_id, CreditKind.JOB_POSTING) == 9
        assert credits.ledger_total(session, employer_id, CreditKind.JOB_POSTING) == 9


def test_parallel_downloads_spend_exactly_the_balance(
    server: tuple[LiveServer, db.Database],
) -> None:
    live, database = server
    employer_id, key = tenant(database, cv_download=5)
    ids = platform_profiles(database, "download", 12)

    outcomes = in_parallel(
        live.base_url, key, [("GET", f"/api/v1/candidates/{i}", None) for i in ids]
    )

    assert outcomes == {200: 5, 402: 7}
    with database.unit_of_work() as session:
        assert credits.balance(session, employer_id, CreditKind.CV_DOWNLOAD) == 0
        assert credits.ledger_total(session, employer_id, CreditKind.CV_DOWNLOAD) == 0
    # Exactly the five paid for were unlocked: they open again for free, the others still cost.
    again = in_parallel(live.base_url, key, [("GET", f"/api/v1/candidates/{i}", None) for i in ids])
    assert again == {200: 5, 402: 7}


def test_parallel_views_of_one_candidate_pay_once(server: tuple[LiveServer, db.Database]) -> None:
    live, database = server
    employer_id, key = tenant(database, cv_download=3)
    (candidate_id,) = platform_profiles(database, "single", 1)

    outcomes = in_parallel(
        live.base_url, key, [("GET", f"/api/v1/candidates/{candidate_id}", None)] * 8
    )

    assert outcomes == {200: 8}
    with database.unit_of_work() as session:
        assert credits.balance(session, employer_id, CreditKind.CV_DOWNLOAD) == 2


def test_parallel_searches_spend_exactly_the_balance(
    server: tuple[LiveServer, db.Database],
) -> None:
    live, database = server
    employer_id, key = tenant(database, cv_search=4)
    platform_profiles(database, "searchable", 3)

    outcomes = in_parallel(
        live.base_url, key, [("POST", "/api/v1/candidates/search", {"query": "searchable"})] * 10
    )

    assert outcomes == {200: 4, 402: 6}
    with database.unit_of_work() as session:
        assert credits.balance(session, employer_id, CreditKind.CV_SEARCH) == 0
        assert credits.ledger_total(session, employer_id, CreditKind.CV_SEARCH) == 0


def test_parallel_applications_with_one_address_file_one(
    server: tuple[LiveServer, db.Database],
) -> None:
    live, database = server
    employer_id, key = tenant(database, job_posting=1)
    with httpx.Client(base_url=live.base_url, headers={"X-Api-Key": key}, timeout=30) as client:
        job_id = client.post("/api/v1/jobs", json=SEED_JOB).json()["id"]
        assert client.post(f"/api/v1/jobs/{job_id}/publish").status_code == 200
    # A first-time applicant, so the racing requests also race to create the candidate.
    body = {"fullName": "Ada Race", "email": f"race-{job_id}@example.com", "cvText": "cv"}

    outcomes = in_parallel(
        live.base_url, key, [("POST", f"/public/v1/jobs/{job_id}/apply", body)] * 8
    )

    assert outcomes == {201: 1, 409: 7}
    with database.unit_of_work() as session:
        assert (
            session.scalar(
                select(func.count()).select_from(Application).where(Application.job_id == job_id)
            )
            == 1
        )
        assert (
            session.scalar(
                select(func.count()).select_from(Candidate).where(Candidate.email == body["email"])
            )
            == 1
        )
        submitted = [
            event
            for event in outbox.employer_events(session, employer_id)
            if event.type == outbox.APPLICATION_SUBMITTED
        ]
        assert len(submitted) == 1

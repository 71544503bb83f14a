"""J4 under real concurrency: gunicorn with two workers, many clients at once."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from conftest import SEED_JOB, LiveServer, service_env, start_live_server, stop_live_server
from storage import api_keys, credits, db, employers, migrate
from storage.models import CreditKind


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


def tenant(database: db.Database, job_posting: int) -> tuple[int, str]:
    with database.unit_of_work() as session:
        employer = employers.create_employer(session, name="Concurrent Ltd")
        if job_posting:
            credits.adjust_credits(session, employer.id, CreditKind.JOB_POSTING, job_posting)
        key = api_keys.mint_key(session, employer, name="load", scopes=["JobPosting"]).plaintext
        return employer.id, key


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

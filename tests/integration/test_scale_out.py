"""Scale-out (issue 9): two API hosts and two queue workers sharing one PostgreSQL and one Redis.

Two separate gunicorn masters (two workers each, different ports) stand in for two API hosts, and
two ``hirebridge worker`` processes for two worker hosts. Clients spread their calls over both
hosts at once. What must hold across them: a rate limit is not doubled, a monthly quota is not
doubled, an idempotent request runs once, a credit is spent once, and each webhook delivery
reaches its receiver exactly once.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import httpx
import pytest
import redis

from hirebridge.quota import MonthlyQuota
from storage import api_keys, credits, db, employers, usage
from storage.clock import utcnow
from storage.models import CreditKind, Plan
from tests.integration.test_cli import hirebridge
from tests.support.databases import TEST_REDIS_URL
from tests.support.factories import SEED_JOB, employer_in, mint_usable_key
from tests.support.live import LiveServer, service_env, start_live_server, stop_live_server
from tests.support.receivers import Receiver, wait_for

JOBS_PER_MINUTE = 30
pytestmark = pytest.mark.usefixtures("pg_api")


def _redis_url() -> str:
    base, _, _db = TEST_REDIS_URL.rpartition("/")
    return f"{base}/8"


@dataclass
class Deployment:
    hosts: list[LiveServer]
    workers: list[subprocess.Popen[bytes]]
    env: dict[str, str]

    def url(self, n: int) -> str:
        """The n-th call's host: calls alternate between the hosts."""
        return self.hosts[n % len(self.hosts)].base_url


@pytest.fixture(scope="module")
def deployment(
    postgresql_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Deployment]:
    shared = redis.Redis.from_url(_redis_url())
    shared.flushdb()
    shared.close()
    env = service_env(postgresql_url, _redis_url(), tmp_path_factory.mktemp("scale-out"))
    env.update(API_RATE_LIMITS=f"jobs={JOBS_PER_MINUTE}", WEBHOOK_ALLOW_INSECURE_TARGETS="1")
    hosts = [start_live_server(env, workers=2) for _ in range(2)]
    workers = [
        subprocess.Popen([sys.executable, "-m", "hirebridge", "worker"], env=env) for _ in range(2)
    ]
    yield Deployment(hosts=hosts, workers=workers, env=env)
    for worker in workers:
        worker.send_signal(signal.SIGTERM)
    for worker in workers:
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
    for host in hosts:
        stop_live_server(host)


def employer(
    *, plan: Plan = Plan.ENTERPRISE, job_posting: int = 0, multiplier: int = 100
) -> tuple[int, str]:
    """An employer and a key; by default with limits far above what a test sends."""
    with db.unit_of_work() as session:
        made = employer_in(session, name="Two Hosts Ltd", plan=plan, job_posting=job_posting)
        employers.set_rate_multiplier(session, made.id, multiplier)
        key = mint_usable_key(
            session, made, name="scale", scopes=["JobPosting", "webhooks:manage"]
        ).plaintext
        return made.id, key


def at_once(calls: int, send: Callable[[int], httpx.Response]) -> list[httpx.Response]:
    with ThreadPoolExecutor(max_workers=min(calls, 16)) as pool:
        return list(pool.map(send, range(calls)))


def test_a_rate_limit_is_shared_not_doubled(deployment: Deployment) -> None:
    _, key = employer(multiplier=1)

    def call(n: int) -> httpx.Response:
        return httpx.get(f"{deployment.url(n)}/api/v1/jobs", headers={"X-Api-Key": key}, timeout=30)

    statuses = Counter(response.status_code for response in at_once(JOBS_PER_MINUTE + 20, call))

    assert statuses == {200: JOBS_PER_MINUTE, 429: 20}


def test_a_monthly_quota_is_shared_not_doubled(deployment: Deployment) -> None:
    employer_id, key = employer(plan=Plan.STARTER)
    month = usage.month_of(utcnow())
    left = 7
    quota = usage.MONTHLY_REQUEST_QUOTA[Plan.STARTER]
    assert quota is not None
    # The month so far, as the hosts' own counting would have left it.
    shared = redis.Redis.from_url(_redis_url())
    shared.set(MonthlyQuota.counter_key(employer_id, month), quota - left)
    shared.close()

    def call(n: int) -> httpx.Response:
        return httpx.get(f"{deployment.url(n)}/api/v1/jobs", headers={"X-Api-Key": key}, timeout=30)

    responses = at_once(20, call)

    statuses = Counter(response.status_code for response in responses)
    assert statuses == {200: left, 429: 20 - left}
    refused = [r for r in responses if r.status_code == 429]
    assert {r.json()["code"] for r in refused} == {"quota_exceeded"}


def test_what_one_host_changes_every_host_reads_at_once(deployment: Deployment) -> None:
    """Job pages and principals are cached in each worker; a change made through one host (or
    the CLI) is what the next call reads, on every worker of every host."""
    _, key = employer()
    headers = {"X-Api-Key": key}

    def titles(n: int) -> list[str]:
        response = httpx.get(f"{deployment.url(n)}/api/v1/jobs", headers=headers, timeout=30)
        assert response.status_code == 200, response.text
        return [item["title"] for item in response.json()["items"]]

    # Enough calls that every worker of both hosts has the page cached.
    assert [titles(n) for n in range(16)] == [[]] * 16
    created = httpx.post(f"{deployment.url(1)}/api/v1/jobs", json=SEED_JOB, headers=headers)
    assert created.status_code == 201, created.text
    assert [titles(n) for n in range(16)] == [[SEED_JOB["title"]]] * 16
    renamed = httpx.put(
        f"{deployment.url(0)}/api/v1/jobs/{created.json()['id']}",
        json={"title": "Renamed on host 0"},
        headers=headers,
    )
    assert renamed.status_code == 200, renamed.text
    assert [titles(n) for n in range(16)] == [["Renamed on host 0"]] * 16

    with db.unit_of_work() as session:
        principal = api_keys.authenticate(session, key)
    assert principal is not None
    # The CLI is another process again, with no cache of its own: its commit moves the generation.
    revoked = hirebridge(deployment.env, "keys", "revoke", str(principal.key_id))
    assert revoked.returncode == 0, revoked.stderr
    statuses = [
        httpx.get(f"{deployment.url(n)}/api/v1/jobs", headers=headers, timeout=30).status_code
        for n in range(16)
    ]
    assert statuses == [401] * 16


def test_credits_and_idempotent_retries_hold_across_hosts(deployment: Deployment) -> None:
    employer_id, key = employer(job_posting=4)
    headers = {"X-Api-Key": key}
    drafts = [
        httpx.post(f"{deployment.url(n)}/api/v1/jobs", json=SEED_JOB, headers=headers).json()["id"]
        for n in range(6)
    ]

    # Every draft published from both hosts at once, each with its own Idempotency-Key sent
    # twice (a client retrying on the other host): four credits, four publishes, no more.
    def publish(n: int) -> httpx.Response:
        job_id = drafts[n // 2]
        with httpx.Client(base_url=deployment.url(n), timeout=30) as client:
            while True:
                response = client.post(
                    f"/api/v1/jobs/{job_id}/publish",
                    headers={**headers, "Idempotency-Key": f"publish-{job_id}"},
                )
                if response.status_code != 409:
                    return response
                time.sleep(0.02)

    responses = at_once(2 * len(drafts), publish)

    by_job: dict[int, set[tuple[int, bytes]]] = {}
    for n, response in enumerate(responses):
        by_job.setdefault(drafts[n // 2], set()).add((response.status_code, response.content))
    # Both copies of a request got the same answer: one execution each.
    assert all(len(answers) == 1 for answers in by_job.values())
    outcomes = Counter(next(iter(answers))[0] for answers in by_job.values())
    assert outcomes == {200: 4, 402: 2}
    with db.unit_of_work() as session:
        assert credits.balance(session, employer_id, CreditKind.JOB_POSTING) == 0
        assert credits.ledger_total(session, employer_id, CreditKind.JOB_POSTING) == 0


def test_each_delivery_reaches_its_receiver_once(deployment: Deployment) -> None:
    _, key = employer(job_posting=30)
    headers = {"X-Api-Key": key}
    receiver = Receiver()
    try:
        created = httpx.post(
            f"{deployment.url(0)}/api/v1/webhooks",
            headers=headers,
            json={"url": receiver.url(), "events": ["job.published"]},
        )
        assert created.status_code == 201, created.text
        events = 30

        def publish(n: int) -> httpx.Response:
            with httpx.Client(base_url=deployment.url(n), headers=headers, timeout=30) as client:
                job_id = client.post("/api/v1/jobs", json=SEED_JOB).json()["id"]
                return client.post(f"/api/v1/jobs/{job_id}/publish")

        assert {r.status_code for r in at_once(events, publish)} == {200}

        wait_for(
            lambda: len(receiver.requests) >= events,
            timeout=60,
            message=f"{events} deliveries",
        )
        time.sleep(2)  # anything sent twice would arrive within this
    finally:
        receiver.close()

    delivery_ids = Counter(request.delivery_id for request in receiver.requests)
    assert len(delivery_ids) == events
    assert set(delivery_ids.values()) == {1}
    event_ids = {request.json["id"] for request in receiver.requests}
    assert len(event_ids) == events


def test_both_hosts_are_ready_and_share_one_document(deployment: Deployment) -> None:
    documents = [
        httpx.get(f"{host.base_url}/swagger/v1/swagger.json").json() for host in deployment.hosts
    ]
    ready = [httpx.get(f"{host.base_url}/healthz/ready").status_code for host in deployment.hosts]

    assert ready == [200, 200]
    assert documents[0] == documents[1]
    assert all(worker.poll() is None for worker in deployment.workers)

"""docs/requirements.md#j5: idempotent POSTs, through HTTP, on PostgreSQL and on SQLite.

The concurrent case (duplicates racing across two gunicorn workers) is in
test_concurrent_credits.py.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from storage import clock, credits, db, idempotency
from storage.models import CreditKind, IdempotencyRecord, Job
from tests.integration.test_candidates_api import platform, unique_word
from tests.support.apps import Api
from tests.support.factories import SEED_JOB, EmployerFactory, KeyFactory, Tenant


def new_key() -> str:
    return f"idem-{secrets.token_hex(8)}"


def post(api: Api, path: str, idempotency_key: str, body: Any = None, **kwargs: Any) -> Any:
    headers = {"Idempotency-Key": idempotency_key, **kwargs.pop("headers", {})}
    if body is None:
        return api.post(path, headers=headers, **kwargs)
    return api.post(path, headers=headers, json=body, **kwargs)


def balance(employer_id: int, kind: CreditKind = CreditKind.JOB_POSTING) -> int:
    with db.unit_of_work() as session:
        return credits.balance(session, employer_id, kind)


def jobs_of(employer_id: int) -> int:
    with db.unit_of_work() as session:
        return (
            session.scalar(
                select(func.count()).select_from(Job).where(Job.employer_id == employer_id)
            )
            or 0
        )


def draft(api: Api) -> int:
    response = api.post("/api/v1/jobs", json=SEED_JOB)
    assert response.status_code == 201
    return int(response.json()["id"])


def record(key: str) -> IdempotencyRecord | None:
    with db.unit_of_work() as session:
        return session.scalar(
            select(IdempotencyRecord).where(IdempotencyRecord.idempotency_key == key)
        )


class TestReplay:
    def test_a_retried_create_returns_the_first_response_and_creates_one_job(
        self, api: Api, tenant: Tenant
    ) -> None:
        key = new_key()
        first = post(api, "/api/v1/jobs", key, SEED_JOB)
        second = post(api, "/api/v1/jobs", key, SEED_JOB)

        assert first.status_code == second.status_code == 201
        assert "idempotent-replayed" not in first.headers
        assert second.headers["idempotent-replayed"] == "true"
        assert second.json() == first.json()
        assert second.headers["location"] == first.headers["location"]
        assert second.headers["content-type"] == first.headers["content-type"]
        # Each call is still a call: it passed the limiter and carries its headers.
        assert "x-ratelimit-remaining" in second.headers
        assert jobs_of(tenant.employer_id) == 1

    def test_a_retried_publish_charges_once(self, api: Api, tenant: Tenant) -> None:
        job_id = draft(api)
        before = balance(tenant.employer_id)
        key = new_key()

        first = post(api, f"/api/v1/jobs/{job_id}/publish", key)
        second = post(api, f"/api/v1/jobs/{job_id}/publish", key)

        assert first.status_code == second.status_code == 200
        assert second.headers["idempotent-replayed"] == "true"
        assert second.json() == first.json()
        assert balance(tenant.employer_id) == before - 1
        # Without the key, a second publish is the state error it always was, and free.
        again = api.post(f"/api/v1/jobs/{job_id}/publish")
        assert again.status_code == 400 and again.json()["code"] == "invalid_state"
        assert balance(tenant.employer_id) == before - 1

    def test_a_retried_search_charges_once(self, api: Api, tenant: Tenant) -> None:
        word = unique_word()
        platform(word)
        before = balance(tenant.employer_id, CreditKind.CV_SEARCH)
        key = new_key()

        first = post(api, "/api/v1/candidates/search", key, {"query": word})
        second = post(api, "/api/v1/candidates/search", key, {"query": word})

        assert first.status_code == second.status_code == 200
        assert first.json()["total"] == 1
        assert second.json() == first.json()
        assert balance(tenant.employer_id, CreditKind.CV_SEARCH) == before - 1

    def test_keys_of_different_api_keys_never_meet(
        self, api: Api, tenant: Tenant, make_key: KeyFactory
    ) -> None:
        _, other_key = make_key(tenant.employer_id)
        key = new_key()

        first = post(api, "/api/v1/jobs", key, SEED_JOB)
        second = post(api, "/api/v1/jobs", key, SEED_JOB, key=other_key)

        assert first.status_code == second.status_code == 201
        assert "idempotent-replayed" not in second.headers
        assert second.json()["id"] != first.json()["id"]

    def test_another_employer_cannot_replay_a_response(
        self, api: Api, tenant: Tenant, make_employer: EmployerFactory, make_key: KeyFactory
    ) -> None:
        _, stranger = make_key(make_employer())
        key = new_key()
        mine = post(api, "/api/v1/jobs", key, SEED_JOB)

        theirs = post(api, "/api/v1/jobs", key, SEED_JOB, key=stranger)

        assert theirs.status_code == 201
        assert "idempotent-replayed" not in theirs.headers
        assert theirs.json()["id"] != mine.json()["id"]


class TestRefusals:
    def test_the_same_key_for_another_request_is_422_and_changes_nothing(
        self, api: Api, tenant: Tenant
    ) -> None:
        key = new_key()
        assert post(api, "/api/v1/jobs", key, SEED_JOB).status_code == 201

        other_body = post(api, "/api/v1/jobs", key, {**SEED_JOB, "title": "Another role"})
        job_id = draft(api)
        other_path = post(api, f"/api/v1/jobs/{job_id}/publish", key)

        for response in (other_body, other_path):
            assert response.status_code == 422
            assert response.json()["code"] == "idempotency_mismatch"
            assert "idempotent-replayed" not in response.headers
        assert jobs_of(tenant.employer_id) == 2
        assert api.get(f"/api/v1/jobs/{job_id}").json()["status"] == "Draft"

    def test_a_request_still_running_with_the_key_is_409(self, api: Api, tenant: Tenant) -> None:
        key = new_key()
        body = SEED_JOB
        claim_running(tenant.key_id, key, "/api/v1/jobs", body_of(body))

        response = post(api, "/api/v1/jobs", key, body)

        assert response.status_code == 409
        assert response.json()["code"] == "conflict"
        assert jobs_of(tenant.employer_id) == 0

    def test_a_claim_abandoned_by_a_lost_process_is_taken_over(
        self, api: Api, tenant: Tenant
    ) -> None:
        key = new_key()
        claim_running(tenant.key_id, key, "/api/v1/jobs", body_of(SEED_JOB))
        clock.set_offset(idempotency.ABANDONED_AFTER + timedelta(seconds=1))
        try:
            response = post(api, "/api/v1/jobs", key, SEED_JOB)
        finally:
            clock.set_offset(timedelta(0))

        assert response.status_code == 201
        assert jobs_of(tenant.employer_id) == 1
        assert post(api, "/api/v1/jobs", key, SEED_JOB).headers["idempotent-replayed"] == "true"

    def test_work_committed_without_a_kept_response_never_runs_twice(
        self, api: Api, tenant: Tenant
    ) -> None:
        key = new_key()
        record_id = claim_running(tenant.key_id, key, "/api/v1/jobs", body_of(SEED_JOB))
        with db.unit_of_work() as session:
            idempotency.mark_committed(session, record_id)
        clock.set_offset(idempotency.ABANDONED_AFTER * 10)
        try:
            response = post(api, "/api/v1/jobs", key, SEED_JOB)
        finally:
            clock.set_offset(timedelta(0))

        assert response.status_code == 409
        assert "took effect" in response.json()["message"]
        assert jobs_of(tenant.employer_id) == 0

    @pytest.mark.parametrize(
        "header",
        ["x" * 256, "", "caf\u00e9", "two words"],
        ids=["too-long", "empty", "non-ascii", "space"],
    )
    def test_a_malformed_key_is_400_and_runs_nothing(
        self, api: Api, tenant: Tenant, header: str
    ) -> None:
        response = api.post(
            "/api/v1/jobs",
            json=SEED_JOB,
            headers={"Idempotency-Key": header.encode("utf-8")},
        )

        assert response.status_code == 400
        assert response.json()["code"] == "invalid_request"
        assert jobs_of(tenant.employer_id) == 0

    def test_the_longest_key_is_accepted(self, api: Api, tenant: Tenant) -> None:
        key = "k" * 255
        assert post(api, "/api/v1/jobs", key, SEED_JOB).status_code == 201
        assert post(api, "/api/v1/jobs", key, SEED_JOB).headers["idempotent-replayed"] == "true"


class TestFailuresAreNotKept:
    def test_a_refused_publish_runs_afresh_once_credits_arrive(
        self, api: Api, make_employer: EmployerFactory, make_key: KeyFactory
    ) -> None:
        employer_id = make_employer(job_posting=0)
        _, api.default_key = make_key(employer_id)
        job_id = draft(api)
        key = new_key()

        refused = post(api, f"/api/v1/jobs/{job_id}/publish", key)
        assert refused.status_code == 402
        assert record(key) is None
        with db.unit_of_work() as session:
            credits.adjust_credits(session, employer_id, CreditKind.JOB_POSTING, 1)

        published = post(api, f"/api/v1/jobs/{job_id}/publish", key)

        assert published.status_code == 200
        assert "idempotent-replayed" not in published.headers
        assert balance(employer_id) == 0

    def test_an_invalid_body_claims_nothing(self, api: Api, tenant: Tenant) -> None:
        key = new_key()
        invalid = post(api, "/api/v1/jobs", key, {"title": "no other field"})
        assert invalid.status_code == 400
        assert record(key) is None

        assert post(api, "/api/v1/jobs", key, SEED_JOB).status_code == 201

    def test_refused_calls_claim_nothing(
        self, api: Api, tenant: Tenant, make_key: KeyFactory
    ) -> None:
        _, read_only = make_key(tenant.employer_id, "jobs:read")
        key = new_key()

        assert post(api, "/api/v1/jobs", key, SEED_JOB, key=read_only).status_code == 403
        unknown = "pk_live_" + secrets.token_hex(16)
        assert post(api, "/api/v1/jobs", key, SEED_JOB, key=unknown).status_code == 401
        assert record(key) is None


class TestExpiry:
    def test_a_key_is_kept_24_hours_then_starts_afresh(self, api: Api, tenant: Tenant) -> None:
        key = new_key()
        first = post(api, "/api/v1/jobs", key, SEED_JOB)
        clock.set_offset(idempotency.KEEP_FOR - timedelta(minutes=1))
        try:
            kept = post(api, "/api/v1/jobs", key, SEED_JOB)
            assert kept.headers["idempotent-replayed"] == "true"
            assert kept.json() == first.json()
            clock.set_offset(idempotency.KEEP_FOR + timedelta(minutes=1))
            # A different request is no mismatch once the key has expired.
            renewed = post(api, "/api/v1/jobs", key, {**SEED_JOB, "title": "Next year"})
        finally:
            clock.set_offset(timedelta(0))

        assert renewed.status_code == 201
        assert "idempotent-replayed" not in renewed.headers
        assert renewed.json()["title"] == "Next year"

    def test_expired_records_are_purged(self, api: Api, tenant: Tenant) -> None:
        kept, expired = new_key(), new_key()
        post(api, "/api/v1/jobs", expired, SEED_JOB)
        clock.set_offset(idempotency.KEEP_FOR - timedelta(hours=1))
        try:
            post(api, "/api/v1/jobs", kept, SEED_JOB)
            clock.set_offset(idempotency.KEEP_FOR + timedelta(minutes=1))
            with db.unit_of_work() as session:
                purged = idempotency.purge_expired(session)
        finally:
            clock.set_offset(timedelta(0))

        assert purged >= 1
        assert record(expired) is None
        assert record(kept) is not None


def body_of(value: Any) -> bytes:
    """The body the test client sends for ``json=value``."""
    import httpx

    return httpx.Request("POST", "http://test", json=value).content


def claim_running(api_key_id: int, key: str, path: str, body: bytes) -> int:
    """Claim ``key`` as a request that is still running would have."""
    with db.unit_of_work() as session:
        outcome = idempotency.claim(
            session, api_key_id, key, idempotency.fingerprint("POST", path, "", body)
        )
    assert isinstance(outcome, idempotency.Claimed)
    return outcome.record_id

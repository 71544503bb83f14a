"""v2 is frozen too: snapshots of representative v2 responses, on PostgreSQL and SQLite.

Normalised as v1's (``test_v1_responses``: ids ``<id:N>``, date-times ``<date-time>``), and each
``nextCursor`` becomes ``<cursor>`` (it is signed, and holds ids and times). A change here is a
change of the v2 contract: only additive ones are allowed (see README, "How to add to v2").
"""

from __future__ import annotations

import secrets
from typing import Any

import httpx
import pytest
from syrupy.assertion import SnapshotAssertion

from contract_tests.test_v1_responses import (
    DATE_TIME,
    ID_KEYS,
    OWNED_CANDIDATE,
    Normaliser,
)
from tests.support.apps import Api
from tests.support.factories import V2_JOB, EmployerFactory, KeyFactory, Tenant

V2 = "/api/v2"
# The HeadHonta seed's create-job body.
OPEN_FROM_LOCATION = {
    "title": "Senior Backend Engineer",
    "description": "We are looking for...",
    "location": "Lagos, Nigeria",
    "employmentType": "full-time",
    "status": "open",
}


class V2Normaliser(Normaliser):
    """v1's normaliser, with cursors, and with ids numbered per kind of object: an application
    and its candidate (or job) may have equal ids in one run and not in the next."""

    KINDS = {"jobId": "job", "candidateId": "candidate", "applicationId": "application"}
    # A stage id is a UUID, which no integer id can equal: it shares the labels of the stage list.
    NESTED = frozenset({"candidate"})

    def __init__(self) -> None:
        super().__init__()
        self.labels: dict[tuple[str, str], str] = {}

    def id_of(self, value: Any, kind: str = "object") -> str:
        return self.labels.setdefault((kind, str(value)), f"<id:{len(self.labels) + 1}>")

    def body(self, value: Any, key: str | None = None, parent: str | None = None) -> Any:
        if isinstance(value, dict):
            return {name: self.body(item, name, key) for name, item in value.items()}
        if isinstance(value, list):
            return [self.body(item, None, key) for item in value]
        if key == "nextCursor" and value is not None:
            return "<cursor>"
        if key in ID_KEYS and value is not None:
            kind = self.KINDS.get(key) or (parent if parent in self.NESTED else "object")
            return self.id_of(value, kind)
        if isinstance(value, str) and DATE_TIME.match(value):
            return "<date-time>"
        return value


@pytest.fixture
def record() -> V2Normaliser:
    return V2Normaliser()


def create_job(api: Api, **fields: Any) -> httpx.Response:
    return api.post(f"{V2}/jobs", json={**V2_JOB, **fields})


def test_create_job(
    api: Api, tenant: Tenant, record: V2Normaliser, snapshot: SnapshotAssertion
) -> None:
    assert record.response(create_job(api)) == snapshot


def test_create_job_open_from_a_location(
    api: Api, tenant: Tenant, record: V2Normaliser, snapshot: SnapshotAssertion
) -> None:
    assert record.response(api.post(f"{V2}/jobs", json=OPEN_FROM_LOCATION)) == snapshot


def test_create_job_where_no_country_is_known(
    api: Api, tenant: Tenant, record: V2Normaliser, snapshot: SnapshotAssertion
) -> None:
    body = {**OPEN_FROM_LOCATION, "location": "Remote", "status": "draft"}
    assert record.response(api.post(f"{V2}/jobs", json=body)) == snapshot


def test_get_job(
    api: Api, tenant: Tenant, record: V2Normaliser, snapshot: SnapshotAssertion
) -> None:
    job_id = create_job(api).json()["data"]["id"]
    assert record.response(api.get(f"{V2}/jobs/{job_id}")) == snapshot


def test_list_jobs(
    api: Api, tenant: Tenant, record: V2Normaliser, snapshot: SnapshotAssertion
) -> None:
    create_job(api, reference="PL-001")
    create_job(api, reference="PL-002")
    assert record.response(api.get(f"{V2}/jobs", params={"limit": 1})) == snapshot


def test_publish_job(
    api: Api, tenant: Tenant, record: V2Normaliser, snapshot: SnapshotAssertion
) -> None:
    job_id = create_job(api).json()["data"]["id"]
    assert record.response(api.post(f"{V2}/jobs/{job_id}/publish")) == snapshot


def test_update_job_to_closed(
    api: Api, tenant: Tenant, record: V2Normaliser, snapshot: SnapshotAssertion
) -> None:
    job_id = create_job(api).json()["data"]["id"]
    response = api.put(f"{V2}/jobs/{job_id}", json={"status": "closed"})
    assert record.response(response) == snapshot


def test_pipeline_stages_stage_candidates_and_a_move(
    api: Api, tenant: Tenant, record: V2Normaliser, snapshot: SnapshotAssertion
) -> None:
    job_id = api.post(f"{V2}/jobs", json=OPEN_FROM_LOCATION).json()["data"]["id"]
    applied = api.client.post(
        f"/public/v1/jobs/{job_id}/apply",
        json={
            "fullName": "Chiamaka Obi",
            "email": "chiamaka.snapshot@example.com",
            "cvText": "Backend engineer, eight years of Go.",
        },
    )
    assert applied.status_code == 201, applied.text
    stages = api.get(f"{V2}/pipeline/stages")
    first, second = (stage["id"] for stage in stages.json()["data"][:2])
    listed = api.get(f"{V2}/pipeline/stages/{first}/candidates", params={"limit": 20})
    application_id = listed.json()["data"][0]["id"]
    moved = api.put(f"{V2}/pipeline/candidates/{application_id}/move", json={"stageId": second})
    assert [record.response(response) for response in (stages, listed, moved)] == snapshot


def test_list_candidates(
    api: Api, tenant: Tenant, record: V2Normaliser, snapshot: SnapshotAssertion
) -> None:
    """The talent pool, two pages: an own record with every field, and an applicant with few."""
    created = api.post(f"{V2}/candidates", json=OWNED_CANDIDATE)
    assert created.status_code == 201, created.text
    job_id = api.post(f"{V2}/jobs", json=OPEN_FROM_LOCATION).json()["data"]["id"]
    applied = api.client.post(
        f"/public/v1/jobs/{job_id}/apply",
        json={"fullName": "Chiamaka Obi", "email": "chiamaka.v2-pool@example.com", "cvText": "Go."},
    )
    assert applied.status_code == 201, applied.text
    first = api.get(f"{V2}/candidates", params={"limit": 1})
    cursor = first.json()["pagination"]["nextCursor"]
    second = api.get(f"{V2}/candidates", params={"limit": 1, "cursor": cursor})
    assert first.status_code == second.status_code == 200, (first.text, second.text)
    assert [record.response(response) for response in (first, second)] == snapshot


def test_list_webhook_deliveries(
    api: Api,
    tenant: Tenant,
    webhook_with_deliveries: int,
    record: V2Normaliser,
    snapshot: SnapshotAssertion,
) -> None:
    response = api.get(f"{V2}/webhooks/{webhook_with_deliveries}/deliveries", params={"limit": 2})
    assert response.status_code == 200, response.text
    assert record.response(response) == snapshot


def test_error_400_invalid_request(
    api: Api, tenant: Tenant, record: V2Normaliser, snapshot: SnapshotAssertion
) -> None:
    response = api.post(f"{V2}/jobs", json={**V2_JOB, "employmentType": "FullTime"})
    assert record.response(response) == snapshot


def test_error_400_invalid_state(
    api: Api, tenant: Tenant, record: V2Normaliser, snapshot: SnapshotAssertion
) -> None:
    job_id = api.post(f"{V2}/jobs", json=OPEN_FROM_LOCATION).json()["data"]["id"]
    response = api.put(f"{V2}/jobs/{job_id}", json={"status": "draft"})
    assert record.response(response) == snapshot


def test_error_401_has_an_empty_body(
    api: Api, record: V2Normaliser, snapshot: SnapshotAssertion
) -> None:
    assert record.response(api.get(f"{V2}/jobs", key="pk_live_" + "0" * 32)) == snapshot


def test_error_402_no_credits(
    api: Api,
    make_employer: EmployerFactory,
    make_key: KeyFactory,
    record: V2Normaliser,
    snapshot: SnapshotAssertion,
) -> None:
    _, key = make_key(make_employer(name=f"Snapshot {secrets.token_hex(4)}"))
    response = api.post(f"{V2}/jobs", key=key, json=OPEN_FROM_LOCATION)
    assert record.response(response) == snapshot


def test_error_403_insufficient_scope(
    api: Api,
    make_employer: EmployerFactory,
    make_key: KeyFactory,
    record: V2Normaliser,
    snapshot: SnapshotAssertion,
) -> None:
    _, key = make_key(make_employer(), "jobs:read")
    assert record.response(api.post(f"{V2}/jobs", key=key, json=V2_JOB)) == snapshot


def test_error_404_not_found(
    api: Api, tenant: Tenant, record: V2Normaliser, snapshot: SnapshotAssertion
) -> None:
    assert record.response(api.get(f"{V2}/jobs/999999999")) == snapshot

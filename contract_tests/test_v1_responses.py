"""v1 is frozen (docs/requirements.md#v2): snapshots of representative v1 responses, on PostgreSQL
and SQLite.

Each snapshot holds the status, the headers a client relies on and the body, with what changes
from run to run replaced: ids become ``<id:N>`` (numbered in order of appearance, so a job's id in
its ``Location`` and in its body read the same), date-times ``<date-time>``. Both backends must
produce the same snapshot. A change here is a change of the v1 contract: only additive ones are
allowed (see README, "Versions").
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from syrupy.assertion import SnapshotAssertion

from storage import candidates, db
from tests.support.apps import Api
from tests.support.factories import SEED_JOB, EmployerFactory, KeyFactory, Tenant

ID_KEYS = {"id", "jobId", "candidateId", "applicationId", "stageId"}
DATE_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
KEPT_HEADERS = ("content-type", "location", "www-authenticate", "content-length")
RATE_LIMIT_HEADERS = ("x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset")
# A word only this module's CV profile contains.
SEARCH_WORD = "snapshotprofileword"


class Normaliser:
    """Replaces the volatile parts of responses, consistently across one test's responses."""

    def __init__(self) -> None:
        self.ids: dict[str, str] = {}

    def id_of(self, value: Any) -> str:
        return self.ids.setdefault(str(value), f"<id:{len(self.ids) + 1}>")

    def body(self, value: Any, key: str | None = None) -> Any:
        if isinstance(value, dict):
            return {name: self.body(item, name) for name, item in value.items()}
        if isinstance(value, list):
            return [self.body(item) for item in value]
        if key in ID_KEYS and value is not None:
            return self.id_of(value)
        if isinstance(value, str) and DATE_TIME.match(value):
            return "<date-time>"
        return value

    def response(self, response: httpx.Response) -> dict[str, Any]:
        headers: dict[str, Any] = {}
        for name in KEPT_HEADERS:
            if name in response.headers:
                headers[name] = response.headers[name]
        if "location" in headers:
            headers["location"] = re.sub(
                r"/(\d+)$", lambda m: f"/{self.id_of(m.group(1))}", headers["location"]
            )
        if "content-length" in headers and response.content:
            # The length follows the ids' digits; an empty body's length is the contract.
            headers["content-length"] = "<n>"
        for name in RATE_LIMIT_HEADERS:
            headers[name] = "<n>" if name in response.headers else None
        assert "deprecation" not in response.headers, "v1 is not deprecated (V5)"
        assert "sunset" not in response.headers
        body = self.body(response.json()) if response.content else None
        return {"status": response.status_code, "headers": headers, "body": body}


@pytest.fixture
def record() -> Normaliser:
    return Normaliser()


def create_job(api: Api, reference: str = "PL-001") -> httpx.Response:
    return api.post("/api/v1/jobs", json={**SEED_JOB, "reference": reference})


def test_create_job(
    api: Api, tenant: Tenant, record: Normaliser, snapshot: SnapshotAssertion
) -> None:
    assert record.response(create_job(api)) == snapshot


def test_get_job(api: Api, tenant: Tenant, record: Normaliser, snapshot: SnapshotAssertion) -> None:
    job_id = create_job(api).json()["id"]
    assert record.response(api.get(f"/api/v1/jobs/{job_id}")) == snapshot


def test_list_jobs(
    api: Api, tenant: Tenant, record: Normaliser, snapshot: SnapshotAssertion
) -> None:
    create_job(api, "PL-001")
    create_job(api, "PL-002")
    assert record.response(api.get("/api/v1/jobs", params={"pageSize": 1})) == snapshot


def test_publish_job(
    api: Api, tenant: Tenant, record: Normaliser, snapshot: SnapshotAssertion
) -> None:
    job_id = create_job(api).json()["id"]
    assert record.response(api.post(f"/api/v1/jobs/{job_id}/publish")) == snapshot


_PROFILES: dict[str, int] = {}


@pytest.fixture
def cv_profile(api: Api) -> int:
    """A platform profile in the CV database that only searches for ``SEARCH_WORD`` find.

    Made once per database: its e-mail address is fixed, so that its snapshot is.
    """
    database = str(api.database.url)
    if database in _PROFILES:
        return _PROFILES[database]
    with db.unit_of_work() as session:
        profile = candidates.create_platform_candidate(
            session,
            {
                "full_name": "Ada Lovelace",
                "email": "ada.snapshot@example.com",
                "phone": "+44 20 7946 0000",
                "headline": f"Senior {SEARCH_WORD} engineer",
                "summary": "Analytical engines.",
                "cv_text": f"Ten years of {SEARCH_WORD}.",
                "skills": ["HVAC", "Revit"],
                "city": "London",
                "country_id": 44,
                "preferred_country_ids": [44],
            },
        )
        _PROFILES[database] = profile.id
    return _PROFILES[database]


def test_search_masks_rows(
    api: Api, tenant: Tenant, cv_profile: int, record: Normaliser, snapshot: SnapshotAssertion
) -> None:
    response = api.post("/api/v1/candidates/search", json={"query": SEARCH_WORD})
    assert record.response(response) == snapshot


def test_get_candidate_unlocks_the_profile(
    api: Api, tenant: Tenant, cv_profile: int, record: Normaliser, snapshot: SnapshotAssertion
) -> None:
    assert record.response(api.get(f"/api/v1/candidates/{cv_profile}")) == snapshot


def test_list_pipeline_stages(
    api: Api, tenant: Tenant, record: Normaliser, snapshot: SnapshotAssertion
) -> None:
    assert record.response(api.get("/api/v1/pipeline/stages")) == snapshot


OWNED_CANDIDATE = {
    "fullName": "Grace Hopper",
    "email": "grace.snapshot@example.com",
    "phone": "+1 202 555 0100",
    "headline": "Compiler engineer",
    "summary": "COBOL and the first compiler.",
    "cvText": "Forty years of compilers.",
    "skills": ["COBOL", "FLOW-MATIC"],
    "city": "Arlington",
    "countryId": 1,
    "preferredCountryIds": [44, 1],
}


def apply_to_a_new_job(api: Api, email: str) -> None:
    """An applicant (a platform profile, in the talent pool as an applicant) to a new open job."""
    job_id = create_job(api, "PL-APPLY").json()["id"]
    assert api.post(f"/api/v1/jobs/{job_id}/publish").status_code == 200
    applied = api.client.post(
        f"/public/v1/jobs/{job_id}/apply",
        json={"fullName": "Chiamaka Obi", "email": email, "cvText": "Go, eight years."},
    )
    assert applied.status_code == 201, applied.text


def test_list_candidates(
    api: Api, tenant: Tenant, record: Normaliser, snapshot: SnapshotAssertion
) -> None:
    """The talent pool: an own record with every field, and an applicant with few."""
    created = api.post("/api/v1/candidates", json=OWNED_CANDIDATE)
    assert created.status_code == 201, created.text
    apply_to_a_new_job(api, "chiamaka.v1-pool@example.com")
    response = api.get("/api/v1/candidates", params={"pageSize": 5})
    assert response.status_code == 200, response.text
    assert record.response(response) == snapshot


def test_list_stage_candidates(api: Api, tenant: Tenant, snapshot: SnapshotAssertion) -> None:
    # An application and its candidate (or job) may have equal ids in one run and not in the
    # next: their ids are numbered per kind, as v2's snapshots number them.
    from contract_tests.test_v2_responses import V2Normaliser

    apply_to_a_new_job(api, "chiamaka.v1-stage@example.com")
    stage_id = api.get("/api/v1/pipeline/stages").json()["items"][0]["id"]
    response = api.get(f"/api/v1/pipeline/stages/{stage_id}/candidates")
    assert response.status_code == 200, response.text
    assert V2Normaliser().response(response) == snapshot


def test_list_webhook_deliveries(
    api: Api,
    tenant: Tenant,
    webhook_with_deliveries: int,
    record: Normaliser,
    snapshot: SnapshotAssertion,
) -> None:
    response = api.get(f"/api/v1/webhooks/{webhook_with_deliveries}/deliveries")
    assert response.status_code == 200, response.text
    assert record.response(response) == snapshot


def test_error_400_invalid_request(
    api: Api, tenant: Tenant, record: Normaliser, snapshot: SnapshotAssertion
) -> None:
    response = api.post("/api/v1/jobs", json={**SEED_JOB, "title": None})
    assert record.response(response) == snapshot


def test_error_400_invalid_state(
    api: Api, tenant: Tenant, record: Normaliser, snapshot: SnapshotAssertion
) -> None:
    job_id = create_job(api).json()["id"]
    api.post(f"/api/v1/jobs/{job_id}/publish")
    assert record.response(api.post(f"/api/v1/jobs/{job_id}/publish")) == snapshot


def test_error_401_has_an_empty_body(
    api: Api, record: Normaliser, snapshot: SnapshotAssertion
) -> None:
    assert record.response(api.get("/api/v1/jobs", key="pk_live_" + "0" * 32)) == snapshot


def test_error_403_insufficient_scope(
    api: Api,
    make_employer: EmployerFactory,
    make_key: KeyFactory,
    record: Normaliser,
    snapshot: SnapshotAssertion,
) -> None:
    _, key = make_key(make_employer(), "jobs:read")
    assert record.response(api.post("/api/v1/jobs", key=key, json=SEED_JOB)) == snapshot


def test_error_404_not_found(
    api: Api, tenant: Tenant, record: Normaliser, snapshot: SnapshotAssertion
) -> None:
    assert record.response(api.get("/api/v1/jobs/999999999")) == snapshot

"""The HeadHonta calls, exactly as that vendor publishes them, against ``/api/v2``.

Only the base URL (``.../api/v2``) and the key (ours, in the same ``X-API-Key`` header) differ
from the published examples: the query strings and bodies below are the published text, byte for
byte, except that the move's placeholder stage id is replaced by one of ours.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from storage import credits, db
from storage.models import CreditKind
from tests.support.apps import Api
from tests.support.factories import Tenant

BASE = "/api/v2"
LIST_OPEN_JOBS = "/jobs?status=open&limit=10"
CREATE_JOB_BODY = """{
    "title": "Senior Backend Engineer",
    "description": "We are looking for...",
    "location": "Lagos, Nigeria",
    "employmentType": "full-time",
    "status": "open"
  }"""
STAGE_CANDIDATES = "/pipeline/stages/{stageId}/candidates?limit=20"
MOVE = "/pipeline/candidates/{id}/move"
MOVE_BODY = '{ "stageId": "target-stage-uuid" }'


def call(api: Api, tenant: Tenant, method: str, path: str, body: str | None = None) -> Any:
    headers = {"X-API-Key": tenant.key}
    if body is not None:
        headers["Content-Type"] = "application/json"
    response = api.client.request(method, BASE + path, headers=headers, content=body)
    assert response.status_code in (200, 201), response.text
    answer = response.json()
    assert answer["success"] is True
    return answer


def test_the_published_calls_work_as_published(api: Api, tenant: Tenant) -> None:
    first = call(api, tenant, "GET", LIST_OPEN_JOBS)
    assert first["pagination"]["limit"] == 10 and first["data"] == []

    created = call(api, tenant, "POST", "/jobs", CREATE_JOB_BODY)["data"]
    assert created["status"] == "open" and created["postedDate"] and created["expiryDate"]
    assert (created["title"], created["location"], created["city"], created["country"]) == (
        "Senior Backend Engineer",
        "Lagos, Nigeria",
        "Lagos",
        "Nigeria",
    )
    assert (created["employmentType"], created["applyMethod"]) == ("full-time", "quick-apply")
    with db.unit_of_work() as session:
        assert credits.balance(session, tenant.employer_id, CreditKind.JOB_POSTING) == 4

    listed = call(api, tenant, "GET", LIST_OPEN_JOBS)["data"]
    assert [job["id"] for job in listed] == [created["id"]]

    # A job seeker applies on the board; the application joins the first stage.
    applied = api.client.post(
        f"/public/v1/jobs/{created['id']}/apply",
        json={
            "fullName": "Chiamaka Obi",
            "email": f"{secrets.token_hex(6)}@example.com",
            "cvText": "Backend engineer, eight years of Go and PostgreSQL.",
        },
    )
    assert applied.status_code == 201, applied.text
    stages = call(api, tenant, "GET", "/pipeline/stages")["data"]

    at_stage = call(api, tenant, "GET", STAGE_CANDIDATES.format(stageId=stages[0]["id"]))
    assert at_stage["pagination"]["limit"] == 20
    (item,) = at_stage["data"]
    assert item["candidate"]["fullName"] == "Chiamaka Obi"

    body = MOVE_BODY.replace("target-stage-uuid", stages[1]["id"])
    assert json.loads(body) == {"stageId": stages[1]["id"]}
    moved = call(api, tenant, "PUT", MOVE.format(id=item["id"]), body)["data"]
    assert (moved["id"], moved["stage"]["name"]) == (item["id"], stages[1]["name"])
    assert call(api, tenant, "GET", STAGE_CANDIDATES.format(stageId=stages[0]["id"]))["data"] == []

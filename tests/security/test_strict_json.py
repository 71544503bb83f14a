"""Strict JSON in and out: NaN and infinities are refused in every request body, and nothing the
service writes (replies, cached reads, stored JSON, webhook payloads) can carry them."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import StatementError

from storage import db, outbox
from tests.security.support import published_job, refusal, send_raw
from tests.support import strict_json
from tests.support.apps import Api
from tests.support.factories import Tenant

TOKENS = ["NaN", "Infinity", "-Infinity", "1e400", "-1E999"]


@pytest.mark.parametrize("token", TOKENS)
@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("PUT", "/api/v1/jobs/{id}", '{"salaryMax": %s}'),
        ("PUT", "/api/v2/jobs/{id}", '{"salaryMin": %s, "salaryMax": %s}'),
        ("POST", "/api/v1/jobs", '{"title": "T", "salaryMin": %s}'),
        ("POST", "/api/v2/candidates/search", '{"query": "engineer", "activeWithinDays": %s}'),
        ("POST", "/public/v1/jobs/{id}/apply", '{"fullName": "A", "nested": [%s]}'),
    ],
)
def test_non_finite_numbers_are_refused_in_every_body(
    api: Api, tenant: Tenant, token: str, method: str, path: str, body: str
) -> None:
    job = published_job(api, salaryMin=1000, salaryMax=2000)

    response = send_raw(api, method, path.format(id=job["id"]), body.replace("%s", token))

    code, message = refusal(response, 400)
    assert code == "invalid_request"
    assert token.lstrip("-") in message or "out of range" in message
    after = api.get(f"/api/v1/jobs/{job['id']}").json()
    assert (after["salaryMin"], after["salaryMax"]) == (1000, 2000)


def test_non_finite_salaries_stored_earlier_are_read_as_none(api: Api, tenant: Tenant) -> None:
    """Written as the service could write them before: PostgreSQL's numeric(14, 2) keeps a NaN
    (not an infinity), SQLite an infinity (it stores NULL for a NaN)."""
    job = published_job(api, salaryMin=1000, salaryMax=2000)
    with db.unit_of_work() as session:
        session.execute(
            text("UPDATE jobs SET salary_min = :value, salary_max = :value WHERE id = :id"),
            {"id": job["id"], "value": float("nan" if api.backend == "postgresql" else "inf")},
        )

    for path in (
        f"/api/v1/jobs/{job['id']}",
        "/api/v1/jobs",
        f"/api/v2/jobs/{job['id']}",
        f"/public/v1/jobs/{job['id']}",
        "/public/v1/jobs?pageSize=100",
    ):
        response = api.get(path)
        assert response.status_code == 200, response.text
        assert "NaN" not in response.text and "Infinity" not in response.text, path
        strict_json.loads(response.content)

    changed = api.put(f"/api/v1/jobs/{job['id']}", json={"salaryMax": 5000})
    assert changed.status_code == 200, changed.text
    assert (changed.json()["salaryMin"], changed.json()["salaryMax"]) == (None, 5000)


def test_event_data_that_is_not_json_is_never_stored(api: Api, tenant: Tenant) -> None:
    """A webhook payload is the event's stored data: a NaN there fails the commit."""
    # The writer's ValueError, wrapped in a StatementError by some drivers.
    with (
        pytest.raises((ValueError, StatementError), match="not JSON compliant"),
        db.unit_of_work() as session,
    ):
        outbox.record_event(
            session, tenant.employer_id, outbox.JOB_PUBLISHED, {"salary": float("nan")}
        )
        session.flush()
    with db.unit_of_work() as session:
        assert outbox.employer_events(session, tenant.employer_id) == []

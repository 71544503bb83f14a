"""docs/requirements.md#k1 to #k5 and #k7 through HTTP: key format, both headers, 401 with no body,
403, tenant 404s."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from storage import api_keys, db
from storage.models import ApiKey, ApiKeyStatus
from tests.support.apps import Api
from tests.support.factories import SEED_JOB, EmployerFactory, KeyFactory, Tenant, employer_in

JOB_OPERATIONS = [
    ("GET", "/api/v1/jobs", None),
    ("POST", "/api/v1/jobs", SEED_JOB),
    ("GET", "/api/v1/jobs/{id}", None),
    ("PUT", "/api/v1/jobs/{id}", {"title": "Changed"}),
    ("POST", "/api/v1/jobs/{id}/publish", {}),
    ("DELETE", "/api/v1/jobs/{id}", None),
]


def _job_id(api: Api) -> int:
    response = api.post("/api/v1/jobs", json=SEED_JOB)
    assert response.status_code == 201
    return int(response.json()["id"])


def test_minted_keys_have_the_documented_form(db_session: Session) -> None:
    employer = employer_in(db_session)
    key = api_keys.mint_key(db_session, employer, name="x", scopes=["jobs:read"]).plaintext
    assert re.fullmatch(r"pk_live_[A-Za-z0-9]{32,}", key)
    stored = db_session.scalars(select(ApiKey).where(ApiKey.prefix == key[:12])).one()
    assert stored.secret_hash == api_keys.hash_secret(key)
    columns = [getattr(stored, column.key) for column in ApiKey.__table__.columns]
    assert not any(value == key for value in columns), "the plaintext key must never be stored"


@pytest.mark.parametrize("header", ["bearer", "x-api-key"])
@pytest.mark.parametrize(("method", "path", "body"), JOB_OPERATIONS)
def test_both_headers_work_on_every_operation(
    api: Api, tenant: Tenant, header: str, method: str, path: str, body: object
) -> None:
    job_id = _job_id(api)
    headers = (
        {"Authorization": f"Bearer {tenant.key}"}
        if header == "bearer"
        else {"X-Api-Key": tenant.key}
    )
    api.default_key = None

    response = api.request(method, path.format(id=job_id), headers=headers, json=body)

    assert response.status_code in {200, 201}, response.text


@pytest.mark.parametrize(("method", "path", "body"), JOB_OPERATIONS)
@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer pk_live_" + "x" * 40},
        {"X-Api-Key": "pk_live_" + "y" * 40},
        {"Authorization": "Bearer"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"X-Api-Key": "not-a-key"},
    ],
    ids=["missing", "unknown-bearer", "unknown-header", "empty-bearer", "basic", "malformed"],
)
def test_missing_or_unknown_keys_get_401_with_an_empty_body(
    api: Api, tenant: Tenant, method: str, path: str, body: object, headers: dict[str, str]
) -> None:
    job_id = _job_id(api)
    api.default_key = None

    response = api.request(method, path.format(id=job_id), headers=headers, json=body)

    assert response.status_code == 401
    assert response.content == b""
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_revoked_key_gets_401_at_once(api: Api, tenant: Tenant) -> None:
    assert api.get("/api/v1/jobs").status_code == 200
    with db.unit_of_work() as session:
        api_keys.revoke_key(session, tenant.key_id)

    response = api.get("/api/v1/jobs")

    assert response.status_code == 401
    assert response.content == b""


def test_expired_key_gets_401(
    api: Api, make_employer: EmployerFactory, make_key: KeyFactory
) -> None:
    key_id, key = make_key(make_employer(), expires_at=datetime.now(UTC) + timedelta(hours=1))
    assert api.get("/api/v1/jobs", key=key).status_code == 200
    with db.unit_of_work() as session:
        session.execute(
            update(ApiKey)
            .where(ApiKey.id == key_id)
            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )

    response = api.get("/api/v1/jobs", key=key)

    assert response.status_code == 401
    assert response.content == b""


def test_pending_key_gets_401(api: Api, tenant: Tenant) -> None:
    with db.unit_of_work() as session:
        session.execute(
            update(ApiKey).where(ApiKey.id == tenant.key_id).values(status=ApiKeyStatus.PENDING)
        )
    response = api.get("/api/v1/jobs")
    assert response.status_code == 401
    assert response.content == b""


@pytest.mark.parametrize(
    ("scopes", "method", "path", "missing"),
    [
        ("jobs:read", "POST", "/api/v1/jobs", "jobs:write"),
        ("jobs:write", "GET", "/api/v1/jobs", "jobs:read"),
        ("CvSearch", "GET", "/api/v1/jobs/{id}", "jobs:read"),
        ("jobs:read", "POST", "/api/v1/jobs/{id}/publish", "jobs:write"),
        ("jobs:read", "DELETE", "/api/v1/jobs/{id}", "jobs:write"),
        ("jobs:read", "PUT", "/api/v1/jobs/{id}", "jobs:write"),
    ],
)
def test_a_key_without_the_scope_gets_403_in_the_envelope(
    api: Api,
    tenant: Tenant,
    make_key: KeyFactory,
    scopes: str,
    method: str,
    path: str,
    missing: str,
) -> None:
    job_id = _job_id(api)
    _, narrow = make_key(tenant.employer_id, scopes=scopes)
    body = {"title": "x"} if method == "PUT" else (SEED_JOB if path == "/api/v1/jobs" else None)

    response = api.request(method, path.format(id=job_id), key=narrow, json=body)

    assert response.status_code == 403
    assert response.json() == {
        "code": "insufficient_scope",
        "message": f"This API key lacks the scope {missing}.",
    }
    assert api.get(f"/api/v1/jobs/{job_id}").json()["status"] == "Draft"


def test_job_posting_bundle_covers_every_jobs_operation(
    api: Api, tenant: Tenant, make_key: KeyFactory
) -> None:
    _, key = make_key(tenant.employer_id, scopes="JobPosting")
    api.default_key = key
    job_id = _job_id(api)
    for method, path, body in JOB_OPERATIONS:
        response = api.request(method, path.format(id=job_id), json=body)
        assert response.status_code in {200, 201}, (method, path, response.text)


def test_another_employers_jobs_are_not_found_everywhere(
    api: Api, tenant: Tenant, make_employer: EmployerFactory, make_key: KeyFactory
) -> None:
    theirs = _job_id(api)
    _, other_key = make_key(make_employer(job_posting=3))

    for method, path, body in JOB_OPERATIONS[2:]:
        response = api.request(method, path.format(id=theirs), key=other_key, json=body)
        assert response.status_code == 404, (method, path)
        assert response.json() == {"code": "not_found", "message": f"No job with id {theirs}."}
    missing = api.get("/api/v1/jobs/987654321", key=other_key)
    assert missing.json() == {"code": "not_found", "message": "No job with id 987654321."}

    assert api.get("/api/v1/jobs", key=other_key).json()["total"] == 0
    assert api.get(f"/api/v1/jobs/{theirs}").json()["status"] == "Draft"


def test_last_used_is_stamped_once_per_minute_off_the_request_path(
    api: Api, make_employer: EmployerFactory, make_key: KeyFactory
) -> None:
    key_id, key = make_key(make_employer())

    def stamp() -> datetime | None:
        with db.unit_of_work() as session:
            return session.get(ApiKey, key_id).last_used_at  # type: ignore[union-attr]

    assert stamp() is None
    assert api.get("/api/v1/jobs", key=key).status_code == 200
    deadline = time.monotonic() + 5
    while stamp() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    first = stamp()
    assert first is not None and abs(first - datetime.now(UTC)) < timedelta(minutes=1)

    for _ in range(5):
        assert api.get("/api/v1/jobs", key=key).status_code == 200
    time.sleep(0.3)
    assert stamp() == first


def test_last_used_update_is_coalesced_in_the_database(
    api: Api, make_employer: EmployerFactory, make_key: KeyFactory
) -> None:
    key_id, _ = make_key(make_employer())
    now = datetime.now(UTC)
    with db.unit_of_work() as session:
        assert api_keys.record_key_use(session, key_id, now) is True
        assert api_keys.record_key_use(session, key_id, now + timedelta(seconds=30)) is False
        assert api_keys.record_key_use(session, key_id, now + timedelta(seconds=61)) is True

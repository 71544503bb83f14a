"""docs/requirements.md#v1 and #r2: every refusal is a documented status in the {"code","message"}
envelope."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from storage import jobs
from tests.support.apps import Api, make_settings
from tests.support.factories import Tenant
from tests.support.live import free_port

MIB = 1024 * 1024
WELL_FORMED_KEY = "pk_live_" + "A" * 40


def assert_envelope(response: object, status: int, code: str) -> dict[str, str]:
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    assert response.headers["content-type"] == "application/json"  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert set(body) == {"code", "message"}
    assert body["code"] == code
    assert body["message"] and "Traceback" not in body["message"]
    return body  # type: ignore[no-any-return]


def test_body_that_is_not_json_is_400(api: Api, tenant: Tenant) -> None:
    response = api.post(
        "/api/v1/jobs", content=b'{"title": ', headers={"Content-Type": "application/json"}
    )
    assert_envelope(response, 400, "invalid_request")


def test_body_that_is_not_utf8_is_400(api: Api, tenant: Tenant) -> None:
    response = api.post(
        "/api/v1/jobs",
        content=b'{"title": "\xff\xfe"}',
        headers={"Content-Type": "application/json"},
    )
    body = assert_envelope(response, 400, "invalid_request")
    assert "UTF-8" in body["message"]


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "application/xml"]
)
def test_wrong_content_type_is_415(api: Api, tenant: Tenant, content_type: str) -> None:
    response = api.post("/api/v1/jobs", content=b"title=x", headers={"Content-Type": content_type})
    assert_envelope(response, 415, "unsupported_media_type")


def test_body_without_content_type_is_415(api: Api, tenant: Tenant) -> None:
    response = api.post("/api/v1/jobs", content=b'{"title": "x"}')
    assert_envelope(response, 415, "unsupported_media_type")
    assert api.get("/api/v1/jobs").json()["total"] == 0


def test_body_over_one_mib_is_413_before_parsing(api: Api, tenant: Tenant) -> None:
    oversized = b'{"title": "' + b"x" * MIB + b'"}'
    response = api.post(
        "/api/v1/jobs", content=oversized, headers={"Content-Type": "application/json"}
    )
    body = assert_envelope(response, 413, "payload_too_large")
    assert "1048576" in body["message"]


def test_chunked_body_over_one_mib_is_413(api: Api, tenant: Tenant) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"title": "'
        for _ in range(20):
            yield b"x" * 65536
        yield b'"}'

    response = api.post(
        "/api/v1/jobs", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert "content-length" not in {k.lower() for k in response.request.headers}
    assert_envelope(response, 413, "payload_too_large")


def test_body_of_exactly_the_limit_is_read(api: Api, tenant: Tenant) -> None:
    padding = MIB - len(b'{"title": ""}')
    body = b'{"title": "' + b" " * padding + b'"}'
    assert len(body) == MIB
    response = api.post("/api/v1/jobs", content=body, headers={"Content-Type": "application/json"})
    # Read and validated (the job is incomplete), not refused for its size.
    assert_envelope(response, 400, "invalid_request")


def test_unknown_path_is_404_in_the_envelope(api: Api, tenant: Tenant) -> None:
    assert_envelope(api.get("/api/v1/nothing-here"), 404, "not_found")
    assert_envelope(api.get("/api/v1/jobs/not-a-number"), 404, "not_found")


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("PATCH", "/api/v1/jobs", "GET, POST"),
        ("DELETE", "/api/v1/jobs", "GET, POST"),
        ("PATCH", "/api/v1/jobs/5", "DELETE, GET, PUT"),
        ("GET", "/api/v1/jobs/5/publish", "POST"),
    ],
)
def test_wrong_method_is_405_with_the_documented_allow(
    api: Api, tenant: Tenant, method: str, path: str, allow: str
) -> None:
    response = api.request(method, path)
    assert_envelope(response, 405, "method_not_allowed")
    assert response.headers["allow"] == allow


def test_unexpected_failure_is_500_without_details(
    api: Api, tenant: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret internals: password=hunter2")

    monkeypatch.setattr(jobs, "list_jobs", explode)
    response = api.get("/api/v1/jobs")
    body = assert_envelope(response, 500, "internal_error")
    assert "hunter2" not in response.text and "RuntimeError" not in body["message"]


def test_unreachable_database_is_503_unavailable(tmp_path: Path, redis_url: str) -> None:
    from hirebridge.app import create_app
    from storage import db

    previous = db.current()
    dead = f"postgresql://postgres@127.0.0.1:{free_port()}/nothing"
    try:
        app = create_app(make_settings(dead, redis_url, tmp_path))
        with app.test_client() as client:
            response = client.get("/api/v1/jobs", headers={"X-Api-Key": WELL_FORMED_KEY})
            body = assert_envelope(response, 503, "unavailable")
            assert response.headers["retry-after"].isdigit()
            assert "postgres" not in body["message"].lower()
            ready = client.get("/healthz/ready")
            assert ready.status_code == 503
            assert ready.json()["checks"] == {"database": False, "redis": True}
    finally:
        db.use(previous)

"""Helpers of the adversarial suite: error envelopes of each version, jobs, raw JSON bodies."""

from __future__ import annotations

from typing import Any

from tests.support import strict_json
from tests.support.apps import Api
from tests.support.factories import SEED_JOB

JSON = {"Content-Type": "application/json"}
# The edge limits of the suite's own server (``edge_server``).
EDGE_CONNECTIONS = 6
EDGE_SIGN_IN_PER_MINUTE = 3


def refusal(response: Any, status: int) -> tuple[str, str]:
    """``(code, message)`` of an error in the envelope of the version ``response`` answers for."""
    assert response.status_code == status, response.text[:300]
    body = strict_json.loads(response.content)
    if str(response.request.url.path).startswith("/api/v2/"):
        assert set(body) == {"success", "error"} and body["success"] is False, body
        body = body["error"]
    assert set(body) == {"code", "message"}, body
    return str(body["code"]), str(body["message"])


def published_job(api: Api, **overrides: Any) -> dict[str, Any]:
    created = api.post("/api/v1/jobs", json={**SEED_JOB, **overrides})
    assert created.status_code == 201, created.text
    published = api.post(f"/api/v1/jobs/{created.json()['id']}/publish")
    assert published.status_code == 200, published.text
    return published.json()  # type: ignore[no-any-return]


def send_raw(api: Api, method: str, path: str, body: str | bytes) -> Any:
    """``body`` exactly as given (the client's JSON encoder would refuse what these tests send),
    with the api's default key, except to the public board, which is sent no key at all."""
    content = body.encode() if isinstance(body, str) else body
    if path.startswith("/public/"):
        return api.client.request(method, path, content=content, headers=JSON)
    return api.request(method, path, content=content, headers=JSON)

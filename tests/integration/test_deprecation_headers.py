"""A deprecated version's responses, errors included, carry Deprecation, Sunset and Link
(docs/requirements.md#v5)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from hirebridge_floor.settings import VersionDeprecation
from storage import db
from tests.support.apps import Api, make_settings
from tests.support.factories import SEED_JOB, EmployerFactory, KeyFactory

GUIDE = "https://docs.hirebridge.example/migrate-to-v2"
EXPECTED = {
    "deprecation": "@1796083200",
    "sunset": "Wed, 30 Jun 2027 00:00:00 GMT",
    "link": f'<{GUIDE}>; rel="deprecation"; type="text/html",'
    f' <{GUIDE}>; rel="sunset"; type="text/html"',
}


@pytest.fixture
def deprecated_v1(
    api: Api, redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Any]:
    """A client of an app, on ``api``'s database and Redis, configured with v1 deprecated."""
    from hirebridge.app import create_app

    base = make_settings(str(api.database.url), redis_url, tmp_path_factory.mktemp("deprecated"))
    settings = dataclasses.replace(
        base,
        api_deprecations={
            "v1": VersionDeprecation(
                deprecated_at=datetime(2026, 12, 1, tzinfo=UTC),
                sunset_at=datetime(2027, 6, 30, tzinfo=UTC),
                link=GUIDE,
            )
        },
    )
    app = create_app(settings)
    db.use(api.database)
    with app.test_client() as client:
        yield client
    api.activate()


def test_every_v1_answer_carries_the_headers(
    deprecated_v1: Any, make_employer: EmployerFactory, make_key: KeyFactory
) -> None:
    _, key = make_key(make_employer())
    auth = {"Authorization": f"Bearer {key}"}
    _, jobs_only = make_key(make_employer(), "jobs:read")
    answers = {
        "201": deprecated_v1.post("/api/v1/jobs", headers=auth, json=SEED_JOB),
        "200": deprecated_v1.get("/api/v1/jobs", headers=auth),
        "400": deprecated_v1.post("/api/v1/jobs", headers=auth, json={}),
        "401": deprecated_v1.get("/api/v1/jobs"),
        "403": deprecated_v1.post(
            "/api/v1/jobs", headers={"Authorization": f"Bearer {jobs_only}"}, json=SEED_JOB
        ),
        "404": deprecated_v1.get("/api/v1/jobs/999999999", headers=auth),
        "404 path": deprecated_v1.get("/api/v1/no-such-thing", headers=auth),
        "405": deprecated_v1.delete("/api/v1/jobs", headers=auth),
    }
    for expected, response in answers.items():
        assert str(response.status_code) == expected.split()[0], (expected, response.text)
        assert {name: response.headers.get(name) for name in EXPECTED} == EXPECTED, expected


def test_other_paths_carry_none(deprecated_v1: Any) -> None:
    for path in ("/public/v1/jobs", "/swagger/v1/swagger.json", "/healthz/live"):
        response = deprecated_v1.get(path)
        assert response.status_code == 200, path
        assert "deprecation" not in response.headers and "sunset" not in response.headers, path

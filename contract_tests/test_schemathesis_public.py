"""Schemathesis over every operation of the public job board, in-process, all default checks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig

from tests.support.apps import Api
from tests.support.factories import SEED_JOB, EmployerFactory, KeyFactory

CONFIG = Path(__file__).with_name("schemathesis.toml")


@pytest.fixture
def public_schema(pg_api: Api) -> Any:
    return schemathesis.openapi.from_asgi(
        "/swagger/public/swagger.json", pg_api.app, config=SchemathesisConfig.from_path(CONFIG)
    )


@pytest.fixture
def open_jobs(pg_api: Api, make_employer: EmployerFactory, make_key: KeyFactory) -> list[int]:
    """A few Active jobs on the board, so generated ids sometimes find one."""
    employer_id = make_employer(unlimited=True)
    _, key = make_key(employer_id)
    ids = []
    for reference in ("P-1", "P-2"):
        job = pg_api.post("/api/v1/jobs", key=key, json={**SEED_JOB, "reference": reference})
        assert pg_api.post(f"/api/v1/jobs/{job.json()['id']}/publish", key=key).status_code == 200
        ids.append(job.json()["id"])
    return ids


schema = schemathesis.pytest.from_fixture("public_schema")


@schema.parametrize()
def test_public_operations_conform(case: Any, open_jobs: list[int]) -> None:
    case.call_and_validate()

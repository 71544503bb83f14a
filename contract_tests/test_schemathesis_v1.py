"""Schemathesis over every v1 operation, in-process, with a valid key and all default checks."""

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
def v1_schema(pg_api: Api) -> Any:
    return schemathesis.openapi.from_asgi(
        "/swagger/v1/swagger.json", pg_api.app, config=SchemathesisConfig.from_path(CONFIG)
    )


@pytest.fixture
def contract_key(pg_api: Api, make_employer: EmployerFactory, make_key: KeyFactory) -> str:
    """A key with every scope, of an employer on an unlimited contract with a few jobs."""
    employer_id = make_employer(unlimited=True)
    _, key = make_key(employer_id)
    pg_api.default_key = key
    for reference in ("C-1", "C-2", "C-3"):
        assert (
            pg_api.post("/api/v1/jobs", json={**SEED_JOB, "reference": reference}).status_code
            == 201
        )
    return key


schema = schemathesis.pytest.from_fixture("v1_schema")


@schema.parametrize()
def test_v1_operations_conform(case: Any, contract_key: str) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {contract_key}"})

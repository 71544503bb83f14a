"""Schemathesis over every v2 operation, in-process, with a valid key and all default checks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig

# The same employer and key as the v1 run: every scope, an unlimited contract, a few jobs.
from contract_tests.test_schemathesis_v1 import contract_key  # noqa: F401
from tests.support.apps import Api

CONFIG = Path(__file__).with_name("schemathesis.toml")


@pytest.fixture
def v2_schema(pg_api: Api) -> Any:
    return schemathesis.openapi.from_asgi(
        "/swagger/v2/swagger.json", pg_api.app, config=SchemathesisConfig.from_path(CONFIG)
    )


schema = schemathesis.pytest.from_fixture("v2_schema")


@schema.parametrize()
def test_v2_operations_conform(case: Any, contract_key: str) -> None:  # noqa: F811
    # A generated cursor is refused with 400 (only the server can sign one): schemathesis.toml
    # accepts that answer on the v2 lists, as it does for the CLI.
    case.call_and_validate(headers={"Authorization": f"Bearer {contract_key}"})

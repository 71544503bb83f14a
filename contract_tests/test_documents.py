"""The documents themselves: valid OpenAPI 3.0.3, complete, and the served v1 frozen by snapshot."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from openapi_spec_validator import validate
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.json import JSONSnapshotExtension

from hirebridge.documents import OPENAPI_DIR
from storage.api_keys import SCOPES
from tests.support.apps import Api

DOCUMENTS = sorted(OPENAPI_DIR.glob("*.yaml"))
VERBS = {"get", "put", "post", "delete", "patch"}


def load(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in VERBS
    ]


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_document_is_valid_openapi_3_0_3(path: Path) -> None:
    document = load(path)
    assert document["openapi"] == "3.0.3"
    validate(document)


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_every_operation_is_complete(path: Path) -> None:
    document = load(path)
    assert document["servers"], "servers must be declared"
    seen_ids: set[str] = set()
    for route, method, operation in operations(document):
        where = f"{method.upper()} {route}"
        assert operation.get("operationId"), where
        assert operation["operationId"] not in seen_ids, f"duplicate operationId at {where}"
        seen_ids.add(operation["operationId"])
        assert operation.get("tags"), where
        assert operation.get("summary") and operation.get("description"), where
        responses = operation["responses"]
        keyed = bool(operation.get("security", document.get("security", [])))
        for status in ("400", "401", "429", "500") if keyed else ("400", "429", "500"):
            assert status in responses, f"{where} does not describe {status}"
        success = [code for code in responses if code.startswith("2")]
        assert success, where
        for code, response in responses.items():
            if "$ref" in response or code == "401":
                continue
            assert "content" in response, f"{where} {code} has no schema"


def _scopes_of(operation: dict[str, Any]) -> set[str]:
    return {
        scope
        for requirement in operation.get("security", [])
        for scopes in requirement.values()
        for scope in scopes
    }


@pytest.mark.parametrize("path", [p for p in DOCUMENTS if p.stem != "public"], ids=lambda p: p.name)
def test_every_keyed_operation_accepts_both_schemes_with_the_same_scopes(path: Path) -> None:
    document = load(path)
    schemes = document["components"]["securitySchemes"]
    assert schemes["bearerAuth"] == {**schemes["bearerAuth"], "type": "http", "scheme": "bearer"}
    assert schemes["apiKeyAuth"]["in"] == "header" and schemes["apiKeyAuth"]["name"] == "X-Api-Key"
    for route, method, operation in operations(document):
        requirements = operation["security"]
        assert {name for requirement in requirements for name in requirement} == {
            "bearerAuth",
            "apiKeyAuth",
        }, f"{method.upper()} {route}"
        by_scheme = {
            name: scopes for requirement in requirements for name, scopes in requirement.items()
        }
        assert by_scheme["bearerAuth"] == by_scheme["apiKeyAuth"], f"{method.upper()} {route}"
        assert by_scheme["bearerAuth"], f"{method.upper()} {route} names no scope"


def test_documents_use_only_the_scope_vocabulary() -> None:
    used = {
        scope for path in DOCUMENTS for *_, op in operations(load(path)) for scope in _scopes_of(op)
    }
    assert used <= set(SCOPES), used - set(SCOPES)


def test_served_v1_document_matches_the_snapshot(pg_api: Api, snapshot: SnapshotAssertion) -> None:
    response = pg_api.get("/swagger/v1/swagger.json")
    assert response.status_code == 200
    assert response.json() == snapshot(extension_class=JSONSnapshotExtension)


def test_served_v2_document_matches_the_snapshot(pg_api: Api, snapshot: SnapshotAssertion) -> None:
    """v2 evolves, but never by accident: a change to its document is a reviewed snapshot update."""
    response = pg_api.get("/swagger/v2/swagger.json")
    assert response.status_code == 200
    assert response.json() == snapshot(extension_class=JSONSnapshotExtension)


def test_served_public_document_matches_the_snapshot(
    pg_api: Api, snapshot: SnapshotAssertion
) -> None:
    response = pg_api.client.get("/swagger/public/swagger.json")
    assert response.status_code == 200
    assert response.json() == snapshot(extension_class=JSONSnapshotExtension)


def test_the_public_document_needs_no_key(pg_api: Api) -> None:
    document = pg_api.client.get("/swagger/public/swagger.json").json()
    assert document["security"] == [] and "securitySchemes" not in document.get("components", {})
    assert all("security" not in operation for *_, operation in operations(document))

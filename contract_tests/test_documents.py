"""The documents themselves: valid OpenAPI 3.0.3, complete, and the served v1 frozen by snapshot."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.json import JSONSnapshotExtension

from hirebridge.contract.bundle import load_bundled
from hirebridge.documents import (
    OPENAPI_DIR,
    SCOPES_EXTENSION,
    operation_scopes,
    with_required_scopes,
)
from storage.api_keys import SCOPES
from tests.support.apps import Api

DOCUMENTS = sorted(OPENAPI_DIR.glob("*.yaml"))
VERBS = {"get", "put", "post", "delete", "patch"}


def load(path: Path) -> dict[str, Any]:
    """The document as it is served (its shared components copied in)."""
    return load_bundled(path)  # type: ignore[no-any-return]


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


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_every_document_names_its_license(path: Path) -> None:
    assert load(path)["info"]["license"]["name"]


# 401 has an empty body and counts nothing; 413 and 415 are refused before the key is read.
NO_RATE_HEADERS = {"401", "413", "415"}
RATE_HEADERS = {"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"}


def _resolve(document: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = document
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


@pytest.mark.parametrize("path", [p for p in DOCUMENTS if p.stem != "public"], ids=lambda p: p.name)
def test_keyed_answers_declare_the_rate_limit_headers_they_carry(path: Path) -> None:
    """Every keyed answer but 401, 413 and 415 carries the rate-limit headers: each one says so."""
    document = load(path)
    for route, method, operation in operations(document):
        for status, response in operation["responses"].items():
            if status in NO_RATE_HEADERS or status.startswith("5"):
                continue
            declared = set(_resolve(document, response).get("headers", {}))
            assert declared >= RATE_HEADERS, f"{method.upper()} {route} {status}: {declared}"


@pytest.mark.parametrize("path", [p for p in DOCUMENTS if p.stem != "public"], ids=lambda p: p.name)
def test_the_webhook_callback_is_a_complete_operation(path: Path) -> None:
    """Generators name the receiver after its operationId; it takes no key of ours, and says
    what a refusal means."""
    callbacks = load(path)["paths"]["/webhooks"]["post"]["callbacks"]
    (receiver,) = [item["post"] for callback in callbacks.values() for item in callback.values()]
    assert receiver["operationId"] == "receiveWebhookEvent"
    assert receiver["security"] == []
    assert {"2XX", "4XX", "5XX"} <= set(receiver["responses"])


def _scopes_of(operation: dict[str, Any]) -> set[str]:
    return set(operation_scopes(operation))


@pytest.mark.parametrize("path", [p for p in DOCUMENTS if p.stem != "public"], ids=lambda p: p.name)
def test_every_keyed_operation_accepts_both_schemes_and_states_its_scopes(path: Path) -> None:
    """Both schemes on every operation, with empty scope lists as OpenAPI 3.0 wants for ``http``
    and ``apiKey`` schemes; the operation's scopes are its ``x-scopes``."""
    document = load(path)
    schemes = document["components"]["securitySchemes"]
    assert schemes["bearerAuth"] == {**schemes["bearerAuth"], "type": "http", "scheme": "bearer"}
    assert schemes["apiKeyAuth"]["in"] == "header" and schemes["apiKeyAuth"]["name"] == "X-Api-Key"
    for route, method, operation in operations(document):
        where = f"{method.upper()} {route}"
        assert operation["security"] == [{"bearerAuth": []}, {"apiKeyAuth": []}], where
        # Every operation states its scopes; `x-scopes: []` (getMe: the key itself) is a
        # statement too, and the only such operation.
        assert SCOPES_EXTENSION in operation, f"{where} states no x-scopes"
        assert operation_scopes(operation) or operation["operationId"] == "getMe", where


def test_connexion_is_given_each_operations_scopes_on_both_schemes() -> None:
    for path in DOCUMENTS:
        document = load(path)
        bound = with_required_scopes(document)
        for (route, method, operation), (_, _, seen) in zip(
            operations(document), operations(bound), strict=True
        ):
            scopes = operation_scopes(operation)
            keyed = bool(operation.get("security"))
            expected = [{"bearerAuth": scopes}, {"apiKeyAuth": scopes}] if keyed else []
            assert seen.get("security", []) == expected, f"{path.name} {method} {route}"
        assert document == load(path), "the served document itself is left as it is"


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


def _validates(document: dict[str, Any], schema_name: str) -> Any:
    registry: Registry = Registry().with_resource(
        "urn:document", Resource.from_contents(document, default_specification=DRAFT4)
    )
    return OAS30Validator(
        {"$ref": f"urn:document#/components/schemas/{schema_name}"}, registry=registry
    )


V2_JOB_BODY = {
    "title": "Platform Engineer",
    "description": "Run the platform.",
    "location": "Leeds",
}


@pytest.mark.parametrize(
    ("body", "accepted"),
    [
        (V2_JOB_BODY, True),
        ({**V2_JOB_BODY, "applyMethod": "quick-apply"}, True),
        ({**V2_JOB_BODY, "applyMethod": "email"}, False),
        ({**V2_JOB_BODY, "applyMethod": "email", "applyEmailAddress": "jobs@example.com"}, True),
        ({**V2_JOB_BODY, "applyMethod": "url"}, False),
        ({**V2_JOB_BODY, "applyMethod": "url", "applyUrl": "https://example.com/jobs/1"}, True),
        ({"title": "Platform Engineer", "description": "Run the platform."}, False),
        ({"title": "Engineer", "description": "Run it.", "city": "Leeds"}, False),
        ({"title": "Engineer", "description": "Run it.", "city": "Leeds", "country": "UK"}, True),
        ({**V2_JOB_BODY, "expiryDate": "2030-01-01T00:00:00Z"}, False),
        ({**V2_JOB_BODY, "status": "draft", "expiryDate": "2030-01-01T00:00:00Z"}, False),
        ({**V2_JOB_BODY, "status": "open", "expiryDate": "2030-01-01T00:00:00Z"}, True),
    ],
)
def test_the_v2_job_body_states_the_apply_method_and_place_rules(
    body: dict[str, Any], accepted: bool
) -> None:
    """The rules are in the schema itself, where Connexion and Schemathesis read them."""
    validator = _validates(load(OPENAPI_DIR / "v2.yaml"), "JobCreate")
    assert validator.is_valid(body) is accepted


@pytest.mark.parametrize(
    ("method", "field"), [("EmailApply", "applyEmailAddress"), ("UrlApply", "applyUrl")]
)
def test_the_v1_job_body_states_the_apply_method_rule(method: str, field: str) -> None:
    validator = _validates(load(OPENAPI_DIR / "v1.yaml"), "JobCreate")
    body = {
        "reference": "PL-1",
        "title": "Engineer",
        "description": "Run it.",
        "city": "Leeds",
        "country": "United Kingdom",
        "employmentType": "FullTime",
        "remoteType": "OnSite",
        "applyMethod": method,
    }
    assert not validator.is_valid(body)
    value = "jobs@example.com" if field == "applyEmailAddress" else "https://example.com/jobs/1"
    assert validator.is_valid({**body, field: value})

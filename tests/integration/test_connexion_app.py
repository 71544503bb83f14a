"""The handlers are decorated once, not on every call (hirebridge.connexion_app;
docs/requirements.md#p5), and still get each call's own parameters and body."""

from __future__ import annotations

from typing import Any

import pytest
from connexion.decorators.main import BaseDecorator
from connexion.frameworks.starlette import Starlette as StarletteFramework
from connexion.uri_parsing import AbstractURIParser

from hirebridge.documents import load_document
from hirebridge.json_bodies import StrictJSONBodyValidator, kept_validator_count
from tests.support.apps import Api
from tests.support.factories import SEED_JOB, Tenant


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """How often Connexion wraps a handler in its decorators, and the URI parsers its handlers'
    requests were built with."""
    counts: dict[str, Any] = {"decorations": 0, "parsers": set()}
    decorate, get_request = BaseDecorator.decorate, StarletteFramework.get_request

    def counting_decorate(self: BaseDecorator, function: Any) -> Any:
        counts["decorations"] += 1
        return decorate(self, function)

    def counting_get_request(*, uri_parser: AbstractURIParser, **kwargs: Any) -> Any:
        counts["parsers"].add(id(uri_parser))
        return get_request(uri_parser=uri_parser, **kwargs)

    monkeypatch.setattr(BaseDecorator, "decorate", counting_decorate)
    monkeypatch.setattr(StarletteFramework, "get_request", staticmethod(counting_get_request))
    return counts


def test_a_handler_is_decorated_once_for_many_calls(
    api: Api, tenant: Tenant, counted: dict[str, Any]
) -> None:
    for number in range(3):
        created = api.post(
            "/api/v1/jobs",
            json={**SEED_JOB, "title": f"Welder {number}"},
        )
        assert created.status_code == 201, created.text
    for size in (1, 2, 3):
        page = api.get(f"/api/v1/jobs?pageSize={size}")
        assert page.status_code == 200, page.text
        assert (page.json()["pageSize"], len(page.json()["items"])) == (size, size)

    # Connexion 3.3 decorates, and builds a parser, on every call: 6 of each here. Once per
    # operation at most (no decoration when an earlier test of the session called them).
    assert counted["decorations"] <= 2, counted
    assert len(counted["parsers"]) == 2, counted


def test_each_call_gets_its_own_body_and_parameters(api: Api, tenant: Tenant) -> None:
    titles = [f"Glazier {number}" for number in range(4)]
    for title in titles:
        created = api.post("/api/v1/jobs", json={**SEED_JOB, "title": title})
        assert created.json()["title"] == title
    v2 = api.get("/api/v2/jobs?limit=2")
    assert v2.status_code == 200, v2.text
    assert v2.json()["pagination"]["limit"] == 2
    v1 = api.get("/api/v1/jobs?pageSize=4&page=1")
    assert sorted(item["title"] for item in v1.json()["items"]) == sorted(titles)


def test_body_validators_are_built_once_per_schema(api: Api, tenant: Tenant) -> None:
    """Connexion 3.3 builds a jsonschema validator per request (and, for v2's defaults, a
    validator class too); ours keeps one per schema, and still validates and fills defaults."""
    v2_body = {"title": "Roofer", "description": "Roofs.", "location": "Leeds, United Kingdom"}
    counts = []
    for number in range(3):
        v1 = api.post("/api/v1/jobs", json={**SEED_JOB, "title": f"Roofer {number}"})
        assert v1.status_code == 201, v1.text
        v2 = api.post("/api/v2/jobs", json=v2_body)
        assert v2.status_code == 201, v2.text
        assert v2.json()["data"]["employmentType"] == "full-time"  # the document's default
        counts.append(kept_validator_count())
    assert counts[0] == counts[1] == counts[2], counts
    schema = request_schema("v1", "createJob")
    assert validator_of(schema) is validator_of(schema)

    refused = api.post("/api/v1/jobs", json={**SEED_JOB, "title": 7})
    assert refused.status_code == 400, refused.text
    assert "title" in refused.json()["message"]


def request_schema(document: str, operation_id: str) -> Any:
    spec = load_document(document).spec
    operation = next(
        method
        for item in spec["paths"].values()
        for method in item.values()
        if isinstance(method, dict) and method.get("operationId") == operation_id
    )
    return operation["requestBody"]["content"]["application/json"]["schema"]


def validator_of(schema: Any) -> Any:
    """The jsonschema validator a body validator of ``schema`` uses, as a request builds one."""
    validator = StrictJSONBodyValidator(
        schema=schema, encoding="utf-8", strict_validation=True, nullable=False
    )
    return validator._validator

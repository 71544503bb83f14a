"""Sweeps generated from the served documents: every keyed operation of every keyed document,

- with a key that has every scope but the operation's: 403 in the version's envelope;
- with another employer's ids: 404, with the body of a missing id (apart from the id itself);
- with no key: 401 with an empty body.

The operations, their path parameters, scopes and example bodies are read from
``/swagger/<name>/swagger.json`` as the app serves it, so an operation added to a document is
swept without a change here (a path parameter of a new kind fails until it is taught below).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from hirebridge.app import API_DOCUMENTS
from hirebridge.documents import operation_scopes
from storage.models import Plan
from tests.support import strict_json
from tests.support.apps import Api
from tests.support.factories import ALL_SCOPES, SEED_JOB, EmployerFactory, KeyFactory

KEYED_DOCUMENTS = [name for name in API_DOCUMENTS if name != "public"]
METHODS = ("get", "put", "post", "delete", "patch")
# A public address literal: the webhook guard accepts it without DNS; nothing is ever sent.
WEBHOOK_URL = "https://93.184.216.34/hooks"


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str
    path: str  # with the document's base path: /api/v1/jobs/{jobId}
    path_parameters: dict[str, dict[str, Any]]  # name -> schema
    scopes: frozenset[str]
    body: Any

    def url(self, values: dict[str, str]) -> str:
        return self.path.format(**{name: values[name] for name in self.path_parameters})


def _resolve(document: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        target: Any = document
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def _example_body(document: dict[str, Any], operation: dict[str, Any]) -> Any:
    request_body = _resolve(document, operation.get("requestBody"))
    if not request_body:
        return None
    media = request_body["content"]["application/json"]
    if "example" in media:
        return media["example"]
    if "examples" in media:
        return _resolve(document, next(iter(media["examples"].values())))["value"]
    return _resolve(document, media["schema"]).get("example", {})


def keyed_operations(api: Api, name: str) -> list[Operation]:
    response = api.client.get(f"/swagger/{name}/swagger.json")
    assert response.status_code == 200
    document = strict_json.loads(response.content)
    base = document["servers"][0]["url"].rstrip("/")
    found = []
    for path, item in document["paths"].items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            requirements = operation.get("security", document.get("security")) or []
            if not requirements:
                continue
            parameters = [
                _resolve(document, parameter)
                for parameter in [*item.get("parameters", []), *operation.get("parameters", [])]
            ]
            found.append(
                Operation(
                    operation_id=operation["operationId"],
                    method=method.upper(),
                    path=base + path,
                    path_parameters={
                        p["name"]: p["schema"] for p in parameters if p["in"] == "path"
                    },
                    scopes=frozenset(operation_scopes(operation)),
                    body=_example_body(document, operation),
                )
            )
    assert found, f"{name} documents no keyed operation"
    return found


def _call(api: Api, operation: Operation, key: str | None, url: str, body: Any = None) -> Any:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return api.client.request(operation.method, url, headers=headers, json=body)


# ---------------------------------------------------------------------------------------------
# Scopes and keys


@pytest.mark.parametrize("name", KEYED_DOCUMENTS)
def test_every_operation_refuses_a_key_without_its_scopes(
    api: Api, make_employer: EmployerFactory, make_key: KeyFactory, name: str
) -> None:
    employer_id = make_employer(plan=Plan.ENTERPRISE, job_posting=5, cv_search=5)
    everything = set(ALL_SCOPES.split(","))
    keys: dict[frozenset[str], str] = {}
    wrong = []
    narrow = make_key(employer_id, "applications:read")[1]
    for operation in keyed_operations(api, name):
        if not operation.scopes:
            # Open to every valid key by its document (`x-scopes: []`: it describes the key
            # itself): a key with one unrelated scope is answered.
            url = operation.url({p: _placeholder(s) for p, s in operation.path_parameters.items()})
            response = _call(api, operation, narrow, url, operation.body)
            if response.status_code != 200:
                wrong.append((operation.operation_id, response.status_code, response.text[:200]))
            continue
        if operation.scopes not in keys:
            keys[operation.scopes] = make_key(
                employer_id, ",".join(sorted(everything - operation.scopes))
            )[1]
        url = operation.url({p: _placeholder(s) for p, s in operation.path_parameters.items()})
        response = _call(api, operation, keys[operation.scopes], url, operation.body)
        body = strict_json.loads(response.content) if response.content else None
        error = body.get("error", body) if isinstance(body, dict) else None
        if response.status_code != 403 or not error or error["code"] != "insufficient_scope":
            wrong.append((operation.operation_id, response.status_code, response.text[:200]))
        elif name == "v2" and body.get("success") is not False:
            wrong.append((operation.operation_id, "not v2's envelope", body))
    assert wrong == []


@pytest.mark.parametrize("name", KEYED_DOCUMENTS)
def test_every_operation_answers_no_key_with_401_and_no_body(api: Api, name: str) -> None:
    wrong = []
    for operation in keyed_operations(api, name):
        url = operation.url({p: _placeholder(s) for p, s in operation.path_parameters.items()})
        response = _call(api, operation, None, url, operation.body)
        if response.status_code != 401 or response.content != b"":
            wrong.append((operation.operation_id, response.status_code, response.text[:200]))
    assert wrong == []


def _placeholder(schema: dict[str, Any]) -> str:
    """Some valid value of a path parameter (whether anything has it does not matter here)."""
    if schema.get("format") == "uuid":
        return str(uuid.uuid4())
    if schema.get("type") == "integer":
        return "1"
    return str(schema.get("example", "x"))


# ---------------------------------------------------------------------------------------------
# Tenancy


@dataclass(frozen=True)
class Tenant:
    key: str
    ids: dict[str, str]  # path parameter name -> the id of one of this employer's objects


def _ok(response: Any) -> Any:
    assert response.status_code in {200, 201, 202}, response.text
    return strict_json.loads(response.content)


def _owner(api: Api, make_employer: EmployerFactory, make_key: KeyFactory) -> Tenant:
    """An employer with one object of every kind a path parameter names."""
    _, key = make_key(make_employer(job_posting=5))
    as_owner = {"key": key}
    job = _ok(api.post("/api/v1/jobs", json=SEED_JOB, **as_owner))
    _ok(api.post(f"/api/v1/jobs/{job['id']}/publish", **as_owner))
    applied = api.client.post(
        f"/public/v1/jobs/{job['id']}/apply",
        json={"fullName": "Priya Evans", "email": "priya@example.com", "cvText": "HVAC."},
    )
    _ok(applied)
    [application] = _ok(api.get(f"/api/v1/jobs/{job['id']}/applications", **as_owner))["items"]
    candidate = _ok(
        api.post(
            "/api/v1/candidates",
            json={"fullName": "Owned Person", "email": "owned@example.com"},
            **as_owner,
        )
    )
    stage = _ok(api.get("/api/v1/pipeline/stages", **as_owner))["items"][0]
    webhook = _ok(
        api.post(
            "/api/v1/webhooks", json={"url": WEBHOOK_URL, "events": ["job.closed"]}, **as_owner
        )
    )
    _ok(api.post(f"/api/v1/webhooks/{webhook['id']}/test", **as_owner))
    [delivery] = _ok(api.get(f"/api/v1/webhooks/{webhook['id']}/deliveries", **as_owner))["items"]
    return Tenant(
        key=key,
        ids={
            "jobId": str(job["id"]),
            "applicationId": str(application["id"]),
            "candidateId": str(candidate["id"]),
            "stageId": str(stage["id"]),
            "webhookId": str(webhook["id"]),
            "deliveryId": str(delivery["id"]),
        },
    )


def _missing(schema: dict[str, Any]) -> str:
    """A value of the parameter's type that no object has."""
    if schema.get("format") == "uuid":
        return str(uuid.uuid4())
    if schema.get("type") == "integer":
        return str(schema.get("maximum", 2**31 - 1))
    if "pattern" in schema and schema["pattern"].startswith("^dlv_"):
        return "dlv_" + "0" * 24
    raise AssertionError(f"the sweep cannot make a missing value for {schema}")


def _body_for(operation: Operation, caller: Tenant) -> Any:
    """The document's example body, with ids in it the caller's own (a stage to move to)."""
    body = operation.body
    if isinstance(body, dict):
        return {name: caller.ids.get(name, value) for name, value in body.items()}
    return body


def _of(operation: Operation, ids: dict[str, str]) -> dict[str, str]:
    return {name: ids[name] for name in operation.path_parameters}


def _without_ids(text: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        text = re.sub(rf"(?<![\w-]){re.escape(value)}(?![\w-])", "{" + name + "}", text)
    return text


@pytest.fixture
def tenants(
    api: Api, make_employer: EmployerFactory, make_key: KeyFactory
) -> Iterator[tuple[Tenant, Tenant]]:
    yield _owner(api, make_employer, make_key), _owner(api, make_employer, make_key)


@pytest.mark.parametrize("name", KEYED_DOCUMENTS)
def test_another_employers_ids_are_404_like_missing_ones(
    api: Api, tenants: tuple[Tenant, Tenant], name: str
) -> None:
    owner, other = tenants
    operations = [op for op in keyed_operations(api, name) if op.path_parameters]
    unknown = {p for op in operations for p in op.path_parameters} - set(owner.ids)
    assert not unknown, f"teach the sweep to make objects for {unknown}"
    wrong = []
    for operation in operations:
        missing = {p: _missing(s) for p, s in operation.path_parameters.items()}
        body = _body_for(operation, other)
        foreign = _call(api, operation, other.key, operation.url(owner.ids), body)
        absent = _call(api, operation, other.key, operation.url(missing), body)
        if foreign.status_code != 404 or absent.status_code != 404:
            wrong.append((operation.operation_id, foreign.status_code, absent.status_code))
        elif _without_ids(foreign.text, _of(operation, owner.ids)) != _without_ids(
            absent.text, missing
        ):
            wrong.append((operation.operation_id, foreign.text, absent.text))

    # The ids are real: their owner reaches every one (deletions last, so they take nothing away).
    for operation in sorted(operations, key=lambda op: op.method == "DELETE"):
        own = _call(
            api, operation, owner.key, operation.url(owner.ids), _body_for(operation, owner)
        )
        if own.status_code == 404:
            wrong.append((operation.operation_id, "404 for its owner", own.text))
    assert wrong == []

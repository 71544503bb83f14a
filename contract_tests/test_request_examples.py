"""Every request example of every served document works, sent twice, today and tomorrow.

Swagger UI pre-fills Try-it-out with a document's examples, Schemathesis sends them in its
explicit phase, and partners copy them. So each one is sent as it is written, twice in a row,
with one key of a fresh employer: a fixed ``Idempotency-Key`` would replay the first answer (or
clash with the next operation), an example cursor would be refused, a calendar date would one
day lie in the past. Only what cannot be written in a document is replaced: the ids in the path
(and a body's ``stageId``) by objects made for each send, and a webhook's ``url`` by a loopback
address (this machine resolves no public names).

An example is a parameter's ``example``/``examples``, a request body's ``example``/``examples``,
and a top-level property's ``example`` in the body schema (sent in the first body example, the
way generators combine them).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

import pytest

from hirebridge.app import API_DOCUMENTS
from storage import webhook_targets
from tests.support.apps import Api
from tests.support.documents import deref, operations, served_documents
from tests.support.factories import SEED_JOB, EmployerFactory, KeyFactory

RECEIVER = "http://127.0.0.1:9/hooks/examples"
DATE = re.compile(r"^\d{4}-\d\d-\d\d")
# The document states this rule for the operation; the example cannot name a new address each
# time. Everything else must succeed on the second send as on the first.
SECOND_SEND_CONFLICTS = {"createCandidate": "e-mail address"}


@dataclass
class ExampleRequest:
    document: str
    operation_id: str
    method: str
    path: str
    source: str
    query: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None
    has_body: bool = False
    secured: bool = True

    def __str__(self) -> str:
        return f"{self.document} {self.operation_id} ({self.source})"


def _parameter_examples(document: dict[str, Any], parameter: dict[str, Any]) -> list[Any]:
    if "example" in parameter:
        return [parameter["example"]]
    return [deref(document, item)["value"] for item in (parameter.get("examples") or {}).values()]


def _body_examples(document: dict[str, Any], media: dict[str, Any]) -> list[tuple[str, Any]]:
    found = [("body example", media["example"])] if "example" in media else []
    for name, item in (media.get("examples") or {}).items():
        found.append((f"body example {name}", deref(document, item)["value"]))
    return found


def _property_examples(document: dict[str, Any], schema: Any) -> list[tuple[str, Any]]:
    schema = deref(document, schema)
    parts = [schema, *(deref(document, part) for part in schema.get("allOf", []))]
    return [
        (name, deref(document, prop)["example"])
        for part in parts
        for name, prop in (part.get("properties") or {}).items()
        if "example" in deref(document, prop)
    ]


def _with_parameters(
    prototype: ExampleRequest, source: str, chosen: dict[tuple[str, str], Any]
) -> ExampleRequest:
    example = replace(prototype, source=source, query={}, headers={})
    for (where, name), value in chosen.items():
        if where == "query":
            example.query[name] = value
        else:
            example.headers[name] = str(value)
    return example


def request_examples(document_name: str, document: dict[str, Any]) -> Iterator[ExampleRequest]:
    """One request per example (the other parameters at their first example)."""
    for operation in operations(document):
        values = {
            (parameter["in"], parameter["name"]): _parameter_examples(document, parameter)
            for parameter in operation.parameters
            if parameter["in"] in {"query", "header"}
        }
        prototype = ExampleRequest(
            document=document_name,
            operation_id=operation.operation_id,
            method=operation.method,
            path=operation.path,
            source="",
            secured=operation.secured,
        )
        first = {key: found[0] for key, found in values.items() if found}
        bodies: list[tuple[str, Any]] = []
        if operation.media is not None:
            bodies = _body_examples(document, operation.media)
            base_body = bodies[0][1] if bodies else {}
            for name, value in _property_examples(document, operation.media["schema"]):
                if isinstance(base_body, dict):
                    bodies.append((f"property example {name}", {**base_body, name: value}))
        for source, body in bodies or [("parameter examples", None)]:
            example = _with_parameters(prototype, source, first)
            example.body, example.has_body = body, operation.media is not None
            yield example
        for key, found in values.items():
            for index, value in enumerate(found[1:], start=2):
                yield _with_parameters(
                    prototype, f"example {index} of {key[1]}", {**first, key: value}
                )


class Objects:
    """Makes, through the API, the objects one send of an example needs (a new set each time)."""

    def __init__(self, api: Api, key: str) -> None:
        self.api = api
        self.key = key

    def _ok(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.api.request(method, path, key=self.key, **kwargs)
        assert response.status_code < 300, (path, response.status_code, response.text)
        return response.json()

    def job(self, *, active: bool) -> int:
        job_id = int(self._ok("POST", "/api/v1/jobs", json=SEED_JOB)["id"])
        if active:
            self._ok("POST", f"/api/v1/jobs/{job_id}/publish", json={})
        return job_id

    def candidate(self) -> int:
        email = f"candidate-{secrets.token_hex(4)}@example.com"
        return int(
            self._ok("POST", "/api/v1/candidates", json={"fullName": "Ada", "email": email})["id"]
        )

    def stage(self) -> str:
        return str(self._ok("GET", "/api/v1/pipeline/stages")["items"][1]["id"])

    def application(self) -> int:
        job_id = self.job(active=True)
        email = f"applicant-{secrets.token_hex(4)}@example.com"
        body = {"fullName": "Priya Evans", "email": email, "cvText": "HVAC design."}
        response = self.api.post(f"/public/v1/jobs/{job_id}/apply", json=body)
        assert response.status_code == 201, response.text
        return int(response.json()["id"])

    def webhook(self) -> int:
        body = {"url": RECEIVER, "events": ["job.published"]}
        return int(self._ok("POST", "/api/v1/webhooks", json=body)["id"])

    def path_values(self, example: ExampleRequest) -> dict[str, Any]:
        names = set(re.findall(r"\{(\w+)\}", example.path))
        values: dict[str, Any] = {}
        if "jobId" in names:
            public = example.document == "public"
            values["jobId"] = self.job(active=public or example.operation_id != "publishJob")
        if "candidateId" in names:
            values["candidateId"] = self.candidate()
        if "stageId" in names:
            values["stageId"] = self.stage()
        if "applicationId" in names:
            values["applicationId"] = self.application()
        if "webhookId" in names:
            values["webhookId"] = self.webhook()
        if "deliveryId" in names:
            test = self._ok("POST", f"/api/v1/webhooks/{values['webhookId']}/test")
            values["deliveryId"] = test["id"]
        assert names == set(values), f"no objects made for {names - set(values)}"
        return values

    def body(self, example: ExampleRequest) -> Any:
        body = example.body
        if isinstance(body, dict):
            body = dict(body)
            if "stageId" in body:
                body["stageId"] = self.stage()
            if "url" in body and example.operation_id in {"createWebhook", "updateWebhook"}:
                body["url"] = RECEIVER
        return body


def _dates(value: Any) -> Iterator[str]:
    if isinstance(value, str) and DATE.match(value):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _dates(item)
    elif isinstance(value, list):
        for item in value:
            yield from _dates(item)


@pytest.fixture
def loopback_webhooks() -> Iterator[None]:
    previous = webhook_targets.current().allow_insecure
    webhook_targets.configure(allow_insecure=True)
    yield
    webhook_targets.configure(allow_insecure=previous)


def test_the_documents_give_request_examples_to_walk(pg_api: Api) -> None:
    walked = [
        example
        for name, document in served_documents(pg_api).items()
        for example in request_examples(name, document)
    ]
    assert {example.document for example in walked} == set(API_DOCUMENTS)
    assert sum(1 for example in walked if example.has_body) >= 20
    assert any(example.query for example in walked)


def test_no_request_example_is_a_date_that_will_pass(pg_api: Api) -> None:
    """A date in a request example is accepted today only if it can never fall into the past:
    any date the server wants in the future will one day be refused."""
    now = datetime.now(UTC)
    for name, document in served_documents(pg_api).items():
        for example in request_examples(name, document):
            values = [example.body, example.query, example.headers]
            for text in _dates(values):
                moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
                moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
                assert moment < now, f"{example}: {text} is a date still to come"


def test_every_request_example_succeeds_when_sent_twice(
    pg_api: Api,
    make_employer: EmployerFactory,
    make_key: KeyFactory,
    loopback_webhooks: None,
) -> None:
    employer_id = make_employer(job_posting=500, cv_search=500, cv_download=500)
    _key_id, key = make_key(employer_id)
    objects = Objects(pg_api, key)
    failures: list[str] = []
    sent: set[str] = set()
    for name, document in served_documents(pg_api).items():
        for example in request_examples(name, document):
            for attempt in (1, 2):
                path = example.path.format(**objects.path_values(example))
                kwargs: dict[str, Any] = {"params": example.query, "headers": example.headers}
                if example.has_body:
                    kwargs["json"] = objects.body(example)
                response = pg_api.request(
                    example.method, path, key=key if example.secured else None, **kwargs
                )
                conflict = SECOND_SEND_CONFLICTS.get(example.operation_id)
                first_send = example.operation_id not in sent
                sent.add(example.operation_id)
                if (
                    conflict
                    and not first_send
                    and response.status_code == 409
                    and conflict in response.text
                ):
                    continue
                if response.status_code >= 400:
                    failures.append(
                        f"{example}, send {attempt}: {response.status_code} {response.text}"
                    )
                elif response.headers.get("Idempotent-Replayed"):
                    failures.append(f"{example}, send {attempt}: replayed an earlier answer")
    assert not failures, "\n".join(failures)

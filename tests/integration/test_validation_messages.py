"""Validation errors are sentences that name the field: never a regular expression or a repr.

The sweep walks every ``pattern`` the served documents put on a parameter or a request-body
field, sends a value that breaks it (the rest of the request taken from the operation's
examples), and reads the message that comes back.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.support.apps import Api
from tests.support.documents import Operation, deref, operations, served_documents
from tests.support.factories import SEED_JOB, EmployerFactory, KeyFactory

# Values tried in turn; the first one the pattern refuses (and the length bounds allow) is sent.
CANDIDATES = (" ", "\u3000\t", "a\x00b", "a b", "!", "é", "x", "ab", "abc", "ABCD", "1", "")
# What jsonschema's own messages look like; none may reach a partner.
JSONSCHEMA_WORDING = re.compile(
    r"does not match|is not of type|is a required property|is not one of|is not a '"
    r"|Failed validating|were unexpected|is too (long|short)|\\x00|\^\[|\]\*\$"
)


@dataclass(frozen=True)
class PatternCase:
    document: str
    operation_id: str
    method: str
    path: str
    field: str
    where: str  # "body", "query", "path" or "header"
    value: str
    body: Any
    query: dict[str, str]
    headers: dict[str, str]

    def __str__(self) -> str:
        return f"{self.document} {self.operation_id} {self.where} {self.field}"


def failing_value(schema: dict[str, Any], where: str) -> str | None:
    """The first candidate the pattern refuses, within the length bounds, that ``where`` can
    carry (a path segment takes no spaces, a header no leading or trailing ones)."""
    pattern = schema["pattern"]
    low, high = schema.get("minLength", 0), schema.get("maxLength", 10_000)
    for value in CANDIDATES:
        if where == "path" and not (value.isascii() and value.isalnum()):
            continue
        if where == "header" and not (
            value.isascii() and value.isprintable() and value.strip() == value
        ):
            continue
        if low <= len(value) <= high and re.search(pattern, value) is None:
            return value
    return None


def _pattern_fields(
    document: dict[str, Any], schema: Any, path: tuple[str | int, ...]
) -> Iterator[tuple[tuple[str | int, ...], dict[str, Any]]]:
    schema = deref(document, schema)
    if not isinstance(schema, dict):
        return
    if "pattern" in schema and path:
        yield path, schema
    for part in schema.get("allOf", []):
        yield from _pattern_fields(document, part, path)
    for name, prop in (schema.get("properties") or {}).items():
        yield from _pattern_fields(document, prop, (*path, name))
    if "items" in schema:
        yield from _pattern_fields(document, schema["items"], (*path, 0))


def _placed(body: Any, path: tuple[str | int, ...], value: str) -> Any:
    """``body`` with ``value`` at ``path`` (lists and objects made on the way)."""
    head, rest = path[0], path[1:]
    if isinstance(head, int):
        return [_placed(None, rest, value) if rest else value]
    result = dict(body) if isinstance(body, dict) else {}
    result[head] = _placed(result.get(head), rest, value) if rest else value
    return result


def _first_example(document: dict[str, Any], parameter_or_media: dict[str, Any]) -> Any:
    if "example" in parameter_or_media:
        return parameter_or_media["example"]
    examples = parameter_or_media.get("examples") or {}
    return deref(document, next(iter(examples.values())))["value"] if examples else None


@dataclass(frozen=True)
class Start:
    """Where the cases of one operation start from: its example path values and body."""

    document: str
    operation: Operation
    path_values: dict[str, Any]
    body: Any

    def case(self, field: str, where: str, value: str, **changes: Any) -> PatternCase:
        return PatternCase(
            document=self.document,
            operation_id=self.operation.operation_id,
            method=self.operation.method,
            path=self.operation.path.format(
                **{**self.path_values, **changes.get("path_values", {})}
            ),
            field=field,
            where=where,
            value=value,
            body=changes.get("body", self.body),
            query=changes.get("query", {}),
            headers=changes.get("headers", {}),
        )


def pattern_cases(name: str, document: dict[str, Any]) -> Iterator[PatternCase]:
    for operation in operations(document):
        media = operation.media
        body = copy.deepcopy(_first_example(document, media)) if media else None
        start = Start(
            document=name,
            operation=operation,
            path_values={
                p["name"]: _first_example(document, p)
                for p in operation.parameters
                if p["in"] == "path"
            },
            body={} if media and body is None else body,
        )
        for parameter in operation.parameters:
            schema = deref(document, parameter.get("schema", {}))
            where, key = parameter["in"], parameter["name"]
            value = failing_value(schema, where) if "pattern" in schema else None
            if value is not None:
                changes = {"query": "query", "path": "path_values", "header": "headers"}
                yield start.case(key, where, value, **{changes[where]: {key: value}})
        if media:
            for path, schema in _pattern_fields(document, media["schema"], ()):
                value = failing_value(schema, "body")
                if value is not None:
                    field = str([part for part in path if isinstance(part, str)][-1])
                    yield start.case(field, "body", value, body=_placed(start.body, path, value))


def assert_sentence(message: str, field: str, value: str, where: str) -> None:
    assert message[:1].isupper() and message.endswith("."), message
    assert field in message, f"the message does not name {field}: {message}"
    assert not JSONSCHEMA_WORDING.search(message), message
    if value.strip():
        assert repr(value) not in message, message


@pytest.fixture(scope="module")
def documents(session_pg_api: Api) -> dict[str, dict[str, Any]]:
    return served_documents(session_pg_api)


def test_every_pattern_refusal_is_a_sentence_naming_the_field(
    pg_api: Api,
    documents: dict[str, dict[str, Any]],
    make_employer: EmployerFactory,
    make_key: KeyFactory,
) -> None:
    _key_id, key = make_key(make_employer())
    cases = [case for name, document in documents.items() for case in pattern_cases(name, document)]
    assert {case.where for case in cases} == {"body", "query", "path", "header"}
    assert len(cases) > 60
    for case in cases:
        response = pg_api.request(
            case.method,
            case.path,
            key=None if case.document == "public" else key,
            params=case.query,
            headers=case.headers,
            **({"json": case.body} if case.body is not None else {}),
        )
        assert response.status_code == 400, f"{case}: {response.status_code} {response.text}"
        body = response.json()
        message = body["error"]["message"] if case.document == "v2" else body["message"]
        assert_sentence(message, case.field, case.value, case.where)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"title": " "}, "The field title may not be blank (spaces only)."),
        ({"title": "a\x00b"}, "The field title may not contain NUL characters."),
        (
            {"employmentType": "full-time"},
            "The field employmentType must be one of FullTime, PartTime, Contract, Temporary,"
            ' Internship, not "full-time".',
        ),
        (
            {"salaryCurrency": "gbp"},
            'The field salaryCurrency must be 3 capital letters, not "gbp".',
        ),
        ({"salaryMin": "lots"}, 'The field salaryMin must be a number, not the text "lots".'),
        ({"title": "x" * 201}, "The field title may have at most 200 characters (it has 201)."),
        ({"title": None}, "The field title must be a string, not null."),
        ({"salary": 1}, "The field salary is not accepted here."),
        (
            {f"extra{index}": index for index in range(1, 9)},
            "The fields extra1, extra2, extra3, extra4, extra5 and 3 more are not accepted here.",
        ),
    ],
)
def test_a_job_field_refused_by_its_schema_says_why(
    pg_api: Api,
    make_employer: EmployerFactory,
    make_key: KeyFactory,
    body: dict[str, Any],
    message: str,
) -> None:
    _key_id, key = make_key(make_employer())
    response = pg_api.post("/api/v1/jobs", key=key, json={**SEED_JOB, **body})
    assert response.status_code == 400
    assert response.json() == {"code": "invalid_request", "message": message}


def test_missing_fields_and_parameters_are_named(
    pg_api: Api, make_employer: EmployerFactory, make_key: KeyFactory
) -> None:
    _key_id, key = make_key(make_employer())
    response = pg_api.post("/api/v1/jobs", key=key, json={"title": "Welder"})
    assert response.json()["message"] == (
        "The fields reference, description, city, country, employmentType, remoteType and "
        "applyMethod are required."
    )
    without_city = {name: value for name, value in SEED_JOB.items() if name != "city"}
    response = pg_api.post("/api/v1/jobs", key=key, json=without_city)
    assert response.json()["message"] == "The field city is required."
    response = pg_api.get("/api/v1/jobs", key=key, params={"pageSize": "500"})
    assert response.json()["message"] == (
        "The query parameter pageSize must be at most 100, not 500."
    )
    response = pg_api.get("/api/v2/jobs", key=key, params={"limit": "many"})
    assert response.json()["error"]["message"] == (
        'The query parameter limit must be a whole number, not the text "many".'
    )
    response = pg_api.get("/api/v1/jobs", key=key, params={"colour": "red"})
    assert response.json()["message"] == "The query parameter colour is not accepted here."
    long_value = "y" * 300
    response = pg_api.get("/api/v1/jobs", key=key, params={"status": long_value})
    message = response.json()["message"]
    assert f'"{"y" * 100}…"' in message and "y" * 101 not in message

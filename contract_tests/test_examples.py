"""Every example in every served document fits the schema it illustrates.

Swagger UI shows these examples, partners copy them, and Schemathesis sends the request ones: an
example in the wrong shape (v1's ``{code, message}`` error in v2, say) misleads all three. So each
one is validated the way a client would read it: a media type's ``example``/``examples``, a
parameter's and a header's, and every schema's own ``example``, against their schema, with the
document's ``$ref``s followed, ``nullable`` honoured and string formats checked (the request
validator's stricter ``email`` and ``uuid`` included). Response examples are read with
``readOnly``/``writeOnly`` as a reader sees them, request examples as a writer does.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from jsonschema import FormatChecker
from openapi_schema_validator import (
    OAS30ReadValidator,
    OAS30Validator,
    OAS30WriteValidator,
    oas30_format_checker,
)
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from hirebridge.app import API_DOCUMENTS
from hirebridge.documents import load_document
from hirebridge.formats import is_email, is_uuid

DOCUMENT_URI = "urn:hirebridge:document"
# The subschema keywords whose values are schemas, or lists or maps of schemas.
_ONE_SCHEMA = ("items", "additionalProperties", "not")
_SCHEMA_LISTS = ("allOf", "oneOf", "anyOf")


def _format_checker() -> FormatChecker:
    checker = FormatChecker(formats=())
    checker.checkers = dict(oas30_format_checker.checkers)
    checker.checks("email")(is_email)
    checker.checks("uuid")(is_uuid)
    return checker


FORMATS = _format_checker()


@dataclass(frozen=True)
class Example:
    """One example and where its schema is, as JSON pointers into the document."""

    document: str
    pointer: str
    schema_pointer: str
    value: Any
    direction: str  # "request", "response" or "schema"


def _escape(part: str | int) -> str:
    return str(part).replace("~", "~0").replace("/", "~1")


def _deref(document: dict[str, Any], node: Any, pointer: str) -> tuple[Any, str]:
    while isinstance(node, dict) and "$ref" in node:
        pointer = node["$ref"].removeprefix("#")
        node = document
        for part in pointer.lstrip("/").split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
    return node, pointer


def _schema_examples(document: str, schema: Any, pointer: str) -> Iterator[Example]:
    """The ``example`` of ``schema`` and of every schema inside it (references not followed:
    the schema they point to is walked where it is defined)."""
    if not isinstance(schema, dict) or "$ref" in schema:
        return
    if "example" in schema:
        yield Example(document, f"{pointer}/example", pointer, schema["example"], "schema")
    for name, child in (schema.get("properties") or {}).items():
        yield from _schema_examples(document, child, f"{pointer}/properties/{_escape(name)}")
    for keyword in _ONE_SCHEMA:
        if isinstance(schema.get(keyword), dict):
            yield from _schema_examples(document, schema[keyword], f"{pointer}/{keyword}")
    for keyword in _SCHEMA_LISTS:
        for index, child in enumerate(schema.get(keyword) or []):
            yield from _schema_examples(document, child, f"{pointer}/{keyword}/{index}")


def _examples_of(
    name: str, spec: dict[str, Any], holder: dict[str, Any], pointer: str, direction: str
) -> Iterator[Example]:
    """The examples of a media type, parameter or header object at ``pointer``."""
    if "schema" not in holder:
        return
    schema_pointer = f"{pointer}/schema"
    if "example" in holder:
        yield Example(name, f"{pointer}/example", schema_pointer, holder["example"], direction)
    for key, item in (holder.get("examples") or {}).items():
        resolved, where = _deref(spec, item, f"{pointer}/examples/{_escape(key)}")
        if "value" in resolved:
            value_pointer = f"{where}/value"
            yield Example(name, value_pointer, schema_pointer, resolved["value"], direction)
    yield from _schema_examples(name, holder["schema"], schema_pointer)


def _operation_examples(
    name: str, spec: dict[str, Any], operation: dict[str, Any], pointer: str
) -> Iterator[Example]:
    for index, parameter in enumerate(operation.get("parameters") or []):
        if "$ref" not in parameter:
            yield from _examples_of(
                name, spec, parameter, f"{pointer}/parameters/{index}", "request"
            )
    body = operation.get("requestBody")
    if isinstance(body, dict) and "$ref" not in body:
        for media_type, media in (body.get("content") or {}).items():
            where = f"{pointer}/requestBody/content/{_escape(media_type)}"
            yield from _examples_of(name, spec, media, where, "request")
    for status, response in (operation.get("responses") or {}).items():
        if "$ref" not in response:
            yield from _response_examples(name, spec, response, f"{pointer}/responses/{status}")
    for callback_name, callback in (operation.get("callbacks") or {}).items():
        for expression, item in callback.items():
            where = f"{pointer}/callbacks/{_escape(callback_name)}/{_escape(expression)}"
            for method, inner in item.items():
                if isinstance(inner, dict) and method != "parameters":
                    yield from _operation_examples(name, spec, inner, f"{where}/{method}")


def _response_examples(
    name: str, spec: dict[str, Any], response: dict[str, Any], pointer: str
) -> Iterator[Example]:
    for header_name, header in (response.get("headers") or {}).items():
        if "$ref" not in header:
            where = f"{pointer}/headers/{_escape(header_name)}"
            yield from _examples_of(name, spec, header, where, "response")
    for media_type, media in (response.get("content") or {}).items():
        where = f"{pointer}/content/{_escape(media_type)}"
        yield from _examples_of(name, spec, media, where, "response")


def document_examples(name: str, spec: dict[str, Any]) -> Iterator[Example]:
    """Every example of the document ``spec`` (served as ``name``)."""
    for template, item in spec.get("paths", {}).items():
        for method, operation in item.items():
            if isinstance(operation, dict) and method not in {"parameters", "servers"}:
                pointer = f"/paths/{_escape(template)}/{method}"
                yield from _operation_examples(name, spec, operation, pointer)
    components = spec.get("components", {})
    for key, schema in (components.get("schemas") or {}).items():
        yield from _schema_examples(name, schema, f"/components/schemas/{_escape(key)}")
    for key, parameter in (components.get("parameters") or {}).items():
        pointer = f"/components/parameters/{_escape(key)}"
        yield from _examples_of(name, spec, parameter, pointer, "request")
    for key, header in (components.get("headers") or {}).items():
        yield from _examples_of(
            name, spec, header, f"/components/headers/{_escape(key)}", "response"
        )
    for key, response in (components.get("responses") or {}).items():
        yield from _response_examples(name, spec, response, f"/components/responses/{_escape(key)}")
    for key, body in (components.get("requestBodies") or {}).items():
        for media_type, media in (body.get("content") or {}).items():
            where = f"/components/requestBodies/{_escape(key)}/content/{_escape(media_type)}"
            yield from _examples_of(name, spec, media, where, "request")


VALIDATORS = {
    "request": OAS30WriteValidator,
    "response": OAS30ReadValidator,
    "schema": OAS30Validator,
}


def example_errors(name: str, spec: dict[str, Any]) -> list[str]:
    """One line per example of ``spec`` that does not fit its schema."""
    registry: Registry = Registry().with_resource(
        DOCUMENT_URI, Resource.from_contents(spec, default_specification=DRAFT4)
    )
    errors = []
    for example in document_examples(name, spec):
        validator = VALIDATORS[example.direction](
            {"$ref": f"{DOCUMENT_URI}#{example.schema_pointer}"},
            registry=registry,
            format_checker=FORMATS,
        )
        for error in validator.iter_errors(example.value):
            errors.append(f"{name} {example.pointer}: {error.message}")
    return errors


def served(name: str) -> dict[str, Any]:
    """The document as a client downloads it from ``/swagger/<name>/swagger.json``."""
    return json.loads(load_document(name).json_bytes)  # type: ignore[no-any-return]


@pytest.mark.parametrize("name", API_DOCUMENTS)
def test_every_example_fits_its_schema(name: str) -> None:
    spec = served(name)
    assert sum(1 for _ in document_examples(name, spec)) >= 20
    errors = example_errors(name, spec)
    assert not errors, "\n".join(errors)


def test_an_example_of_the_wrong_shape_is_found() -> None:
    """v1's error shape written as an example of v2's error (the bug this test exists for), a
    schema example of the wrong type, a parameter example outside its range, a nullable field
    and an e-mail address that only the request validator refuses."""
    spec = served("v2")
    operation = spec["paths"]["/webhooks/{webhookId}/deliveries/{deliveryId}/redeliver"]["post"]
    media = operation["responses"]["409"]["content"]["application/json"]
    media["example"] = {"code": "conflict", "message": "An attempt is in progress."}
    spec["components"]["schemas"]["JobSummary"]["properties"]["title"]["example"] = 7
    spec["components"]["parameters"]["Limit"]["example"] = 0
    errors = example_errors("v2", spec)
    assert any("409/content/application~1json/example" in error for error in errors), errors
    assert any(
        "/components/schemas/JobSummary/properties/title/example" in error for error in errors
    )
    assert any("/components/parameters/Limit/example" in error for error in errors), errors
    assert len(errors) >= 3

    nullable = {"type": "string", "nullable": True, "example": None}
    email = {"type": "string", "format": "email", "example": "a@b@c"}
    spec["components"]["schemas"]["NullableThing"] = nullable
    spec["components"]["schemas"]["EmailThing"] = email
    later = example_errors("v2", spec)
    assert not any("NullableThing" in error for error in later)
    assert any("EmailThing" in error for error in later)

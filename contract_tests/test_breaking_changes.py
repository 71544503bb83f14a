"""v1 and v2 are frozen: each document against its baseline, and the breaking-change check."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from hirebridge.contract.breaking import (
    BreakingChange,
    ChangeKind,
    Document,
    find_breaking_changes,
    main,
)
from hirebridge.contract.bundle import load_bundled
from hirebridge.documents import OPENAPI_DIR

FROZEN_V1 = OPENAPI_DIR / "frozen" / "v1.yaml"
CURRENT_V1 = OPENAPI_DIR / "v1.yaml"
FROZEN_VERSIONS = ("v1", "v2")


# --- the gate ---------------------------------------------------------------------------------


@pytest.mark.parametrize("version", FROZEN_VERSIONS)
def test_no_breaking_change_from_the_frozen_baseline(version: str) -> None:
    frozen = OPENAPI_DIR / "frozen" / f"{version}.yaml"
    current = OPENAPI_DIR / f"{version}.yaml"
    changes = find_breaking_changes(Document.from_path(frozen), Document.from_path(current))
    assert changes == [], (
        f"openapi/{version}.yaml breaks the frozen {version} contract "
        f"(openapi/frozen/{version}.yaml):\n"
        + "\n".join(f"  {change}" for change in changes)
        + f"\n{version} takes additive changes only; see README, 'Versions'."
    )


@pytest.mark.parametrize("version", FROZEN_VERSIONS)
def test_the_baseline_is_a_document_of_its_version(version: str) -> None:
    frozen = yaml.safe_load((OPENAPI_DIR / "frozen" / f"{version}.yaml").read_text("utf-8"))
    assert frozen["openapi"] == "3.0.3"
    assert frozen["servers"][0]["url"] == f"/api/{version}"


@pytest.mark.parametrize("version", FROZEN_VERSIONS)
def test_the_baseline_was_moved_with_the_last_change(version: str) -> None:
    """A change to a document and the move of its baseline go in one commit (README,
    'Versions'): a baseline that lags behind its document would let the next change sweep in
    edits nobody passed through the gate, and the gate would compare against an old contract."""
    frozen = yaml.safe_load((OPENAPI_DIR / "frozen" / f"{version}.yaml").read_text("utf-8"))
    assert frozen == load_bundled(OPENAPI_DIR / f"{version}.yaml"), (
        f"openapi/frozen/{version}.yaml is not openapi/{version}.yaml as bundled: once"
        " test_no_breaking_change_from_the_frozen_baseline passes, move the baseline with"
        f" `.venv/bin/python -m hirebridge.contract.bundle openapi/{version}.yaml"
        f" openapi/frozen/{version}.yaml` and review its diff"
    )


def test_the_gate_catches_a_break_in_the_real_document() -> None:
    current = load_bundled(CURRENT_V1)
    broken = copy.deepcopy(current)
    del broken["paths"]["/jobs/{jobId}/publish"]
    broken["components"]["schemas"]["JobSummary"]["properties"].pop("reference")
    kinds = {change.kind for change in find_breaking_changes(current, broken)}
    assert kinds == {ChangeKind.PATH_REMOVED, ChangeKind.PROPERTY_REMOVED}


def test_the_gate_holds_v2_to_its_words_and_fields() -> None:
    current = load_bundled(OPENAPI_DIR / "v2.yaml")
    broken = copy.deepcopy(current)
    broken["components"]["schemas"]["JobStatus"]["enum"] = [
        "Draft",
        "Active",
        "Expired",
        "Inactive",
    ]
    broken["components"]["schemas"]["JobSummary"]["properties"].pop("location")
    kinds = {change.kind for change in find_breaking_changes(current, broken)}
    assert kinds == {
        ChangeKind.ENUM_VALUE_REMOVED,
        ChangeKind.ENUM_VALUE_ADDED,
        ChangeKind.PROPERTY_REMOVED,
    }


def test_the_command_line_exits_1_on_a_break(tmp_path: Path, capsys: Any) -> None:
    broken = load_bundled(CURRENT_V1)
    del broken["paths"]["/jobs"]["get"]
    broken_path = tmp_path / "v1.yaml"
    broken_path.write_text(yaml.safe_dump(broken), encoding="utf-8")

    assert main([str(FROZEN_V1), str(CURRENT_V1)]) == 0
    assert main([str(FROZEN_V1), str(broken_path)]) == 1
    assert "GET /jobs: operation removed" in capsys.readouterr().out


# --- the check, on small documents --------------------------------------------------------------


def base() -> dict[str, Any]:
    """A small API with one of everything the check compares."""
    return {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/things": {
                "get": {
                    "operationId": "listThings",
                    "security": [{"bearer": ["things:read"]}],
                    "parameters": [
                        {"name": "page", "in": "query", "schema": {"type": "integer"}},
                        {"$ref": "#/components/parameters/Kind"},
                    ],
                    "responses": {
                        "200": {
                            "description": "ok",
                            "headers": {"X-Total": {"schema": {"type": "integer"}}},
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "array",
                                        "items": {"$ref": "#/components/schemas/Thing"},
                                    }
                                }
                            },
                        },
                        "404": {"$ref": "#/components/responses/NotFound"},
                    },
                },
                "post": {
                    "operationId": "createThing",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/ThingCreate"}
                            }
                        },
                    },
                    "responses": {
                        "201": {
                            "description": "created",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Thing"}
                                }
                            },
                        }
                    },
                },
            },
            "/things/{id}": {
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
                ],
                "delete": {"operationId": "deleteThing", "responses": {"204": {"description": ""}}},
            },
        },
        "components": {
            "parameters": {
                "Kind": {
                    "name": "kind",
                    "in": "query",
                    "schema": {"$ref": "#/components/schemas/Kind"},
                }
            },
            "responses": {
                "NotFound": {
                    "description": "missing",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                    },
                }
            },
            "schemas": {
                "Kind": {"type": "string", "enum": ["small", "large"]},
                "Error": {
                    "type": "object",
                    "required": ["code"],
                    "properties": {"code": {"type": "string"}},
                },
                "ThingCreate": {
                    "type": "object",
                    "required": ["name"],
                    "properties": {
                        "name": {"type": "string"},
                        "kind": {"$ref": "#/components/schemas/Kind"},
                        "note": {"type": "string", "nullable": True},
                    },
                },
                "Thing": {
                    "allOf": [
                        {"$ref": "#/components/schemas/ThingCreate"},
                        {
                            "type": "object",
                            "required": ["id", "kind", "createdAt"],
                            "properties": {
                                "id": {"type": "integer", "format": "int64"},
                                "createdAt": {"type": "string", "format": "date-time"},
                                "tags": {"type": "array", "items": {"type": "string"}},
                                "status": {"type": "string", "enum": ["open", "closed"]},
                            },
                        },
                    ]
                },
            },
        },
    }


def changed(edit: Any) -> list[BreakingChange]:
    old = base()
    new = copy.deepcopy(old)
    edit(new)
    return find_breaking_changes(old, new)


def kinds(edit: Any) -> list[ChangeKind]:
    return [change.kind for change in changed(edit)]


def schemas(doc: dict[str, Any]) -> dict[str, Any]:
    return doc["components"]["schemas"]  # type: ignore[no-any-return]


def thing_extra(doc: dict[str, Any]) -> dict[str, Any]:
    """The second ``allOf`` member of ``Thing`` (the response-only fields)."""
    return schemas(doc)["Thing"]["allOf"][1]  # type: ignore[no-any-return]


def test_identical_documents_have_no_breaking_change() -> None:
    assert find_breaking_changes(base(), base()) == []


BREAKS: dict[str, tuple[Any, ChangeKind]] = {
    "path removed": (lambda d: d["paths"].pop("/things/{id}"), ChangeKind.PATH_REMOVED),
    "path renamed": (
        lambda d: d["paths"].__setitem__("/items/{id}", d["paths"].pop("/things/{id}")),
        ChangeKind.PATH_REMOVED,
    ),
    "operation removed": (
        lambda d: d["paths"]["/things"].pop("post"),
        ChangeKind.OPERATION_REMOVED,
    ),
    "operation renamed": (
        lambda d: d["paths"]["/things"]["get"].__setitem__("operationId", "findThings"),
        ChangeKind.OPERATION_RENAMED,
    ),
    "parameter removed": (
        lambda d: d["paths"]["/things"]["get"]["parameters"].pop(0),
        ChangeKind.PARAMETER_REMOVED,
    ),
    "parameter renamed": (
        lambda d: d["paths"]["/things"]["get"]["parameters"][0].__setitem__("name", "p"),
        ChangeKind.PARAMETER_REMOVED,
    ),
    "parameter newly required": (
        lambda d: d["paths"]["/things"]["get"]["parameters"][0].__setitem__("required", True),
        ChangeKind.PARAMETER_NEWLY_REQUIRED,
    ),
    "new required parameter": (
        lambda d: d["paths"]["/things"]["get"]["parameters"].append(
            {"name": "q", "in": "query", "required": True, "schema": {"type": "string"}}
        ),
        ChangeKind.PARAMETER_NEWLY_REQUIRED,
    ),
    "parameter type changed": (
        lambda d: d["paths"]["/things"]["get"]["parameters"][0]["schema"].__setitem__(
            "type", "string"
        ),
        ChangeKind.TYPE_CHANGED,
    ),
    "request body removed": (
        lambda d: d["paths"]["/things"]["post"].pop("requestBody"),
        ChangeKind.REQUEST_BODY_REMOVED,
    ),
    "request body newly required": (
        lambda d: d["paths"]["/things/{id}"]["delete"].__setitem__(
            "requestBody", {"required": True, "content": {"application/json": {"schema": {}}}}
        ),
        ChangeKind.REQUEST_BODY_NEWLY_REQUIRED,
    ),
    "request media type removed": (
        lambda d: d["paths"]["/things"]["post"]["requestBody"].__setitem__(
            "content", {"text/plain": {"schema": {"type": "string"}}}
        ),
        ChangeKind.MEDIA_TYPE_REMOVED,
    ),
    "request property removed": (
        lambda d: schemas(d)["ThingCreate"]["properties"].pop("note"),
        # ThingCreate is also the first part of Thing, so the response loses it too.
        ChangeKind.PROPERTY_REMOVED,
    ),
    "request property newly required": (
        lambda d: schemas(d)["ThingCreate"]["required"].append("note"),
        ChangeKind.PROPERTY_NEWLY_REQUIRED,
    ),
    "new required request property": (
        lambda d: (
            schemas(d)["ThingCreate"]["properties"].__setitem__("size", {"type": "integer"}),
            schemas(d)["ThingCreate"]["required"].append("size"),
        ),
        ChangeKind.PROPERTY_NEWLY_REQUIRED,
    ),
    "request property no longer nullable": (
        lambda d: schemas(d)["ThingCreate"]["properties"]["note"].pop("nullable"),
        ChangeKind.NULLABLE_CHANGED,
    ),
    "request enum value removed": (
        lambda d: schemas(d)["Kind"]["enum"].remove("large"),
        ChangeKind.ENUM_VALUE_REMOVED,
    ),
    "response property removed": (
        lambda d: thing_extra(d)["properties"].pop("tags"),
        ChangeKind.PROPERTY_REMOVED,
    ),
    "response property renamed": (
        lambda d: thing_extra(d)["properties"].__setitem__(
            "labels", thing_extra(d)["properties"].pop("tags")
        ),
        ChangeKind.PROPERTY_REMOVED,
    ),
    "response property no longer required": (
        lambda d: thing_extra(d)["required"].remove("createdAt"),
        ChangeKind.PROPERTY_NO_LONGER_REQUIRED,
    ),
    "response property type changed": (
        lambda d: thing_extra(d)["properties"]["id"].__setitem__("type", "string"),
        ChangeKind.TYPE_CHANGED,
    ),
    "response property format changed": (
        lambda d: thing_extra(d)["properties"]["createdAt"].__setitem__("format", "date"),
        ChangeKind.FORMAT_CHANGED,
    ),
    "response array item type changed": (
        lambda d: thing_extra(d)["properties"]["tags"]["items"].__setitem__("type", "integer"),
        ChangeKind.TYPE_CHANGED,
    ),
    "response property newly nullable": (
        lambda d: thing_extra(d)["properties"]["id"].__setitem__("nullable", True),
        ChangeKind.NULLABLE_CHANGED,
    ),
    "response enum value removed": (
        lambda d: thing_extra(d)["properties"]["status"]["enum"].remove("closed"),
        ChangeKind.ENUM_VALUE_REMOVED,
    ),
    "response enum value added": (
        lambda d: thing_extra(d)["properties"]["status"]["enum"].append("archived"),
        ChangeKind.ENUM_VALUE_ADDED,
    ),
    "status code removed": (
        lambda d: d["paths"]["/things"]["get"]["responses"].pop("404"),
        ChangeKind.STATUS_CODE_REMOVED,
    ),
    "status code changed": (
        lambda d: d["paths"]["/things"]["post"]["responses"].__setitem__(
            "200", d["paths"]["/things"]["post"]["responses"].pop("201")
        ),
        ChangeKind.STATUS_CODE_REMOVED,
    ),
    "response media type removed": (
        lambda d: d["components"]["responses"]["NotFound"]["content"].pop("application/json"),
        ChangeKind.MEDIA_TYPE_REMOVED,
    ),
    "response header removed": (
        lambda d: d["paths"]["/things"]["get"]["responses"]["200"].pop("headers"),
        ChangeKind.RESPONSE_HEADER_REMOVED,
    ),
    "error property type changed": (
        lambda d: schemas(d)["Error"]["properties"]["code"].__setitem__("type", "integer"),
        ChangeKind.TYPE_CHANGED,
    ),
    "scope added": (
        lambda d: d["paths"]["/things"]["get"]["security"][0]["bearer"].append("things:write"),
        ChangeKind.SCOPE_ADDED,
    ),
    "an integer's width changed": (
        lambda d: thing_extra(d)["properties"]["id"].__setitem__("format", "int32"),
        ChangeKind.FORMAT_CHANGED,
    ),
    "scope added in x-scopes": (
        lambda d: d["paths"]["/things"]["get"].__setitem__("x-scopes", ["things:write"]),
        ChangeKind.SCOPE_ADDED,
    ),
    "scope added in x-scopes while moving the others there": (
        lambda d: d["paths"]["/things"]["get"].update(
            {"security": [{"bearer": []}], "x-scopes": ["things:read", "things:write"]}
        ),
        ChangeKind.SCOPE_ADDED,
    ),
}


@pytest.mark.parametrize("edit, kind", BREAKS.values(), ids=BREAKS.keys())
def test_each_kind_of_break_is_reported(edit: Any, kind: ChangeKind) -> None:
    found = kinds(edit)
    assert found, "not reported"
    assert set(found) == {kind}, found


def test_a_report_says_where_and_what_at_every_use_of_a_shared_schema() -> None:
    found = changed(lambda d: thing_extra(d)["properties"]["id"].__setitem__("type", "string"))
    assert [str(change) for change in found] == [
        "GET /things response 200 application/json[].id: type changed (integer -> string)",
        "POST /things response 201 application/json.id: type changed (integer -> string)",
    ]


ADDITIONS: dict[str, Any] = {
    "new path": lambda d: d["paths"].__setitem__(
        "/others", {"get": {"operationId": "listOthers", "responses": {"200": {"description": ""}}}}
    ),
    "new operation": lambda d: d["paths"]["/things/{id}"].__setitem__(
        "get", {"operationId": "getThing", "responses": {"200": {"description": ""}}}
    ),
    "new optional parameter": lambda d: d["paths"]["/things"]["get"]["parameters"].append(
        {"name": "q", "in": "query", "schema": {"type": "string"}}
    ),
    "new optional request property": lambda d: schemas(d)["ThingCreate"]["properties"].__setitem__(
        "colour", {"type": "string"}
    ),
    "new response property": lambda d: thing_extra(d)["properties"].__setitem__(
        "updatedAt", {"type": "string", "format": "date-time"}
    ),
    "new required response property": lambda d: (
        thing_extra(d)["properties"].__setitem__("owner", {"type": "string"}),
        thing_extra(d)["required"].append("owner"),
    ),
    "response property newly required": lambda d: thing_extra(d)["required"].append("tags"),
    # ThingCreate is also part of the response Thing: the response keeps promising the name.
    "request property no longer required": lambda d: (
        schemas(d)["ThingCreate"]["required"].clear(),
        thing_extra(d)["required"].append("name"),
    ),
    "request parameter newly nullable": lambda d: d["paths"]["/things"]["get"]["parameters"][0][
        "schema"
    ].__setitem__("nullable", True),
    "new status code": lambda d: d["paths"]["/things"]["post"]["responses"].__setitem__(
        "409", {"$ref": "#/components/responses/NotFound"}
    ),
    "new response header": lambda d: d["paths"]["/things"]["post"]["responses"]["201"].__setitem__(
        "headers", {"Location": {"schema": {"type": "string"}}}
    ),
    "new enum value in a request": lambda d: d["components"]["parameters"]["Kind"].__setitem__(
        "schema", {"type": "string", "enum": ["small", "large", "huge"]}
    ),
    "descriptions and examples": lambda d: (
        d["paths"]["/things"]["get"].__setitem__("description", "Now described."),
        thing_extra(d)["properties"]["id"].__setitem__("example", 7),
        d["info"].__setitem__("description", "More words."),
    ),
    "new links": lambda d: d["paths"]["/things"]["post"]["responses"]["201"].__setitem__(
        "links",
        {"Delete": {"operationId": "deleteThing", "parameters": {"id": "$response.body#/id"}}},
    ),
    "request body no longer required": lambda d: d["paths"]["/things"]["post"][
        "requestBody"
    ].__setitem__("required", False),
    "an integer states its width": lambda d: d["paths"]["/things"]["get"]["parameters"][0][
        "schema"
    ].__setitem__("format", "int32"),
    "scopes moved from the requirements to x-scopes": lambda d: d["paths"]["/things"]["get"].update(
        {"security": [{"bearer": []}], "x-scopes": ["things:read"]}
    ),
    "a scope dropped": lambda d: d["paths"]["/things"]["get"]["security"][0].__setitem__(
        "bearer", []
    ),
    "a schema moved behind a new $ref": lambda d: (
        schemas(d).__setitem__("Id", {"type": "integer", "format": "int64"}),
        thing_extra(d)["properties"].__setitem__("id", {"$ref": "#/components/schemas/Id"}),
    ),
}


@pytest.mark.parametrize("edit", ADDITIONS.values(), ids=ADDITIONS.keys())
def test_additive_changes_pass(edit: Any) -> None:
    assert changed(edit) == []


def test_recursive_schemas_terminate() -> None:
    def tree(doc: dict[str, Any]) -> None:
        schemas(doc)["Node"] = {
            "type": "object",
            "properties": {
                "name": {"type": "string"},
                "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
            },
        }
        thing_extra(doc)["properties"]["tree"] = {"$ref": "#/components/schemas/Node"}

    old = base()
    tree(old)
    new = copy.deepcopy(old)
    schemas(new)["Node"]["properties"]["name"]["type"] = "integer"
    found = find_breaking_changes(old, new)
    assert {change.kind for change in found} == {ChangeKind.TYPE_CHANGED}


def test_references_into_a_file_next_to_the_document(tmp_path: Path) -> None:
    (tmp_path / "common.yaml").write_text(
        yaml.safe_dump({"Kind": {"type": "string", "enum": ["small"]}}), encoding="utf-8"
    )
    old = base()
    old["components"]["schemas"]["Kind"] = {"$ref": "common.yaml#/Kind"}
    (tmp_path / "old.yaml").write_text(yaml.safe_dump(old), encoding="utf-8")
    new = copy.deepcopy(old)
    new["components"]["schemas"]["Kind"] = {"type": "string", "enum": []}
    (tmp_path / "new.yaml").write_text(yaml.safe_dump(new), encoding="utf-8")

    found = find_breaking_changes(
        Document.from_path(tmp_path / "old.yaml"), Document.from_path(tmp_path / "new.yaml")
    )
    assert {change.kind for change in found} == {ChangeKind.ENUM_VALUE_REMOVED}

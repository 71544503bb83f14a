"""Walking the served OpenAPI documents: their operations, parameters and request bodies."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from hirebridge.app import API_DOCUMENTS
from tests.support.apps import Api

VERBS = ("get", "put", "post", "delete", "patch")


def deref(document: dict[str, Any], node: Any) -> Any:
    """``node`` with its ``$ref`` (and the ``$ref`` that leads to) followed."""
    while isinstance(node, dict) and "$ref" in node:
        target: Any = document
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def served_documents(api: Api) -> dict[str, dict[str, Any]]:
    """Every document the app serves, as a client downloads it."""
    documents = {}
    for name in API_DOCUMENTS:
        response = api.client.get(f"/swagger/{name}/swagger.json")
        assert response.status_code == 200
        documents[name] = response.json()
    return documents


@dataclass(frozen=True)
class Operation:
    """One operation of a document, its references followed."""

    document: dict[str, Any]
    path: str  # the full path template: the server's base path and the document's template
    method: str
    spec: dict[str, Any]
    parameters: list[dict[str, Any]]
    media: dict[str, Any] | None  # the JSON request body's media type object, if it takes one

    @property
    def operation_id(self) -> str:
        return str(self.spec["operationId"])

    @property
    def secured(self) -> bool:
        return bool(self.spec.get("security", self.document.get("security")))


def operations(document: dict[str, Any]) -> Iterator[Operation]:
    base = document["servers"][0]["url"].rstrip("/")
    for template, item in document["paths"].items():
        for method in VERBS:
            if method not in item:
                continue
            spec = item[method]
            body = deref(document, spec.get("requestBody"))
            yield Operation(
                document=document,
                path=base + template,
                method=method.upper(),
                spec=spec,
                parameters=[
                    deref(document, parameter)
                    for parameter in [*item.get("parameters", []), *spec.get("parameters", [])]
                ],
                media=body["content"]["application/json"] if body else None,
            )

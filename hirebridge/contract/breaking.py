"""Breaking changes between two OpenAPI 3.0 documents of one API version (docs/requirements.md#v2).

``find_breaking_changes(old, new)`` walks both documents (``$ref`` resolved, ``allOf`` merged)
and lists every change that could break a client written against ``old``:

- a path or an operation is gone, or an operation's ``operationId`` changed (generated clients
  name their functions after it; a renamed path is a removed one);
- a parameter is gone, a parameter or the request body became required, or a new required
  parameter appeared;
- a status code or a media type is gone from a response, or a response header is gone;
- a property is gone (from a request: the client still sends it; from a response: the client
  still reads it);
- a type, ``format`` or ``nullable`` changed in a way the client sees (an integer that states its
  width, ``int32`` or ``int64``, for the first time is no change);
- a request property became required (or a new one is required), a response property is no
  longer required;
- an enum value is gone (anywhere), or a new one appears in a response;
- an operation needs a scope it did not need before.

Enums go by direction: a request enum lists what the server accepts, so values may be added but
not removed. A response enum lists what a client must be ready to read, and generated clients
refuse values they do not know, so it is frozen both ways (removing a value is flagged too: a
client may still be asked to handle it in stored data, and v1 promises the set).

Everything else passes: new paths, operations, optional parameters and request properties, new
response properties and status codes, new enum values in requests, descriptions, examples,
summaries and ``links``. Validation bounds (``maxLength``, ``pattern``, ...) are not compared.

Run it as ``python -m hirebridge.contract.breaking OLD.yaml NEW.yaml``: it prints one line per
breaking change and exits 1 if there is any.
"""

from __future__ import annotations

import argparse
import enum
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from hirebridge.contract.bundle import load_bundled

HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
Node = Mapping[str, Any]


class Direction(enum.Enum):
    """Which way data flows through a schema: what the client sends, or what it reads."""

    REQUEST = "request"
    RESPONSE = "response"


class ChangeKind(enum.StrEnum):
    PATH_REMOVED = "path removed"
    OPERATION_REMOVED = "operation removed"
    OPERATION_RENAMED = "operationId changed"
    PARAMETER_REMOVED = "parameter removed"
    PARAMETER_NEWLY_REQUIRED = "parameter newly required"
    REQUEST_BODY_REMOVED = "request body removed"
    REQUEST_BODY_NEWLY_REQUIRED = "request body newly required"
    MEDIA_TYPE_REMOVED = "media type removed"
    STATUS_CODE_REMOVED = "status code removed"
    RESPONSE_HEADER_REMOVED = "response header removed"
    PROPERTY_REMOVED = "property removed"
    PROPERTY_NEWLY_REQUIRED = "property newly required"
    PROPERTY_NO_LONGER_REQUIRED = "property no longer required"
    TYPE_CHANGED = "type changed"
    FORMAT_CHANGED = "format changed"
    NULLABLE_CHANGED = "nullable changed"
    ENUM_VALUE_REMOVED = "enum value removed"
    ENUM_VALUE_ADDED = "enum value added to a response"
    SCOPE_ADDED = "scope newly required"


@dataclass(frozen=True, order=True)
class BreakingChange:
    """One change that can break a client: where it is, what kind, and the detail."""

    where: str
    kind: ChangeKind
    detail: str

    def __str__(self) -> str:
        return f"{self.where}: {self.kind} ({self.detail})"


class UnresolvableReference(ValueError):
    """A ``$ref`` that points nowhere."""


class Document:
    """An OpenAPI document with ``$ref`` resolution (local, or into a file next to it)."""

    def __init__(self, root: Node, base_dir: Path | None = None) -> None:
        self.root = root
        self.base_dir = base_dir
        self._files: dict[Path, Node] = {}

    @classmethod
    def from_path(cls, path: Path) -> Document:
        """The document as it is served: its shared components copied in (``bundle``)."""
        return cls(load_bundled(path), path.resolve().parent)

    def resolve(self, node: Any) -> Any:
        """``node`` with its ``$ref`` chain followed (a node without ``$ref`` is itself)."""
        seen: set[str] = set()
        while isinstance(node, Mapping) and isinstance(node.get("$ref"), str):
            reference = node["$ref"]
            if reference in seen:
                raise UnresolvableReference(f"circular $ref {reference}")
            seen.add(reference)
            node = self._target(reference)
        return node

    def _target(self, reference: str) -> Any:
        location, _, pointer = reference.partition("#")
        root: Any = self.root
        if location:
            if self.base_dir is None:
                raise UnresolvableReference(f"{reference}: no directory to read {location} from")
            path = (self.base_dir / location).resolve()
            if path not in self._files:
                self._files[path] = _load_yaml(path)
            root = self._files[path]
        node = root
        for token in (part for part in pointer.split("/") if part):
            token = token.replace("~1", "/").replace("~0", "~")
            if isinstance(node, Mapping) and token in node:
                node = node[token]
            elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                node = node[int(token)]
            else:
                raise UnresolvableReference(reference)
        return node


def _load_yaml(path: Path) -> Node:
    loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(loaded, Mapping):
        raise ValueError(f"{path} is not an OpenAPI document")
    return loaded


def find_breaking_changes(old: Node | Document, new: Node | Document) -> list[BreakingChange]:
    """Every change from ``old`` to ``new`` that can break a client of ``old``, sorted."""
    old_doc = old if isinstance(old, Document) else Document(old)
    new_doc = new if isinstance(new, Document) else Document(new)
    return sorted(set(_Comparison(old_doc, new_doc).paths()))


class _Comparison:
    def __init__(self, old: Document, new: Document) -> None:
        self.old = old
        self.new = new

    def paths(self) -> Iterator[BreakingChange]:
        old_paths: Node = self.old.root.get("paths") or {}
        new_paths: Node = self.new.root.get("paths") or {}
        for template, raw_item in old_paths.items():
            if template not in new_paths:
                yield BreakingChange(template, ChangeKind.PATH_REMOVED, "no longer in the document")
                continue
            old_item = self.old.resolve(raw_item)
            new_item = self.new.resolve(new_paths[template])
            for method in HTTP_METHODS:
                if method not in old_item:
                    continue
                where = f"{method.upper()} {template}"
                if method not in new_item:
                    yield BreakingChange(where, ChangeKind.OPERATION_REMOVED, "no longer served")
                    continue
                yield from self.operation(where, old_item, new_item, method)

    def operation(
        self, where: str, old_item: Node, new_item: Node, method: str
    ) -> Iterator[BreakingChange]:
        old_op: Node = old_item[method]
        new_op: Node = new_item[method]
        if old_op.get("operationId") != new_op.get("operationId"):
            yield BreakingChange(
                where,
                ChangeKind.OPERATION_RENAMED,
                f"{old_op.get('operationId')} -> {new_op.get('operationId')}",
            )
        yield from self.parameters(where, old_item, old_op, new_item, new_op)
        yield from self.request_body(where, old_op.get("requestBody"), new_op.get("requestBody"))
        yield from self.responses(
            where, old_op.get("responses") or {}, new_op.get("responses") or {}
        )
        yield from self.security(where, old_op, new_op)

    def _parameters(self, doc: Document, item: Node, op: Node) -> dict[tuple[str, str], Node]:
        merged: dict[tuple[str, str], Node] = {}
        # Operation parameters override the path item's ones with the same name and location.
        for raw in [*(item.get("parameters") or []), *(op.get("parameters") or [])]:
            parameter = doc.resolve(raw)
            name = str(parameter["name"])
            location = str(parameter["in"])
            merged[(location, name.lower() if location == "header" else name)] = parameter
        return merged

    def parameters(
        self, where: str, old_item: Node, old_op: Node, new_item: Node, new_op: Node
    ) -> Iterator[BreakingChange]:
        old_params = self._parameters(self.old, old_item, old_op)
        new_params = self._parameters(self.new, new_item, new_op)
        for key, old_param in old_params.items():
            label = f"{where} {key[0]} parameter {old_param['name']}"
            new_param = new_params.get(key)
            if new_param is None:
                yield BreakingChange(label, ChangeKind.PARAMETER_REMOVED, "no longer accepted")
                continue
            if new_param.get("required", False) and not old_param.get("required", False):
                yield BreakingChange(label, ChangeKind.PARAMETER_NEWLY_REQUIRED, "now required")
            yield from self.schema(
                label, old_param.get("schema"), new_param.get("schema"), Direction.REQUEST
            )
        for key, new_param in new_params.items():
            if key not in old_params and new_param.get("required", False):
                yield BreakingChange(
                    f"{where} {key[0]} parameter {new_param['name']}",
                    ChangeKind.PARAMETER_NEWLY_REQUIRED,
                    "a new required parameter",
                )

    def request_body(self, where: str, old_raw: Any, new_raw: Any) -> Iterator[BreakingChange]:
        old_body = self.old.resolve(old_raw) if old_raw is not None else None
        new_body = self.new.resolve(new_raw) if new_raw is not None else None
        label = f"{where} request body"
        newly_required = new_body is not None and new_body.get("required", False)
        if newly_required and (old_body is None or not old_body.get("required", False)):
            yield BreakingChange(label, ChangeKind.REQUEST_BODY_NEWLY_REQUIRED, "now required")
        if old_body is None:
            return
        if new_body is None:
            yield BreakingChange(label, ChangeKind.REQUEST_BODY_REMOVED, "no longer accepted")
            return
        yield from self.content(
            label, old_body.get("content") or {}, new_body.get("content") or {}, Direction.REQUEST
        )

    def responses(self, where: str, old: Node, new: Node) -> Iterator[BreakingChange]:
        for status, old_raw in old.items():
            label = f"{where} response {status}"
            if status not in new:
                yield BreakingChange(label, ChangeKind.STATUS_CODE_REMOVED, "no longer answered")
                continue
            old_response = self.old.resolve(old_raw)
            new_response = self.new.resolve(new[status])
            yield from self.content(
                label,
                old_response.get("content") or {},
                new_response.get("content") or {},
                Direction.RESPONSE,
            )
            new_headers = {
                name.lower(): h for name, h in (new_response.get("headers") or {}).items()
            }
            for name, old_header in (old_response.get("headers") or {}).items():
                header_label = f"{label} header {name}"
                new_header = new_headers.get(name.lower())
                if new_header is None:
                    yield BreakingChange(
                        header_label, ChangeKind.RESPONSE_HEADER_REMOVED, "no longer sent"
                    )
                    continue
                yield from self.schema(
                    header_label,
                    self.old.resolve(old_header).get("schema"),
                    self.new.resolve(new_header).get("schema"),
                    Direction.RESPONSE,
                )

    def content(
        self, where: str, old: Node, new: Node, direction: Direction
    ) -> Iterator[BreakingChange]:
        for media_type, old_media in old.items():
            label = f"{where} {media_type}"
            if media_type not in new:
                yield BreakingChange(label, ChangeKind.MEDIA_TYPE_REMOVED, "no longer used")
                continue
            yield from self.schema(
                label, old_media.get("schema"), new[media_type].get("schema"), direction
            )

    def security(self, where: str, old_op: Node, new_op: Node) -> Iterator[BreakingChange]:
        old_scopes = _scopes(old_op, self.old.root)
        new_scopes = _scopes(new_op, self.new.root)
        for scheme, scopes in new_scopes.items():
            added = scopes - old_scopes.get(scheme, set())
            if scheme in old_scopes and added:
                yield BreakingChange(
                    f"{where} security {scheme}", ChangeKind.SCOPE_ADDED, ", ".join(sorted(added))
                )

    def schema(
        self, where: str, old_raw: Any, new_raw: Any, direction: Direction
    ) -> Iterator[BreakingChange]:
        yield from _SchemaComparison(self.old, self.new, direction).compare(where, old_raw, new_raw)


def _width_stated(old: Node, new: Node) -> bool:
    """An integer without a ``format`` that gains ``int32`` or ``int64``: the width its values
    always had, now stated (generators that read no format pick 32 bits, and a client that read
    wider values was already wrong). Any other change of format is a change."""
    return (
        new.get("type") == "integer"
        and old.get("format") is None
        and new.get("format") in {"int32", "int64"}
    )


def _scopes(operation: Node, root: Node) -> dict[str, set[str]]:
    """The scopes each scheme of ``operation`` requires: those listed in its security
    requirements and those of its ``x-scopes`` (where the documents state them, since OpenAPI 3.0
    lists scopes in requirements for OAuth2 only), so moving a scope from one to the other is no
    change, and a scope newly required in either is."""
    requirements: Sequence[Mapping[str, Sequence[str]]] = (
        operation.get("security", root.get("security")) or []
    )
    stated = set(operation.get("x-scopes", []))
    scopes: dict[str, set[str]] = {}
    for requirement in requirements:
        for scheme, names in requirement.items():
            scopes.setdefault(scheme, set()).update(names, stated)
    return scopes


class _SchemaComparison:
    """Compares two schemas for one direction, following ``$ref`` and merging ``allOf``."""

    def __init__(self, old: Document, new: Document, direction: Direction) -> None:
        self.old = old
        self.new = new
        self.direction = direction
        # Recursive schemas: each pair of references is compared once per walk.
        self._seen: set[tuple[str, str]] = set()

    def compare(self, where: str, old_raw: Any, new_raw: Any) -> Iterator[BreakingChange]:
        if old_raw is None or new_raw is None:
            return
        pair = (_ref_of(old_raw), _ref_of(new_raw))
        if pair[0] and pair[1]:
            if pair in self._seen:
                return
            self._seen.add(pair)
        old = _flatten(self.old, old_raw)
        new = _flatten(self.new, new_raw)
        request = self.direction is Direction.REQUEST

        if old.get("type") != new.get("type") and old.get("type") is not None:
            yield BreakingChange(
                where, ChangeKind.TYPE_CHANGED, f"{old.get('type')} -> {new.get('type')}"
            )
            return
        if old.get("format") != new.get("format") and not _width_stated(old, new):
            yield BreakingChange(
                where, ChangeKind.FORMAT_CHANGED, f"{old.get('format')} -> {new.get('format')}"
            )
        old_nullable = bool(old.get("nullable", False))
        new_nullable = bool(new.get("nullable", False))
        if (request and old_nullable and not new_nullable) or (
            not request and new_nullable and not old_nullable
        ):
            yield BreakingChange(
                where, ChangeKind.NULLABLE_CHANGED, f"nullable {old_nullable} -> {new_nullable}"
            )
        yield from self._enum(where, old.get("enum"), new.get("enum"))
        yield from self._properties(where, old, new)
        yield from self.compare(f"{where}[]", old.get("items"), new.get("items"))
        old_extra, new_extra = old.get("additionalProperties"), new.get("additionalProperties")
        if isinstance(old_extra, Mapping) and isinstance(new_extra, Mapping):
            yield from self.compare(f"{where}{{*}}", old_extra, new_extra)
        for combiner in ("oneOf", "anyOf"):
            old_variants = old.get(combiner) or []
            new_variants = new.get(combiner) or []
            for index, (old_variant, new_variant) in enumerate(
                zip(old_variants, new_variants, strict=False)
            ):
                yield from self.compare(f"{where}<{combiner}[{index}]>", old_variant, new_variant)
            if len(old_variants) != len(new_variants) and (
                (request and len(new_variants) < len(old_variants))
                or (not request and len(new_variants) > len(old_variants))
            ):
                yield BreakingChange(
                    where,
                    ChangeKind.TYPE_CHANGED,
                    f"{combiner} of {len(old_variants)} -> {len(new_variants)} schemas",
                )

    def _enum(self, where: str, old: Any, new: Any) -> Iterator[BreakingChange]:
        if old is None or new is None:
            return
        for value in old:
            if value not in new:
                yield BreakingChange(where, ChangeKind.ENUM_VALUE_REMOVED, repr(value))
        if self.direction is Direction.RESPONSE:
            for value in new:
                if value not in old:
                    yield BreakingChange(where, ChangeKind.ENUM_VALUE_ADDED, repr(value))

    def _properties(self, where: str, old: Node, new: Node) -> Iterator[BreakingChange]:
        old_props: Node = old.get("properties") or {}
        new_props: Node = new.get("properties") or {}
        old_required = set(old.get("required") or [])
        new_required = set(new.get("required") or [])
        for name, old_prop in old_props.items():
            label = f"{where}.{name}"
            if name not in new_props:
                yield BreakingChange(label, ChangeKind.PROPERTY_REMOVED, self.direction.value)
                continue
            if self.direction is Direction.REQUEST and name in new_required - old_required:
                yield BreakingChange(label, ChangeKind.PROPERTY_NEWLY_REQUIRED, "now required")
            if self.direction is Direction.RESPONSE and name in old_required - new_required:
                yield BreakingChange(
                    label, ChangeKind.PROPERTY_NO_LONGER_REQUIRED, "may now be absent"
                )
            yield from self.compare(label, old_prop, new_props[name])
        if self.direction is Direction.REQUEST:
            for name in sorted(new_required - set(old_props)):
                yield BreakingChange(
                    f"{where}.{name}", ChangeKind.PROPERTY_NEWLY_REQUIRED, "a new required property"
                )


def _ref_of(node: Any) -> str:
    return str(node["$ref"]) if isinstance(node, Mapping) and "$ref" in node else ""


def _flatten(doc: Document, raw: Any) -> dict[str, Any]:
    """The schema with ``$ref`` followed and ``allOf`` members merged into one object schema."""
    schema = dict(doc.resolve(raw))
    members = schema.pop("allOf", None)
    if not members:
        return schema
    merged: dict[str, Any] = {}
    properties: dict[str, Any] = {}
    required: list[str] = []
    for member in [*(_flatten(doc, member) for member in members), schema]:
        properties.update(member.get("properties") or {})
        required.extend(name for name in member.get("required") or [] if name not in required)
        merged.update(
            {key: value for key, value in member.items() if key not in {"properties", "required"}}
        )
    if properties:
        merged["properties"] = properties
    if required:
        merged["required"] = required
    return merged


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m hirebridge.contract.breaking",
        description="List the changes from OLD to NEW that can break a client of OLD.",
    )
    parser.add_argument("old", type=Path, help="the frozen baseline, e.g. openapi/frozen/v1.yaml")
    parser.add_argument("new", type=Path, help="the document as it is now, e.g. openapi/v1.yaml")
    arguments = parser.parse_args(argv)
    changes = find_breaking_changes(
        Document.from_path(arguments.old), Document.from_path(arguments.new)
    )
    for change in changes:
        print(change)
    if changes:
        print(f"{len(changes)} breaking change(s) from {arguments.old} to {arguments.new}")
        return 1
    print(f"no breaking change from {arguments.old} to {arguments.new}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

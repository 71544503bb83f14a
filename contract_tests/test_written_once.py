"""Each component is written once: what the documents share lives in ``openapi/shared/``.

A component is "written twice" when two hand-written files define the same thing: the same
content with every reference followed in its own file (so ``Job``, which reads the same in v1
and v2 but wraps each version's ``JobSummary``, is two things; ``Candidate`` written in both would
be one thing twice). The frozen baselines (``openapi/frozen/``) are copies on purpose.
"""

from __future__ import annotations

import json
import shutil
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from hirebridge.app import API_DOCUMENTS
from hirebridge.contract.bundle import BundleError, bundle, load_bundled
from hirebridge.documents import OPENAPI_DIR, load_document

SHARED = OPENAPI_DIR / "shared" / "components.yaml"


def hand_written(directory: Path = OPENAPI_DIR) -> list[Path]:
    """Every hand-written file of ``directory`` (``openapi/``) but the frozen baselines."""
    return sorted(
        path
        for path in directory.rglob("*.yaml")
        if "frozen" not in path.relative_to(directory).parts
    )


def _read(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _is_shared_reference(node: Any) -> bool:
    return (
        isinstance(node, dict) and set(node) == {"$ref"} and not str(node["$ref"]).startswith("#")
    )


def _expanded(document: Any, node: Any, seen: frozenset[str] = frozenset()) -> Any:
    """``node`` with every ``#/...`` reference replaced by what it means in ``document``."""
    if isinstance(node, list):
        return [_expanded(document, item, seen) for item in node]
    if not isinstance(node, dict):
        return node
    reference = node.get("$ref")
    if isinstance(reference, str) and reference.startswith("#/"):
        if reference in seen:
            return {"$recursive": reference}
        target: Any = document
        for part in reference[2:].split("/"):
            target = target[part]
        return _expanded(document, target, seen | {reference})
    return {key: _expanded(document, value, seen) for key, value in node.items()}


def definitions(path: Path) -> Iterator[tuple[str, str, Any]]:
    """(section, name, meaning) of every component ``path`` defines itself."""
    document = _read(path)
    bundled = bundle(document, path.parent)
    for section, items in (document.get("components") or {}).items():
        for name, value in (items or {}).items():
            if not _is_shared_reference(value):
                yield section, name, _expanded(bundled, value)


def duplicates(directory: Path = OPENAPI_DIR) -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    for path in hand_written(directory):
        for section, name, meaning in definitions(path):
            key = f"{section}:{json.dumps(meaning, sort_keys=True)}"
            found[key].append(f"{path.relative_to(directory)} {section}/{name}")
    return {key: where for key, where in found.items() if len(where) > 1}


def test_no_component_is_written_twice() -> None:
    twice = duplicates()
    assert not twice, "\n".join(" = ".join(where) for where in twice.values())


def test_the_count_sees_a_component_written_twice(tmp_path: Path) -> None:
    """Copying a shared schema back into a document is found (the check is not vacuous)."""
    shutil.copytree(OPENAPI_DIR, tmp_path / "openapi")
    v1 = _read(OPENAPI_DIR / "v1.yaml")
    v1["components"]["schemas"]["Candidate"] = _read(SHARED)["components"]["schemas"]["Candidate"]
    (tmp_path / "openapi" / "v1.yaml").write_text(yaml.safe_dump(v1), encoding="utf-8")
    twice = duplicates(tmp_path / "openapi")
    assert [" = ".join(where) for where in twice.values()] == [
        "shared/components.yaml schemas/Candidate = v1.yaml schemas/Candidate"
    ]


def test_the_documents_share_what_they_have_in_common() -> None:
    shared = _read(SHARED)["components"]
    assert len(shared["schemas"]) >= 30
    for name in ("v1", "v2"):
        document = _read(OPENAPI_DIR / f"{name}.yaml")
        refers = [
            value
            for items in document["components"].values()
            for value in items.values()
            if _is_shared_reference(value)
        ]
        assert len(refers) >= 40, name


def test_shared_components_refer_only_to_shared_components() -> None:
    """A ``#/...`` reference in the shared file means the shared file (as every tool reads it),
    and the document that copies the component in names the same component the same way."""
    shared = _read(SHARED)

    def references(node: Any) -> Iterator[str]:
        if isinstance(node, dict):
            if isinstance(node.get("$ref"), str):
                yield node["$ref"]
            for value in node.values():
                yield from references(value)
        elif isinstance(node, list):
            for value in node:
                yield from references(value)

    for reference in references(shared):
        assert reference.startswith("#/components/"), reference
        _, _, section, name = reference.split("/", 3)
        assert name in shared["components"].get(section, {}), reference
    for name in API_DOCUMENTS:
        document = _read(OPENAPI_DIR / f"{name}.yaml")
        for section, items in document["components"].items():
            for key, value in items.items():
                if _is_shared_reference(value):
                    assert value["$ref"] == f"shared/components.yaml#/components/{section}/{key}"
                    for inner in references(shared["components"][section][key]):
                        _, _, inner_section, inner_name = inner.split("/", 3)
                        named = document["components"][inner_section][inner_name]
                        path = f"#/components/{inner_section}/{inner_name}"
                        assert named == {"$ref": f"shared/components.yaml{path}"}, (
                            f"{name}: {section}/{key} needs {inner}"
                        )


def test_every_shared_component_is_used() -> None:
    used = {
        value["$ref"].partition("#")[2]
        for name in API_DOCUMENTS
        for items in _read(OPENAPI_DIR / f"{name}.yaml")["components"].values()
        for value in items.values()
        if _is_shared_reference(value)
    }
    shared = _read(SHARED)["components"]
    defined = {f"/components/{section}/{key}" for section, items in shared.items() for key in items}
    assert defined == used, defined ^ used


@pytest.mark.parametrize("name", API_DOCUMENTS)
def test_the_served_document_is_self_contained(name: str) -> None:
    text = load_document(name).json_bytes.decode()
    assert "shared/components.yaml" not in text
    assert load_document(name).spec == load_bundled(OPENAPI_DIR / f"{name}.yaml")


def test_bundle_copies_a_shared_component_in_its_place(tmp_path: Path) -> None:
    (tmp_path / "shared.yaml").write_text(
        "components:\n  schemas:\n    B: {type: string, maxLength: 3}\n", encoding="utf-8"
    )
    document = {
        "components": {
            "schemas": {
                "A": {"type": "integer"},
                "B": {"$ref": "shared.yaml#/components/schemas/B"},
                "C": {"$ref": "#/components/schemas/A"},
            }
        }
    }
    bundled = bundle(document, tmp_path)
    assert list(bundled["components"]["schemas"]) == ["A", "B", "C"]
    assert bundled["components"]["schemas"]["B"] == {"type": "string", "maxLength": 3}
    assert bundled["components"]["schemas"]["C"] == {"$ref": "#/components/schemas/A"}
    assert document["components"]["schemas"]["B"] == {"$ref": "shared.yaml#/components/schemas/B"}
    with pytest.raises(BundleError, match="no file"):
        bundle({"$ref": "missing.yaml#/x"}, tmp_path)
    with pytest.raises(BundleError, match="nothing at"):
        bundle({"$ref": "shared.yaml#/components/schemas/Z"}, tmp_path)
    with pytest.raises(BundleError, match="stands alone"):
        bundle({"$ref": "shared.yaml#/components/schemas/B", "description": "x"}, tmp_path)

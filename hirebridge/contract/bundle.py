"""One served document from a hand-written one and the shared components it refers to.

The documents in ``openapi/`` write a component that every version shares (a candidate, a
webhook, an event payload, the security schemes...) once, in ``openapi/shared/components.yaml``,
and name it where it belongs::

    components:
      schemas:
        Candidate:
          $ref: "shared/components.yaml#/components/schemas/Candidate"

``bundle`` replaces every such reference to another file by a copy of what it points to, in the
same place. So the served document is self-contained (partners' tools, Swagger UI and Connexion
read one file, with only ``#/...`` references) and is exactly the document it would be if the
component were written in it: keys keep their order and a component keeps its name. A shared
component's own references (``#/components/schemas/CountryId``) are read in the document that
includes it, so the shared file has the same layout as a document.

``python -m hirebridge.contract.bundle openapi/v1.yaml openapi/frozen/v1.yaml`` writes the
bundled document as YAML (how a frozen baseline is taken; see the README).
"""

from __future__ import annotations

import argparse
import copy
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml


class BundleError(ValueError):
    """A reference to another file that cannot be followed."""


def _read(path: Path) -> Any:
    # libyaml's loader: every process starts by reading the documents.
    return yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)


def _pointer(document: Any, pointer: str, where: str) -> Any:
    node = document
    for raw in pointer.lstrip("/").split("/") if pointer.strip("/") else []:
        part = raw.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, dict) or part not in node:
            raise BundleError(f"{where}: nothing at #{pointer}")
        node = node[part]
    return node


def bundle(document: Any, directory: Path, _files: dict[Path, Any] | None = None) -> Any:
    """``document`` (read from ``directory``) with every reference to another file replaced by a
    copy of its target. ``document`` itself is left as it is."""
    files: dict[Path, Any] = {} if _files is None else _files
    if isinstance(document, list):
        return [bundle(item, directory, files) for item in document]
    if not isinstance(document, dict):
        return document
    reference = document.get("$ref")
    if isinstance(reference, str) and not reference.startswith("#"):
        if len(document) != 1:
            raise BundleError(f"{reference}: a shared reference stands alone (no sibling keys)")
        relative, _, pointer = reference.partition("#")
        path = (directory / relative).resolve()
        if path not in files:
            if not path.is_file():
                raise BundleError(f"{reference}: no file {path}")
            files[path] = _read(path)
        target = copy.deepcopy(_pointer(files[path], pointer, reference))
        return bundle(target, path.parent, files)
    return {key: bundle(value, directory, files) for key, value in document.items()}


def load_bundled(path: Path) -> Any:
    """The document at ``path``, bundled."""
    return bundle(_read(path), path.parent)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m hirebridge.contract.bundle",
        description="Write the bundled form of a hand-written document as YAML.",
    )
    parser.add_argument("source", type=Path, help="e.g. openapi/v1.yaml")
    parser.add_argument("target", type=Path, help="e.g. openapi/frozen/v1.yaml")
    arguments = parser.parse_args(argv)
    bundled = load_bundled(arguments.source)
    arguments.target.write_text(
        yaml.safe_dump(bundled, sort_keys=False, allow_unicode=True, width=100),
        encoding="utf-8",
    )
    print(f"{arguments.source} bundled into {arguments.target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Writes the documents exactly as the server serves them, for tools that read files.

``python -m hirebridge.contract.served build/openapi`` writes ``v1.json``, ``v2.json`` and
``public.json``: the bytes of ``/swagger/<name>/swagger.json``. ``make lint`` runs Spectral and
Redocly on them, so the outside linters judge what partners download.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from hirebridge.documents import load_document

DOCUMENTS = ("v1", "v2", "public")


def write_served_documents(directory: Path) -> list[Path]:
    """Write each served document to ``directory/<name>.json``; the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name in DOCUMENTS:
        path = directory / f"{name}.json"
        path.write_bytes(load_document(name).json_bytes)
        written.append(path)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m hirebridge.contract.served",
        description="Write the served OpenAPI documents (JSON) into DIRECTORY.",
    )
    parser.add_argument("directory", type=Path)
    for path in write_served_documents(parser.parse_args(argv).directory):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Regenerate the SDKs' generated layers from the served OpenAPI documents (`make clients`).

The Python SDK gets one openapi-python-client package per document (``hirebridge_client/v1``,
``hirebridge_client/v2``) and ``hirebridge_client/_documents.py`` (the documents' versions, base
paths and webhook event models); the TypeScript SDK gets openapi-typescript's types of the v2
document (``src/generated/v2.ts``) and its package version. The SDK version is the v2 document's
``info.version``. Nothing hand-written is touched, so regenerating after a change to the
documents is this one command; ``contract_tests/test_sdk_generation.py`` fails while the committed
files differ from what it writes.

    python clients/generate.py                        # the documents as this checkout serves them
    python clients/generate.py --documents-from URL   # or fetched from a running server
    python clients/generate.py --into DIR             # write under DIR instead of clients/
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path
from typing import Any

from openapi_python_client.strings import ClassName, snake_case

CLIENTS = Path(__file__).resolve().parent
PYTHON_PACKAGE = Path("python/hirebridge_client")
TYPESCRIPT = Path("typescript")
# The documents each SDK is generated from; the first Python one sets the SDK version.
PYTHON_DOCUMENTS = ("v2", "v1")
TYPESCRIPT_DOCUMENTS = ("v2",)
VERSION_DOCUMENT = "v2"

# Every file or directory this script writes, relative to the output root.
GENERATED_PATHS = (
    *(PYTHON_PACKAGE / name for name in PYTHON_DOCUMENTS),
    PYTHON_PACKAGE / "_documents.py",
    *(TYPESCRIPT / "src/generated" / f"{name}.ts" for name in TYPESCRIPT_DOCUMENTS),
    TYPESCRIPT / "src/generated/document.ts",
    TYPESCRIPT / "package.json",
    TYPESCRIPT / "package-lock.json",
)

BIN = Path(sys.executable).parent
# Enums as Literal types: the SDK's callers pass plain strings, and a new value in the document
# needs no new class. Formatting is done below with fixed settings, so the output does not depend
# on the ruff configuration found around the output directory.
GENERATOR_CONFIG = "literal_enums: true\npost_hooks: []\n"
RUFF_SETTINGS = ("--isolated", "--no-cache", "--line-length", "100", "--target-version", "py311")


def served_documents(base_url: str | None) -> dict[str, bytes]:
    """The JSON of every document the SDKs need, as ``/swagger/<name>/swagger.json`` serves it."""
    names = sorted({*PYTHON_DOCUMENTS, *TYPESCRIPT_DOCUMENTS})
    if base_url is None:
        from hirebridge.documents import load_document  # the bytes the route serves

        return {name: load_document(name).json_bytes for name in names}
    documents = {}
    for name in names:
        with urllib.request.urlopen(f"{base_url.rstrip('/')}/swagger/{name}/swagger.json") as reply:  # noqa: S310 (an operator-given URL)
            documents[name] = reply.read()
    return documents


def run(command: list[str], cwd: Path) -> None:
    # The tools are this virtual environment's and the lock file's, named here.
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}")


def generate_python_package(name: str, document: bytes, target: Path, work: Path) -> None:
    """openapi-python-client's package for one document, formatted, at ``target``."""
    source = work / f"{name}.json"
    source.write_bytes(document)
    config = work / "openapi-python-client.yaml"
    config.write_text(GENERATOR_CONFIG, encoding="utf-8")
    output = work / f"python-{name}"
    generator = str(BIN / "openapi-python-client")
    run(
        [
            generator,
            "generate",
            "--path",
            str(source),
            "--meta",
            "none",
            "--config",
            str(config),
            "--output-path",
            str(output),
            "--fail-on-warning",
        ],
        cwd=work,
    )
    ruff = str(BIN / "ruff")
    run([ruff, "check", *RUFF_SETTINGS, "--fix-only", "--quiet", "."], cwd=output)
    run([ruff, "format", *RUFF_SETTINGS, "--quiet", "."], cwd=output)
    replace(target, output)


def event_models(spec: dict[str, Any]) -> dict[str, str]:
    """Event type -> the generated model class of its body (the ``WebhookEvent`` discriminator)."""
    mapping = spec["components"]["schemas"]["WebhookEvent"]["discriminator"]["mapping"]
    return {
        event_type: str(ClassName(reference.rpartition("/")[2], ""))
        for event_type, reference in mapping.items()
    }


def documents_module(documents: dict[str, bytes]) -> str:
    """``_documents.py``: what the hand-written layer needs to know about the documents."""
    specs = {name: json.loads(documents[name]) for name in PYTHON_DOCUMENTS}
    events = event_models(specs[VERSION_DOCUMENT])
    lines = [
        '"""Generated by clients/generate.py from the served documents: do not edit."""',
        "",
        "from __future__ import annotations",
        "",
        "from typing import TypeAlias",
        "",
    ]
    lines += [
        f"from .{VERSION_DOCUMENT}.models.{snake_case(model)} import {model}"
        for model in sorted(set(events.values()))
    ]
    lines += [
        "",
        "# The SDK's version: the v2 document's info.version.",
        f"VERSION = {specs[VERSION_DOCUMENT]['info']['version']!r}",
        "# Each document's info.version and base path (its first server URL).",
        "DOCUMENT_VERSIONS = {",
        *(f"    {name!r}: {specs[name]['info']['version']!r}," for name in PYTHON_DOCUMENTS),
        "}",
        "BASE_PATHS = {",
        *(f"    {name!r}: {specs[name]['servers'][0]['url']!r}," for name in PYTHON_DOCUMENTS),
        "}",
        "",
        "# The body of a webhook POST, one model per event type (the WebhookEvent schema).",
        "WebhookEvent: TypeAlias = (",
        *(f"    {'| ' if index else ''}{model}" for index, model in enumerate(events.values())),
        ")",
        "EVENT_MODELS: dict[str, type[WebhookEvent]] = {",
        *(f"    {event_type!r}: {model}," for event_type, model in events.items()),
        "}",
        "",
    ]
    return "\n".join(lines)


def typescript_document_module(documents: dict[str, bytes]) -> str:
    """``document.ts``: the SDK version and the v2 base path, for the hand-written layer."""
    spec = json.loads(documents[VERSION_DOCUMENT])
    return (
        "// Generated by clients/generate.py from the served documents: do not edit.\n\n"
        "/** The SDK's version: the v2 document's info.version. */\n"
        f"export const VERSION = {json.dumps(spec['info']['version'])};\n"
        "/** The v2 document's base path (its first server URL). */\n"
        f"export const BASE_PATH = {json.dumps(spec['servers'][0]['url'])};\n"
    )


def openapi_typescript(typescript_dir: Path) -> Path:
    binary = typescript_dir / "node_modules/.bin/openapi-typescript"
    if not binary.exists():
        print("installing the TypeScript SDK's tools from its lock file (npm ci)")
        run(["npm", "ci", "--no-audit", "--no-fund"], cwd=typescript_dir)
    return binary


def generate_typescript_types(name: str, document: bytes, target: Path, work: Path) -> None:
    source = work / f"{name}.json"
    source.write_bytes(document)
    output = work / f"{name}.ts"
    binary = str(openapi_typescript(CLIENTS / TYPESCRIPT))
    # A property with a default stays optional: a request may leave it out.
    run([binary, str(source), "--default-non-nullable", "false", "-o", str(output)], cwd=work)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(output, target)


def with_version(package_file: Path, version: str, *, lock: bool) -> str:
    """``package.json`` or ``package-lock.json`` with the package version set, as npm writes."""
    data = json.loads(package_file.read_text(encoding="utf-8"))
    data["version"] = version
    if lock:
        data["packages"][""]["version"] = version
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def replace(target: Path, source: Path) -> None:
    if target.exists():
        shutil.rmtree(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))


def generate(root: Path, documents: dict[str, bytes]) -> None:
    version = json.loads(documents[VERSION_DOCUMENT])["info"]["version"]
    with tempfile.TemporaryDirectory(prefix="hirebridge-clients-") as scratch:
        work = Path(scratch)
        for name in PYTHON_DOCUMENTS:
            generate_python_package(name, documents[name], root / PYTHON_PACKAGE / name, work)
        (root / PYTHON_PACKAGE / "_documents.py").write_text(
            documents_module(documents), encoding="utf-8"
        )
        run(
            [str(BIN / "ruff"), "format", *RUFF_SETTINGS, "--quiet", "_documents.py"],
            cwd=root / PYTHON_PACKAGE,
        )
        for name in TYPESCRIPT_DOCUMENTS:
            target = root / TYPESCRIPT / "src/generated" / f"{name}.ts"
            generate_typescript_types(name, documents[name], target, work)
        (root / TYPESCRIPT / "src/generated/document.ts").write_text(
            typescript_document_module(documents), encoding="utf-8"
        )
    for file_name, lock in (("package.json", False), ("package-lock.json", True)):
        text = with_version(CLIENTS / TYPESCRIPT / file_name, version, lock=lock)
        (root / TYPESCRIPT / file_name).write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument(
        "--documents-from",
        metavar="URL",
        help="a running server's base URL (default: the documents as this checkout serves them)",
    )
    parser.add_argument(
        "--into", type=Path, default=CLIENTS, help="output root (default: clients/)"
    )
    arguments = parser.parse_args()
    generate(arguments.into, served_documents(arguments.documents_from))
    print(f"generated under {arguments.into}: " + ", ".join(str(p) for p in GENERATED_PATHS))


if __name__ == "__main__":
    main()

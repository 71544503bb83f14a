"""The served documents pass the linters partners and QA run: Spectral (OpenAPI rules and the
OWASP API security rules, `.spectral.yaml`) and Redocly CLI (`redocly.yaml`), as pinned in
package-lock.json (`npm ci` at the repository root, as `.ci/run` and `make lint` do).

Each linter is also shown a document with a known fault, so a linter that silently checks
nothing cannot pass this test.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from hirebridge.contract.served import DOCUMENTS, write_served_documents
from hirebridge.documents import load_document

PROJECT_ROOT = Path(__file__).resolve().parents[1]
BIN = PROJECT_ROOT / "node_modules" / ".bin"
# The rulesets' overrides name these paths (relative to the repository), as make lint writes them.
SERVED = PROJECT_ROOT / "build" / "openapi"
QUIET = {"REDOCLY_TELEMETRY": "off", "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true", "NO_COLOR": "1"}


def _run(*command: str | Path) -> subprocess.CompletedProcess[str]:
    assert (BIN / "spectral").exists(), "run `npm ci` at the repository root first"
    return subprocess.run(
        [str(part) for part in command],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **QUIET},
    )


def spectral(*paths: Path) -> list[dict[str, Any]]:
    """Spectral's findings (every severity) on ``paths``."""
    output = SERVED.parent / "spectral.json"
    result = _run(
        BIN / "spectral",
        "lint",
        "--ruleset",
        ".spectral.yaml",
        "--format",
        "json",
        "--output",
        output,
        *paths,
    )
    assert output.exists(), result.stdout + result.stderr
    findings = json.loads(output.read_text(encoding="utf-8"))
    output.unlink()
    return findings  # type: ignore[no-any-return]


def redocly(*paths: Path) -> subprocess.CompletedProcess[str]:
    return _run(BIN / "redocly", "lint", "--config", "redocly.yaml", "--format", "stylish", *paths)


@pytest.fixture(scope="module")
def served() -> list[Path]:
    written = write_served_documents(SERVED)
    assert [path.stem for path in written] == list(DOCUMENTS)
    return written


def test_spectral_finds_nothing_on_the_served_documents(served: list[Path]) -> None:
    findings = spectral(*served)
    assert not findings, "\n".join(
        f"{finding['source']} {'.'.join(map(str, finding['path']))}: "
        f"{finding['code']} {finding['message']}"
        for finding in findings
    )


def test_redocly_finds_nothing_on_the_served_documents(served: list[Path]) -> None:
    result = redocly(*served)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Your API descriptions are valid" in result.stdout + result.stderr


def test_the_linters_flag_an_example_of_the_wrong_shape(tmp_path: Path) -> None:
    spec = json.loads(load_document("v2").json_bytes)
    operation = spec["paths"]["/webhooks/{webhookId}/deliveries/{deliveryId}/redeliver"]["post"]
    media = operation["responses"]["409"]["content"]["application/json"]
    media["example"] = {"code": "conflict", "message": "An attempt is in progress."}
    broken = tmp_path / "v2.json"
    broken.write_text(json.dumps(spec), encoding="utf-8")

    codes = {finding["code"] for finding in spectral(broken)}
    assert "oas3-valid-media-example" in codes, codes
    result = redocly(broken)
    assert result.returncode != 0
    assert "no-invalid-media-type-examples" in result.stdout + result.stderr


def test_the_served_documents_written_for_the_linters_are_the_served_bytes(
    served: list[Path],
) -> None:
    for path in served:
        assert path.read_bytes() == load_document(path.stem).json_bytes

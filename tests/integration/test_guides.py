"""The migration guides' examples, run as written against a real server (``live_server``).

Every ``sh`` block of a guide runs in order, in one bash process (so a block may use the
variables an earlier one set), with ``BASE`` and ``KEY`` set as the guide asks its reader to set
them. A ``# => text`` line in a block is what the guide says the block prints: the text must
appear in that block's output (case aside, as HTTP header names are).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from storage import api_keys, credits, db, employers
from storage.models import CreditKind
from tests.support.factories import mint_usable_key
from tests.support.live import LiveServer

DOCS = Path(__file__).resolve().parents[2] / "docs"
BLOCK = re.compile(r"^( *)```sh\n(.*?)^\1```", re.DOTALL | re.MULTILINE)
EXPECTED = re.compile(r"^\s*# => (.*)$", re.MULTILINE)
MARK = "@@ end of block @@"


def sh_blocks(guide: Path) -> list[str]:
    """The guide's ``sh`` blocks, each without its Markdown indentation."""
    blocks = []
    for indent, body in BLOCK.findall(guide.read_text(encoding="utf-8")):
        blocks.append("\n".join(line.removeprefix(indent) for line in body.splitlines()))
    return blocks


def fresh_key(database_url: str) -> str:
    """A new employer's key with every scope, and credits for what the guides spend."""
    database = db.Database(database_url, pool_size=1)
    try:
        with database.unit_of_work() as session:
            employer = employers.create_employer(session, name="Guide Reader Ltd")
            for kind in CreditKind:
                credits.adjust_credits(session, employer.id, kind, 5)
            return mint_usable_key(
                session, employer, name="guide", scopes=list(api_keys.SCOPES)
            ).plaintext
    finally:
        database.dispose()


@pytest.mark.parametrize(
    ("guide", "version"),
    [("coming-from-headhonta.md", "v2"), ("coming-from-itmanagerjobs.md", "v1")],
)
def test_the_guide_examples_print_what_the_guide_says(
    guide: str, version: str, live_server: LiveServer, postgresql_url: str, tmp_path: Path
) -> None:
    blocks = sh_blocks(DOCS / guide)
    assert len(blocks) >= 4
    script = "set -eo pipefail\n" + "".join(f"{block}\necho '{MARK}'\n" for block in blocks)
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "BASE": f"{live_server.base_url}/api/{version}",
        "KEY": fresh_key(postgresql_url),
    }
    result = subprocess.run(
        ["bash", "-c", script],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    outputs = result.stdout.split(MARK)
    assert len(outputs) == len(blocks) + 1, result.stdout
    for block, output in zip(blocks, outputs, strict=False):
        for expected in EXPECTED.findall(block):
            assert expected.lower() in output.lower(), f"{block}\n--- printed ---\n{output}"

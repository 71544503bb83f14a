"""What `hirebridge demo seed` leaves in the data directory for the next start and the banner.

The demo key and the demo admin's password cannot be read back from the database (only their
hashes are kept), so the seed writes them here, readable by their owner only: ``demo-key.txt``
holds the key, ``demo.json`` the demo employer's id and the portal admin's e-mail and password.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

KEY_FILE = "demo-key.txt"
DETAILS_FILE = "demo.json"


@dataclass(frozen=True)
class DemoDetails:
    employer_id: int
    admin_email: str
    admin_password: str


def read_key(data_dir: Path) -> str | None:
    path = data_dir / KEY_FILE
    return path.read_text(encoding="utf-8").strip() or None if path.exists() else None


def read_details(data_dir: Path) -> DemoDetails | None:
    path = data_dir / DETAILS_FILE
    if not path.exists():
        return None
    try:
        return DemoDetails(**json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, TypeError):
        return None


def write_key(data_dir: Path, key: str) -> None:
    _write_private(data_dir / KEY_FILE, key + "\n")


def write_details(data_dir: Path, details: DemoDetails) -> None:
    _write_private(data_dir / DETAILS_FILE, json.dumps(asdict(details), indent=2) + "\n")


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    path.write_text(text, encoding="utf-8")

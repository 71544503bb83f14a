"""Opaque, tamper-evident pagination cursors of ``/api/v2``.

A cursor is ``base64url(mac || payload)``: ``payload`` is the JSON position to resume after, and
``mac`` is an HMAC-SHA256 (keyed from the runtime's ``SECRET_KEY``) over the list the cursor
belongs to (operation, employer, path and filter arguments) and the payload. A cursor that was
modified, truncated, minted by another deployment, or presented to another list or with other
filters fails the check and is refused with ``400 invalid_request``; its content is never trusted
before.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from storage import runtime
from storage.errors import InvalidRequest

_MAC_BYTES = 16
_INVALID = "The cursor is not valid for this list; start again without a cursor."


class _Keys:
    # The settings' secret and the cursor key derived from it.
    derived: tuple[str, bytes] | None = None


def _cursor_key() -> bytes:
    """The cursor key, derived from the runtime's secret so a cursor never signs anything else."""
    started = runtime.current()
    if started is None:
        raise RuntimeError("cursors need the runtime; call storage.runtime.start() first")
    secret = started.settings.secret_key
    derived = _Keys.derived
    if derived is None or derived[0] != secret:
        key = hmac.new(secret.encode(), b"hirebridge v2 cursor", hashlib.sha256).digest()
        derived = _Keys.derived = (secret, key)
    return derived[1]


@dataclass(frozen=True)
class ListScope:
    """The list a cursor walks: one operation of one employer with its arguments."""

    operation: str
    employer_id: int
    arguments: Mapping[str, Any]

    def _binding(self) -> bytes:
        return json.dumps(
            [self.operation, self.employer_id, self.arguments], sort_keys=True, default=str
        ).encode()


def issue(scope: ListScope, position: Any) -> str:
    """A cursor that resumes ``scope`` after ``position`` (JSON values, datetimes and uuids)."""
    payload = json.dumps(_encode(position), separators=(",", ":")).encode()
    token = _mac(scope, payload) + payload
    return base64.urlsafe_b64encode(token).rstrip(b"=").decode("ascii")


def read(scope: ListScope, cursor: str | None) -> Any:
    """The position ``cursor`` carries, or ``None`` without one; ``InvalidRequest`` if it is not a
    cursor this deployment issued for ``scope``."""
    if cursor is None:
        return None
    try:
        token = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
    except (binascii.Error, ValueError):
        raise InvalidRequest(_INVALID) from None
    mac, payload = token[:_MAC_BYTES], token[_MAC_BYTES:]
    if len(mac) != _MAC_BYTES or not hmac.compare_digest(mac, _mac(scope, payload)):
        raise InvalidRequest(_INVALID)
    return _decode(json.loads(payload))


def _mac(scope: ListScope, payload: bytes) -> bytes:
    binding = scope._binding()
    message = len(binding).to_bytes(4, "big") + binding + payload
    return hmac.new(_cursor_key(), message, hashlib.sha256).digest()[:_MAC_BYTES]


# Datetimes and uuids travel tagged, so a position reads back with the types it had.
def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"t": value.isoformat()}
    if isinstance(value, uuid.UUID):
        return {"u": str(value)}
    if isinstance(value, (list, tuple)):
        return [_encode(item) for item in value]
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and "t" in value:
        return datetime.fromisoformat(value["t"])
    if isinstance(value, dict) and "u" in value:
        return uuid.UUID(value["u"])
    if isinstance(value, list):
        return tuple(_decode(item) for item in value)
    return value

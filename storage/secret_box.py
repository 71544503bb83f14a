"""Encryption at rest for webhook signing secrets (docs/requirements.md#w1), with a key from
``WEBHOOK_SECRET_KEY``.

Fernet (AES-128-CBC with HMAC-SHA256) from ``cryptography``; the Fernet key is derived from the
configured secret with SHA-256, so any sufficiently random string works as the setting.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken


class SecretBox:
    def __init__(self, key_material: str) -> None:
        digest = hashlib.sha256(key_material.encode("utf-8")).digest()
        self._fernet = Fernet(base64.urlsafe_b64encode(digest))

    def seal(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode("utf-8")).decode("ascii")

    def open(self, token: str) -> str:
        """The plaintext; raises ``ValueError`` if the token was not sealed with this key."""
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except InvalidToken:
            raise ValueError("the secret was sealed with another WEBHOOK_SECRET_KEY") from None


_box: SecretBox | None = None


def configure(key_material: str) -> SecretBox:
    """Set the process's box (at start-up, from the settings)."""
    global _box
    _box = SecretBox(key_material)
    return _box


def current() -> SecretBox:
    if _box is None:
        raise RuntimeError("the secret box is not configured; call storage.secret_box.configure()")
    return _box

"""Webhook request signing (docs/requirements.md#w3): what a receiver checks before it trusts a
delivery."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence

SIGNATURE_HEADER = "X-Webhook-Signature"
EVENT_HEADER = "X-Webhook-Event"
DELIVERY_ID_HEADER = "X-Webhook-Delivery-Id"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The hex HMAC-SHA256 of ``"<timestamp>.<body>"`` with ``secret`` (its UTF-8 bytes)."""
    signed = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()


def signature_header(secrets: Sequence[str], timestamp: int, body: bytes) -> str:
    """``t=<timestamp>,v1=<hex>``, with one ``v1`` entry per live secret, newest first.

    Outside a rotation there is one secret and so exactly the two parts a receiver that splits
    on the comma expects; during one, a receiver that knows only the new secret still finds its
    signature in the first ``v1`` entry.
    """
    if not secrets:
        raise ValueError("a delivery needs at least one signing secret")
    return ",".join([f"t={timestamp}", *(f"v1={sign(s, timestamp, body)}" for s in secrets)])


def delivery_headers(
    *, event_type: str, delivery_id: str, secrets: Sequence[str], timestamp: int, body: bytes
) -> dict[str, str]:
    """The headers of one delivery attempt."""
    return {
        "Content-Type": "application/json",
        EVENT_HEADER: event_type,
        DELIVERY_ID_HEADER: delivery_id,
        SIGNATURE_HEADER: signature_header(secrets, timestamp, body),
    }

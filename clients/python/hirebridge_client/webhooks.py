"""Checking that a webhook request came from Hirebridge, and reading its event.

Each delivery carries ``X-Webhook-Signature: t=<unix seconds>,v1=<hex>``: the hex HMAC-SHA256,
keyed with the webhook's secret (the whole ``whsec_...`` string), of ``<t>.<raw body>``. For 24
hours after a rotation the header holds one ``v1=`` entry per live secret, newest first.
:func:`construct_event` checks every entry against every secret it is given, so a receiver that
lists both the new and the previous secret keeps accepting deliveries while it rolls over.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ._documents import EVENT_MODELS, WebhookEvent
from .errors import WebhookVerificationError

SIGNATURE_HEADER = "X-Webhook-Signature"
EVENT_HEADER = "X-Webhook-Event"
DELIVERY_ID_HEADER = "X-Webhook-Delivery-Id"
DEFAULT_TOLERANCE = 300

__all__ = [
    "DEFAULT_TOLERANCE",
    "DELIVERY_ID_HEADER",
    "EVENT_HEADER",
    "SIGNATURE_HEADER",
    "UnknownEvent",
    "WebhookEvent",
    "WebhookVerificationError",
    "construct_event",
    "verify_signature",
]


@dataclass(frozen=True)
class UnknownEvent:
    """An event of a type this SDK's version does not know yet (a newer document added it).

    It is signed like any other: answer it with a 2xx, or Hirebridge will keep retrying it.
    """

    id: str
    type: str
    created_at: str
    data: Mapping[str, Any]


def verify_signature(
    payload: bytes,
    signature_header: str,
    secrets: str | Sequence[str],
    tolerance: int = DEFAULT_TOLERANCE,
) -> int:
    """Check a delivery's signature; return its timestamp.

    Args:
        payload: the request body exactly as it arrived (not parsed and serialised again).
        signature_header: the ``X-Webhook-Signature`` header.
        secrets: the webhook's secret, or several (the new and the previous during a rotation).
        tolerance: how many seconds ``t`` may be from this machine's clock, either way.

    Raises:
        WebhookVerificationError: the header is malformed, ``t`` is too old or in the future, or
            no ``v1`` entry is the signature of ``payload`` with any of ``secrets``.
    """
    if not isinstance(payload, bytes):
        raise TypeError("pass the raw request body as bytes, before any JSON parsing")
    keys = [secrets] if isinstance(secrets, str) else list(secrets)
    if not keys or not all(keys):
        raise ValueError("at least one webhook secret is needed")
    timestamp, signatures = _parse(signature_header)
    age = time.time() - timestamp
    if age > tolerance:
        raise WebhookVerificationError(f"the signature's timestamp is {int(age)} s old")
    if -age > tolerance:
        raise WebhookVerificationError("the signature's timestamp is in the future")
    signed = f"{timestamp}.".encode() + payload
    expected = [hmac.new(key.encode(), signed, hashlib.sha256).hexdigest() for key in keys]
    # Every comparison is made, each in constant time, so the time taken tells nothing.
    matches = [
        hmac.compare_digest(mine.encode(), theirs.encode())
        for mine in expected
        for theirs in signatures
    ]
    if not any(matches):
        raise WebhookVerificationError("no signature matches the payload with the given secrets")
    return timestamp


def construct_event(
    payload: bytes,
    signature_header: str,
    secrets: str | Sequence[str],
    tolerance: int = DEFAULT_TOLERANCE,
) -> WebhookEvent | UnknownEvent:
    """Verify a webhook delivery (see :func:`verify_signature`) and return its typed event.

    The event is the generated model of its type (``JobPublishedEvent``, ...), or an
    :class:`UnknownEvent` for a type this version of the SDK does not know.
    """
    verify_signature(payload, signature_header, secrets, tolerance)
    body = json.loads(payload)
    if not isinstance(body, dict) or not isinstance(body.get("type"), str):
        raise ValueError("a webhook body is a JSON object with a 'type'")
    model = EVENT_MODELS.get(body["type"])
    if model is None:
        return UnknownEvent(
            id=str(body.get("id")),
            type=body["type"],
            created_at=str(body.get("createdAt")),
            data=body.get("data") or {},
        )
    return model.from_dict(body)


def _parse(header: str) -> tuple[int, list[str]]:
    timestamps: list[str] = []
    signatures: list[str] = []
    for part in header.split(","):
        name, _, value = part.strip().partition("=")
        if name == "t":
            timestamps.append(value)
        elif name == "v1":
            signatures.append(value)
    if len(timestamps) != 1 or not (timestamps[0].isascii() and timestamps[0].isdigit()):
        raise WebhookVerificationError("the signature header has no valid 't=' timestamp")
    if not signatures:
        raise WebhookVerificationError("the signature header has no 'v1=' signature")
    return int(timestamps[0]), signatures

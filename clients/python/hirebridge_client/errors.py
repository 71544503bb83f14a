"""The exceptions the SDK raises: one class per kind of failure, each carrying what the API said.

Every error response of the API but ``401`` has a body with a machine-readable ``code`` and a
``message`` fit to show to a person (v2: ``{"success": false, "error": {...}}``, v1: the two fields
at the top level). Switch on the class or on ``code``; quote ``request_id`` (the response's
``X-Request-Id``) when you write to support.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

REQUEST_ID_HEADER = "X-Request-Id"


class HirebridgeError(Exception):
    """The base of every exception this SDK raises."""


class APIConnectionError(HirebridgeError):
    """The API could not be reached, or the connection broke, on every attempt the SDK made."""


class APIError(HirebridgeError):
    """The API answered with an error status.

    Attributes:
        status: the HTTP status code.
        code: the API's error code (``invalid_request``, ``not_found``, ``rate_limited``, ...);
            ``None`` for a ``401``, whose body is empty.
        message: the API's message, or a description of the status when the body has none.
        request_id: the response's ``X-Request-Id``, to quote to support.
        headers: every header of the response.
        body: the raw response body.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int,
        code: str | None,
        request_id: str | None,
        headers: Mapping[str, str],
        body: bytes,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.request_id = request_id
        self.headers = headers
        self.body = body

    def __str__(self) -> str:
        code = f" {self.code}" if self.code else ""
        request = f" (request {self.request_id})" if self.request_id else ""
        return f"{self.status}{code}: {self.message}{request}"


class BadRequestError(APIError):
    """400: the request is malformed, breaks a rule, or the object's state forbids it."""


class AuthenticationError(APIError):
    """401: the API key is missing, unknown, revoked, expired or not yet approved."""


class PaymentRequiredError(APIError):
    """402: the employer has no credit of the kind the operation costs (``no_credits``)."""


class PermissionDeniedError(APIError):
    """403: the key lacks a scope the operation needs (``insufficient_scope``)."""


class NotFoundError(APIError):
    """404: no such object among the employer's (``not_found``)."""


class ConflictError(APIError):
    """409: a clash with an existing object, or the same Idempotency-Key still running."""


class IdempotencyMismatchError(APIError):
    """422: the Idempotency-Key was used for a different request (``idempotency_mismatch``)."""


class RateLimitError(APIError):
    """429: over the key's rate limit (``rate_limited``) or the monthly quota (``quota_exceeded``).

    Raised once the SDK's retries are spent, or at once when ``Retry-After`` is longer than the
    client's ``max_retry_delay``. ``retry_after`` is that header, in seconds.
    """

    @property
    def retry_after(self) -> float | None:
        value = self.headers.get("Retry-After")
        try:
            return float(value) if value is not None else None
        except ValueError:
            return None


class ServerError(APIError):
    """5xx: a failure on the API's side; ``503`` (``unavailable``) is retried first."""


_BY_STATUS: dict[int, type[APIError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    402: PaymentRequiredError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: IdempotencyMismatchError,
    429: RateLimitError,
}

_DESCRIPTIONS = {
    401: "The API key is missing, unknown, revoked, expired or not yet approved.",
}


def error_for(status: int, headers: Mapping[str, str], body: bytes) -> APIError:
    """The exception for an error response, with the code and message of its body (v1 or v2)."""
    detail = _error_detail(body)
    code = detail.get("code")
    message = detail.get("message")
    kind = _BY_STATUS.get(status, ServerError if status >= 500 else APIError)
    return kind(
        message if isinstance(message, str) else _DESCRIPTIONS.get(status, f"HTTP {status}"),
        status=status,
        code=code if isinstance(code, str) else None,
        request_id=headers.get(REQUEST_ID_HEADER),
        headers=headers,
        body=body,
    )


def _error_detail(body: bytes) -> Mapping[str, Any]:
    try:
        document = json.loads(body)
    except ValueError:
        return {}
    if not isinstance(document, dict):
        return {}
    nested = document.get("error")  # v2's envelope; v1 has the fields at the top
    return nested if isinstance(nested, dict) else document


class WebhookVerificationError(HirebridgeError):
    """A webhook request whose signature or timestamp does not check out: do not trust its body."""

"""The one place errors become HTTP responses.

Domain errors, Connexion's problems (validation, security, content type), Starlette's routing
errors and anything unexpected all end here and leave in the error envelope of the API version the
request was for. A 401 leaves with an empty body (docs/requirements.md#k3).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from typing import Any

import connexion
from connexion.exceptions import OAuthProblem, OAuthScopeProblem, ProblemException
from connexion.lifecycle import ConnexionRequest, ConnexionResponse
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException
from starlette.routing import compile_path

from handlers.representation import v2_word
from hirebridge import validation_messages
from storage import strict_json
from storage.errors import MAX_QUOTED_CHARACTERS, DomainError, InvalidState

logger = logging.getLogger(__name__)

STATUS_BY_CODE: dict[str, int] = {
    "invalid_request": 400,
    "invalid_query": 400,
    "invalid_state": 400,
    "no_credits": 402,
    "insufficient_scope": 403,
    "not_found": 404,
    "method_not_allowed": 405,
    "conflict": 409,
    "payload_too_large": 413,
    "unsupported_media_type": 415,
    "idempotency_mismatch": 422,
    "rate_limited": 429,
    "quota_exceeded": 429,
    "internal_error": 500,
    "unavailable": 503,
}
_CODE_BY_STATUS = {
    400: "invalid_request",
    403: "insufficient_scope",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    500: "internal_error",
    503: "unavailable",
}
_MESSAGES_BY_STATUS = {
    404: "No such resource.",
    405: "This method is not allowed here.",
    500: "Something went wrong on our side.",
    503: "The service is temporarily unavailable; retry shortly.",
}
UNAVAILABLE_RETRY_AFTER_SECONDS = 5


def status_of(error: DomainError) -> int:
    """The HTTP status of a domain error, for the API and the portal alike (one table)."""
    return STATUS_BY_CODE.get(error.code, 400)


class ApiProblem(ProblemException):  # type: ignore[misc]
    """An error raised by the HTTP layer itself (body limits, content type), with its code."""

    def __init__(self, code: str, message: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(status=STATUS_BY_CODE[code], title=code, detail=message, headers=headers)
        self.code = code


class AllowedMethods:
    """Which methods each documented path accepts, for the ``Allow`` header of a 405."""

    def __init__(self) -> None:
        self._routes: list[tuple[re.Pattern[str], list[str]]] = []

    def add_document(self, base_path: str, paths: Mapping[str, Mapping[str, Any]]) -> None:
        verbs = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
        for template, item in paths.items():
            methods = sorted(method.upper() for method in item if method in verbs)
            regex, _, _ = compile_path(base_path.rstrip("/") + template)
            self._routes.append((regex, methods))

    def for_path(self, path: str) -> list[str] | None:
        for regex, methods in self._routes:
            if regex.match(path):
                return methods
        return None


def is_v2(request_path: str) -> bool:
    return request_path.startswith("/api/v2/")


def envelope(request_path: str, status: int, code: str, message: str) -> bytes:
    """The version's error body for a response to ``request_path``."""
    if is_v2(request_path):
        body: dict[str, Any] = {"success": False, "error": {"code": code, "message": message}}
    else:
        body = {"code": code, "message": message}
    return strict_json.dumps(body).encode("utf-8")


def error_response(
    request: ConnexionRequest,
    status: int,
    code: str,
    message: str,
    headers: Mapping[str, str] | None = None,
) -> ConnexionResponse:
    return ConnexionResponse(
        status_code=status,
        mimetype="application/json",
        body=envelope(request.url.path, status, code, message),
        headers=dict(headers or {}),
    )


def unauthorized() -> ConnexionResponse:
    return ConnexionResponse(
        status_code=401, body=b"", headers={"WWW-Authenticate": 'Bearer realm="hirebridge"'}
    )


def _first_line(detail: Any, fallback: str) -> str:
    text = str(detail or "").strip()
    return text.splitlines()[0].strip() if text else fallback


def _validation_message(detail: Any) -> str:
    """Connexion's validation text, without the schema dump jsonschema appends."""
    message = shorten_values(_first_line(detail, "The request is not valid."))
    return message.replace("RequestBody is required", "A request body is required.")


_CLOSERS = {"'": "'", '"': '"', "[": "]", "{": "}"}


def shorten_values(message: str) -> str:
    """``message`` with each value it quotes cut to ``MAX_QUOTED_CHARACTERS`` characters.

    Validation messages show the offending value as Python writes it (``'text'``, ``[1, 2]``,
    ``{'a': 1}``), in full: a megabyte title would come back whole. One pass over the message.
    """
    parts: list[str] = []
    done = 0
    position = 0
    while position < len(message):
        if message[position] not in _CLOSERS:
            position += 1
            continue
        end, closed = _value_end(message, position)
        if end - position > MAX_QUOTED_CHARACTERS + 2:
            closer = message[end - 1] if closed else ""
            parts += [message[done : position + MAX_QUOTED_CHARACTERS + 1], "…", closer]
            done = end
        position = end
    parts.append(message[done:])
    return "".join(parts)


def _value_end(text: str, start: int) -> tuple[int, bool]:
    """Where the value opening at ``start`` ends, and whether it closes before the text ends."""
    expected: list[str] = []
    position = start
    while position < len(text):
        char = text[position]
        in_string = bool(expected) and expected[-1] in "'\""
        if in_string and char == "\\":
            position += 1
        elif expected and char == expected[-1]:
            expected.pop()
        elif not in_string and char in _CLOSERS:
            expected.append(_CLOSERS[char])
        position += 1
        if not expected:
            return position, True
    return len(text), False


class ErrorHandlers:
    def __init__(self, allowed_methods: AllowedMethods) -> None:
        self.allowed_methods = allowed_methods

    def domain_error(self, request: ConnexionRequest, exc: DomainError) -> ConnexionResponse:
        status = status_of(exc)
        headers = {"Retry-After": str(UNAVAILABLE_RETRY_AFTER_SECONDS)} if status == 503 else None
        message = exc.message
        if isinstance(exc, InvalidState) and is_v2(request.url.path):
            message = exc.worded(v2_word)
        return error_response(request, status, exc.code, message, headers)

    def unauthorized(self, request: ConnexionRequest, exc: OAuthProblem) -> ConnexionResponse:
        return unauthorized()

    def insufficient_scope(
        self, request: ConnexionRequest, exc: OAuthScopeProblem
    ) -> ConnexionResponse:
        missing = sorted(set(exc.required_scopes) - set(exc.token_scopes))
        message = f"This API key lacks the scope {' and '.join(missing)}."
        return error_response(request, 403, "insufficient_scope", message)

    def problem(self, request: ConnexionRequest, exc: ProblemException) -> ConnexionResponse:
        if exc.status == 401:
            return unauthorized()
        headers = dict(exc.headers or {})
        if isinstance(exc, ApiProblem):
            return error_response(request, exc.status, exc.code, str(exc.detail), headers)
        status = int(exc.status or 500)
        code = _CODE_BY_STATUS.get(status, "invalid_request" if status < 500 else "internal_error")
        if status == 400:
            code = validation_messages.error_code(exc) or code
            message = validation_messages.describe(exc) or _validation_message(exc.detail)
        elif status == 415:
            message = "Send the request body as application/json."
        elif status >= 500:
            logger.error("problem %r", exc)
            message = _MESSAGES_BY_STATUS[500]
        else:
            message = _first_line(exc.detail, _MESSAGES_BY_STATUS.get(status, "Request refused."))
        return error_response(request, status, code, message, headers)

    def http_exception(self, request: ConnexionRequest, exc: HTTPException) -> ConnexionResponse:
        if isinstance(exc, ProblemException):
            # Connexion's own HTTP problems (Forbidden, ...) are both kinds of exception.
            return self.problem(request, exc)
        status = exc.status_code
        headers = dict(exc.headers or {})
        if status == 401:
            return unauthorized()
        if status == 405:
            allowed = self.allowed_methods.for_path(request.url.path)
            if allowed:
                headers["Allow"] = ", ".join(allowed)
        code = _CODE_BY_STATUS.get(status, "invalid_request" if status < 500 else "internal_error")
        message = _MESSAGES_BY_STATUS.get(status) or _first_line(exc.detail, "Request refused.")
        return error_response(request, status, code, message, headers)

    def bad_encoding(self, request: ConnexionRequest, exc: UnicodeError) -> ConnexionResponse:
        return error_response(
            request, 400, "invalid_request", "The request body is not valid UTF-8 JSON text."
        )

    def database_unavailable(
        self, request: ConnexionRequest, exc: OperationalError | PoolTimeout
    ) -> ConnexionResponse:
        logger.error("database unavailable: %s", exc.__class__.__name__, exc_info=exc)
        return error_response(
            request,
            503,
            "unavailable",
            _MESSAGES_BY_STATUS[503],
            {"Retry-After": str(UNAVAILABLE_RETRY_AFTER_SECONDS)},
        )

    def unexpected(self, request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
        logger.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        return error_response(request, 500, "internal_error", _MESSAGES_BY_STATUS[500])

    def register(self, app: connexion.AsyncApp) -> None:
        handlers: Iterable[tuple[type[Exception], Any]] = (
            (DomainError, self.domain_error),
            (OAuthProblem, self.unauthorized),
            (OAuthScopeProblem, self.insufficient_scope),
            (ProblemException, self.problem),
            (HTTPException, self.http_exception),
            (UnicodeError, self.bad_encoding),
            (OperationalError, self.database_unavailable),
            # Every pooled connection busy for the pool's whole timeout: overloaded, not broken.
            (PoolTimeout, self.database_unavailable),
            (Exception, self.unexpected),
        )
        for exc_class, handler in handlers:
            app.add_error_handler(exc_class, handler)

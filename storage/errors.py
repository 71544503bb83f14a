"""Domain errors. Services raise these; only the HTTP layer knows which status each becomes.

Every error carries a stable machine-readable ``code`` and a ``message`` that is safe to show to an
end user (it never contains another tenant's data, SQL or a stack trace).
"""

from __future__ import annotations


class DomainError(Exception):
    code = "invalid_request"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidRequest(DomainError):
    """The request is well formed but asks for something the rules do not allow."""

    code = "invalid_request"


class InvalidState(DomainError):
    """The object is not in a state that allows the operation."""

    code = "invalid_state"


class InvalidQuery(DomainError):
    """A search query that cannot be run."""

    code = "invalid_query"


class NotFound(DomainError):
    """The object does not exist, or belongs to another employer (the two look the same)."""

    code = "not_found"


class NoCredits(DomainError):
    """The employer has no credit of the kind the operation costs."""

    code = "no_credits"


class Conflict(DomainError):
    code = "conflict"


class Unavailable(DomainError):
    """A backing service (database, Redis) cannot be reached."""

    code = "unavailable"


class IdempotencyMismatch(DomainError):
    """An ``Idempotency-Key`` reused for a different request."""

    code = "idempotency_mismatch"

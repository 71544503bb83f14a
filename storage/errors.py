"""Domain errors. Services raise these; only the HTTP layer knows which status each becomes.

Every error carries a stable machine-readable ``code`` and a ``message`` that is safe to show to an
end user (it never contains another tenant's data, SQL or a stack trace), and quotes at most
``MAX_QUOTED_CHARACTERS`` of any value the caller sent (``quoted``), so a huge value never comes
back in an error.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import Enum

MAX_QUOTED_CHARACTERS = 100


def quoted(value: object) -> str:
    """``value`` as an error message may show it: its first ``MAX_QUOTED_CHARACTERS`` characters."""
    text = str(value)
    if len(text) <= MAX_QUOTED_CHARACTERS:
        return text
    return text[:MAX_QUOTED_CHARACTERS] + "…"


class DomainError(Exception):
    code = "invalid_request"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidRequest(DomainError):
    """The request is well formed but asks for something the rules do not allow."""

    code = "invalid_request"


class InvalidState(DomainError):
    """The object is not in a state that allows the operation.

    A message that names states writes each as ``{name}`` in ``template`` and gives its member in
    ``states``: ``message`` uses the members' own values (v1's words), ``worded`` another version's.
    """

    code = "invalid_state"

    def __init__(self, template: str, *, states: Mapping[str, Enum] | None = None) -> None:
        self.template = template
        self.states = dict(states or {})
        super().__init__(self.worded(lambda member: str(member.value)))

    def worded(self, word: Callable[[Enum], str]) -> str:
        """The message with each named state written by ``word``."""
        if not self.states:
            return self.template
        return self.template.format(**{name: word(state) for name, state in self.states.items()})


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

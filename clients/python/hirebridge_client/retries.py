"""Retries with backoff and automatic idempotency keys, as an httpx transport.

Every call of the generated layer goes through :class:`RetryingTransport`: a POST without an
``Idempotency-Key`` gets one (a UUID) before its first attempt, and every retry resends the very
same request, key included, so the API runs the operation at most once however many attempts reach
it. Retried: ``429`` (nothing was run), ``503`` (nothing was changed), a connection that failed or
broke, and a ``409`` to a retried POST (its first attempt may still be running on the server).
"""

from __future__ import annotations

import email.utils
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx

IDEMPOTENCY_KEY_HEADER = "Idempotency-Key"
RETRYABLE_STATUSES = frozenset({429, 503})
# Failures after which the request may be sent again: it never arrived, or its answer was lost
# (a POST then carries its key, so the API replays instead of running it twice).
RETRYABLE_ERRORS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to retry.

    Attributes:
        max_retries: retries after the first attempt (0 turns retrying off).
        initial_backoff: the first wait, in seconds, when the API gives no ``Retry-After``; each
            further wait doubles it, up to ``max_backoff``, with full jitter.
        max_backoff: the longest wait between two attempts without ``Retry-After``.
        max_retry_delay: the longest ``Retry-After`` the SDK waits for; a longer one (a monthly
            quota, say) is not waited out: the error is raised at once.
    """

    max_retries: int = 2
    initial_backoff: float = 0.5
    max_backoff: float = 8.0
    max_retry_delay: float = 60.0

    def __post_init__(self) -> None:
        if self.max_retries < 0:
            raise ValueError("max_retries cannot be negative")

    def backoff(self, retry: int) -> float:
        """The wait before retry number ``retry`` (0-based) when the API names none."""
        ceiling = min(self.max_backoff, self.initial_backoff * 2**retry)
        return random.uniform(ceiling / 2, ceiling)  # noqa: S311 (jitter, not a secret)


def retry_after_seconds(response: httpx.Response) -> float | None:
    """``Retry-After`` in seconds (it may be a number of seconds or an HTTP date)."""
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (moment - datetime.now(UTC)).total_seconds())


class RetryingTransport(httpx.BaseTransport):
    """Wraps another transport: adds idempotency keys to POSTs and retries what may be retried."""

    def __init__(
        self,
        wrapped: httpx.BaseTransport,
        policy: RetryPolicy,
        *,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._wrapped = wrapped
        self._policy = policy
        self._sleep = sleep

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and IDEMPOTENCY_KEY_HEADER not in request.headers:
            request.headers[IDEMPOTENCY_KEY_HEADER] = str(uuid.uuid4())
        retry = 0
        while True:
            try:
                response = self._wrapped.handle_request(request)
            except RETRYABLE_ERRORS:
                if retry >= self._policy.max_retries:
                    raise
                delay = self._policy.backoff(retry)
            else:
                delay_or_none = self._delay(request, response, retry)
                if delay_or_none is None:
                    return response
                delay = delay_or_none
                response.close()
            self._sleep(delay)
            retry += 1

    def _delay(self, request: httpx.Request, response: httpx.Response, retry: int) -> float | None:
        """How long to wait before sending ``request`` again, or None to keep ``response``."""
        if retry >= self._policy.max_retries:
            return None
        retried_post = retry > 0 and request.method == "POST"
        if response.status_code not in RETRYABLE_STATUSES and not (
            retried_post and response.status_code == 409
        ):
            return None
        named = retry_after_seconds(response)
        if named is None:
            return self._policy.backoff(retry)
        if named > self._policy.max_retry_delay:
            return None
        # Half a second to a second more than asked: a whole number of seconds may round the
        # true wait down by up to half a second, and clients told the same time should not all
        # come back in the same instant.
        return named + random.uniform(0.5, 1.0)  # noqa: S311 (jitter, not a secret)

    def close(self) -> None:
        self._wrapped.close()

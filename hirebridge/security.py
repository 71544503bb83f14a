"""API-key authentication and scope enforcement, driven by the OpenAPI document.

Connexion hands each operation's required scopes (from its ``security`` requirements) to the
security handler of the scheme the caller used. Both schemes (bearer and ``X-Api-Key``) end in the
same ``authenticate`` coroutine, which is the one place scopes are checked (K4).

Authentication is also where a call is admitted against its rate limit and monthly quota
(``hirebridge.keyed_calls``): the earliest point at which the key is known.

Connexion's stock bearer handler drops the required scopes (only OAuth2 and apiKey pass them on),
so the bearer handler here is a small subclass that passes them.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Callable
from typing import Any

from connexion.exceptions import OAuthScopeProblem
from connexion.security import (
    NO_VALUE,
    AbstractSecurityHandler,
    ApiKeySecurityHandler,
    BearerSecurityHandler,
)
from starlette.concurrency import run_in_threadpool

from hirebridge.keyed_calls import KeyedCall
from storage import api_keys, db
from storage.api_keys import Principal

logger = logging.getLogger(__name__)

TokenInfo = dict[str, Any]


class LastUsedRecorder:
    """Coalesces ``lastUsedAt`` writes (K7).

    A process writes a key's stamp at most once a minute, off the request path, and the UPDATE
    itself only changes a row whose stamp is older than a minute, so several API processes still
    produce at most one row change per key per minute.
    """

    def __init__(self, interval_seconds: float = 60.0) -> None:
        self.interval = interval_seconds
        self._last_written: dict[int, float] = {}

    def forget(self) -> None:
        """Drop what this process remembers (tests switch databases, whose key ids overlap)."""
        self._last_written.clear()

    def due(self, key_id: int) -> bool:
        now = time.monotonic()
        last = self._last_written.get(key_id)
        if last is not None and now - last < self.interval:
            return False
        self._last_written[key_id] = now
        return True

    def record(self, key_id: int) -> None:
        if not self.due(key_id):
            return
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(None, self._write, key_id)
        future.add_done_callback(_log_failure)

    @staticmethod
    def _write(key_id: int) -> None:
        with db.unit_of_work() as session:
            api_keys.record_key_use(session, key_id)


def _log_failure(future: asyncio.Future[None]) -> None:
    if not future.cancelled() and future.exception() is not None:
        logger.warning("could not record key use: %r", future.exception())


last_used = LastUsedRecorder()


def lookup_principal(token: str) -> Principal | None:
    """The key's principal, read from the database (``hirebridge.admission`` caches it)."""
    with db.current().read_only() as session:
        return api_keys.authenticate(session, token)


async def authenticate(
    token: str, required_scopes: list[str] | None = None, request: Any = None
) -> TokenInfo | None:
    """Resolve a presented key; ``None`` means 401, a scope shortfall raises 403.

    The key is resolved and the call counted against its rate limit and its employer's monthly
    quota (429 when over either) in one step, before any other work (``KeyedCall.admit``, which
    caches principals in Redis): Connexion passes ``request``.
    """
    if not api_keys.looks_like_key(token):
        return None
    keyed_call = KeyedCall.of(request.scope) if request is not None else None
    if keyed_call is not None:
        principal = await keyed_call.admit(token, request.scope)
    else:
        principal = await run_in_threadpool(lookup_principal, token)
    if principal is None:
        return None
    if not set(required_scopes or ()) <= principal.scopes:
        raise OAuthScopeProblem(
            token_scopes=sorted(principal.scopes), required_scopes=list(required_scopes or ())
        )
    last_used.record(principal.key_id)
    return {
        "sub": str(principal.key_id),
        "key_id": principal.key_id,
        "employer_id": principal.employer_id,
        "scopes": sorted(principal.scopes),
        "data_generation": keyed_call.data_generation if keyed_call is not None else None,
    }


# Connexion inspects the check function's signature on every request; it never changes.
_accepts_kwarg = staticmethod(functools.cache(AbstractSecurityHandler._accepts_kwarg))


class ScopedBearerHandler(BearerSecurityHandler):  # type: ignore[misc]
    """``Authorization: Bearer <key>``, checked with the operation's required scopes."""

    _accepts_kwarg = _accepts_kwarg

    def get_fn(
        self, security_scheme: dict[str, Any], required_scopes: list[str]
    ) -> Callable[..., Any]:
        check = self._generic_check(authenticate, "Provided token is not valid")

        def verify(request: Any) -> Any:
            auth_type, token = self.get_auth_header_value(request)
            if auth_type != "bearer":
                return NO_VALUE
            return check(request, token, required_scopes=required_scopes)

        return verify


class ScopedApiKeyHandler(ApiKeySecurityHandler):  # type: ignore[misc]
    """``X-Api-Key: <key>``; Connexion already passes the required scopes for this scheme."""

    _accepts_kwarg = _accepts_kwarg

    def _resolve_func(self, security_scheme: dict[str, Any]) -> Callable[..., Any]:
        return authenticate


SECURITY_MAP = {"bearer": ScopedBearerHandler, "apiKey": ScopedApiKeyHandler}

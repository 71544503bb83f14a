"""API-key authentication and scope enforcement, driven by the OpenAPI document.

Connexion hands each operation's required scopes (from its ``security`` requirements) to the
security handler of the scheme the caller used. Both schemes (bearer and ``X-Api-Key``) end in the
same ``authenticate`` coroutine, which is the one place scopes are checked
(docs/requirements.md#k4).

A call carries one credential. ``presented_key`` is the one place it is chosen: a request with
two different keys (a bearer key and an ``X-Api-Key``, or either header given twice) is refused
with 401, and only the handler of the scheme that carried the key authenticates the call, so the
key that is counted, cached and scope-checked is the key that authenticates it. (Connexion would
otherwise try the bearer key, and on a 401 or 403 go on to ``X-Api-Key``, having counted the
first.)

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
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from connexion.exceptions import OAuthProblem, OAuthScopeProblem
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

BEARER = "bearer"
API_KEY_HEADER = "x-api-key"


@dataclass(frozen=True)
class PresentedKey:
    """The one key a request carries, and the scheme that carried it."""

    scheme: str
    key: str


def presented_key(headers: Iterable[tuple[bytes, bytes]]) -> PresentedKey | None:
    """The request's one API key (``None``: it carries none).

    Raises ``OAuthProblem`` (401) when the request carries more than one credential header
    (``Authorization`` or ``X-Api-Key`` twice) or a bearer key and an ``X-Api-Key`` that differ.
    An ``Authorization`` header of another scheme (``Basic ...``) carries no API key.
    """
    authorizations: list[str] = []
    api_keys_given: list[str] = []
    for name, value in headers:
        if name == b"authorization":
            authorizations.append(value.decode("latin-1"))
        elif name == API_KEY_HEADER.encode():
            api_keys_given.append(value.decode("latin-1"))
    if len(authorizations) > 1 or len(api_keys_given) > 1:
        raise OAuthProblem(detail="More than one credential header")
    bearer = None
    if authorizations:
        scheme, _, token = authorizations[0].strip().partition(" ")
        if scheme.lower() == BEARER:
            bearer = token.strip()
    if bearer is not None and api_keys_given and api_keys_given[0] != bearer:
        raise OAuthProblem(detail="Two different credentials")
    if bearer is not None:
        return PresentedKey(BEARER, bearer)
    if api_keys_given:
        return PresentedKey(API_KEY_HEADER, api_keys_given[0])
    return None


class LastUsedRecorder:
    """Coalesces ``lastUsedAt`` writes (docs/requirements.md#k7).

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
        # What is left of this call's rate and of the employer's month (``getMe`` reports them).
        "rate": keyed_call.rate if keyed_call is not None else None,
        "quota": keyed_call.quota if keyed_call is not None else None,
    }


# Connexion inspects the check function's signature on every request; it never changes.
_accepts_kwarg = staticmethod(functools.cache(AbstractSecurityHandler._accepts_kwarg))


def _verify_presented(
    handler: AbstractSecurityHandler, scheme: str, required_scopes: list[str]
) -> Callable[..., Any]:
    """Connexion's check for ``scheme``: it authenticates the call only if the request's one key
    came in that scheme's header (otherwise ``NO_VALUE``: not this scheme's call)."""
    check = handler._generic_check(authenticate, "Provided key is not valid")

    def verify(request: Any) -> Any:
        presented = presented_key(request.scope["headers"])
        if presented is None or presented.scheme != scheme:
            return NO_VALUE
        return check(request, presented.key, required_scopes=required_scopes)

    return verify


class ScopedBearerHandler(BearerSecurityHandler):  # type: ignore[misc]
    """``Authorization: Bearer <key>``, checked with the operation's required scopes."""

    _accepts_kwarg = _accepts_kwarg

    def get_fn(
        self, security_scheme: dict[str, Any], required_scopes: list[str]
    ) -> Callable[..., Any]:
        return _verify_presented(self, BEARER, required_scopes)


class ScopedApiKeyHandler(ApiKeySecurityHandler):  # type: ignore[misc]
    """``X-Api-Key: <key>``, checked with the operation's required scopes."""

    _accepts_kwarg = _accepts_kwarg

    def get_fn(
        self, security_scheme: dict[str, Any], required_scopes: list[str]
    ) -> Callable[..., Any]:
        if (security_scheme.get("in"), str(security_scheme.get("name")).lower()) != (
            "header",
            API_KEY_HEADER,
        ):
            raise ValueError(f"the apiKey scheme must be the {API_KEY_HEADER} header")
        return _verify_presented(self, API_KEY_HEADER, required_scopes)


SECURITY_MAP = {"bearer": ScopedBearerHandler, "apiKey": ScopedApiKeyHandler}

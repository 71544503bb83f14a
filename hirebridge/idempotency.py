"""Idempotent POSTs (docs/requirements.md#j5) as an ASGI middleware; the rules live in
``storage.idempotency``.

It sits after Connexion's security and request validation, so it only ever sees authenticated,
valid calls: a refused call (401, 403, 400, 429) never claims a key. The document declares the
``Idempotency-Key`` header (its length and characters are checked by validation).

For a POST with a key, the middleware claims the key, runs the operation with the claim joined to
the operation's own transaction, and keeps a successful response before sending it, so that a retry
arriving the moment the client has its answer already finds the answer kept. A retry of a kept
request is answered from the record with ``Idempotent-Replayed: true`` and runs nothing.
"""

from __future__ import annotations

import logging
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hirebridge.middleware import MIB, read_body, replay_body
from storage import commit_hooks, db, idempotency
from storage.idempotency import Claimed, StoredResponse

logger = logging.getLogger(__name__)

HEADER = b"idempotency-key"
REPLAYED = (b"idempotent-replayed", b"true")


class IdempotencyMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = _idempotency_key(scope)
        api_key_id = _api_key_id(scope)
        if key is None or api_key_id is None:
            await self.app(scope, receive, send)
            return
        # The body guard outside has already held the body to its limit.
        body = await read_body(receive, MIB)
        fingerprint = idempotency.fingerprint(
            scope["method"], scope["path"], scope.get("query_string", b"").decode("latin-1"), body
        )
        outcome = await run_in_threadpool(_claim, api_key_id, key, fingerprint)
        if isinstance(outcome, StoredResponse):
            await _send_replay(outcome, send)
            return
        await self._run(outcome, scope, replay_body(body, receive), send)

    async def _run(self, claim: Claimed, scope: Scope, receive: Receive, send: Send) -> None:
        start: Message | None = None
        parts: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                parts.append(message.get("body", b""))

        try:
            with commit_hooks.joined_to_next_commit(
                lambda session: idempotency.mark_committed(session, claim.record_id)
            ):
                await self.app(scope, receive, capture)
        except BaseException:
            await _settle(claim, None, b"")
            raise
        if start is None:
            await _settle(claim, None, b"")
            return
        body = b"".join(parts)
        await _settle(claim, start, body)
        await send(start)
        await send({"type": "http.response.body", "body": body, "more_body": False})


async def _settle(claim: Claimed, start: Message | None, body: bytes) -> None:
    """Keep a 2xx response; release the claim of anything else. Never fails the request."""
    status = int(start["status"]) if start is not None else 500
    headers = _decoded(start.get("headers", [])) if start is not None else []
    try:
        await run_in_threadpool(_record_outcome, claim.record_id, status, headers, body)
    except Exception:
        # The claim stays: marked committed, it refuses a second run (409); otherwise it is
        # taken over once abandoned.
        logger.warning("could not keep the outcome of an idempotent request", exc_info=True)


def _record_outcome(
    record_id: int, status: int, headers: list[tuple[str, str]], body: bytes
) -> None:
    with db.unit_of_work() as session:
        if 200 <= status < 300:
            idempotency.keep_response(session, record_id, status, headers, body)
        else:
            idempotency.release(session, record_id)


def _claim(api_key_id: int, key: str, fingerprint: str) -> Claimed | StoredResponse:
    with db.unit_of_work() as session:
        return idempotency.claim(session, api_key_id, key, fingerprint)


async def _send_replay(stored: StoredResponse, send: Send) -> None:
    headers = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in stored.headers]
    await send(
        {"type": "http.response.start", "status": stored.status, "headers": [*headers, REPLAYED]}
    )
    await send({"type": "http.response.body", "body": stored.body, "more_body": False})


def _idempotency_key(scope: Scope) -> str | None:
    if scope["type"] != "http" or scope["method"] != "POST":
        return None
    for name, value in scope["headers"]:
        if name == HEADER:
            return str(value.decode("latin-1"))
    return None


def _api_key_id(scope: Scope) -> int | None:
    """The authenticated API key's id; ``None`` for operations without one (the public board)."""
    context: dict[str, Any] = scope.get("extensions", {}).get("connexion_context", {})
    token_info = context.get("token_info")
    if isinstance(token_info, dict) and "key_id" in token_info:
        return int(token_info["key_id"])
    return None


def _decoded(raw: list[tuple[bytes, bytes]]) -> list[tuple[str, str]]:
    return [(name.decode("latin-1"), value.decode("latin-1")) for name, value in raw]

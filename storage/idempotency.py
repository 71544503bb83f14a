"""Idempotent retries of POSTs (docs/requirements.md#j5): claim a key, keep the response, replay it.

A request carrying an ``Idempotency-Key`` first *claims* the key for its API key in a short
transaction of its own, so that a concurrent duplicate sees the claim and is refused (409). The
request's own unit of work then marks the claim committed in the same transaction as its work
(``mark_committed``, joined by ``storage.commit_hooks.joined_to_next_commit``): from then on the
request can never run a second time, whatever happens to its response. The response of a
successful request is kept (``keep_response``) before it is sent; a failed request changed
nothing, and its claim is released so that a retry runs afresh.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.clock import utcnow
from storage.errors import Conflict, IdempotencyMismatch
from storage.models import IdempotencyRecord

KEEP_FOR = timedelta(hours=24)
# A claim whose request neither committed nor finished in this time was lost with its process
# (requests are bounded far below this): a retry may take it over.
ABANDONED_AFTER = timedelta(minutes=2)
PURGE_BATCH = 1000


@dataclass(frozen=True)
class Claimed:
    """The caller owns the key and runs the request."""

    record_id: int


@dataclass(frozen=True)
class StoredResponse:
    """The kept response of the first request with the key, to replay."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes


def fingerprint(method: str, path: str, query: str, body: bytes) -> str:
    """What "the same request" means: method, path, query and body, byte for byte."""
    digest = hashlib.sha256()
    for part in (method.upper().encode(), path.encode(), query.encode()):
        digest.update(len(part).to_bytes(8, "big") + part)
    digest.update(body)
    return digest.hexdigest()


def claim(
    session: Session, api_key_id: int, idempotency_key: str, request_fingerprint: str
) -> Claimed | StoredResponse:
    """Claim ``idempotency_key`` for a request, or say what an earlier request left.

    Runs in a transaction of its own, committed before the request's work starts.

    Raises:
        IdempotencyMismatch: the key was used for a different request in the last 24 hours.
        Conflict: a request with the key is running, or its work committed without its response
            being kept.
    """
    now = utcnow()
    record = session.scalar(
        select(IdempotencyRecord)
        .where(
            IdempotencyRecord.api_key_id == api_key_id,
            IdempotencyRecord.idempotency_key == idempotency_key,
        )
        .with_for_update()
    )
    if record is None:
        record = IdempotencyRecord(
            api_key_id=api_key_id,
            idempotency_key=idempotency_key,
            fingerprint=request_fingerprint,
            locked_at=now,
            expires_at=now + KEEP_FOR,
        )
        try:
            with session.begin_nested():
                session.add(record)
        except IntegrityError:
            # A concurrent request with the same key claimed it between our read and our insert.
            raise _in_progress() from None
        return Claimed(record.id)
    if record.expires_at <= now:
        # Kept long enough: the key starts a new life with this request.
        _reset(record, request_fingerprint, now)
        return Claimed(record.id)
    if record.fingerprint != request_fingerprint:
        raise IdempotencyMismatch(
            "This Idempotency-Key was used for a different request; "
            "use a new key for a new request."
        )
    if record.response_status is not None:
        return StoredResponse(
            status=record.response_status,
            headers=[(name, value) for name, value in record.response_headers or []],
            body=record.response_body or b"",
        )
    if record.committed_at is not None:
        raise Conflict(
            "The request with this Idempotency-Key took effect, but its response was not kept; "
            "check the object before retrying with a new key."
        )
    if record.locked_at > now - ABANDONED_AFTER:
        raise _in_progress()
    # The request that claimed the key was lost before its work committed: run it again.
    record.locked_at = now
    return Claimed(record.id)


def mark_committed(session: Session, record_id: int) -> None:
    """Join the request's own transaction: its work and this mark commit together or not at all."""
    session.execute(
        update(IdempotencyRecord)
        .where(IdempotencyRecord.id == record_id)
        .values(committed_at=utcnow())
    )


def keep_response(
    session: Session, record_id: int, status: int, headers: list[tuple[str, str]], body: bytes
) -> None:
    """Keep a successful request's response for replays."""
    session.execute(
        update(IdempotencyRecord)
        .where(IdempotencyRecord.id == record_id)
        .values(
            response_status=status,
            response_headers=[[name, value] for name, value in headers],
            response_body=body,
        )
    )


def release(session: Session, record_id: int) -> None:
    """Forget the claim of a request that failed, unless its work committed all the same."""
    session.execute(
        delete(IdempotencyRecord).where(
            IdempotencyRecord.id == record_id, IdempotencyRecord.committed_at.is_(None)
        )
    )


def purge_expired(session: Session, limit: int = PURGE_BATCH) -> int:
    """Delete up to ``limit`` records kept past their 24 hours; returns how many."""
    expired = select(IdempotencyRecord.id).where(IdempotencyRecord.expires_at <= utcnow())
    ids = list(session.scalars(expired.limit(limit)))
    if ids:
        session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.id.in_(ids)))
    return len(ids)


def _reset(record: IdempotencyRecord, request_fingerprint: str, now: datetime) -> None:
    record.fingerprint = request_fingerprint
    record.locked_at = now
    record.committed_at = None
    record.response_status = None
    record.response_headers = None
    record.response_body = None
    record.created_at = now
    record.expires_at = now + KEEP_FOR


def _in_progress() -> Conflict:
    return Conflict("A request with this Idempotency-Key is still in progress; retry in a moment.")

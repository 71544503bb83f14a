"""``/api/v2/jobs``: operation handlers of the Jobs tag."""

from __future__ import annotations

from typing import Any

from connexion.lifecycle import ConnexionResponse
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from handlers.context import Reply, v2_one
from handlers.read_cache import job_pages
from handlers.representation import (
    V2_JOB_STATUS,
    parse_timestamp,
    v2_job_detail,
    v2_job_fields,
    v2_job_status,
    v2_job_summary,
)
from handlers.shared import jobs as shared
from handlers.v2.pages import cursor_page, cursor_page_on_loop
from storage import jobs
from storage.errors import InvalidRequest
from storage.loop_statements import LoopStatements
from storage.models import JobStatus
from storage.paging import Position, Slice


async def list_jobs(
    token_info: dict[str, Any],
    status: str | None = None,
    limit: int = 20,
    cursor: str | None = None,
) -> ConnexionResponse:
    """Cached like v1's pages (``handlers.read_cache``); a cursor is checked before any read."""

    chosen = V2_JOB_STATUS.member(status) if status else None
    arguments = {"status": status}

    def fetch(
        session: Session, employer: int, after: Position | None, size: int
    ) -> Slice[jobs.JobSummary]:
        return jobs.list_jobs_after(session, employer, status=chosen, after=after, limit=size)

    async def fetch_on_loop(
        reads: LoopStatements, employer: int, after: Position | None, size: int
    ) -> Slice[jobs.JobSummary] | None:
        return await jobs.list_jobs_after_on_loop(
            reads, employer, status=chosen, after=after, limit=size
        )

    def read() -> dict[str, Any]:
        return cursor_page(
            token_info, "listJobs", arguments, (cursor, limit), fetch, v2_job_summary
        )[0]

    async def read_on_loop(reads: LoopStatements) -> dict[str, Any] | None:
        found = await cursor_page_on_loop(
            reads, token_info, "listJobs", arguments, (cursor, limit), fetch_on_loop, v2_job_summary
        )
        return None if found is None else found[0]

    return await job_pages.reply(token_info, ("v2", status, cursor, limit), read, read_on_loop)


async def create_job(token_info: dict[str, Any], body: dict[str, Any]) -> Reply:
    """A draft, or with ``"status": "open"`` a job published at once (one credit)."""
    expiry = parse_timestamp(body.get("expiryDate"), "expiryDate")
    publish = v2_job_status(body) is JobStatus.ACTIVE
    if expiry is not None and not publish:
        raise InvalidRequest('expiryDate is given only with "status": "open".')
    fields = v2_job_fields(body)
    if publish:
        job = await run_in_threadpool(
            shared.create_job, token_info, fields, publish=True, expiry_date=expiry
        )
    else:
        job = await shared.create_draft(token_info, fields)
    return v2_one(v2_job_detail(job), 201, {"Location": f"/api/v2/jobs/{job.id}"})


async def get_job(token_info: dict[str, Any], job_id: int) -> ConnexionResponse:
    return await job_pages.reply(
        token_info,
        ("v2 job", job_id),
        lambda: v2_one(v2_job_detail(shared.get_job(token_info, job_id)))[0],
    )


def update_job(token_info: dict[str, Any], job_id: int, body: dict[str, Any]) -> Reply:
    job = shared.update_job(token_info, job_id, v2_job_fields(body), v2_job_status(body))
    return v2_one(v2_job_detail(job))


def publish_job(
    token_info: dict[str, Any], job_id: int, body: dict[str, Any] | None = None
) -> Reply:
    expiry = parse_timestamp((body or {}).get("expiryDate"), "expiryDate")
    return v2_one(v2_job_detail(shared.publish_job(token_info, job_id, expiry)))


def close_job(token_info: dict[str, Any], job_id: int) -> Reply:
    return v2_one(v2_job_detail(shared.close_job(token_info, job_id)))

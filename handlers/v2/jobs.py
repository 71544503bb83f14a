"""``/api/v2/jobs``: operation handlers of the Jobs tag."""

from __future__ import annotations

from typing import Any

from connexion.lifecycle import ConnexionResponse
from sqlalchemy.orm import Session

from handlers.context import Reply, v2_one
from handlers.read_cache import job_pages
from handlers.representation import job_summary
from handlers.shared import jobs as shared
from handlers.v2.pages import cursor_page
from storage import jobs
from storage.models import Job, JobStatus
from storage.paging import Position, Slice


async def list_jobs(
    token_info: dict[str, Any],
    status: str | None = None,
    limit: int = 20,
    cursor: str | None = None,
) -> ConnexionResponse:
    """Cached like v1's pages (``handlers.read_cache``); a cursor is checked before any read."""

    def fetch(session: Session, employer: int, after: Position | None, size: int) -> Slice[Job]:
        chosen = JobStatus(status) if status else None
        return jobs.list_jobs_after(session, employer, status=chosen, after=after, limit=size)

    def read() -> dict[str, Any]:
        return cursor_page(
            token_info, "listJobs", {"status": status}, (cursor, limit), fetch, job_summary
        )[0]

    return await job_pages.reply(token_info, ("v2", status, cursor, limit), read)


def create_job(token_info: dict[str, Any], body: dict[str, Any]) -> Reply:
    job = shared.create_job(token_info, body)
    return v2_one(job, 201, {"Location": f"/api/v2/jobs/{job['id']}"})


async def get_job(token_info: dict[str, Any], job_id: int) -> ConnexionResponse:
    return await job_pages.reply(
        token_info, ("v2 job", job_id), lambda: v2_one(shared.get_job(token_info, job_id))[0]
    )


def update_job(token_info: dict[str, Any], job_id: int, body: dict[str, Any]) -> Reply:
    return v2_one(shared.update_job(token_info, job_id, body))


def publish_job(
    token_info: dict[str, Any], job_id: int, body: dict[str, Any] | None = None
) -> Reply:
    return v2_one(shared.publish_job(token_info, job_id, body))


def close_job(token_info: dict[str, Any], job_id: int) -> Reply:
    return v2_one(shared.close_job(token_info, job_id))

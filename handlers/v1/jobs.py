"""``/api/v1/jobs``: operation handlers of the Jobs tag."""

from __future__ import annotations

from typing import Any

from connexion.lifecycle import ConnexionResponse

from handlers.context import Reply, employer_id
from handlers.read_cache import job_pages
from handlers.representation import job_detail, job_fields, job_summary, parse_timestamp
from handlers.shared import jobs as shared
from storage import jobs
from storage.db import read_only
from storage.loop_statements import LoopStatements
from storage.models import JobStatus


async def list_jobs(
    token_info: dict[str, Any], status: str | None = None, page: int = 1, page_size: int = 50
) -> ConnexionResponse:
    """The hot read of the partner API: pages are cached per generation of the employer's jobs
    (``handlers.read_cache``), and a cached page is answered without a worker thread."""

    employer = employer_id(token_info)
    chosen = JobStatus(status) if status else None

    def reply(result: jobs.JobSummaryPage) -> dict[str, Any]:
        items = [job_summary(job) for job in result.items]
        return {"total": result.total, "page": page, "pageSize": page_size, "items": items}

    def read() -> dict[str, Any]:
        with read_only() as session:
            return reply(
                jobs.list_jobs(session, employer, status=chosen, page=page, page_size=page_size)
            )

    async def read_on_loop(reads: LoopStatements) -> dict[str, Any] | None:
        found = await jobs.list_jobs_on_loop(
            reads, employer, status=chosen, page=page, page_size=page_size
        )
        return None if found is None else reply(found)

    return await job_pages.reply(token_info, ("v1", status, page, page_size), read, read_on_loop)


async def create_job(token_info: dict[str, Any], body: dict[str, Any]) -> Reply:
    job = job_detail(await shared.create_draft(token_info, job_fields(body)))
    return job, 201, {"Location": f"/api/v1/jobs/{job['id']}"}


async def get_job(token_info: dict[str, Any], job_id: int) -> ConnexionResponse:
    return await job_pages.reply(
        token_info, ("v1 job", job_id), lambda: job_detail(shared.get_job(token_info, job_id))
    )


def update_job(token_info: dict[str, Any], job_id: int, body: dict[str, Any]) -> Reply:
    return job_detail(shared.update_job(token_info, job_id, job_fields(body))), 200


def publish_job(
    token_info: dict[str, Any], job_id: int, body: dict[str, Any] | None = None
) -> Reply:
    expiry = parse_timestamp((body or {}).get("expiryDate"), "expiryDate")
    return job_detail(shared.publish_job(token_info, job_id, expiry)), 200


def close_job(token_info: dict[str, Any], job_id: int) -> Reply:
    return job_detail(shared.close_job(token_info, job_id)), 200

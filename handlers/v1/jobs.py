"""``/api/v1/jobs``: operation handlers of the Jobs tag."""

from __future__ import annotations

from typing import Any

from handlers.context import Reply, employer_id
from handlers.representation import job_detail, job_fields, job_summary, parse_timestamp
from storage import jobs
from storage.db import unit_of_work
from storage.models import JobStatus


def list_jobs(
    token_info: dict[str, Any], status: str | None = None, page: int = 1, page_size: int = 50
) -> Reply:
    with unit_of_work() as session:
        result = jobs.list_jobs(
            session,
            employer_id(token_info),
            status=JobStatus(status) if status else None,
            page=page,
            page_size=page_size,
        )
        items = [job_summary(job) for job in result.items]
    return {"total": result.total, "page": page, "pageSize": page_size, "items": items}, 200


def create_job(token_info: dict[str, Any], body: dict[str, Any]) -> Reply:
    with unit_of_work() as session:
        job = jobs.create_job(session, employer_id(token_info), job_fields(body))
    return job_detail(job), 201, {"Location": f"/api/v1/jobs/{job.id}"}


def get_job(token_info: dict[str, Any], job_id: int) -> Reply:
    with unit_of_work() as session:
        job = jobs.get_job(session, employer_id(token_info), job_id)
    return job_detail(job), 200


def update_job(token_info: dict[str, Any], job_id: int, body: dict[str, Any]) -> Reply:
    with unit_of_work() as session:
        job = jobs.update_job(session, employer_id(token_info), job_id, job_fields(body))
    return job_detail(job), 200


def publish_job(
    token_info: dict[str, Any], job_id: int, body: dict[str, Any] | None = None
) -> Reply:
    expiry = parse_timestamp((body or {}).get("expiryDate"), "expiryDate")
    with unit_of_work() as session:
        job = jobs.publish_job(session, employer_id(token_info), job_id, expiry_date=expiry)
    return job_detail(job), 200


def close_job(token_info: dict[str, Any], job_id: int) -> Reply:
    with unit_of_work() as session:
        job = jobs.close_job(session, employer_id(token_info), job_id)
    return job_detail(job), 200

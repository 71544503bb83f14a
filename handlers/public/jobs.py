"""``/public/v1/jobs``: the public job board, no API key."""

from __future__ import annotations

from typing import Any

from handlers.context import Reply, v1_page
from handlers.representation import QUICK_APPLY_FIELDS, open_job, timestamp
from storage import applications, jobs
from storage.db import unit_of_work
from storage.models import EmploymentType, RemoteType


def list_open_jobs(
    country: str | None = None,
    employment_type: str | None = None,
    remote_type: str | None = None,
    q: str | None = None,
    page: int = 1,
    page_size: int = 20,
) -> Reply:
    board_filter = jobs.BoardFilter(
        country=country,
        employment_type=EmploymentType(employment_type) if employment_type else None,
        remote_type=RemoteType(remote_type) if remote_type else None,
        text=q,
    )
    with unit_of_work() as session:
        result = jobs.list_open_jobs(session, board_filter, page=page, page_size=page_size)
        items = [open_job(job) for job in result.items]
    return v1_page(result.total, page, page_size, items)


def get_open_job(job_id: int) -> Reply:
    with unit_of_work() as session:
        reply = open_job(jobs.get_open_job(session, job_id))
    return reply, 200


def apply_to_job(job_id: int, body: dict[str, Any]) -> Reply:
    fields = {QUICK_APPLY_FIELDS[name]: value for name, value in body.items()}
    with unit_of_work() as session:
        application = applications.quick_apply(session, job_id, fields)
        receipt = {
            "id": application.id,
            "jobId": application.job_id,
            "appliedAt": timestamp(application.applied_at),
        }
    return receipt, 201

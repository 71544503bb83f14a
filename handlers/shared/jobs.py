"""The Jobs operations, version-neutral: each runs one service call in one unit of work and
returns the job, for the version's handler to show in its own words."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from handlers import loop_first
from handlers.context import employer_id
from storage import jobs
from storage.db import read_only, unit_of_work
from storage.models import Job, JobStatus


def create_job(
    token_info: dict[str, Any],
    fields: dict[str, Any],
    *,
    publish: bool = False,
    expiry_date: datetime | None = None,
) -> Job:
    """A new draft, or with ``publish`` a job published at once (one credit)."""
    with unit_of_work() as session:
        if publish:
            return jobs.create_and_publish_job(
                session, employer_id(token_info), fields, expiry_date=expiry_date
            )
        return jobs.create_job(session, employer_id(token_info), fields)


async def create_draft(token_info: dict[str, Any], fields: dict[str, Any]) -> Job:
    """A new draft, written on the event loop where the database can write it there (no worker
    thread: ``storage.loop_statements``), otherwise as ``create_job`` writes it."""
    employer = employer_id(token_info)
    return await loop_first.run(
        lambda: create_job(token_info, fields),
        lambda statements: jobs.create_job_on_loop(statements, employer, fields),
    )


def get_job(token_info: dict[str, Any], job_id: int) -> Job:
    with read_only() as session:
        return jobs.get_job(session, employer_id(token_info), job_id)


def update_job(
    token_info: dict[str, Any],
    job_id: int,
    fields: dict[str, Any],
    status: JobStatus | None = None,
) -> Job:
    with unit_of_work() as session:
        return jobs.update_job(session, employer_id(token_info), job_id, fields, status=status)


def publish_job(token_info: dict[str, Any], job_id: int, expiry_date: datetime | None) -> Job:
    with unit_of_work() as session:
        return jobs.publish_job(session, employer_id(token_info), job_id, expiry_date=expiry_date)


def close_job(token_info: dict[str, Any], job_id: int) -> Job:
    with unit_of_work() as session:
        return jobs.close_job(session, employer_id(token_info), job_id)

"""The Jobs operations, version-neutral."""

from __future__ import annotations

from typing import Any

from handlers.context import employer_id
from handlers.representation import job_detail, job_fields, parse_timestamp
from storage import jobs
from storage.db import read_only, unit_of_work


def create_job(token_info: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    with unit_of_work() as session:
        job = jobs.create_job(session, employer_id(token_info), job_fields(body))
    return job_detail(job)


def get_job(token_info: dict[str, Any], job_id: int) -> dict[str, Any]:
    with read_only() as session:
        job = jobs.get_job(session, employer_id(token_info), job_id)
    return job_detail(job)


def update_job(token_info: dict[str, Any], job_id: int, body: dict[str, Any]) -> dict[str, Any]:
    with unit_of_work() as session:
        job = jobs.update_job(session, employer_id(token_info), job_id, job_fields(body))
    return job_detail(job)


def publish_job(
    token_info: dict[str, Any], job_id: int, body: dict[str, Any] | None
) -> dict[str, Any]:
    expiry = parse_timestamp((body or {}).get("expiryDate"), "expiryDate")
    with unit_of_work() as session:
        job = jobs.publish_job(session, employer_id(token_info), job_id, expiry_date=expiry)
    return job_detail(job)


def close_job(token_info: dict[str, Any], job_id: int) -> dict[str, Any]:
    with unit_of_work() as session:
        job = jobs.close_job(session, employer_id(token_info), job_id)
    return job_detail(job)

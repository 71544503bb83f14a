"""``/api/v1/jobs/{jobId}/applications``: operation handlers of the Applications tag."""

from __future__ import annotations

from typing import Any

from handlers.context import Reply, employer_id, stage_uuid, v1_page
from handlers.representation import application
from storage import application_lists
from storage.db import read_only


def list_job_applications(
    token_info: dict[str, Any],
    job_id: int,
    stage_id: str | None = None,
    page: int = 1,
    page_size: int = 50,
) -> Reply:
    with read_only() as session:
        result = application_lists.list_job_applications(
            session,
            employer_id(token_info),
            job_id,
            stage_id=stage_uuid(stage_id) if stage_id else None,
            page=page,
            page_size=page_size,
        )
        items = [application(item) for item in result.items]
    return v1_page(result.total, page, page_size, items)

"""``/api/v2/jobs/{jobId}/applications``: operation handlers of the Applications tag."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from handlers.context import Reply, stage_uuid
from handlers.representation import application
from handlers.v2.pages import cursor_page
from storage import application_lists
from storage.application_lists import ApplicationSummary
from storage.paging import Position, Slice


def list_job_applications(
    token_info: dict[str, Any],
    job_id: int,
    stage_id: str | None = None,
    limit: int = 20,
    cursor: str | None = None,
) -> Reply:
    def fetch(
        session: Session, employer: int, after: Position | None, size: int
    ) -> Slice[ApplicationSummary]:
        return application_lists.list_job_applications_after(
            session,
            employer,
            job_id,
            stage_id=stage_uuid(stage_id) if stage_id else None,
            after=after,
            limit=size,
        )

    arguments = {"jobId": job_id, "stageId": stage_id}
    return cursor_page(
        token_info, "listJobApplications", arguments, (cursor, limit), fetch, application
    )

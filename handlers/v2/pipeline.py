"""``/api/v2/pipeline``: operation handlers of the Pipeline tag."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from handlers.context import Reply, stage_uuid, v2_one
from handlers.representation import application, pipeline_stage
from handlers.shared import pipeline as shared
from handlers.v2.pages import cursor_page, cursor_page_loop_first
from storage import application_lists, pipeline
from storage.application_lists import ApplicationSummary
from storage.loop_statements import LoopStatements
from storage.models import PipelineStage
from storage.paging import Position, Slice


def list_pipeline_stages(
    token_info: dict[str, Any], limit: int = 20, cursor: str | None = None
) -> Reply:
    def fetch(
        session: Session, employer: int, after: Position | None, size: int
    ) -> Slice[PipelineStage]:
        return pipeline.list_stages_after(session, employer, after=after, limit=size)

    return cursor_page(token_info, "listPipelineStages", {}, (cursor, limit), fetch, pipeline_stage)


async def list_stage_candidates(
    token_info: dict[str, Any], stage_id: str, limit: int = 20, cursor: str | None = None
) -> Reply:
    stage = stage_uuid(stage_id)

    def fetch(
        session: Session, employer: int, after: Position | None, size: int
    ) -> Slice[ApplicationSummary]:
        return application_lists.list_stage_applications_after(
            session, employer, stage, after=after, limit=size
        )

    async def fetch_on_loop(
        reads: LoopStatements, employer: int, after: Position | None, size: int
    ) -> Slice[ApplicationSummary] | None:
        return await application_lists.list_stage_applications_after_on_loop(
            reads, employer, stage, after=after, limit=size
        )

    arguments = {"stageId": stage_id}
    return await cursor_page_loop_first(
        token_info,
        "listStageCandidates",
        arguments,
        (cursor, limit),
        fetch,
        fetch_on_loop,
        application,
    )


def move_application(
    token_info: dict[str, Any], application_id: int, body: dict[str, Any]
) -> Reply:
    return v2_one(shared.move_application(token_info, application_id, body))

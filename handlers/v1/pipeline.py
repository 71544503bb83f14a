"""``/api/v1/pipeline``: operation handlers of the Pipeline tag."""

from __future__ import annotations

from typing import Any

from handlers import loop_first
from handlers.context import Reply, employer_id, stage_uuid, v1_page
from handlers.representation import application, pipeline_stage
from handlers.shared import pipeline as shared
from storage import application_lists, pipeline
from storage.db import read_only
from storage.loop_statements import LoopStatements


def list_pipeline_stages(token_info: dict[str, Any], page: int = 1, page_size: int = 50) -> Reply:
    with read_only() as session:
        stages = pipeline.list_stages(session, employer_id(token_info))
    start = (page - 1) * page_size
    items = [pipeline_stage(stage) for stage in stages[start : start + page_size]]
    return v1_page(len(stages), page, page_size, items)


async def list_stage_candidates(
    token_info: dict[str, Any], stage_id: str, page: int = 1, page_size: int = 50
) -> Reply:
    employer, stage = employer_id(token_info), stage_uuid(stage_id)

    def read() -> application_lists.ApplicationPage:
        with read_only() as session:
            return application_lists.list_stage_applications(
                session, employer, stage, page=page, page_size=page_size
            )

    async def read_on_loop(reads: LoopStatements) -> application_lists.ApplicationPage | None:
        return await application_lists.list_stage_applications_on_loop(
            reads, employer, stage, page=page, page_size=page_size
        )

    result = await loop_first.run(read, read_on_loop)
    return v1_page(result.total, page, page_size, [application(item) for item in result.items])


def move_application(
    token_info: dict[str, Any], application_id: int, body: dict[str, Any]
) -> Reply:
    return shared.move_application(token_info, application_id, body), 200

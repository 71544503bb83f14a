"""The Pipeline operations, version-neutral."""

from __future__ import annotations

from typing import Any

from handlers.context import employer_id, stage_uuid
from handlers.representation import application
from storage import application_lists, pipeline
from storage.db import unit_of_work


def move_application(
    token_info: dict[str, Any], application_id: int, body: dict[str, Any]
) -> dict[str, Any]:
    with unit_of_work() as session:
        moved = pipeline.move_application(
            session, employer_id(token_info), application_id, stage_uuid(body["stageId"])
        )
        return application(application_lists.summary_of(moved))

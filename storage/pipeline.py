"""Hiring pipelines: each employer's ordered stages, and moving applications between them."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.clock import rfc3339, utcnow
from storage.errors import NotFound
from storage.models import Application, PipelineStage
from storage.outbox import APPLICATION_STATUS_CHANGED, record_event
from storage.paging import Order, Position, Slice, keyset_slice

DEFAULT_STAGES = ("New", "Screened", "Interviewed", "Offered", "Hired", "Rejected")


def create_default_stages(session: Session, employer_id: int) -> list[PipelineStage]:
    """Give a new employer the standard pipeline, each stage with its own stable uuid."""
    stages = [
        PipelineStage(id=uuid.uuid4(), employer_id=employer_id, name=name, position=position)
        for position, name in enumerate(DEFAULT_STAGES)
    ]
    session.add_all(stages)
    return stages


def list_stages(session: Session, employer_id: int) -> list[PipelineStage]:
    """The employer's stages in pipeline order."""
    return list(
        session.scalars(
            select(PipelineStage)
            .where(PipelineStage.employer_id == employer_id)
            .order_by(PipelineStage.position)
        )
    )


# Pipeline order; the id settles a tie, so the order is total.
STAGE_ORDER = Order((PipelineStage.position, PipelineStage.id), descending=False)


def list_stages_after(
    session: Session, employer_id: int, *, after: Position | None, limit: int
) -> Slice[PipelineStage]:
    """The employer's stages after ``after``, in pipeline order (keyset paging)."""
    query = select(PipelineStage).where(PipelineStage.employer_id == employer_id)
    return keyset_slice(session, query, STAGE_ORDER, after, limit)


def first_stage(session: Session, employer_id: int) -> PipelineStage:
    """Where new applications start."""
    stage = session.scalars(
        select(PipelineStage)
        .where(PipelineStage.employer_id == employer_id)
        .order_by(PipelineStage.position)
        .limit(1)
    ).first()
    if stage is None:
        raise RuntimeError(f"employer {employer_id} has no pipeline stages")
    return stage


def get_stage(session: Session, employer_id: int, stage_id: uuid.UUID) -> PipelineStage:
    """The employer's stage ``stage_id``; another employer's stage is reported as missing."""
    stage = session.scalars(
        select(PipelineStage).where(
            PipelineStage.id == stage_id, PipelineStage.employer_id == employer_id
        )
    ).first()
    if stage is None:
        raise NotFound(f"No pipeline stage with id {stage_id}.")
    return stage


def get_application(
    session: Session, employer_id: int, application_id: int, *, for_update: bool = False
) -> Application:
    """The employer's application ``application_id`` (another employer's is reported missing)."""
    query = select(Application).where(
        Application.id == application_id, Application.employer_id == employer_id
    )
    if for_update:
        query = query.with_for_update()
    application = session.scalars(query).first()
    if application is None:
        raise NotFound(f"No application with id {application_id}.")
    return application


def move_application(
    session: Session, employer_id: int, application_id: int, stage_id: uuid.UUID
) -> Application:
    """Move an application to another of the employer's stages.

    Moving to the stage it is already at changes nothing and fires nothing. Applications of closed
    or expired jobs move like any other: hiring goes on after a posting ends. A real move records
    ``application.status_changed`` in the same transaction.
    """
    application = get_application(session, employer_id, application_id, for_update=True)
    target = get_stage(session, employer_id, stage_id)
    previous = application.stage
    if previous.id == target.id:
        return application
    now = utcnow()
    application.stage = target
    application.stage_changed_at = now
    record_event(
        session,
        employer_id,
        APPLICATION_STATUS_CHANGED,
        {
            "applicationId": application.id,
            "previousStatus": previous.name,
            "newStatus": target.name,
            "changedAt": rfc3339(now),
        },
    )
    return application

"""Hiring pipelines: each employer's ordered stages, and moving applications between them."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Executable, bindparam, func, select, tuple_
from sqlalchemy.orm import Session

from storage.clock import rfc3339, utcnow
from storage.errors import NotFound
from storage.models import Application, ApplicationType, Candidate, Job, PipelineStage
from storage.outbox import APPLICATION_STATUS_CHANGED, record_event
from storage.paging import Order, Position, Slice, keyset_slice
from storage.replica import replica_safe

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


@dataclass(frozen=True, slots=True)
class ApplicationSummary:
    """An application as lists show it: with its job's title, its stage and its applicant's
    contact details, flat.

    Lists read these from plain rows of one statement (applications joined to the job, the
    applicant and the stage: no ORM objects, and nothing a list does not show); the wire form
    (``handlers.representation.application``) reads only these. A single application (a move)
    is shown through ``summary_of``.
    """

    id: int
    job_id: int
    job_title: str
    candidate_id: int
    candidate_full_name: str
    candidate_email: str
    candidate_phone: str | None
    candidate_headline: str | None
    candidate_city: str | None
    candidate_country_id: int | None
    application_type: ApplicationType
    stage_id: uuid.UUID
    stage_name: str
    stage_position: int
    cv_text: str | None
    applied_at: datetime
    stage_changed_at: datetime


def summary_of(application: Application) -> ApplicationSummary:
    """A loaded application as its lists show it."""
    candidate, stage = application.candidate, application.stage
    return ApplicationSummary(
        id=application.id,
        job_id=application.job_id,
        job_title=application.job.title,
        candidate_id=candidate.id,
        candidate_full_name=candidate.full_name,
        candidate_email=candidate.email,
        candidate_phone=candidate.phone,
        candidate_headline=candidate.headline,
        candidate_city=candidate.city,
        candidate_country_id=candidate.country_id,
        application_type=application.application_type,
        stage_id=stage.id,
        stage_name=stage.name,
        stage_position=stage.position,
        cv_text=application.cv_text,
        applied_at=application.applied_at,
        stage_changed_at=application.stage_changed_at,
    )


@dataclass(frozen=True)
class ApplicationPage:
    total: int
    items: list[ApplicationSummary]


@dataclass(frozen=True)
class ListedApplications:
    """Which applications a list shows: the employer's, to one job and/or at one stage."""

    employer_id: int
    job_id: int | None = None
    stage_id: uuid.UUID | None = None

    @property
    def filters(self) -> tuple[bool, bool]:
        return self.job_id is not None, self.stage_id is not None

    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = {"employer_id": self.employer_id}
        if self.job_id is not None:
            values["job_id"] = self.job_id
        if self.stage_id is not None:
            values["stage_id"] = self.stage_id
        return values


_APPLICATIONS = Application.__table__
_JOBS = Job.__table__
_CANDIDATES = Candidate.__table__
_STAGES = PipelineStage.__table__
# The summary's columns, in the order of its fields.
_SHOWN = (
    _APPLICATIONS.c.id,
    _APPLICATIONS.c.job_id,
    _JOBS.c.title,
    _APPLICATIONS.c.candidate_id,
    _CANDIDATES.c.full_name,
    _CANDIDATES.c.email,
    _CANDIDATES.c.phone,
    _CANDIDATES.c.headline,
    _CANDIDATES.c.city,
    _CANDIDATES.c.country_id,
    _APPLICATIONS.c.application_type,
    _STAGES.c.id,
    _STAGES.c.name,
    _STAGES.c.position,
    _APPLICATIONS.c.cv_text,
    _APPLICATIONS.c.applied_at,
    _APPLICATIONS.c.stage_changed_at,
)
_SHOWN_FROM = (
    _APPLICATIONS.join(_JOBS, _JOBS.c.id == _APPLICATIONS.c.job_id)
    .join(_CANDIDATES, _CANDIDATES.c.id == _APPLICATIONS.c.candidate_id)
    .join(_STAGES, _STAGES.c.id == _APPLICATIONS.c.stage_id)
)

# Applications, newest first.
APPLICATION_ORDER = Order((_APPLICATIONS.c.applied_at, _APPLICATIONS.c.id))

_FILTERS = [(by_job, by_stage) for by_job in (False, True) for by_stage in (False, True)]


def _listed(by_job: bool, by_stage: bool) -> list[ColumnElement[bool]]:
    """The employer's applications (``:employer_id``), to ``:job_id`` and at ``:stage_id`` if
    asked."""
    conditions = [_APPLICATIONS.c.employer_id == bindparam("employer_id")]
    if by_job:
        conditions.append(_APPLICATIONS.c.job_id == bindparam("job_id"))
    if by_stage:
        conditions.append(_APPLICATIONS.c.stage_id == bindparam("stage_id"))
    return conditions


# Built once per combination of filters, with bound parameters: a call only binds its values
# (as the job lists do).
_PAGES = {
    filters: select(*_SHOWN, func.count().over().label("total_matches"))
    .select_from(_SHOWN_FROM)
    .where(*_listed(*filters))
    .order_by(*APPLICATION_ORDER.clauses())
    .offset(bindparam("offset"))
    .limit(bindparam("limit"))
    for filters in _FILTERS
}
_COUNTS = {
    filters: select(func.count()).select_from(_APPLICATIONS).where(*_listed(*filters))
    for filters in _FILTERS
}
_AFTER_APPLIED_AT = bindparam("after_applied_at", type_=_APPLICATIONS.c.applied_at.type)
_AFTER_ID = bindparam("after_id", type_=_APPLICATIONS.c.id.type)
_SLICES = {
    (filters, with_after): select(*_SHOWN)
    .select_from(_SHOWN_FROM)
    .where(
        *_listed(*filters),
        *(
            [tuple_(*APPLICATION_ORDER.columns) < tuple_(_AFTER_APPLIED_AT, _AFTER_ID)]
            if with_after
            else []
        ),
    )
    .order_by(*APPLICATION_ORDER.clauses())
    .limit(bindparam("limit"))
    for filters in _FILTERS
    for with_after in (False, True)
}


@replica_safe
def _read(session: Session, statement: Executable, values: dict[str, Any]) -> Sequence[Any]:
    return session.execute(statement, values).all()


def application_page(
    session: Session,
    listed: ListedApplications,
    *,
    page: int,
    page_size: int,
    require_listed: Callable[[], object],
) -> ApplicationPage:
    """One page of the ``listed`` applications, newest first, and the count of all of them.

    Both come from one statement. A page with rows needs nothing else: an application is its
    job's employer's and at one of that employer's stages, so its rows show that the job and
    the stage the list names are the employer's. An empty page checks that they are
    (``require_listed``, which raises ``NotFound``; on the primary, as every single-object
    read: a replica that lags must not hide a new job) and counts on its own.
    """
    values = listed.values()
    rows = _read(
        session,
        _PAGES[listed.filters],
        {**values, "offset": (page - 1) * page_size, "limit": page_size},
    )
    if rows:
        return ApplicationPage(
            total=rows[0].total_matches, items=[ApplicationSummary(*row[:-1]) for row in rows]
        )
    require_listed()
    [(total,)] = _read(session, _COUNTS[listed.filters], values)
    return ApplicationPage(total=total, items=[])


def application_slice(
    session: Session,
    listed: ListedApplications,
    *,
    after: Position | None,
    limit: int,
    require_listed: Callable[[], object],
) -> Slice[ApplicationSummary]:
    """``application_page``'s applications after ``after`` (keyset paging): one statement,
    and the checks of ``application_page`` when it is empty. One row more than asked is read,
    to know whether another page follows without counting."""
    values = {**listed.values(), "limit": limit + 1}
    if after is not None:
        if len(after) != len(APPLICATION_ORDER.columns):
            raise ValueError("a position has one value per order column")
        values["after_applied_at"], values["after_id"] = after
    rows = _read(session, _SLICES[(listed.filters, after is not None)], values)
    if not rows:
        require_listed()
    return Slice.of([ApplicationSummary(*row) for row in rows], limit, APPLICATION_ORDER)


def list_stage_applications(
    session: Session, employer_id: int, stage_id: uuid.UUID, *, page: int, page_size: int
) -> ApplicationPage:
    """Applications at one of the employer's stages, newest first."""
    listed = ListedApplications(employer_id, stage_id=stage_id)
    return application_page(
        session,
        listed,
        page=page,
        page_size=page_size,
        require_listed=lambda: get_stage(session, employer_id, stage_id),
    )


def list_stage_applications_after(
    session: Session, employer_id: int, stage_id: uuid.UUID, *, after: Position | None, limit: int
) -> Slice[ApplicationSummary]:
    """``list_stage_applications`` after ``after`` in the same order (keyset paging)."""
    listed = ListedApplications(employer_id, stage_id=stage_id)
    return application_slice(
        session,
        listed,
        after=after,
        limit=limit,
        require_listed=lambda: get_stage(session, employer_id, stage_id),
    )


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

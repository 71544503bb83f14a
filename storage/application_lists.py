"""Applications as their lists show them (at a stage of the pipeline; to a job, at any stage
or one), read as plain rows: v1's numbered pages and v2's keyset slices."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Executable, bindparam, func, select
from sqlalchemy.orm import Session

from storage import driver_rows
from storage.jobs import get_job
from storage.loop_statements import LoopStatements
from storage.models import Application, ApplicationType, Candidate, Job, PipelineStage
from storage.paging import Order, Position, Slice, total_column
from storage.pipeline import get_stage
from storage.replica import replica_safe


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

# (by job, by stage): the applications at a stage, of a job, and of a job at a stage.
_FILTERS = [(False, True), (True, False), (True, True)]


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
_COUNTS = {
    filters: select(func.count()).select_from(_APPLICATIONS).where(*_listed(*filters))
    for filters in _FILTERS
}
_PAGES = {
    filters: select(*_SHOWN, total_column(_COUNTS[filters]))
    .select_from(_SHOWN_FROM)
    .where(*_listed(*filters))
    .order_by(*APPLICATION_ORDER.clauses())
    .offset(bindparam("offset"))
    .limit(bindparam("limit"))
    for filters in _FILTERS
}
_SLICES = {
    (filters, with_after): select(*_SHOWN)
    .select_from(_SHOWN_FROM)
    .where(
        *_listed(*filters),
        *([APPLICATION_ORDER.after_bound()] if with_after else []),
    )
    .order_by(*APPLICATION_ORDER.clauses())
    .limit(bindparam("limit"))
    for filters in _FILTERS
    for with_after in (False, True)
}


@replica_safe
def _read(session: Session, statement: Executable, values: dict[str, Any]) -> Sequence[Any]:
    return session.execute(statement, values).all()


def _require_listed(session: Session, listed: ListedApplications) -> None:
    """``NotFound`` unless the job and the stage the list names are the employer's."""
    if listed.job_id is not None:
        get_job(session, listed.employer_id, listed.job_id)
    if listed.stage_id is not None:
        get_stage(session, listed.employer_id, listed.stage_id)


def _page_query(
    listed: ListedApplications, page: int, page_size: int
) -> tuple[Executable, dict[str, Any]]:
    values = {**listed.values(), "offset": (page - 1) * page_size, "limit": page_size}
    return _PAGES[listed.filters], values


def _page_of(rows: Sequence[Sequence[Any]]) -> ApplicationPage:
    # The count of all matches is the last column.
    return ApplicationPage(total=rows[0][-1], items=[_summary(row[:-1]) for row in rows])


def _summary(row: Sequence[Any]) -> ApplicationSummary:
    # The driver's rows (``storage.loop_statements``) hold the application's type as stored.
    fields = list(row)
    fields[_TYPE_AT] = _APPLICATION_TYPES[fields[_TYPE_AT]]
    return ApplicationSummary(*fields)


_TYPE_AT = _SHOWN.index(_APPLICATIONS.c.application_type)
_APPLICATION_TYPES = driver_rows.enum_of(ApplicationType)


def _page(
    session: Session, listed: ListedApplications, *, page: int, page_size: int
) -> ApplicationPage:
    """One page of the ``listed`` applications, newest first, and the count of all of them.

    Both come from one statement. A page with rows needs nothing else: an application is its
    job's employer's and at one of that employer's stages, so its rows show that the job and
    the stage the list names are the employer's. An empty page checks that they are (on the
    primary, as every single-object read: a replica that lags must not hide a new job) and
    counts on its own.
    """
    rows = _read(session, *_page_query(listed, page, page_size))
    if rows:
        return _page_of(rows)
    _require_listed(session, listed)
    [(total,)] = _read(session, _COUNTS[listed.filters], listed.values())
    return ApplicationPage(total=total, items=[])


async def _page_on_loop(
    reads: LoopStatements, listed: ListedApplications, *, page: int, page_size: int
) -> ApplicationPage | None:
    """``_page`` on the event loop (``storage.loop_statements``); ``None`` when it must be read on a
    thread instead, an empty page among them (it checks the job and the stage, and counts)."""
    rows = await reads.rows(*_page_query(listed, page, page_size), replica_safe=True)
    return _page_of(rows) if rows else None


def _slice_query(
    listed: ListedApplications, after: Position | None, limit: int
) -> tuple[Executable, dict[str, Any]]:
    # One row more than asked is read, to know whether another page follows without counting.
    values = {**listed.values(), "limit": limit + 1}
    if after is not None:
        values.update(APPLICATION_ORDER.bound_position(after))
    return _SLICES[(listed.filters, after is not None)], values


def _slice_of(rows: Sequence[Sequence[Any]], limit: int) -> Slice[ApplicationSummary]:
    return Slice.of([_summary(row) for row in rows], limit, APPLICATION_ORDER)


def _slice(
    session: Session, listed: ListedApplications, *, after: Position | None, limit: int
) -> Slice[ApplicationSummary]:
    """``_page``'s applications after ``after`` (keyset paging): one statement, and the
    checks of ``_page`` when it is empty."""
    rows = _read(session, *_slice_query(listed, after, limit))
    if not rows:
        _require_listed(session, listed)
    return _slice_of(rows, limit)


async def _slice_on_loop(
    reads: LoopStatements, listed: ListedApplications, *, after: Position | None, limit: int
) -> Slice[ApplicationSummary] | None:
    """``_slice`` on the event loop (``storage.loop_statements``); ``None`` when it must be read
    on a thread instead, an empty slice among them (it checks the job and the stage)."""
    rows = await reads.rows(*_slice_query(listed, after, limit), replica_safe=True)
    return _slice_of(rows, limit) if rows else None


def list_stage_applications(
    session: Session, employer_id: int, stage_id: uuid.UUID, *, page: int, page_size: int
) -> ApplicationPage:
    """Applications at one of the employer's stages, newest first."""
    listed = ListedApplications(employer_id, stage_id=stage_id)
    return _page(session, listed, page=page, page_size=page_size)


def list_stage_applications_after(
    session: Session, employer_id: int, stage_id: uuid.UUID, *, after: Position | None, limit: int
) -> Slice[ApplicationSummary]:
    """``list_stage_applications`` after ``after`` in the same order (keyset paging)."""
    listed = ListedApplications(employer_id, stage_id=stage_id)
    return _slice(session, listed, after=after, limit=limit)


async def list_stage_applications_on_loop(
    reads: LoopStatements, employer_id: int, stage_id: uuid.UUID, *, page: int, page_size: int
) -> ApplicationPage | None:
    """``list_stage_applications`` on the event loop, or ``None`` (see ``_page_on_loop``)."""
    listed = ListedApplications(employer_id, stage_id=stage_id)
    return await _page_on_loop(reads, listed, page=page, page_size=page_size)


async def list_stage_applications_after_on_loop(
    reads: LoopStatements,
    employer_id: int,
    stage_id: uuid.UUID,
    *,
    after: Position | None,
    limit: int,
) -> Slice[ApplicationSummary] | None:
    """``list_stage_applications_after`` on the event loop, or ``None`` (see
    ``_slice_on_loop``)."""
    listed = ListedApplications(employer_id, stage_id=stage_id)
    return await _slice_on_loop(reads, listed, after=after, limit=limit)


def list_job_applications(
    session: Session,
    employer_id: int,
    job_id: int,
    *,
    stage_id: uuid.UUID | None,
    page: int,
    page_size: int,
) -> ApplicationPage:
    """Applications to one of the employer's jobs, newest first, optionally at one stage."""
    listed = ListedApplications(employer_id, job_id=job_id, stage_id=stage_id)
    return _page(session, listed, page=page, page_size=page_size)


def list_job_applications_after(
    session: Session,
    employer_id: int,
    job_id: int,
    *,
    stage_id: uuid.UUID | None,
    after: Position | None,
    limit: int,
) -> Slice[ApplicationSummary]:
    """``list_job_applications`` after ``after`` in the same order (keyset paging)."""
    listed = ListedApplications(employer_id, job_id=job_id, stage_id=stage_id)
    return _slice(session, listed, after=after, limit=limit)

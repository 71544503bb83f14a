"""Jobs: drafts, publishing (paid), changes, soft closing and expiry."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import ColumnElement, Table, bindparam, func, insert, or_, select, update
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.sql import Executable

from storage import driver_rows
from storage.cache_invalidation import JOBS_OF_EMPLOYER
from storage.clock import rfc3339, utcnow
from storage.countries import place_of
from storage.credits import charge_credit
from storage.employers import get_employer
from storage.errors import InvalidRequest, InvalidState, NotFound
from storage.loop_statements import LoopStatements
from storage.models import ApplyMethod, CreditKind, EmploymentType, Job, JobStatus, RemoteType
from storage.outbox import JOB_CLOSED, JOB_EXPIRED, JOB_PUBLISHED, record_event
from storage.paging import Order, Position, Slice, total_column
from storage.replica import replica_safe
from storage.text import strip

DEFAULT_PUBLICATION = timedelta(days=30)
MAX_PUBLICATION = timedelta(days=90)

# The fields a partner may set; everything else on a job is the platform's to manage.
MUTABLE_FIELDS = frozenset(
    {
        "reference",
        "title",
        "description",
        "location",
        "city",
        "country",
        "employment_type",
        "remote_type",
        "apply_method",
        "apply_email_address",
        "apply_url",
        "salary_min",
        "salary_max",
        "salary_currency",
    }
)
_CLEARABLE_FIELDS = frozenset(
    {"reference", "apply_email_address", "apply_url", "salary_min", "salary_max", "salary_currency"}
)
_EDITABLE_STATUSES = frozenset({JobStatus.DRAFT, JobStatus.ACTIVE})
_ENUM_FIELDS: dict[str, Any] = {
    "employment_type": EmploymentType,
    "remote_type": RemoteType,
    "apply_method": ApplyMethod,
}

# Why a job cannot be moved to a status by a change (publishing and closing are the two moves).
_REFUSED_MOVES = {
    JobStatus.DRAFT: "A job that has been published cannot go back to draft.",
    JobStatus.ACTIVE: "Only a draft can be published; a closed or expired job cannot reopen.",
    JobStatus.EXPIRED: "A job cannot be set to expired: it expires by itself at its expiry date.",
}


@dataclass(frozen=True)
class JobPage:
    total: int
    items: list[Job]


@dataclass(slots=True)
class JobSummary:
    """A job as lists show it: every column but the description.

    Lists read these from plain rows of the table (a Core statement: no ORM objects, identity
    map or change tracking for a page of 50), and the wire form reads one as it reads a ``Job``:
    the fields are the model's attributes, in the order the statement selects them.

    Read only, but not a frozen dataclass: a frozen one's ``__init__`` stores each of the 20
    fields through ``object.__setattr__``, which made building a page of 50 cost seven times as
    much as storing the slots directly (docs/requirements.md#p5; bench/RESULTS.md, issue 25).
    """

    id: int
    employer_id: int
    reference: str | None
    title: str
    location: str
    city: str | None
    country: str | None
    employment_type: EmploymentType
    remote_type: RemoteType
    apply_method: ApplyMethod
    apply_email_address: str | None
    apply_url: str | None
    salary_min: Decimal | None
    salary_max: Decimal | None
    salary_currency: str | None
    status: JobStatus
    posted_date: datetime | None
    expiry_date: datetime | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of_row(cls, row: Sequence[Any]) -> JobSummary:
        """A summary from a row of the list statements as ``storage.driver_rows`` reads it: the
        columns in the order of the fields, enums and salaries as stored."""
        return cls(
            row[0],
            row[1],
            row[2],
            row[3],
            row[4],
            row[5],
            row[6],
            _EMPLOYMENT_TYPES[row[7]],
            _REMOTE_TYPES[row[8]],
            _APPLY_METHODS[row[9]],
            row[10],
            row[11],
            driver_rows.finite(row[12]),
            driver_rows.finite(row[13]),
            row[14],
            _JOB_STATUSES[row[15]],
            row[16],
            row[17],
            row[18],
            row[19],
        )


_EMPLOYMENT_TYPES = driver_rows.enum_of(EmploymentType)
_REMOTE_TYPES = driver_rows.enum_of(RemoteType)
_APPLY_METHODS = driver_rows.enum_of(ApplyMethod)
_JOB_STATUSES = driver_rows.enum_of(JobStatus)

_JOBS = Job.__table__
_SUMMARY_COLUMNS = tuple(_JOBS.c[field] for field in JobSummary.__slots__)

# The employer's jobs, newest first.
JOB_ORDER = Order((_JOBS.c.created_at, _JOBS.c.id))


@dataclass(frozen=True)
class JobSummaryPage:
    total: int
    items: list[JobSummary]


def _own_jobs(with_status: bool) -> list[ColumnElement[bool]]:
    """The employer's jobs (``:employer_id``), of one ``:status`` if ``with_status``."""
    conditions = [_JOBS.c.employer_id == bindparam("employer_id")]
    if with_status:
        conditions.append(_JOBS.c.status == bindparam("status"))
    return conditions


# The list statements are built once, with bound parameters, for each combination of filters:
# a call only binds its values. Building a statement and computing its cache key each call cost
# more than a third of reading a page of 50 rows (bench/RESULTS.md, issue 25).
_COUNT_STATEMENTS = {
    with_status: select(func.count()).select_from(_JOBS).where(*_own_jobs(with_status))
    for with_status in (False, True)
}
_PAGE_STATEMENTS = {
    with_status: select(*_SUMMARY_COLUMNS, total_column(_COUNT_STATEMENTS[with_status]))
    .where(*_own_jobs(with_status))
    .order_by(*JOB_ORDER.clauses())
    .offset(bindparam("offset"))
    .limit(bindparam("limit"))
    for with_status in (False, True)
}
_SLICE_STATEMENTS = {
    (with_status, with_after): select(*_SUMMARY_COLUMNS)
    .where(
        *_own_jobs(with_status),
        *([JOB_ORDER.after_bound()] if with_after else []),
    )
    .order_by(*JOB_ORDER.clauses())
    .limit(bindparam("limit"))
    for with_status in (False, True)
    for with_after in (False, True)
}


def _filter_values(employer_id: int, status: JobStatus | None) -> dict[str, Any]:
    values: dict[str, Any] = {"employer_id": employer_id}
    if status is not None:
        values["status"] = status
    return values


def _page_query(
    employer_id: int, status: JobStatus | None, page: int, page_size: int
) -> tuple[Executable, dict[str, Any]]:
    values = _filter_values(employer_id, status)
    values.update(offset=(page - 1) * page_size, limit=page_size)
    return _PAGE_STATEMENTS[status is not None], values


def _page_of(rows: Sequence[Sequence[Any]]) -> JobSummaryPage:
    # The count of all matches is the last column.
    return JobSummaryPage(total=rows[0][-1], items=[JobSummary.of_row(row) for row in rows])


@replica_safe
def list_jobs(
    session: Session,
    employer_id: int,
    *,
    status: JobStatus | None,
    page: int,
    page_size: int,
) -> JobSummaryPage:
    """One page of the employer's jobs, newest first, without their descriptions.

    The page and the count of all matches come from one statement (``count(*) OVER ()`` is
    computed before the offset and limit); only a page past the end needs a count of its own.
    """
    rows = driver_rows.rows(session, *_page_query(employer_id, status, page, page_size))
    if rows:
        return _page_of(rows)
    total = session.scalar(
        _COUNT_STATEMENTS[status is not None], _filter_values(employer_id, status)
    )
    return JobSummaryPage(total=total or 0, items=[])


async def list_jobs_on_loop(
    reads: LoopStatements, employer_id: int, *, status: JobStatus | None, page: int, page_size: int
) -> JobSummaryPage | None:
    """``list_jobs`` on the event loop (``storage.loop_statements``); ``None`` when the page must be
    read on a thread instead, a page past the end among them (it needs a count of its own)."""
    rows = await reads.rows(*_page_query(employer_id, status, page, page_size), replica_safe=True)
    return _page_of(rows) if rows else None


def _slice_query(
    employer_id: int, status: JobStatus | None, after: Position | None, limit: int
) -> tuple[Executable, dict[str, Any]]:
    # One row more than asked is read, to know whether another page follows without counting.
    values = {**_filter_values(employer_id, status), "limit": limit + 1}
    if after is not None:
        values.update(JOB_ORDER.bound_position(after))
    return _SLICE_STATEMENTS[(status is not None, after is not None)], values


def _slice_of(rows: Sequence[Sequence[Any]], limit: int) -> Slice[JobSummary]:
    return Slice.of([JobSummary.of_row(row) for row in rows], limit, JOB_ORDER)


@replica_safe
def list_jobs_after(
    session: Session,
    employer_id: int,
    *,
    status: JobStatus | None,
    after: Position | None,
    limit: int,
) -> Slice[JobSummary]:
    """The employer's jobs after ``after`` in the order of ``list_jobs`` (keyset paging),
    without their descriptions."""
    return _slice_of(
        driver_rows.rows(session, *_slice_query(employer_id, status, after, limit)), limit
    )


async def list_jobs_after_on_loop(
    reads: LoopStatements,
    employer_id: int,
    *,
    status: JobStatus | None,
    after: Position | None,
    limit: int,
) -> Slice[JobSummary] | None:
    """``list_jobs_after`` on the event loop (``storage.loop_statements``); ``None`` when the slice
    must be read on a thread instead."""
    rows = await reads.rows(*_slice_query(employer_id, status, after, limit), replica_safe=True)
    return None if rows is None else _slice_of(rows, limit)


def get_job(session: Session, employer_id: int, job_id: int, *, for_update: bool = False) -> Job:
    """The employer's job ``job_id``; another employer's job is reported as missing."""
    query = select(Job).where(Job.id == job_id, Job.employer_id == employer_id)
    if for_update:
        query = query.with_for_update()
    job = session.scalars(query).first()
    if job is None:
        raise NotFound(f"No job with id {job_id}.")
    return job


# A new draft is one INSERT ... RETURNING of every column, built once: the unit of work's flush
# of a single new object made creating a draft cost 40% more CPU than this statement does
# (bench/RESULTS.md, issue 25). The session still sees the write (cache invalidation, replica
# routing), and the SQL sent is the same INSERT. Its values are bound parameters by name, so that
# the statement compiled alone names them too, as a write on the event loop runs it.
_NEW_JOB_COLUMNS = tuple(column.key for column in _JOBS.c if column.key != "id")
_INSERT_JOB = (
    insert(cast(Table, _JOBS))
    .values({name: bindparam(name, type_=_JOBS.c[name].type) for name in _NEW_JOB_COLUMNS})
    .returning(_JOBS.c.id)
)


def create_job(session: Session, employer_id: int, fields: Mapping[str, Any]) -> Job:
    """Create a draft from ``fields`` (model attribute names).

    The job's place is a ``location``, or a ``city`` and a ``country`` (see ``_place``). The job
    returned is not in the session: it is written by one statement and is the draft as stored,
    id included, to read; change it through ``get_job`` (``update_job``, ``publish_job``).
    """
    job = _new_job(employer_id, fields)
    job.id = session.execute(
        _INSERT_JOB, _new_job_values(job), execution_options=_new_job_options(employer_id)
    ).scalar_one()
    return job


async def create_job_on_loop(
    statements: LoopStatements, employer_id: int, fields: Mapping[str, Any]
) -> Job | None:
    """``create_job`` on the event loop (``storage.loop_statements``): the same draft, checked the
    same way, written by the same statement in a transaction of its own; ``None`` when nothing
    was written and the caller must create it on a thread. A draft records no event and costs no
    credit, which is what lets it be written without a session."""
    job = _new_job(employer_id, fields)
    row = await statements.insert(
        _INSERT_JOB, _new_job_values(job), execution_options=_new_job_options(employer_id)
    )
    if row is None:
        return None
    job.id = row[0]
    return job


def _new_job_values(job: Job) -> dict[str, Any]:
    return {name: getattr(job, name) for name in _NEW_JOB_COLUMNS}


def _new_job_options(employer_id: int) -> dict[str, Any]:
    # Only this employer's cached job pages are out of date.
    return {JOBS_OF_EMPLOYER: employer_id}


def create_and_publish_job(
    session: Session, employer_id: int, fields: Mapping[str, Any], *, expiry_date: datetime | None
) -> Job:
    """Create a job from ``fields`` and publish it at once, in the caller's transaction.

    Costs one job posting credit like ``publish_job``; without one ``NoCredits`` is raised and
    the caller's rollback leaves nothing behind, the job included.
    """
    job = _new_job(employer_id, fields)
    session.add(job)
    # Publishing names the new id (the credit's reference, the event).
    session.flush()
    _publish(session, job, expiry_date)
    return job


def _new_job(employer_id: int, fields: Mapping[str, Any]) -> Job:
    """A draft made from ``fields``, checked, not yet stored."""
    _reject_unknown(fields)
    if "location" not in fields and not {"city", "country"} <= set(fields):
        raise InvalidRequest("Give the job a location, or a city and a country.")
    job = Job(employer_id=employer_id, status=JobStatus.DRAFT)
    _assign(job, fields)
    _check_consistency(job)
    now = utcnow()
    job.created_at = now
    job.updated_at = now
    return job


def update_job(
    session: Session,
    employer_id: int,
    job_id: int,
    changes: Mapping[str, Any],
    *,
    status: JobStatus | None = None,
) -> Job:
    """Apply a partial change to a Draft or Active job, then move it to ``status`` if given.

    A status other than the job's own either publishes a Draft (``Active``: charged as
    ``publish_job``, default expiry) or closes the job (``Inactive``, as ``close_job``); any other
    move is ``InvalidState``. A change that names the job's own status and no field changes
    nothing, whatever the status.
    """
    _reject_unknown(changes)
    if not changes and status is None:
        raise InvalidRequest("Name at least one field to change.")
    job = get_job(session, employer_id, job_id, for_update=True)
    if changes:
        if job.status not in _EDITABLE_STATUSES:
            raise InvalidState(
                "A job that is {current} cannot be changed.", states={"current": job.status}
            )
        _assign(job, changes)
        _check_consistency(job)
        job.updated_at = utcnow()
    if status is None or status is job.status:
        return job
    if status is JobStatus.ACTIVE and job.status is JobStatus.DRAFT:
        _publish(session, job, None)
    elif status is JobStatus.INACTIVE:
        _close(session, job)
    else:
        raise InvalidState(_REFUSED_MOVES[status])
    return job


def publish_job(
    session: Session, employer_id: int, job_id: int, *, expiry_date: datetime | None
) -> Job:
    """Draft to Active, charging one job posting credit in the same transaction."""
    job = get_job(session, employer_id, job_id, for_update=True)
    if job.status is not JobStatus.DRAFT:
        raise InvalidState(
            "Only a {draft} job can be published; this job is {current}.",
            states={"draft": JobStatus.DRAFT, "current": job.status},
        )
    _publish(session, job, expiry_date)
    return job


def _publish(session: Session, job: Job, expiry_date: datetime | None) -> None:
    """Publish the Draft ``job`` (locked or new in this transaction) for one credit."""
    now = utcnow()
    if expiry_date is None:
        expiry_date = now + DEFAULT_PUBLICATION
    elif expiry_date <= now:
        raise InvalidRequest("expiryDate must be in the future.")
    elif expiry_date > now + MAX_PUBLICATION:
        raise InvalidRequest("expiryDate may be at most 90 days from now.")
    charge_credit(
        session,
        get_employer(session, job.employer_id),
        CreditKind.JOB_POSTING,
        reason="job_publish",
        reference=f"job:{job.id}",
    )
    job.status = JobStatus.ACTIVE
    job.posted_date = now
    job.expiry_date = expiry_date
    job.updated_at = now
    record_event(
        session,
        job.employer_id,
        JOB_PUBLISHED,
        {"jobPostId": job.id, "postedDate": rfc3339(now), "expiryDate": rfc3339(expiry_date)},
    )


def close_job(session: Session, employer_id: int, job_id: int) -> Job:
    """Soft-close: the job becomes Inactive and keeps its applications. Idempotent."""
    job = get_job(session, employer_id, job_id, for_update=True)
    if job.status is not JobStatus.INACTIVE:
        _close(session, job)
    return job


def _close(session: Session, job: Job) -> None:
    now = utcnow()
    job.status = JobStatus.INACTIVE
    job.updated_at = now
    record_event(
        session, job.employer_id, JOB_CLOSED, {"jobPostId": job.id, "closedAt": rfc3339(now)}
    )


def expire_due_jobs(session: Session, limit: int = 500) -> list[int]:
    """Mark up to ``limit`` Active jobs past their expiry date Expired, with one ``job.expired``
    event each (docs/requirements.md#w8); returns their ids.

    The status change is one conditional UPDATE: when several workers run this at once, each job
    changes (and so fires its event) in exactly one of them, since PostgreSQL rechecks the
    condition on a row another transaction has just changed, and SQLite runs them one by one.
    """
    now = utcnow()
    due = (Job.status == JobStatus.ACTIVE, Job.expiry_date <= now)
    expired = session.execute(
        update(Job)
        .where(Job.id.in_(select(Job.id).where(*due).order_by(Job.id).limit(limit)), *due)
        .values(status=JobStatus.EXPIRED, updated_at=now)
        .returning(Job.id, Job.employer_id)
        .execution_options(synchronize_session=False)
    ).all()
    for job_id, employer_id in sorted(expired):
        # expiredAt is when the job became Expired (the documented meaning), not its expiryDate.
        record_event(
            session, employer_id, JOB_EXPIRED, {"jobPostId": job_id, "expiredAt": rfc3339(now)}
        )
    return sorted(job_id for job_id, _ in expired)


def _open_conditions() -> list[ColumnElement[bool]]:
    # A job past its expiry is closed to the public at once, even before the scheduler marks it
    # Expired.
    return [Job.status == JobStatus.ACTIVE, Job.expiry_date > utcnow()]


def get_open_job(session: Session, job_id: int) -> Job:
    """An Active job of any employer, as the public job board shows it."""
    job = session.scalars(
        select(Job).where(Job.id == job_id, *_open_conditions()).options(joinedload(Job.employer))
    ).first()
    if job is None:
        raise NotFound(f"No open job with id {job_id}.")
    return job


@dataclass(frozen=True)
class BoardFilter:
    """What a job seeker narrows the public board by; ``text`` words must all appear."""

    country: str | None = None
    employment_type: EmploymentType | None = None
    remote_type: RemoteType | None = None
    text: str | None = None


@replica_safe
def list_open_jobs(
    session: Session, board_filter: BoardFilter, *, page: int, page_size: int
) -> JobPage:
    """One page of the public board: Active jobs of every employer, newest posting first."""
    conditions = _open_conditions()
    if board_filter.country:
        conditions.append(func.lower(Job.country) == strip(board_filter.country).lower())
    if board_filter.employment_type is not None:
        conditions.append(Job.employment_type == board_filter.employment_type)
    if board_filter.remote_type is not None:
        conditions.append(Job.remote_type == board_filter.remote_type)
    for word in (board_filter.text or "").split():
        pattern = "%" + _escape_like(word.lower()) + "%"
        conditions.append(
            or_(
                func.lower(Job.title).like(pattern, escape="\\"),
                func.lower(Job.description).like(pattern, escape="\\"),
            )
        )
    total = session.scalar(select(func.count()).select_from(Job).where(*conditions)) or 0
    items = list(
        session.scalars(
            select(Job)
            .where(*conditions)
            .options(joinedload(Job.employer))
            .order_by(Job.posted_date.desc(), Job.id.desc())
            .offset((page - 1) * page_size)
            .limit(page_size)
        )
    )
    return JobPage(total=total, items=items)


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _reject_unknown(fields: Mapping[str, Any]) -> None:
    unknown = set(fields) - MUTABLE_FIELDS
    if unknown:
        raise InvalidRequest(f"These fields cannot be set: {', '.join(sorted(unknown))}.")


def _assign(job: Job, fields: Mapping[str, Any]) -> None:
    for name, value in fields.items():
        if value is None and name not in _CLEARABLE_FIELDS:
            raise InvalidRequest(f"{name} cannot be cleared.")
        if name in _ENUM_FIELDS:
            value = _ENUM_FIELDS[name](value)
        elif isinstance(value, str) and name != "description":
            value = strip(value)
        elif name in {"salary_min", "salary_max"} and value is not None:
            value = Decimal(str(value)).quantize(Decimal("0.01"))
        setattr(job, name, value)
    _place(job, fields.keys())


def _place(job: Job, given: Iterable[str]) -> None:
    """Keep a job's location, city and country in step after ``given`` fields were assigned.

    A location given alone decides the city and the country (``storage.countries.place_of``:
    none unless it names a known country); a city or a country given without a location makes
    the location ``"<city>, <country>"``. Given together, each is kept as given.
    """
    named = set(given)
    if "location" in named and not named & {"city", "country"}:
        place = place_of(job.location)
        job.city, job.country = place.city, place.country
    elif named & {"city", "country"} and "location" not in named:
        job.location = ", ".join(part for part in (job.city, job.country) if part)


def _check_consistency(job: Job) -> None:
    if job.apply_method is ApplyMethod.EMAIL_APPLY and not job.apply_email_address:
        raise InvalidRequest("applyEmailAddress is required when applyMethod is EmailApply.")
    if job.apply_method is ApplyMethod.URL_APPLY and not job.apply_url:
        raise InvalidRequest("applyUrl is required when applyMethod is UrlApply.")
    if (
        job.salary_min is not None
        and job.salary_max is not None
        and job.salary_max < job.salary_min
    ):
        raise InvalidRequest("salaryMax may not be below salaryMin.")

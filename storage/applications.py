"""Applications from the public job board (docs/requirements.md#j6), filed at the start of the
employer's pipeline."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.candidates import find_or_create_applicant
from storage.clock import rfc3339, utcnow
from storage.errors import Conflict
from storage.jobs import get_open_job
from storage.models import Application, ApplicationType
from storage.outbox import APPLICATION_SUBMITTED, record_event
from storage.pipeline import first_stage

ALREADY_APPLIED = "You have already applied to this job with this e-mail address."


def quick_apply(session: Session, job_id: int, fields: Mapping[str, Any]) -> Application:
    """A job seeker's QuickApply to an Active job.

    The applicant is the platform candidate with that e-mail address, made if there is none (and
    kept out of the searchable CV database: applying is not opting in). One application per
    candidate per job, so a second one with the same address is a ``Conflict``. The application
    starts at the employer's first stage and records ``application.submitted`` in the same
    transaction.
    """
    job = get_open_job(session, job_id)
    candidate = find_or_create_applicant(session, fields)
    already = session.scalar(
        select(Application.id).where(
            Application.job_id == job.id, Application.candidate_id == candidate.id
        )
    )
    if already is not None:
        raise Conflict(ALREADY_APPLIED)
    now = utcnow()
    application = Application(
        employer_id=job.employer_id,
        job_id=job.id,
        candidate_id=candidate.id,
        stage=first_stage(session, job.employer_id),
        application_type=ApplicationType.QUICK_APPLY,
        cv_text=fields.get("cv_text"),
        applied_at=now,
        stage_changed_at=now,
    )
    try:
        # A savepoint, so that a concurrent twin of this application surfaces as a clean
        # conflict (the unique index on job and candidate) instead of a failed transaction.
        with session.begin_nested():
            session.add(application)
    except IntegrityError:
        raise Conflict(ALREADY_APPLIED) from None
    record_event(
        session,
        job.employer_id,
        APPLICATION_SUBMITTED,
        {
            "applicationId": application.id,
            "jobPostId": job.id,
            "jobTitle": job.title,
            "candidateId": candidate.id,
            "appliedAt": rfc3339(now),
            "applicationType": application.application_type.value,
        },
    )
    return application

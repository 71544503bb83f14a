"""Demo data for a first ``make run``: an employer with credits, a key, jobs with applicants at
several pipeline stages, a talent pool, and a few thousand platform profiles for the CV search."""

from __future__ import annotations

import itertools
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage import (
    api_keys,
    applications,
    candidates,
    credits,
    employers,
    jobs,
    pipeline,
    synthetic,
    users,
)
from storage.clock import utcnow
from storage.models import (
    ApiKeyStatus,
    Application,
    Candidate,
    CreditKind,
    Employer,
    Job,
    JobStatus,
    Plan,
    User,
    UserRole,
)

DEMO_EMPLOYER_NAME = "Hirebridge Demo Recruiting"
DEMO_KEY_NAME = "demo key"
DEMO_ADMIN_EMAIL = "admin@demo.hirebridge.example"
DEMO_ADMIN_NAME = "Demo Admin"
DEMO_SCOPES = ("JobPosting", "CvSearch", "candidates:write", "webhooks:manage")
_DEMO_CREDITS = 50
DEMO_PLATFORM_CANDIDATES = 3000
DEMO_TALENT_POOL = 5
DEMO_APPLICANTS_PER_JOB = 4

_DEMO_JOBS = (
    {
        "reference": "DEMO-001",
        "title": "Senior Platform Engineer",
        "description": "Run the Kubernetes platform our product teams deploy to, on AWS and GCP.",
        "city": "London",
        "country": "United Kingdom",
        "employment_type": "FullTime",
        "remote_type": "HybridRemote",
        "apply_method": "EmailApply",
        "apply_email_address": "jobs@demo.hirebridge.example",
        "salary_min": 85000,
        "salary_max": 105000,
        "salary_currency": "GBP",
    },
    {
        "reference": "DEMO-002",
        "title": "HVAC Process Engineer",
        "description": "Design and commission HVAC systems for large commercial sites.",
        "city": "Dubai",
        "country": "United Arab Emirates",
        "employment_type": "Contract",
        "remote_type": "OnSite",
        "apply_method": "UrlApply",
        "apply_url": "https://careers.demo.hirebridge.example/hvac",
    },
    {
        "reference": "DEMO-003",
        "title": "Graduate Data Analyst",
        "description": "Join the analytics team and learn SQL, Python and dashboards on real data.",
        "city": "Manchester",
        "country": "United Kingdom",
        "employment_type": "FullTime",
        "remote_type": "FullyRemote",
        "apply_method": "QuickApply",
    },
)


@dataclass(frozen=True)
class DemoSeed:
    """The demo employer, and the secrets this run had to make anew (``None``: the known one
    still works)."""

    employer: Employer
    new_key: str | None
    new_admin_password: str | None = None


def find_demo_employer(session: Session) -> Employer | None:
    return session.scalars(
        select(Employer).where(Employer.name == DEMO_EMPLOYER_NAME).order_by(Employer.id)
    ).first()


def seed_demo(
    session: Session,
    known_key: str | None,
    known_admin_password: str | None = None,
    *,
    profiles: bool = True,
) -> DemoSeed:
    """Create whatever part of the demo is missing; safe to run any number of times.

    ``profiles=False`` leaves out the searchable CV profiles, the slow part (``add_profiles``
    adds them later, in batches).

    ``known_key`` is the demo key saved by an earlier run, if any, and ``known_admin_password``
    the demo portal admin's password. A new key is minted (and the old demo keys revoked), or the
    admin given a new password, only when the known one no longer works, since neither can be
    recovered from the database.
    """
    employer = find_demo_employer(session)
    if employer is None:
        employer = employers.create_employer(
            session, name=DEMO_EMPLOYER_NAME, plan=Plan.ENTERPRISE, trusted_partner=True
        )
        for kind in CreditKind:
            credits.adjust_credits(session, employer.id, kind, _DEMO_CREDITS, reason="demo_seed")
        for fields in _DEMO_JOBS:
            job = jobs.create_job(session, employer.id, fields)
            if fields["reference"] != "DEMO-003":
                jobs.publish_job(session, employer.id, job.id, expiry_date=None)

    if not session.scalar(select(Candidate.id).where(Candidate.owner_employer_id == employer.id)):
        for profile in synthetic.profiles(DEMO_TALENT_POOL, seed=11):
            candidates.create_owned_candidate(session, employer.id, profile.fields)
    if profiles:
        add_profiles(session, missing_profiles(session))

    if not session.scalar(select(Application.id).where(Application.employer_id == employer.id)):
        _seed_applications(session, employer.id)

    new_key = None
    if known_key is None or not _key_works(session, known_key, employer.id):
        for key in api_keys.list_keys(session, employer.id):
            if key.name == DEMO_KEY_NAME and key.status is not ApiKeyStatus.REVOKED:
                api_keys.revoke_key(session, key.id)
        minted = api_keys.mint_key(session, employer, name=DEMO_KEY_NAME, scopes=DEMO_SCOPES)
        new_key = minted.plaintext
    return DemoSeed(
        employer=employer,
        new_key=new_key,
        new_admin_password=_seed_admin(session, employer.id, known_admin_password),
    )


def _seed_admin(session: Session, employer_id: int, known_password: str | None) -> str | None:
    """The demo portal admin, with a new random password unless ``known_password`` signs in."""
    if known_password and users.authenticate_user(session, DEMO_ADMIN_EMAIL, known_password):
        return None
    password = secrets.token_urlsafe(12)
    admin = session.scalar(select(User).where(User.email == DEMO_ADMIN_EMAIL))
    if admin is None:
        users.create_user(
            session,
            employer_id,
            email=DEMO_ADMIN_EMAIL,
            name=DEMO_ADMIN_NAME,
            role=UserRole.EMPLOYER_ADMIN,
            password=password,
        )
    else:
        users.set_password(session, admin, password)
    return password


def missing_profiles(session: Session) -> list[synthetic.SyntheticCandidate]:
    """The demo's searchable CV profiles not in the database yet.

    They are made in a fixed order, so a seed stopped half-way resumes where it stopped.
    Applicants are platform candidates too, but outside the CV database: only searchable ones
    count.
    """
    present = session.scalar(
        select(func.count())
        .select_from(Candidate)
        .where(Candidate.owner_employer_id.is_(None), Candidate.in_cv_database.is_(True))
    )
    if (present or 0) >= DEMO_PLATFORM_CANDIDATES:
        return []
    made = synthetic.profiles(DEMO_PLATFORM_CANDIDATES, seed=7)
    return list(itertools.islice(made, present or 0, None))


def add_profiles(session: Session, profiles: Iterable[synthetic.SyntheticCandidate]) -> None:
    for profile in profiles:
        candidates.create_platform_candidate(session, profile.fields)


def _seed_applications(session: Session, employer_id: int) -> None:
    """A few applicants per open demo job, some of them further down the pipeline."""
    open_jobs = session.scalars(
        select(Job).where(
            Job.employer_id == employer_id,
            Job.status == JobStatus.ACTIVE,
            Job.expiry_date > utcnow(),
        )
    ).all()
    if not open_jobs:
        return
    stages = pipeline.list_stages(session, employer_id)
    people = synthetic.profiles(DEMO_APPLICANTS_PER_JOB * len(open_jobs), seed=23)
    for number, profile in enumerate(people):
        job = open_jobs[number % len(open_jobs)]
        fields = profile.fields
        application = applications.quick_apply(
            session,
            job.id,
            {
                "full_name": fields["full_name"],
                "email": f"applicant{number}@demo.hirebridge.example",
                "cv_text": fields["cv_text"],
            },
        )
        stage = stages[number % 4]
        if stage.id != application.stage_id:
            pipeline.move_application(session, employer_id, application.id, stage.id)


def _key_works(session: Session, plaintext: str, employer_id: int) -> bool:
    principal = api_keys.authenticate(session, plaintext)
    return principal is not None and principal.employer_id == employer_id

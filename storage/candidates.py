"""Candidates: records (platform profiles and employers' own), the talent pool, and full
profiles behind unlocks. The CV search over them is ``storage.search``, the talent pool's
lists ``storage.talent_pool``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from storage.candidate_scopes import UNLOCK_PERIOD, visible_to
from storage.clock import utcnow
from storage.credits import charge_credit
from storage.errors import Conflict, InvalidRequest, NotFound, quoted
from storage.models import (
    Application,
    Candidate,
    CandidatePreferredCountry,
    CandidateUnlock,
    CreditKind,
    Employer,
)
from storage.search.indexing import index_profile
from storage.text import normalize_email, strip

MUTABLE_FIELDS = frozenset(
    {
        "full_name",
        "email",
        "phone",
        "headline",
        "summary",
        "cv_text",
        "skills",
        "city",
        "country_id",
        "preferred_country_ids",
        "last_active_at",
    }
)
_REQUIRED_FIELDS = frozenset({"full_name", "email"})


@dataclass(frozen=True)
class Profile:
    """A full profile as one employer may see it."""

    candidate: Candidate
    in_talent_pool: bool
    unlock_expires_at: datetime | None


def _assign(candidate: Candidate, fields: Mapping[str, Any]) -> None:
    unknown = set(fields) - MUTABLE_FIELDS
    if unknown:
        raise InvalidRequest(f"These fields cannot be set: {', '.join(sorted(unknown))}.")
    for name, value in fields.items():
        if value is None and name in _REQUIRED_FIELDS:
            raise InvalidRequest(f"{name} cannot be cleared.")
        if name == "preferred_country_ids":
            candidate.preferred_countries = [
                CandidatePreferredCountry(country_id=country)
                for country in sorted(set(value or []))
            ]
        elif name == "skills":
            candidate.skills = [strip(skill) for skill in value or [] if strip(skill)]
        elif name == "email":
            candidate.email = strip(value)
            candidate.email_key = normalize_email(value)
        elif name == "last_active_at" and value is None:
            raise InvalidRequest("last_active_at cannot be cleared.")
        else:
            setattr(
                candidate,
                name,
                strip(value) if isinstance(value, str) and name != "cv_text" else value,
            )


def create_platform_candidate(
    session: Session, fields: Mapping[str, Any], *, in_cv_database: bool = True
) -> Candidate:
    """A job seeker's own profile (made by the job board, the demo and the tests)."""
    return _create(session, None, fields, in_cv_database=in_cv_database)


def create_owned_candidate(
    session: Session, employer_id: int, fields: Mapping[str, Any]
) -> Candidate:
    """A record in ``employer_id``'s talent pool, private to that employer."""
    return _create(session, employer_id, fields, in_cv_database=False)


def withdraw_from_cv_database(session: Session, candidate_id: int) -> Candidate:
    """The job seeker takes their platform profile out of the CV database: from this transaction
    on, no employer's search finds it (employers it applied to still see their applicant)."""
    candidate = session.get(Candidate, candidate_id)
    if candidate is None or candidate.owner_employer_id is not None:
        raise NotFound(f"No platform profile with id {candidate_id}.")
    candidate.in_cv_database = False
    _save(session, candidate)
    return candidate


def find_or_create_applicant(session: Session, fields: Mapping[str, Any]) -> Candidate:
    """The platform candidate with the applicant's e-mail address, made if there is none.

    A new applicant's profile stays out of the searchable CV database (applying is not opting
    in); an existing profile is reused as it is, since it is the job seeker's to keep.
    """
    email_key = normalize_email(fields["email"])
    existing = _platform_candidate(session, email_key)
    if existing is not None:
        return existing
    try:
        # A savepoint: a concurrent first application with the same address wins the unique
        # index, and this one then reuses its profile.
        with session.begin_nested():
            return _create(session, None, fields, in_cv_database=False)
    except Conflict:
        found = _platform_candidate(session, email_key)
        if found is None:
            raise
        return found


def _platform_candidate(session: Session, email_key: str) -> Candidate | None:
    return session.scalars(
        select(Candidate).where(
            Candidate.owner_employer_id.is_(None), Candidate.email_key == email_key
        )
    ).first()


def _create(
    session: Session, owner: int | None, fields: Mapping[str, Any], *, in_cv_database: bool
) -> Candidate:
    now = utcnow()
    candidate = Candidate(
        owner_employer_id=owner,
        in_cv_database=in_cv_database,
        skills=[],
        last_active_at=now,
        created_at=now,
        updated_at=now,
    )
    _assign(candidate, fields)
    _check_email_free(session, candidate)
    session.add(candidate)
    _save(session, candidate)
    return candidate


def _save(session: Session, candidate: Candidate) -> None:
    """Index and flush the candidate now: the response needs its id, and a concurrent twin with
    the same e-mail address surfaces here as a unique-index violation."""
    try:
        index_profile(session, candidate)
        session.flush()
    except IntegrityError:
        raise Conflict(
            f"A candidate with the e-mail address {candidate.email} already exists."
        ) from None


def _check_email_free(session: Session, candidate: Candidate) -> None:
    owner_matches = (
        Candidate.owner_employer_id.is_(None)
        if candidate.owner_employer_id is None
        else Candidate.owner_employer_id == candidate.owner_employer_id
    )
    conditions = [owner_matches, Candidate.email_key == candidate.email_key]
    if candidate.id is not None:
        conditions.append(Candidate.id != candidate.id)
    # Not flushed first: the pending change would trip the unique index before we can explain.
    with session.no_autoflush:
        clash = session.scalar(select(Candidate.id).where(*conditions))
    if clash is not None:
        raise Conflict(
            f"Candidate {clash} already has the e-mail address {quoted(candidate.email)}."
        )


def update_owned_candidate(
    session: Session, employer_id: int, candidate_id: int, changes: Mapping[str, Any]
) -> Candidate:
    if not changes:
        raise InvalidRequest("Name at least one field to change.")
    candidate = session.scalars(
        select(Candidate)
        .where(Candidate.id == candidate_id, visible_to(employer_id))
        .with_for_update()
    ).first()
    if candidate is None:
        raise NotFound(f"No candidate with id {candidate_id}.")
    if candidate.owner_employer_id != employer_id:
        raise InvalidRequest(
            "This is a platform profile, kept by the candidate; only records your organisation "
            "created can be changed."
        )
    # Replacing the country list loads the old one; flushing the new e-mail address with that
    # load would trip the unique index before _check_email_free can explain the clash.
    with session.no_autoflush:
        _assign(candidate, changes)
    if "email" in changes:
        _check_email_free(session, candidate)
    candidate.updated_at = utcnow()
    _save(session, candidate)
    return candidate


def get_profile(session: Session, employer: Employer, candidate_id: int) -> Profile:
    """A full profile (docs/requirements.md#j3): free in the talent pool and for 30 days after an
    unlock; otherwise one ``cv_download`` credit, charged in this transaction together with the new
    unlock."""
    candidate = session.scalars(
        select(Candidate)
        .where(Candidate.id == candidate_id, visible_to(employer.id))
        .options(selectinload(Candidate.preferred_countries))
    ).first()
    if candidate is None:
        raise NotFound(f"No candidate with id {candidate_id}.")
    if candidate.owner_employer_id == employer.id or _applied(session, employer.id, candidate_id):
        return Profile(candidate, in_talent_pool=True, unlock_expires_at=None)

    now = utcnow()
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(CandidateUnlock)
        .values(employer_id=employer.id, candidate_id=candidate_id, unlocked_at=now)
        .on_conflict_do_update(
            index_elements=[CandidateUnlock.employer_id, CandidateUnlock.candidate_id],
            set_={"unlocked_at": now},
            where=CandidateUnlock.unlocked_at <= now - UNLOCK_PERIOD,
        )
        .returning(CandidateUnlock.unlocked_at)
    )
    # A row comes back only when this request took a new unlock. A concurrent request for the same
    # candidate waits on that row and, once it commits, finds a fresh unlock and pays nothing.
    took_unlock = session.execute(statement).first() is not None
    if took_unlock:
        charge_credit(
            session,
            employer,
            CreditKind.CV_DOWNLOAD,
            reason="cv_download",
            reference=f"candidate:{candidate_id}",
        )
        return Profile(candidate, in_talent_pool=False, unlock_expires_at=now + UNLOCK_PERIOD)
    unlocked_at = session.scalar(
        select(CandidateUnlock.unlocked_at).where(
            CandidateUnlock.employer_id == employer.id, CandidateUnlock.candidate_id == candidate_id
        )
    )
    assert unlocked_at is not None
    return Profile(candidate, in_talent_pool=False, unlock_expires_at=unlocked_at + UNLOCK_PERIOD)


def applicant_ids(session: Session, employer_id: int, candidate_ids: Iterable[int]) -> set[int]:
    """Which of ``candidate_ids`` applied to one of the employer's jobs."""
    return set(
        session.scalars(
            select(Application.candidate_id).where(
                Application.employer_id == employer_id,
                Application.candidate_id.in_(list(candidate_ids)),
            )
        )
    )


def _applied(session: Session, employer_id: int, candidate_id: int) -> bool:
    return bool(applicant_ids(session, employer_id, [candidate_id]))

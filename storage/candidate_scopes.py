"""Which candidates an employer may reach, as SQL conditions: its searches' scope, its talent
pool, and what it may look up. Shared by the candidate records (``storage.candidates``) and the
search (``storage.search``), so that both draw the same lines."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, or_, select, union_all

from storage.models import Application, Candidate, CandidateSearch

# A full profile is free to see again for this long after the employer unlocked it.
UNLOCK_PERIOD = timedelta(days=30)


def searchable_by(
    employer_id: int | ColumnElement[Any], source: type[Candidate | CandidateSearch] = Candidate
) -> ColumnElement[bool]:
    """What the employer's CV searches cover: platform profiles in the CV database, and the
    employer's own records (of ``candidates``, or of its search rows in ``candidate_search``)."""
    return or_(
        and_(source.owner_employer_id.is_(None), source.in_cv_database.is_(True)),
        source.owner_employer_id == employer_id,
    )


def applied_to(employer_id: int | ColumnElement[Any]) -> ColumnElement[bool]:
    """The candidate applied to one of the employer's jobs."""
    return exists(
        select(Application.id).where(
            Application.candidate_id == Candidate.id, Application.employer_id == employer_id
        )
    )


_CANDIDATES = Candidate.__table__
_APPLICATIONS = Application.__table__
# One alias for every statement: a new one each call would make each statement new to
# SQLAlchemy's compiled cache.
_OWNED = _CANDIDATES.alias("owned_candidates")


def in_talent_pool(employer_id: int | ColumnElement[Any]) -> ColumnElement[bool]:
    """The employer's talent pool: records it created and everyone who applied to its jobs.

    Written as the ids of the two sets, each read from its own index (the employer's records,
    the employer's applications), rather than ``owner = :employer OR EXISTS (application)``,
    which PostgreSQL can only answer by testing every candidate on the platform. Over the
    tables' columns, so that it serves plain row statements as well as ORM ones.
    """
    return _CANDIDATES.c.id.in_(
        union_all(
            select(_OWNED.c.id).where(_OWNED.c.owner_employer_id == employer_id),
            select(_APPLICATIONS.c.candidate_id).where(_APPLICATIONS.c.employer_id == employer_id),
        )
    )


def visible_to(employer_id: int) -> ColumnElement[bool]:
    """Every candidate the employer may look up: its searches' scope and its talent pool."""
    return or_(searchable_by(employer_id), applied_to(employer_id))

"""Employers (tenants): creation and the settings an operator changes."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.errors import InvalidRequest, NotFound
from storage.models import CreditBalance, CreditKind, Employer, Plan
from storage.pipeline import create_default_stages


def create_employer(
    session: Session,
    *,
    name: str,
    plan: Plan = Plan.PROFESSIONAL,
    contract_unlimited: bool = False,
    trusted_partner: bool = False,
) -> Employer:
    """Create an employer with a zero balance of every credit kind and the default pipeline."""
    name = name.strip()
    if not name:
        raise InvalidRequest("An employer needs a name.")
    employer = Employer(
        name=name,
        plan=plan,
        contract_unlimited=contract_unlimited,
        trusted_partner=trusted_partner,
    )
    employer.balances = [CreditBalance(kind=kind, balance=0) for kind in CreditKind]
    session.add(employer)
    # The caller needs the id (the CLI prints it) and so do the stages: the row goes out now.
    session.flush()
    create_default_stages(session, employer.id)
    return employer


def get_employer(session: Session, employer_id: int) -> Employer:
    employer = session.get(Employer, employer_id)
    if employer is None:
        raise NotFound(f"No employer with id {employer_id}.")
    return employer


def list_employers(session: Session) -> list[Employer]:
    """Every employer, oldest first (for operators)."""
    return list(session.scalars(select(Employer).order_by(Employer.id)))


def set_rate_multiplier(session: Session, employer_id: int, multiplier: int) -> Employer:
    """Scale every rate-limit family of the employer's keys by ``multiplier``
    (docs/requirements.md#r1).

    Keys pick the change up on their next request: the multiplier travels with authentication.
    """
    if multiplier < 1:
        raise InvalidRequest("The rate multiplier must be a whole number of at least 1.")
    employer = get_employer(session, employer_id)
    employer.rate_multiplier = multiplier
    return employer


def set_plan(session: Session, employer_id: int, plan: Plan) -> Employer:
    """Move the employer to ``plan``; its monthly quota changes from the next request
    (docs/requirements.md#c1)."""
    employer = get_employer(session, employer_id)
    employer.plan = plan
    return employer

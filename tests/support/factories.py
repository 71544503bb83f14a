"""Factories for employers, keys and jobs (a pytest plugin, registered in the root
``conftest.py``). Each test makes its own employers, so tests never see each other's data: the
same tenancy rule the API enforces keeps them apart."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy.orm import Session

from storage import api_keys, credits, db, employers
from storage.models import ApiKeyStatus, CreditKind, Employer, Plan
from tests.support.apps import Api

ALL_SCOPES = ",".join(api_keys.SCOPES)

SEED_JOB: dict[str, Any] = {
    "title": "Senior Platform Engineer",
    "reference": "PL-001",
    "description": "Build and run the platform...",
    "city": "London",
    "country": "United Kingdom",
    "employmentType": "FullTime",
    "remoteType": "HybridRemote",
    "applyMethod": "EmailApply",
    "applyEmailAddress": "jobs@example.com",
}
# A talent-pool record of the employer's own, with every field a create takes but the texts.
FULL_CANDIDATE: dict[str, Any] = {
    "fullName": "Priya Evans",
    "email": "priya@example.com",
    "phone": "+44 20 7946 0958",
    "headline": "Process engineer",
    "skills": ["HVAC", "AutoCAD"],
    "city": "London",
    "countryId": 44,
    "preferredCountryIds": [971, 44],
    "lastActiveAt": "2026-05-20T08:12:00Z",
}
# The same job in v2's words.
V2_JOB: dict[str, Any] = {
    "title": "Senior Platform Engineer",
    "reference": "PL-001",
    "description": "Build and run the platform...",
    "location": "London, United Kingdom",
    "employmentType": "full-time",
    "remoteType": "hybrid",
    "applyMethod": "email",
    "applyEmailAddress": "jobs@example.com",
}


@dataclass(frozen=True)
class Tenant:
    """An employer made for one test, and a key of it with every scope."""

    employer_id: int
    key: str
    key_id: int


EmployerFactory = Callable[..., int]
KeyFactory = Callable[..., tuple[int, str]]


def employer_in(
    session: Session,
    *,
    name: str | None = None,
    plan: Plan = Plan.PROFESSIONAL,
    unlimited: bool = False,
    trusted: bool = False,
    job_posting: int = 0,
    cv_search: int = 0,
    cv_download: int = 0,
) -> Employer:
    """A new employer with the given plan, contract and credits, in ``session``'s transaction."""
    employer = employers.create_employer(
        session,
        name=name or f"Employer {secrets.token_hex(4)}",
        plan=plan,
        contract_unlimited=unlimited,
        trusted_partner=trusted,
    )
    for kind, amount in (
        (CreditKind.JOB_POSTING, job_posting),
        (CreditKind.CV_SEARCH, cv_search),
        (CreditKind.CV_DOWNLOAD, cv_download),
    ):
        if amount:
            credits.adjust_credits(session, employer.id, kind, amount)
    return employer


@pytest.fixture
def make_employer() -> EmployerFactory:
    """``employer_in`` in a unit of work of its own, on the process's database; its id."""

    def make(**options: Any) -> int:
        with db.unit_of_work() as session:
            return employer_in(session, **options).id

    return make


def mint_usable_key(session: Any, employer: Any, **kwargs: Any) -> api_keys.MintedKey:
    """Mint a key and, if it waits for approval (docs/requirements.md#k6), approve it as an operator
    would."""
    minted = api_keys.mint_key(session, employer, **kwargs)
    if minted.key.status is ApiKeyStatus.PENDING:
        api_keys.approve_key(session, minted.key.id)
    return minted


@pytest.fixture
def make_key() -> KeyFactory:
    def make(
        employer_id: int, scopes: str = ALL_SCOPES, *, approve: bool = True, **kwargs: Any
    ) -> tuple[int, str]:
        with db.unit_of_work() as session:
            employer = employers.get_employer(session, employer_id)
            mint = mint_usable_key if approve else api_keys.mint_key
            minted = mint(
                session,
                employer,
                name=kwargs.pop("name", "test key"),
                scopes=scopes.split(","),
                **kwargs,
            )
            return minted.key.id, minted.plaintext

    return make


@pytest.fixture
def tenant(api: Api, make_employer: EmployerFactory, make_key: KeyFactory) -> Tenant:
    """A fresh employer with a few credits and an all-scopes key, set as the api's default key."""
    employer_id = make_employer(job_posting=5, cv_search=5, cv_download=5)
    key_id, key = make_key(employer_id)
    api.default_key = key
    return Tenant(employer_id=employer_id, key=key, key_id=key_id)

"""E-mail addresses are one identity however they are spelled: the sign-in limit per address,
the sign-in lookup and the uniqueness of users all see the same normalised address."""

from __future__ import annotations

import itertools
import secrets

import httpx
import pytest

from storage import db, users
from storage.errors import Conflict
from storage.models import UserRole
from tests.security.support import EDGE_SIGN_IN_PER_MINUTE
from tests.support.apps import Api
from tests.support.factories import EmployerFactory
from tests.support.live import LiveServer
from tests.support.portal import PASSWORD, csrf_token, make_user

# Spellings of one address a client might send: leading or trailing white space of every kind
# (U+FEFF, em space, no-break space, ideographic space), other case, full-width compatibility
# characters (NFKC makes them plain).
SPELLINGS = [
    "\ufeff{}",
    "\ufeff\ufeff\ufeff{}",
    "\u2003{}\u00a0",
    "\u3000{}\u2028",
    " {} ",
    "{}\ufeff",
]
_addresses = (f"192.0.2.{number}" for number in itertools.count(1))


def _attempt(server: LiveServer, email: str, password: str) -> int:
    """One sign-in from an address of its own (the edge server believes X-Forwarded-For), so
    only the limit per e-mail address can refuse it."""
    headers = {"X-Forwarded-For": next(_addresses)}
    with httpx.Client(base_url=server.base_url, headers=headers) as client:
        form = client.get("/portal/sign-in")
        response = client.post(
            "/portal/sign-in",
            data={"email": email, "password": password, "csrf_token": csrf_token(form.text)},
        )
    return response.status_code


def _variants(email: str) -> list[str]:
    local, _, domain = email.partition("@")
    full_width = "".join(chr(ord(c) + 0xFEE0) if c.isalnum() else c for c in local)
    return [spelling.format(email) for spelling in SPELLINGS] + [
        email.upper(),
        f"{full_width}@{domain.upper()}",
    ]


def test_every_spelling_signs_in_as_the_one_user(
    pg_api: Api, edge_server: LiveServer, make_employer: EmployerFactory
) -> None:
    statuses = {}
    for spelling in range(len(_variants("a@b"))):
        # A user per spelling keeps each attempt far from its limit per e-mail address.
        variant = _variants(make_user(make_employer()))[spelling]
        statuses[variant] = _attempt(edge_server, variant, PASSWORD)
    assert set(statuses.values()) == {303}, statuses


def test_the_sign_in_limit_counts_every_spelling_as_one_address(
    pg_api: Api, edge_server: LiveServer, make_employer: EmployerFactory
) -> None:
    email = make_user(make_employer())
    wrong = [
        _attempt(edge_server, email, "wrong password!!") for _ in range(EDGE_SIGN_IN_PER_MINUTE)
    ]

    right = {variant: _attempt(edge_server, variant, PASSWORD) for variant in _variants(email)}

    assert wrong == [400] * EDGE_SIGN_IN_PER_MINUTE
    assert set(right.values()) == {429}, right


def test_users_are_unique_by_normalised_address(
    pg_api: Api, make_employer: EmployerFactory
) -> None:
    employer_id = make_employer()
    email = f"ada-{secrets.token_hex(4)}@example.com"
    with db.unit_of_work() as session:
        created = users.create_user(
            session,
            employer_id,
            email=f"\ufeff {email.upper()}\u3000",
            name="Ada",
            role=UserRole.EMPLOYER_ADMIN,
        )
        assert created.email == email
    for variant in _variants(email):
        with pytest.raises(Conflict), db.unit_of_work() as session:
            users.create_user(
                session, employer_id, email=variant, name="Ada", role=UserRole.RECRUITER
            )

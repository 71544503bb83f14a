"""Helpers for the portal's tests: users, and signing in through the real forms."""

from __future__ import annotations

import dataclasses
import re
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import redis

from storage import db, users, webhook_targets
from storage.models import UserRole
from tests.support.apps import make_settings
from tests.support.databases import TEST_REDIS_URL

PASSWORD = "correct horse battery staple"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def own_redis(number: int) -> str:
    """The URL of Redis database ``number``, emptied: the portal tests' own usage counters.

    Employer ids start at 1 in every test session's database, and other sessions on the same
    machine share database 13, so a count checked on a page must come from a database of its own.
    Databases taken by the suite (on TEST_REDIS_URL's server): 5 portal usage, 6 portal accounts,
    7 worker failover, 8 scale-out, 9 portal, 10 browser, 11 rate limits, 12 webhook queues,
    13 everything else.
    """
    base, _, _ = TEST_REDIS_URL.rpartition("/")
    url = f"{base}/{number}"
    client = redis.Redis.from_url(url)
    client.flushdb()
    client.close()
    return url


def make_user(employer_id: int, role: UserRole = UserRole.EMPLOYER_ADMIN) -> str:
    """A user of the employer with ``PASSWORD``; returns the e-mail address."""
    email = f"{role.value.lower()}-{secrets.token_hex(4)}@portal.example"
    with db.unit_of_work() as session:
        users.create_user(
            session,
            employer_id,
            email=email,
            name=f"{role.value} user",
            role=role,
            password=PASSWORD,
        )
    return email


def csrf_token(html: str) -> str:
    match = _CSRF.search(html)
    assert match is not None, "the page has no form with a CSRF token"
    return match.group(1)


def sign_in(client: Any, email: str, password: str = PASSWORD) -> Any:
    """Sign ``client`` (an httpx-style client with a cookie jar) in; returns the last response."""
    form = client.get("/portal/sign-in")
    assert form.status_code == 200
    return client.post(
        "/portal/sign-in",
        data={"email": email, "password": password, "csrf_token": csrf_token(form.text)},
        follow_redirects=False,
    )


@dataclasses.dataclass
class PortalApp:
    client: Any
    database: db.Database
    app: Any = None


def build_portal_app(
    postgresql_url: str, redis_url: str, data_dir: Path, address: str, **overrides: Any
) -> Iterator[PortalApp]:
    """The app on ``postgresql_url`` with loopback webhook targets allowed and ``overrides``
    of the test settings, served to one in-process client that comes from ``address``."""
    from hirebridge.app import create_app

    settings = dataclasses.replace(
        make_settings(postgresql_url, redis_url, data_dir),
        webhook_allow_insecure_targets=True,
        **overrides,
    )
    previous = webhook_targets.current().allow_insecure
    app = create_app(settings)
    try:
        with app.test_client(client=(address, 50000)) as client:
            yield PortalApp(client=client, database=db.current(), app=app)
    finally:
        # The target policy is the process's: leave it as the other tests expect it.
        webhook_targets.configure(allow_insecure=previous)

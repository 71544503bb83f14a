"""The employer portal's rules through HTTP, in process (the browser tests cover the journeys).

The portal app here is built on this session's PostgreSQL with a high sign-in limit and loopback
webhook targets allowed; the sign-in limit has a test of its own on an app with a low one.
"""

from __future__ import annotations

import os
import pty
import secrets
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from hirebridge.portal.routes import WRONG_CREDENTIALS
from hirebridge.portal.sessions import COOKIE_NAME
from storage import db, users
from storage.models import (
    ApiKey,
    ApiKeyStatus,
    CreditKind,
    Plan,
    User,
    UserRole,
    WebhookSubscription,
)
from tests.support.databases import TEST_REDIS_URL
from tests.support.factories import EmployerFactory, KeyFactory
from tests.support.live import service_env
from tests.support.portal import (
    PASSWORD,
    PortalApp,
    build_portal_app,
    csrf_token,
    make_user,
    own_redis,
    sign_in,
)


@pytest.fixture(scope="module")
def portal_redis() -> str:
    return own_redis(9)


@pytest.fixture(scope="module")
def module_portal(
    postgresql_url: str, portal_redis: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[PortalApp]:
    yield from build_portal_app(
        postgresql_url,
        portal_redis,
        tmp_path_factory.mktemp("portal"),
        "198.51.100.10",
        portal_sign_in_per_minute=100_000,
    )


@pytest.fixture
def portal(module_portal: PortalApp) -> Any:
    """The portal's client, signed out, with the process's storage pointed at its database."""
    db.use(module_portal.database)
    module_portal.client.cookies.clear()
    return module_portal.client


def signed_in(client: Any, email: str) -> Any:
    response = sign_in(client, email)
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/portal/keys"
    return client


def keys_of(employer_id: int) -> list[ApiKey]:
    with db.unit_of_work() as session:
        return list(session.scalars(select(ApiKey).where(ApiKey.employer_id == employer_id)))


def form_token(client: Any, path: str = "/portal/keys") -> str:
    return csrf_token(client.get(path).text)


def mint(client: Any, name: str = "ATS", scopes: tuple[str, ...] = ("JobPosting",)) -> Any:
    return client.post(
        "/portal/keys",
        data={
            "name": name,
            "scopes": list(scopes),
            "expires": "",
            "csrf_token": form_token(client),
        },
    )


class TestSignIn:
    def test_the_session_cookie_is_signed_http_only_lax_and_secure_over_https(
        self, portal: Any, make_employer: EmployerFactory
    ) -> None:
        email = make_user(make_employer())
        page = portal.get("/portal/sign-in")
        cookie = page.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/portal" in cookie
        assert "Secure" not in cookie
        portal.cookies.clear()
        over_https = portal.get("https://testserver/portal/sign-in")
        assert "Secure" in over_https.headers["set-cookie"]
        portal.cookies.clear()
        portal.get("/portal/sign-in")
        # The password never goes into the cookie, and a signed-in session is a new cookie.
        before = portal.cookies[COOKIE_NAME]
        response = sign_in(portal, email)
        assert response.status_code == 303
        assert portal.cookies[COOKIE_NAME] != before
        assert PASSWORD not in response.headers["set-cookie"]
        assert portal.get("/portal/keys").status_code == 200

    def test_a_wrong_password_and_an_unknown_address_get_the_same_generic_error(
        self, portal: Any, make_employer: EmployerFactory
    ) -> None:
        email = make_user(make_employer())
        wrong_password = sign_in(portal, email, "not the password at all")
        unknown = sign_in(portal, "nobody-" + email, PASSWORD)
        for response in (wrong_password, unknown):
            assert response.status_code == 400
            assert WRONG_CREDENTIALS in response.text
        assert portal.get("/portal/keys", follow_redirects=False).status_code == 303

    def test_a_user_without_a_password_cannot_sign_in(
        self, portal: Any, make_employer: EmployerFactory
    ) -> None:
        employer_id = make_employer()
        with db.unit_of_work() as session:
            users.create_user(
                session,
                employer_id,
                email="nopassword-" + secrets.token_hex(4) + "@portal.example",
                name="No password",
                role=UserRole.EMPLOYER_ADMIN,
            )
            email = session.scalars(select(User.email).order_by(User.id.desc())).first()
        assert email is not None
        assert WRONG_CREDENTIALS in sign_in(portal, email, "").text

    def test_pages_need_a_session_and_a_forged_one_is_ignored(
        self, portal: Any, make_employer: EmployerFactory
    ) -> None:
        for path in ("/portal/keys", "/portal/webhooks", "/portal/credits", "/portal"):
            response = portal.get(path, follow_redirects=False)
            assert response.status_code == 303
            assert response.headers["location"] == "/portal/sign-in"
        signed_in(portal, make_user(make_employer()))
        genuine = portal.cookies[COOKIE_NAME]
        portal.cookies.clear()
        portal.cookies.set(COOKIE_NAME, genuine[:-2] + "xx", path="/portal")
        assert portal.get("/portal/keys", follow_redirects=False).status_code == 303

    def test_sign_out_ends_the_session_and_a_new_password_ends_old_sessions(
        self, portal: Any, make_employer: EmployerFactory
    ) -> None:
        email = make_user(make_employer())
        signed_in(portal, email)
        cookie = portal.cookies[COOKIE_NAME]
        out = portal.post(
            "/portal/sign-out", data={"csrf_token": form_token(portal)}, follow_redirects=False
        )
        assert out.status_code == 303
        assert portal.get("/portal/keys", follow_redirects=False).status_code == 303
        # The old cookie is still validly signed; changing the password is what retires it.
        portal.cookies.clear()
        portal.cookies.set(COOKIE_NAME, cookie, path="/portal")
        assert portal.get("/portal/keys").status_code == 200
        with db.unit_of_work() as session:
            user = users.find_user(session, email)
            assert user is not None
            users.set_password(session, user, "a brand new password")
        assert portal.get("/portal/keys", follow_redirects=False).status_code == 303


def test_pages_assets_and_errors_are_the_portals_own(portal: Any) -> None:
    css = portal.get("/portal/static/portal.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    page = portal.get("/portal/sign-in")
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["cache-control"] == "no-store"
    missing = portal.get("/portal/no-such-page")
    assert missing.status_code == 404 and "There is no such page." in missing.text
    wrong_method = portal.get("/portal/sign-out")
    assert wrong_method.status_code == 405 and wrong_method.headers["content-type"].startswith(
        "text/html"
    )


class TestCsrf:
    def test_every_post_without_the_session_token_is_refused(
        self, portal: Any, make_employer: EmployerFactory
    ) -> None:
        employer_id = make_employer(job_posting=1)
        signed_in(portal, make_user(employer_id))
        data = {"name": "No token", "scopes": ["JobPosting"]}
        for token in (None, "", "a-token-of-another-session"):
            form = dict(data) if token is None else {**data, "csrf_token": token}
            refused = portal.post("/portal/keys", data=form)
            assert refused.status_code == 403
            assert "expired or did not come from the portal" in refused.text
        for path in ("/portal/webhooks", "/portal/sign-out", "/portal/keys/1/revoke"):
            assert portal.post(path, data={}).status_code == 403
        assert keys_of(employer_id) == []
        # The same form with the token goes through.
        assert mint(portal).status_code == 201

    def test_signing_in_needs_the_token_of_the_form(
        self, portal: Any, make_employer: EmployerFactory
    ) -> None:
        email = make_user(make_employer())
        portal.get("/portal/sign-in")
        refused = portal.post("/portal/sign-in", data={"email": email, "password": PASSWORD})
        assert refused.status_code == 403
        assert portal.get("/portal/keys", follow_redirects=False).status_code == 303


class TestKeys:
    def test_an_admin_mints_a_key_shown_once_that_works_until_revoked(
        self, portal: Any, make_employer: EmployerFactory
    ) -> None:
        employer_id = make_employer(job_posting=1)
        signed_in(portal, make_user(employer_id))
        created = mint(portal, "Bullhorn production", ("JobPosting", "webhooks:manage"))
        assert created.status_code == 201
        [key] = keys_of(employer_id)
        assert key.status is ApiKeyStatus.ACTIVE
        plaintext = created.text.split('id="new-key" class="secret-value">')[1].split("<")[0]
        assert plaintext.startswith("pk_live_") and plaintext not in portal.get("/portal/keys").text
        assert set(key.scopes) >= {"jobs:read", "jobs:write", "webhooks:manage"}
        auth = {"Authorization": f"Bearer {plaintext}"}
        assert portal.get("/api/v1/jobs", headers=auth).status_code == 200

        confirm = portal.get(f"/portal/keys/{key.id}/revoke")
        assert confirm.status_code == 200 and "Revoke the key" in confirm.text
        revoked = portal.post(
            f"/portal/keys/{key.id}/revoke",
            data={"csrf_token": csrf_token(confirm.text)},
            follow_redirects=False,
        )
        assert revoked.status_code == 303
        assert revoked.headers["location"] == "/portal/keys?done=revoked"
        assert [k.status for k in keys_of(employer_id)] == [ApiKeyStatus.REVOKED]
        assert portal.get("/api/v1/jobs", headers=auth).status_code == 401

    def test_plan_caps_and_approval_are_the_clis(
        self, portal: Any, make_employer: EmployerFactory
    ) -> None:
        starter = make_employer(plan=Plan.STARTER, job_posting=1)
        signed_in(portal, make_user(starter))
        assert mint(portal, "first").status_code == 201
        capped = mint(portal, "second")
        assert capped.status_code == 400
        assert "The starter plan allows 1 active key" in capped.text
        # A CV search key waits for an operator (docs/requirements.md#k6), and counts against the
        # cap like any other.
        portal.cookies.clear()
        professional = make_employer(job_posting=1)
        signed_in(portal, make_user(professional))
        pending = mint(portal, "search", ("CvSearch",))
        assert pending.status_code == 201 and "pending" in pending.text
        assert [k.status for k in keys_of(professional)] == [ApiKeyStatus.PENDING]
        # The free plan mints nothing.
        portal.cookies.clear()
        signed_in(portal, make_user(make_employer(plan=Plan.FREE)))
        assert "The free plan has no API access" in mint(portal).text

    def test_bad_input_is_explained_and_mints_nothing(
        self, portal: Any, make_employer: EmployerFactory
    ) -> None:
        employer_id = make_employer(job_posting=1)
        signed_in(portal, make_user(employer_id))
        no_scope = mint(portal, "nothing", ())
        assert no_scope.status_code == 400 and "at least one scope" in no_scope.text
        past = portal.post(
            "/portal/keys",
            data={
                "name": "old",
                "scopes": ["JobPosting"],
                "expires": "2001-01-01",
                "csrf_token": form_token(portal),
            },
        )
        assert past.status_code == 400 and "The expiry must be in the future." in past.text
        assert keys_of(employer_id) == []
        dated = portal.post(
            "/portal/keys",
            data={
                "name": "dated",
                "scopes": ["jobs:read"],
                "expires": "2099-12-31",
                "csrf_token": form_token(portal),
            },
        )
        assert dated.status_code == 201
        [key] = keys_of(employer_id)
        assert key.expires_at == datetime(2100, 1, 1, tzinfo=UTC)

    def test_another_employers_key_is_not_found(
        self, portal: Any, make_employer: EmployerFactory, make_key: KeyFactory
    ) -> None:
        other_key_id, _ = make_key(make_employer(job_posting=1))
        signed_in(portal, make_user(make_employer()))
        assert portal.get(f"/portal/keys/{other_key_id}/revoke").status_code == 404
        refused = portal.post(
            f"/portal/keys/{other_key_id}/revoke", data={"csrf_token": form_token(portal)}
        )
        assert refused.status_code == 404
        with db.unit_of_work() as session:
            other = session.get(ApiKey, other_key_id)
            assert other is not None and other.status is ApiKeyStatus.ACTIVE


class TestRecruiters:
    def test_a_recruiter_sees_keys_and_webhooks_but_changes_nothing(
        self, portal: Any, make_employer: EmployerFactory, make_key: KeyFactory
    ) -> None:
        employer_id = make_employer(job_posting=1)
        key_id, _ = make_key(employer_id, name="Shared key")
        signed_in(portal, make_user(employer_id, UserRole.RECRUITER))
        keys_page = portal.get("/portal/keys")
        assert "Shared key" in keys_page.text
        assert 'id="create-key"' not in keys_page.text and "Revoke</a>" not in keys_page.text
        hooks_page = portal.get("/portal/webhooks")
        assert hooks_page.status_code == 200 and 'id="create-webhook"' not in hooks_page.text
        token = csrf_token(keys_page.text)  # the sign-out form's: a valid token of the session
        posts = {
            "/portal/keys": {"name": "mine", "scopes": ["JobPosting"]},
            f"/portal/keys/{key_id}/revoke": {},
            "/portal/webhooks": {"url": "http://127.0.0.1:9/hooks", "events": ["job.published"]},
        }
        for path, data in posts.items():
            refused = portal.post(path, data={**data, "csrf_token": token})
            assert refused.status_code == 403, path
            assert "Only an employer admin" in refused.text
        assert [(k.id, k.status) for k in keys_of(employer_id)] == [(key_id, ApiKeyStatus.ACTIVE)]


class TestWebhooks:
    def test_create_rotate_disable_and_re_enable(
        self, portal: Any, make_employer: EmployerFactory
    ) -> None:
        employer_id = make_employer()
        signed_in(portal, make_user(employer_id))
        created = portal.post(
            "/portal/webhooks",
            data={
                "url": "http://127.0.0.1:9/hooks",
                "events": ["job.published", "job.closed"],
                "description": "ATS",
                "csrf_token": form_token(portal, "/portal/webhooks"),
            },
        )
        assert created.status_code == 201
        secret = created.text.split('id="new-secret" class="secret-value">')[1].split("<")[0]
        assert secret.startswith("whsec_")
        with db.unit_of_work() as session:
            [hook] = session.scalars(
                select(WebhookSubscription).where(WebhookSubscription.employer_id == employer_id)
            ).all()
        assert hook.events == ["job.published", "job.closed"]
        assert secret not in portal.get("/portal/webhooks").text
        page = f"/portal/webhooks/{hook.id}"

        rotated = portal.post(f"{page}/rotate", data={"csrf_token": form_token(portal, page)})
        assert rotated.status_code == 200
        new_secret = rotated.text.split('id="new-secret" class="secret-value">')[1].split("<")[0]
        assert new_secret.startswith("whsec_") and new_secret != secret

        # Disabled by the engine after failures (docs/requirements.md#w6): re-enabling resets the
        # count.
        with db.unit_of_work() as session:
            session.execute(
                update(WebhookSubscription)
                .where(WebhookSubscription.id == hook.id)
                .values(
                    enabled=False, disabled_reason="Too many failures.", consecutive_failures=10
                )
            )
        disabled = portal.get(page).text
        assert "Too many failures." in disabled and "Re-enable" in disabled
        assert "Send a test event" not in disabled
        enabled = portal.post(f"{page}/enable", data={"csrf_token": csrf_token(disabled)})
        assert enabled.status_code == 200 and "enabled again" in enabled.text
        with db.unit_of_work() as session:
            again = session.get(WebhookSubscription, hook.id)
            assert again is not None and again.enabled and again.consecutive_failures == 0

    def test_an_unsafe_or_empty_subscription_is_explained(
        self, portal: Any, make_employer: EmployerFactory
    ) -> None:
        signed_in(portal, make_user(make_employer()))
        refused = portal.post(
            "/portal/webhooks",
            data={
                "url": "ftp://127.0.0.1/hooks",
                "events": ["job.published"],
                "csrf_token": form_token(portal, "/portal/webhooks"),
            },
        )
        assert refused.status_code == 400 and 'class="error"' in refused.text
        no_events = portal.post(
            "/portal/webhooks",
            data={"url": "http://127.0.0.1:9/hooks", "csrf_token": form_token(portal)},
        )
        assert no_events.status_code == 400 and "at least one event" in no_events.text

    def test_another_employers_webhook_is_not_found(
        self, portal: Any, make_employer: EmployerFactory
    ) -> None:
        owner = make_employer()
        signed_in(portal, make_user(owner))
        portal.post(
            "/portal/webhooks",
            data={
                "url": "http://127.0.0.1:9/hooks",
                "events": ["job.published"],
                "csrf_token": form_token(portal, "/portal/webhooks"),
            },
        )
        with db.unit_of_work() as session:
            hook_id = session.scalars(
                select(WebhookSubscription.id).where(WebhookSubscription.employer_id == owner)
            ).one()
        portal.cookies.clear()
        signed_in(portal, make_user(make_employer()))
        assert portal.get(f"/portal/webhooks/{hook_id}").status_code == 404
        token = form_token(portal)
        for action in ("test", "rotate", "disable"):
            response = portal.post(
                f"/portal/webhooks/{hook_id}/{action}", data={"csrf_token": token}
            )
            assert response.status_code == 404


class TestCreditsAndUsage:
    def test_balances_ledger_pages_and_the_monthly_quota(
        self, portal: Any, make_employer: EmployerFactory, make_key: KeyFactory
    ) -> None:
        from storage import credits

        employer_id = make_employer(plan=Plan.STARTER)
        with db.unit_of_work() as session:
            for number in range(30):
                credits.adjust_credits(
                    session, employer_id, CreditKind.CV_SEARCH, 1, reference=f"INV-{number:02}"
                )
        _, key = make_key(employer_id, "jobs:read")
        for _ in range(3):
            assert portal.get("/api/v1/jobs", headers={"X-Api-Key": key}).status_code == 200
        signed_in(portal, make_user(employer_id, UserRole.RECRUITER))
        page = portal.get("/portal/credits").text
        assert "3 <small>of 1,000</small>" in page
        assert "INV-29" in page and "INV-05" in page and "INV-04" not in page
        assert "Page 1 of 2" in page
        older = portal.get("/portal/credits?page=2").text
        assert "INV-04" in older and "INV-00" in older and "INV-29" not in older


def test_sign_in_is_rate_limited_per_address(
    postgresql_url: str,
    portal_redis: str,
    tmp_path_factory: pytest.TempPathFactory,
    make_employer: EmployerFactory,
    module_portal: PortalApp,
) -> None:
    address = f"limited-{secrets.token_hex(4)}"
    for app in build_portal_app(
        postgresql_url,
        portal_redis,
        tmp_path_factory.mktemp("limited"),
        address,
        portal_sign_in_per_minute=3,
    ):
        client = app.client
        email = make_user(make_employer())
        # One window for the whole burst: it starts at the first attempt, whatever the clock.
        statuses = [sign_in(client, email, "wrong password!").status_code for _ in range(3)]
        refused = sign_in(client, email, PASSWORD)
        assert statuses == [400, 400, 400]
        assert refused.status_code == 429
        assert "Too many attempts" in refused.text
        assert 1 <= int(refused.headers["Retry-After"]) <= 60
    db.use(module_portal.database)


class TestUserCreate:
    """``hirebridge user create`` sets the password the portal checks, never from an argument."""

    def test_from_standard_input(
        self, portal: Any, postgresql_url: str, tmp_path: Path, make_employer: EmployerFactory
    ) -> None:
        email = f"stdin-{secrets.token_hex(4)}@portal.example"
        args = ["user", "create", "--employer", str(make_employer()), "--email", email]
        result = subprocess.run(
            [sys.executable, "-m", "hirebridge", *args, "--name", "Ops", "--password-stdin"],
            env=service_env(postgresql_url, TEST_REDIS_URL, tmp_path),
            input=f"{PASSWORD}\n",
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip().splitlines()[-1].isdigit()
        assert sign_in(portal, email).status_code == 303

    def test_from_a_prompt_on_a_terminal(
        self, portal: Any, postgresql_url: str, tmp_path: Path, make_employer: EmployerFactory
    ) -> None:
        email = f"prompt-{secrets.token_hex(4)}@portal.example"
        args = ["user", "create", "--employer", str(make_employer()), "--email", email]
        controller, terminal = pty.openpty()
        process = subprocess.Popen(
            [sys.executable, "-m", "hirebridge", *args, "--name", "Ops"],
            env=service_env(postgresql_url, TEST_REDIS_URL, tmp_path),
            stdin=terminal,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            # No controlling terminal: getpass reads the pty on standard input.
            start_new_session=True,
        )
        try:
            assert process.stderr is not None
            shown = b""
            # getpass discards what was typed before it turned echo off, then writes the final
            # space of the prompt: answer each prompt only once it is complete.
            for prompt in (b"Portal password (empty: no sign-in): ", b"Repeat for confirmation: "):
                while not shown.endswith(prompt):
                    chunk = os.read(process.stderr.fileno(), 1024)
                    assert chunk, shown
                    shown += chunk
                os.write(controller, f"{PASSWORD}\n".encode())
            assert process.wait(timeout=60) == 0
        finally:
            process.kill()
            process.wait()
            for stream in (process.stdout, process.stderr):
                if stream is not None:
                    stream.close()
            os.close(terminal)
            os.close(controller)
        assert sign_in(portal, email).status_code == 303

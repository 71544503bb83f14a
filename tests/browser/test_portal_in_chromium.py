"""The employer portal end to end in headless Chromium (Debian's ``chromium``, with Playwright).

The whole service runs as deployed (``conftest.py``: ``hirebridge serve`` and ``hirebridge
worker`` subprocesses on this session's PostgreSQL and Redis, loopback webhook targets allowed).
Tests make employers and users directly in the database, act in the browser, and check the
outcome from outside it:
the minted key against ``/api/v1/jobs`` over real HTTP, the test event at a loopback receiver.
Every page is saved as a screenshot under ``test-artifacts/portal/``.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from typing import Any

import httpx
from playwright.sync_api import Page, expect
from sqlalchemy import select

from storage import credits, db
from storage.models import ApiKey, ApiKeyStatus, CreditKind, UserRole
from tests.support.apps import Api
from tests.support.browser import DESKTOP, PHONE, Stack, screenshot, sign_in
from tests.support.factories import EmployerFactory
from tests.support.portal import make_user
from tests.support.receivers import Receiver, wait_for


def keys_of(employer_id: int) -> list[ApiKey]:
    with db.unit_of_work() as session:
        return list(session.scalars(select(ApiKey).where(ApiKey.employer_id == employer_id)))


def test_an_admin_mints_a_key_uses_it_and_revokes_it(
    pg_api: Api, make_employer: EmployerFactory, page: Page, stack: Stack
) -> None:
    employer_id = make_employer(job_posting=3)
    email = make_user(employer_id)
    page.goto("/portal")
    expect(page).to_have_url(re.compile(r"/portal/sign-in$"))
    screenshot(page, "01-sign-in")
    sign_in(page, email)
    expect(page).to_have_url(re.compile(r"/portal/keys$"))
    expect(page.get_by_text("No keys yet.")).to_be_visible()
    screenshot(page, "02-keys-empty")

    page.get_by_label("Name").fill("Bullhorn production")
    page.get_by_label("JobPosting").check()
    page.get_by_role("button", name="Create key").click()
    secret = page.locator("#new-key")
    expect(secret).to_have_text(re.compile(r"^pk_live_[A-Za-z0-9]{32,}$"))
    key = secret.inner_text()
    page.get_by_role("button", name="Copy").click()
    expect(page.get_by_role("button", name="Copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == key
    row = page.locator("#keys tbody tr", has_text="Bullhorn production")
    expect(row.locator(".status")).to_have_text("active")
    expect(row).to_contain_text(key[:12] + "…")
    expect(row).to_contain_text("jobs:write")
    screenshot(page, "03-key-created")

    with httpx.Client(base_url=stack.base_url, timeout=30) as api:
        bearer = {"Authorization": f"Bearer {key}"}
        listed = api.get("/api/v1/jobs", headers=bearer)
        assert listed.status_code == 200 and listed.json()["items"] == []

        # Shown once: a reload lists the key without its secret.
        page.goto("/portal/keys")
        assert key not in page.content()
        row.get_by_role("link", name="Revoke").click()
        expect(page.get_by_role("heading", name="Revoke “Bullhorn production”?")).to_be_visible()
        screenshot(page, "04-revoke-confirm")
        page.get_by_role("button", name="Revoke the key").click()
        expect(page).to_have_url(re.compile(r"/portal/keys\?done=revoked$"))
        expect(row.locator(".status")).to_have_text("revoked")
        expect(row.get_by_role("link", name="Revoke")).to_have_count(0)
        screenshot(page, "05-key-revoked")

        refused = api.get("/api/v1/jobs", headers=bearer)
        assert refused.status_code == 401 and refused.content == b""
    assert [k.status for k in keys_of(employer_id)] == [ApiKeyStatus.REVOKED]


def test_a_webhook_made_in_the_portal_receives_a_signed_test_event(
    pg_api: Api, make_employer: EmployerFactory, page: Page
) -> None:
    receiver = Receiver()
    try:
        sign_in(page, make_user(make_employer()))
        page.get_by_role("link", name="Webhooks").click()
        page.get_by_label("URL").fill(receiver.url())
        page.get_by_label("job.published").check()
        page.get_by_label("Description (optional)").fill("Our ATS")
        page.get_by_role("button", name="Add webhook").click()
        secret = page.locator("#new-secret").inner_text()
        assert secret.startswith("whsec_")
        row = page.locator("#webhooks tbody tr", has_text=receiver.url())
        expect(row).to_contain_text("enabled")
        screenshot(page, "06-webhook-created")

        page.get_by_role("link", name="Open the webhook").click()
        page.get_by_role("button", name="Send a test event").click()
        expect(page.get_by_role("status")).to_contain_text("test event is on its way")
        [request] = wait_for(lambda: list(receiver.requests), 30, "the test event")
        assert request.headers["X-Webhook-Event"] == "webhook.test"
        assert request.json["type"] == "webhook.test"
        timestamp, signature = request.headers["X-Webhook-Signature"].split(",")
        expected = hmac.new(
            secret.encode(), f"{timestamp[2:]}.".encode() + request.body, hashlib.sha256
        ).hexdigest()
        assert signature == f"v1={expected}"

        delivery = page.locator(f'[data-delivery-id="{request.delivery_id}"]')

        def attempt_shown() -> bool:
            # The delivery and its attempts are two reads: under READ COMMITTED a page rendered
            # while the outcome commits can show the attempt beside the older status, so both
            # are waited for, reloading.
            page.reload()
            text = delivery.inner_text()
            return (
                "HTTP 200" in text
                and delivery.locator(".status").inner_text().strip() == "succeeded"
            )

        wait_for(attempt_shown, 30, "the successful attempt on the page")
        expect(delivery.locator(".status")).to_have_text("succeeded")
        expect(page.locator("#webhook-failures")).to_have_text("0")
        screenshot(page, "07-webhook-deliveries")

        delivery.get_by_role("button", name="Redeliver").click()
        wait_for(lambda: len(receiver.requests) == 2, 30, "the redelivery")
        assert receiver.delivery_ids() == [request.delivery_id] * 2

        page.get_by_role("button", name="Rotate the secret").click()
        rotated = page.locator("#new-secret").inner_text()
        assert rotated.startswith("whsec_") and rotated != secret
        screenshot(page, "08-webhook-secret-rotated")
    finally:
        receiver.close()


def test_a_recruiter_sees_keys_and_webhooks_but_cannot_mint(
    pg_api: Api, make_employer: EmployerFactory, make_key: Any, page: Page, stack: Stack
) -> None:
    employer_id = make_employer(job_posting=1)
    make_key(employer_id, "jobs:read", name="Admin's key")
    sign_in(page, make_user(employer_id, UserRole.RECRUITER))
    expect(page.locator("#keys")).to_contain_text("Admin's key")
    expect(page.get_by_role("button", name="Create key")).to_have_count(0)
    expect(page.get_by_role("link", name="Revoke")).to_have_count(0)
    expect(page.get_by_text("Only an employer admin can create or revoke keys.")).to_be_visible()
    screenshot(page, "09-keys-as-recruiter")
    page.set_viewport_size(PHONE)
    screenshot(page, "10-keys-as-recruiter-phone")
    page.set_viewport_size(DESKTOP)

    # The form's POST, made with the session's own valid token, is refused all the same.
    token = page.locator('input[name="csrf_token"]').first.get_attribute("value")
    assert token
    refused = page.request.post(
        "/portal/keys",
        form={"name": "Mine", "scopes": "JobPosting", "csrf_token": token},
    )
    assert refused.status == 403
    assert "Only an employer admin can make this change." in refused.text()
    assert [k.name for k in keys_of(employer_id)] == ["Admin's key"]

    page.get_by_role("link", name="Webhooks").click()
    expect(page.get_by_role("button", name="Add webhook")).to_have_count(0)


def test_a_form_without_its_csrf_token_is_refused(
    pg_api: Api, make_employer: EmployerFactory, page: Page
) -> None:
    employer_id = make_employer(job_posting=1)
    sign_in(page, make_user(employer_id))
    page.get_by_label("Name").fill("Forged")
    page.get_by_label("JobPosting").check()
    page.evaluate("document.querySelector('#create-key input[name=csrf_token]').remove()")
    page.get_by_role("button", name="Create key").click()
    expect(page.get_by_role("alert")).to_contain_text("This form has expired")
    screenshot(page, "11-csrf-refused")
    assert keys_of(employer_id) == []
    # A cross-site form would post without the token too.
    forged = page.request.post("/portal/keys", form={"name": "Forged", "scopes": "JobPosting"})
    assert forged.status == 403
    assert keys_of(employer_id) == []


def test_a_wrong_password_gets_the_generic_error(
    pg_api: Api, make_employer: EmployerFactory, page: Page
) -> None:
    email = make_user(make_employer())
    sign_in(page, email, "not the right password")
    error = page.get_by_role("alert")
    expect(error).to_have_text("Wrong e-mail address or password.")
    screenshot(page, "12-sign-in-wrong-password")
    sign_in(page, "someone-else-" + email, "not the right password")
    expect(error).to_have_text("Wrong e-mail address or password.")
    expect(page).to_have_url(re.compile(r"/portal/sign-in$"))


def test_credits_and_usage_and_signing_out(
    pg_api: Api, make_employer: EmployerFactory, make_key: Any, page: Page, stack: Stack
) -> None:
    employer_id = make_employer(job_posting=5, cv_download=2)
    with db.unit_of_work() as session:
        credits.adjust_credits(
            session, employer_id, CreditKind.CV_SEARCH, 40, reference="INV-2026-001"
        )
    _, key = make_key(employer_id, "jobs:read")
    with httpx.Client(base_url=stack.base_url, timeout=30) as api:
        for _ in range(4):
            assert api.get("/api/v1/jobs", headers={"X-Api-Key": key}).status_code == 200
    sign_in(page, make_user(employer_id))
    page.get_by_role("link", name="Credits & usage").click()
    expect(page.locator("#usage")).to_contain_text("4 of 10,000")
    balances = page.locator("#balances")
    expect(balances).to_contain_text("Job posting")
    expect(balances).to_contain_text("40")
    expect(page.locator("#ledger")).to_contain_text("INV-2026-001")
    screenshot(page, "13-credits-and-usage")
    page.set_viewport_size(PHONE)
    screenshot(page, "14-credits-and-usage-phone")
    # The stylesheet and script are the portal's own files, nothing from another origin.
    resources = page.evaluate("performance.getEntriesByType('resource').map(e => e.name)")
    assert resources and all(url.startswith(stack.base_url + "/portal/") for url in resources)

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("status")).to_have_text("You have signed out.")
    page.goto("/portal/credits")
    expect(page).to_have_url(re.compile(r"/portal/sign-in$"))

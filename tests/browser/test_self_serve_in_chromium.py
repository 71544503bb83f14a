"""A new employer, as a person meets the portal, in headless Chromium.

Sign up, read the e-mail (a real SMTP server in this process gets it from the queue worker),
verify, sign in, invite a recruiter and accept as them, see the pages read-only, reset a
password; then, once an operator has moved the account to a paid plan (the CLI, as an operator
would), mint a key, call the API with it over HTTP and watch the calls appear in the request log,
in today's bar of the plan page's chart, and a delivery they caused on the webhooks page. Every
new page is saved under ``test-artifacts/portal/``.
"""

from __future__ import annotations

import re
import secrets
import subprocess
import sys
from email.message import EmailMessage

import httpx
from playwright.sync_api import Browser, BrowserContext, Page, expect

from storage import db, users
from storage.clock import utcnow
from tests.support.apps import Api
from tests.support.browser import DESKTOP, PHONE, Stack, screenshot, sign_in
from tests.support.factories import SEED_JOB
from tests.support.mail import html_of, links_in
from tests.support.portal import PASSWORD
from tests.support.receivers import Receiver, wait_for

RECRUITER_PASSWORD = "a recruiter's own passphrase"
NEW_PASSWORD = "the admin's brand new passphrase"


def mail_to(stack: Stack, address: str, count: int = 1) -> EmailMessage:
    """The ``count``-th e-mail to ``address``, once the worker has sent it."""
    messages = wait_for(
        lambda: (found := stack.smtp.inbox.to(address)) and len(found) >= count and found,
        30,
        f"e-mail {count} to {address}",
    )
    message: EmailMessage = messages[count - 1]
    return message


def link_in(stack: Stack, message: EmailMessage) -> str:
    link = links_in(message)[0]
    # From PUBLIC_BASE_URL (the server's own address here), in both parts.
    assert link.startswith(stack.base_url + "/portal/") and link in html_of(message)
    return link


def operator(stack: Stack, *args: str) -> str:
    """Run ``hirebridge ARGS`` as an operator would, against the running service's settings."""
    done = subprocess.run(
        [sys.executable, "-m", "hirebridge", *args],
        env=stack.server.env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout.strip().splitlines()[-1]


def new_page(browser: Browser, stack: Stack) -> tuple[BrowserContext, Page]:
    context = browser.new_context(base_url=stack.base_url, viewport=DESKTOP)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def test_a_new_employer_signs_up_builds_a_team_and_watches_its_api_calls(
    pg_api: Api, chromium: Browser, page: Page, stack: Stack
) -> None:
    tag = secrets.token_hex(3)
    company = f"Northwind {tag}"
    admin = f"ada-{tag}@northwind.example"
    recruiter = f"rita-{tag}@northwind.example"

    # Sign up.
    page.goto("/portal/sign-in")
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("Company name").fill(company)
    page.get_by_label("Your name").fill("Ada Admin")
    page.get_by_label("Work e-mail address").fill(admin)
    page.get_by_label("Password").fill(PASSWORD)
    screenshot(page, "20-sign-up")
    page.set_viewport_size(PHONE)
    screenshot(page, "21-sign-up-phone")
    page.set_viewport_size(DESKTOP)
    page.get_by_role("button", name="Create the account").click()
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    screenshot(page, "22-sign-up-check-your-e-mail")

    # Read the e-mail, verify, sign in.
    verification = mail_to(stack, admin)
    assert verification["Subject"] == "Confirm your e-mail address for Hirebridge"
    page.goto(link_in(stack, verification))
    expect(page.locator("main")).to_contain_text(company)
    screenshot(page, "23-verify")
    page.get_by_role("button", name="Confirm and create the account").click()
    expect(page.get_by_role("status")).to_contain_text("your account is ready")
    sign_in(page, admin)
    expect(page).to_have_url(re.compile(r"/portal/keys$"))

    # Invite a recruiter.
    page.get_by_role("link", name="Team").click()
    expect(page.locator("#members")).to_contain_text("Ada Admin")
    page.get_by_label("E-mail address").fill(recruiter)
    page.get_by_label("Recruiter").check()
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_role("status")).to_have_text("The invitation is on its way.")
    expect(page.locator("#invitations")).to_contain_text(recruiter)
    screenshot(page, "24-team")

    # Accept as the recruiter, in a browser of their own, and look around read-only.
    invitation = mail_to(stack, recruiter)
    assert "invited you to" in invitation["Subject"]
    rita_context, rita = new_page(chromium, stack)
    try:
        rita.goto(link_in(stack, invitation))
        expect(rita.locator("main")).to_contain_text(f"Join {company}")
        screenshot(rita, "25-accept-invitation")
        rita.get_by_label("Your name").fill("Rita Recruiter")
        rita.get_by_label("New password").fill(RECRUITER_PASSWORD)
        rita.get_by_label("The same password again").fill(RECRUITER_PASSWORD)
        rita.get_by_role("button", name="Join the team").click()
        expect(rita.get_by_role("status")).to_have_text("Welcome! You have joined the team.")
        rita.get_by_role("link", name="Team").click()
        expect(rita.locator("#members")).to_contain_text("Rita Recruiter")
        expect(rita.get_by_role("button", name="Send the invitation")).to_have_count(0)
        expect(rita.get_by_role("button", name="Change role")).to_have_count(0)
        expect(rita.get_by_text("Only an employer admin can invite people")).to_be_visible()
        screenshot(rita, "26-team-as-recruiter")
        rita.get_by_role("link", name="Request log").click()
        expect(rita.locator("#requests")).to_contain_text("No calls in the last 7 days.")
    finally:
        rita_context.close()

    page.reload()
    rita_row = page.locator("#members tr", has_text=recruiter)
    expect(rita_row).to_contain_text("Recruiter")
    rita_row.get_by_role("link", name="Remove").click()
    expect(page.get_by_role("heading", name="Remove Rita Recruiter?")).to_be_visible()
    screenshot(page, "27-remove-user-confirm")
    page.get_by_role("link", name="Keep").click()

    # A forgotten password: the admin's other session (this page) ends with the new one.
    reset_context, reset = new_page(chromium, stack)
    try:
        reset.goto("/portal/sign-in")
        reset.get_by_role("link", name="Forgotten your password?").click()
        reset.get_by_label("E-mail address").fill(admin)
        screenshot(reset, "28-password-reset")
        reset.get_by_role("button", name="Send the link").click()
        expect(reset.get_by_role("heading", name="Check your e-mail")).to_be_visible()
        message = mail_to(stack, admin, 2)
        assert message["Subject"] == "Choose a new Hirebridge password"
        reset.goto(link_in(stack, message))
        screenshot(reset, "29-password-choose")
        reset.get_by_label("New password").fill(NEW_PASSWORD)
        reset.get_by_label("The same password again").fill(NEW_PASSWORD)
        reset.get_by_role("button", name="Save the new password").click()
        expect(reset.get_by_role("status")).to_contain_text("every other session")
    finally:
        reset_context.close()
    page.goto("/portal/team")
    expect(page).to_have_url(re.compile(r"/portal/sign-in$"))
    sign_in(page, admin, NEW_PASSWORD)
    expect(page).to_have_url(re.compile(r"/portal/keys$"))

    # An operator moves the account to a paid plan; the admin mints a key and the ATS calls.
    with db.unit_of_work() as session:
        employer_id = str(users.find_user(session, admin).employer_id)  # type: ignore[union-attr]
    assert operator(stack, "employer", "set-plan", "--employer", employer_id, "--plan", "starter")
    assert operator(
        stack, "credits", "add", "--employer", employer_id, "--kind", "job_posting", "--amount", "2"
    )
    receiver = Receiver()
    try:
        page.goto("/portal/webhooks")
        page.get_by_label("URL").fill(receiver.url())
        page.get_by_label("job.published").check()
        page.get_by_role("button", name="Add webhook").click()
        expect(page.locator("#new-secret")).to_have_text(re.compile(r"^whsec_"))

        page.goto("/portal/keys")
        page.get_by_label("Name").fill("Northwind ATS")
        page.get_by_label("JobPosting").check()
        page.get_by_role("button", name="Create key").click()
        key = page.locator("#new-key").inner_text()
        with httpx.Client(base_url=stack.base_url, timeout=30) as api:
            auth = {"Authorization": f"Bearer {key}"}
            assert api.get("/api/v1/jobs", headers=auth).status_code == 200
            missing = api.get("/api/v1/jobs/999999999", headers=auth)
            assert missing.status_code == 404
            job = api.post("/api/v1/jobs", headers=auth, json=SEED_JOB).json()
            published = api.post(f"/api/v1/jobs/{job['id']}/publish", headers=auth, json={})
            assert published.status_code == 200
        [delivered] = wait_for(lambda: list(receiver.requests), 30, "the job.published delivery")
        assert delivered.json["type"] == "job.published"

        # The request log.
        page.get_by_role("link", name="Request log").click()

        def logged() -> bool:
            page.reload()
            return page.locator("#requests tbody tr[data-request-id]").count() >= 4

        wait_for(logged, 30, "the calls in the request log")
        row = page.locator(f'#requests tr[data-request-id="{missing.headers["X-Request-Id"]}"]')
        expect(row).to_contain_text("GET /api/v1/jobs/999999999")
        expect(row).to_contain_text("not_found")
        expect(row).to_contain_text(f"Northwind ATS {key[:12]}…")
        screenshot(page, "30-request-log")
        page.get_by_label("Status").select_option("4xx")
        page.get_by_role("button", name="Filter").click()
        expect(page.locator("#requests tbody tr[data-request-id]")).to_have_count(1)
        row.get_by_role("link").click()
        expect(page.locator("main")).to_contain_text("getJob")
        screenshot(page, "31-request-detail")

        # Today's bar of the plan page's chart, and its numbers for screen readers.
        page.get_by_role("link", name="Plan").click()
        today = page.locator(f'#requests-chart tr[data-day="{utcnow().date().isoformat()}"]')
        expect(today.locator("td")).to_have_text(["3", "1", "0", "4"])
        expect(page.locator("#requests-chart rect.chart-refused")).to_have_count(1)
        expect(page.locator("#keys-in-use")).to_contain_text("1 of 1")
        expect(page.locator("#plans tr.current")).to_contain_text("Starter")
        screenshot(page, "32-plan")
        page.set_viewport_size(PHONE)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        screenshot(page, "33-plan-phone")
        page.set_viewport_size(DESKTOP)

        # The delivery the publish caused: on the chart, and linked to the call.
        page.get_by_role("link", name="Webhooks").click()

        def charted() -> bool:
            page.reload()
            cells = page.locator(
                f'.chart tr[data-day="{utcnow().date().isoformat()}"] td'
            ).all_inner_texts()
            return cells == ["1", "0", "0", "1"]

        wait_for(charted, 30, "the delivery on the webhooks chart")
        screenshot(page, "34-webhooks-chart")
        page.locator("#webhooks a").first.click()
        page.get_by_role("link", name=published.headers["X-Request-Id"]).click()
        expect(page.locator("main")).to_contain_text("publishJob")
        # Nothing on any of these pages came from another origin.
        resources = page.evaluate("performance.getEntriesByType('resource').map(e => e.name)")
        assert all(url.startswith(stack.base_url + "/portal/") for url in resources)
    finally:
        receiver.close()

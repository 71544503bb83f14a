"""Swagger UI as a playground, driven in Chromium against `make run` (``demo_stack``).

A newcomer authorizes with the demo key, then runs Try it out → Execute with what Swagger UI
pre-fills from the document: create a job, publish it, list the jobs (on v2, then the next page
with the cursor the first one returned), search CVs, and create a job again. Every answer must be
a success and the second job a new one: a fixed ``Idempotency-Key`` example would replay the
first, an example cursor would be refused, a date in the past would stop the publish. Only what a
person would type is typed: the new job's id, and on v2 a small ``limit`` and the cursor.
Screenshots go to ``test-artifacts/swagger/``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.support.live import DemoStack

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "swagger"
STATUS_CODE = re.compile(r"^\s*\d{3}\s*$")


@pytest.fixture
def page(chromium: Browser, demo_stack: DemoStack) -> Iterator[Page]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = chromium.new_context(
        base_url=demo_stack.base_url, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


class SwaggerUi:
    """One document's Swagger UI, as a person clicks through it."""

    def __init__(self, page: Page, version: str) -> None:
        self.page = page
        self.version = version
        page.goto(f"/swagger/{version}/")
        expect(page.locator(".opblock").first).to_be_visible()

    def authorize(self, key: str) -> None:
        self.page.get_by_role("button", name="Authorize").first.click()
        dialog = self.page.locator(".modal-ux")
        scheme = dialog.locator(".auth-container", has_text="bearerAuth")
        scheme.locator("input").fill(key)
        scheme.get_by_role("button", name="Authorize").click()
        dialog.get_by_role("button", name="Close").first.click()

    def operation(self, operation_id: str) -> Locator:
        return self.page.locator(f".opblock[id$='-{operation_id}']")

    def open(self, operation_id: str) -> Locator:
        """Expand the operation and press Try it out (once)."""
        operation = self.operation(operation_id)
        if not operation.locator(".opblock-body").is_visible():
            operation.locator(".opblock-summary").first.click()
        # Wait for the expanded body to render its button ("Try it out", or "Cancel" once
        # trying out): counting the button before it rendered skipped the click, and the
        # Execute button never came (a loaded run's timeout).
        try_out = operation.locator(".try-out .try-out__btn:not(.reset)")
        expect(try_out).to_be_visible()
        if "cancel" not in (try_out.get_attribute("class") or ""):
            try_out.click()
        expect(operation.get_by_role("button", name="Execute")).to_be_visible()
        return operation

    def execute(self, operation_id: str, **typed: str) -> tuple[int, Any]:
        """Type ``typed`` into the parameters' fields, press Execute, read the answer."""
        operation = self.open(operation_id)
        for name, value in typed.items():
            field = operation.locator(f"tr[data-param-name='{name}'] input")
            field.fill(value)
        clear = operation.get_by_role("button", name="Clear")
        if clear.count():
            clear.click()
        operation.get_by_role("button", name="Execute").click()
        status = operation.locator(".live-responses-table .response .response-col_status").first
        expect(status).to_have_text(STATUS_CODE, timeout=30_000)
        body = operation.locator(".live-responses-table .response-col_description pre").first
        text = body.inner_text()
        self.page.screenshot(path=str(ARTIFACTS / f"{self.version}-{operation_id}.png"))
        return int(status.inner_text().strip()), json.loads(text) if text.strip() else None

    def sent_headers(self, operation_id: str) -> str:
        """The curl command Swagger UI shows for the last request (what it sent)."""
        return self.operation(operation_id).locator(".curl-command").first.inner_text()


def data(version: str, answer: Any) -> Any:
    return answer["data"] if version == "v2" else answer


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_try_it_out_works_as_pre_filled(page: Page, demo_stack: DemoStack, version: str) -> None:
    ui = SwaggerUi(page, version)
    ui.authorize(demo_stack.key)

    status, created = ui.execute("createJob")
    assert status == 201, created
    first_job = data(version, created)["id"]
    assert "Idempotency-Key" not in ui.sent_headers("createJob")

    status, published = ui.execute("publishJob", jobId=str(first_job))
    assert status == 200, published
    assert data(version, published)["id"] == first_job

    if version == "v2":
        status, listed = ui.execute("listJobs", limit="2")
        assert status == 200, listed
        assert listed["pagination"]["hasMore"], "the demo has more than two jobs"
        first_page = [job["id"] for job in listed["data"]]
        status, following = ui.execute("listJobs", cursor=listed["pagination"]["nextCursor"])
        assert status == 200, following
        assert not {job["id"] for job in following["data"]} & set(first_page)
    else:
        status, listed = ui.execute("listJobs")
        assert status == 200, listed
        statuses = {job["status"] for job in listed["items"]}
        assert first_job in [job["id"] for job in listed["items"]]
        assert "Draft" in statuses, "the list is not narrowed to one status"

    status, found = ui.execute("searchCandidates")
    assert status == 200, found

    status, again = ui.execute("createJob")
    assert status == 201, again
    assert data(version, again)["id"] != first_job

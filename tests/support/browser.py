"""Helpers for the browser tests: the running service, screenshots, signing in."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Page, ViewportSize

from tests.support.live import LiveServer
from tests.support.mail import SmtpSink
from tests.support.portal import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "portal"
PHONE = ViewportSize(width=390, height=844)
DESKTOP = ViewportSize(width=1280, height=900)


@dataclass
class Stack:
    """The service as deployed (API and queue worker) and the mail server its e-mails reach."""

    server: LiveServer
    worker: subprocess.Popen[bytes]
    smtp: SmtpSink
    redis_url: str

    @property
    def base_url(self) -> str:
        return self.server.base_url


def screenshot(page: Page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def sign_in(page: Page, email: str, password: str = PASSWORD) -> None:
    page.goto("/portal/sign-in")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()

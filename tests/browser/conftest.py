"""One service and one browser for every browser test (the ``tests/browser`` package).

Both end with the package, not the session: the queue worker would otherwise go on claiming the
deliveries of later tests on the same database, and Playwright's event loop would stay the main
thread's running loop, where later tests call ``asyncio.run``.

The API (one gunicorn worker) and a queue worker run as deployed, on this session's PostgreSQL
and a Redis database of their own (10: the pages show counts other tests must not add to), with
loopback webhook targets allowed, and e-mails going by SMTP to a sink in this process. Links in
those e-mails start with the server's own address, its ``PUBLIC_BASE_URL``.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from tests.support.browser import ARTIFACTS, CHROMIUM, DESKTOP, Stack
from tests.support.live import free_port, service_env, start_live_server, stop_live_server
from tests.support.mail import SmtpSink
from tests.support.portal import own_redis


@pytest.fixture(scope="package")
def stack(postgresql_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    redis_url = own_redis(10)
    smtp = SmtpSink()
    port = free_port()
    env = service_env(postgresql_url, redis_url, tmp_path_factory.mktemp("portal-live"))
    env.update(
        WEBHOOK_ALLOW_INSECURE_TARGETS="1",
        # Every sign-in of these tests comes from 127.0.0.1; the limit has a test of its own.
        PORTAL_SIGN_IN_PER_MINUTE="1000",
        PORTAL_EMAILS_PER_HOUR="1000",
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=str(smtp.port),
        PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",
    )
    server = start_live_server(env, workers=1, port=port)
    worker = subprocess.Popen([sys.executable, "-m", "hirebridge", "worker"], env=env)
    yield Stack(server=server, worker=worker, smtp=smtp, redis_url=redis_url)
    worker.send_signal(signal.SIGTERM)
    try:
        worker.wait(timeout=30)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()
    stop_live_server(server)
    smtp.stop()


@pytest.fixture(scope="package")
def chromium() -> Iterator[Browser]:
    assert CHROMIUM.exists(), "the browser tests need Debian's chromium: apt-get install chromium"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    playwright: Playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def context(chromium: Browser, stack: Stack) -> Iterator[BrowserContext]:
    """A fresh browser profile (no cookies) per test, allowed to use the clipboard."""
    browser_context = chromium.new_context(base_url=stack.base_url, viewport=DESKTOP)
    browser_context.grant_permissions(["clipboard-read", "clipboard-write"])
    yield browser_context
    browser_context.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page

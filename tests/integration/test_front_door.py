"""The front door (``GET /``), the guides page, and what a start prints."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest

from hirebridge import demo_files
from hirebridge.server import banner
from hirebridge_floor.settings import Settings
from tests.support.apps import Api
from tests.support.live import DemoStack


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.hrefs.append(str(values["href"]))
        if values.get("id"):
            self.ids.add(str(values["id"]))


def parsed(html: str) -> Links:
    links = Links()
    links.feed(html)
    return links


def test_the_front_door_links_everything_and_every_link_answers(pg_api: Api) -> None:
    page = pg_api.get("/", headers={"Accept": "text/html,*/*"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    hrefs = parsed(page.text).hrefs
    for expected in (
        "/swagger/v1/",
        "/swagger/v2/",
        "/swagger/public/",
        "/swagger/v1/swagger.json",
        "/swagger/v2/swagger.json",
        "/swagger/public/swagger.json",
        "/portal",
        "/public/v1/jobs",
        "/healthz/live",
        "/healthz/ready",
        "/guides#run-it",
        "/guides#operate-it",
        "/guides#how-to-add-to-v2",
    ):
        assert expected in hrefs, expected
    for base in ("/api/v1", "/api/v2", "/public/v1"):
        assert f"<code>{base}</code>" in page.text

    guides = parsed(pg_api.get("/guides").text)
    for href in hrefs:
        path, _, anchor = href.partition("#")
        answer = pg_api.get(path, follow_redirects=True)
        assert answer.status_code == 200, href
        if anchor:
            assert anchor in guides.ids, href


def test_the_front_door_answers_json_to_programs(pg_api: Api) -> None:
    answer = pg_api.get("/", headers={"Accept": "application/json"})
    assert answer.headers["content-type"] == "application/json"
    assert answer.headers["vary"] == "Accept"
    links = answer.json()
    assert [api["base"] for api in links["apis"]] == ["/api/v1", "/api/v2", "/public/v1"]
    assert links["apis"][1]["swaggerUi"] == "/swagger/v2/"
    assert links["portal"] == "/portal" and links["health"]["ready"] == "/healthz/ready"
    assert {"title": "Run it", "url": "/guides#run-it"} in links["guides"]


def test_the_guides_page_is_the_readme_escaped(pg_api: Api) -> None:
    page = pg_api.get("/guides").text
    assert '<h2 id="run-it">Run it</h2>' in page
    assert "<pre><code>make run</code></pre>" in page
    assert "&quot;title&quot;: &quot;Senior Platform Engineer&quot;" in page, "code is escaped"
    assert "<script" not in page


def settings_for(tmp_path: Path, **changes: object) -> Settings:
    return Settings(data_dir=tmp_path, **changes)  # type: ignore[arg-type]


@pytest.fixture
def demo_written(tmp_path: Path) -> Path:
    demo_files.write_key(tmp_path, "pk_live_" + "k" * 40)
    demo_files.write_details(
        tmp_path, demo_files.DemoDetails(7, "admin@demo.hirebridge.example", "s3cret-password")
    )
    return tmp_path


def test_the_banner_shows_the_demo_sign_in_only_on_the_embedded_defaults(
    demo_written: Path,
) -> None:
    local = banner(settings_for(demo_written), "127.0.0.1:8000")
    assert "http://127.0.0.1:8000/api/v2" in local and "http://127.0.0.1:8000/portal" in local
    assert re.search(
        r"^Portal sign-in +admin@demo.hirebridge.example / s3cret-password", local, re.M
    )
    assert re.search(r"^Demo employer id +7$", local, re.M)
    assert "pk_live_" + "k" * 40 in local

    shared_database = banner(
        settings_for(demo_written, database_url="postgresql://db/hirebridge"), "0.0.0.0:9000"
    )
    assert "s3cret-password" not in shared_database and "Demo employer id" in shared_database
    assert "http://127.0.0.1:9000/" in shared_database

    production = banner(settings_for(demo_written, environment="production"), "0.0.0.0:8000")
    assert "s3cret-password" not in production and "pk_live_" not in production
    assert "Demo employer id" not in production and "/portal" in production


def test_make_run_prints_a_working_portal_sign_in(demo_stack: DemoStack) -> None:
    email, _, password = demo_stack.banner_line("Portal sign-in").partition(" / ")
    password = password.removesuffix("(demo admin)").strip()
    assert demo_stack.banner_line("Demo employer id") == "1"
    with httpx.Client(base_url=demo_stack.base_url, timeout=30) as browser:
        form = browser.get("/portal/sign-in").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', form)
        assert token is not None
        signed_in = browser.post(
            "/portal/sign-in",
            data={"email": email, "password": password, "csrf_token": token.group(1)},
        )
        assert signed_in.status_code == 303, signed_in.text
        assert "Hirebridge Demo Recruiting" in browser.get("/portal/keys").text

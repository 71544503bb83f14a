"""What the API saw, in the portal: the request log, the plan page and the delivery charts.

Keyed calls go through the app in process (the same app serves the portal), so they are logged
exactly as in production: the middleware buffers each call and the event loop writes the buffer
to Redis about once a second, which the tests wait for. The app has a Redis database of its own
(12): employer ids repeat between test sessions, and so would their logs.
"""

from __future__ import annotations

import asyncio
import calendar
import dataclasses
import html
import re
import secrets
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import redis
from sqlalchemy import select

from hirebridge.request_log import KEPT_FOR, MAX_ENTRIES, LoggedCall, stream_key, write
from hirebridge.request_log_reader import LogFilter, RequestLogReader
from storage import db, deliveries, employers
from storage.clock import utcnow
from storage.models import (
    DeliveryStatus,
    OutboxEvent,
    Plan,
    UserRole,
    WebhookDelivery,
    WebhookSubscription,
)
from tests.support.factories import SEED_JOB, EmployerFactory, KeyFactory
from tests.support.portal import PortalApp, build_portal_app, make_user, own_redis, sign_in
from tests.support.receivers import wait_for

SECRET_MARKER = "never-logged-" + secrets.token_hex(8)


@pytest.fixture(scope="module")
def usage_redis() -> str:
    return own_redis(5)


@pytest.fixture(scope="module")
def module_app(
    postgresql_url: str, usage_redis: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[PortalApp]:
    yield from build_portal_app(
        postgresql_url,
        usage_redis,
        tmp_path_factory.mktemp("usage"),
        "198.51.100.30",
        portal_sign_in_per_minute=100_000,
    )


@pytest.fixture
def portal(module_app: PortalApp) -> Any:
    db.use(module_app.database)
    module_app.client.cookies.clear()
    return module_app.client


def rows(page: str) -> list[dict[str, str]]:
    """The request log's rows as text, cell by cell."""
    body = page.split('<table id="requests">')[1].split("</table>")[0].split("<tbody>")[1]
    names = ["time", "key", "request", "operation", "status", "error", "duration", "request_id"]
    found = []
    for row in re.findall(r"<tr data-request-id=.*?</tr>", body, re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        text = [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", cell)).split()) for cell in cells]
        found.append(dict(zip(names, text, strict=True)))
    return found


def logged(client: Any, count: int, query: str = "") -> list[dict[str, str]]:
    """The log's rows once it shows ``count`` of them (the writer flushes about once a second)."""

    def shown() -> list[dict[str, str]] | None:
        found = rows(client.get(f"/portal/requests{query}").text)
        return found if len(found) >= count else None

    found: list[dict[str, str]] = wait_for(shown, 15, f"{count} logged calls")
    return found


def day_row(page: str, chart_id: str, day: str) -> list[int]:
    """The counts of one day in a chart's table (for screen readers)."""
    chart = page.split(f'id="{chart_id}"')[1].split("</figure>")[0]
    row = chart.split(f'<tr data-day="{day}">')[1].split("</tr>")[0]
    return [int(cell) for cell in re.findall(r"<td>(\d+)</td>", row)]


class TestRequestLog:
    def test_keyed_calls_appear_with_what_the_log_keeps_and_nothing_more(
        self,
        portal: Any,
        usage_redis: str,
        make_employer: EmployerFactory,
        make_key: KeyFactory,
    ) -> None:
        employer_id = make_employer(job_posting=1)
        _, writer = make_key(employer_id, "jobs:read,jobs:write", name="Bullhorn production")
        _, reader = make_key(employer_id, "jobs:read", name="Slack bot")
        trace = f"trace-{secrets.token_hex(4)}"
        answers = [
            portal.get("/api/v1/jobs", headers={"X-Api-Key": writer}),
            portal.post(
                "/api/v1/jobs",
                headers={"Authorization": f"Bearer {writer}", "X-Request-Id": trace},
                json={**SEED_JOB, "description": SECRET_MARKER},
            ),
            portal.get("/api/v1/jobs/987654321", headers={"X-Api-Key": writer}),
            portal.post("/api/v1/jobs", headers={"X-Api-Key": reader}, json=SEED_JOB),
            portal.get("/api/v2/jobs?limit=0", headers={"X-Api-Key": reader}),
        ]
        assert [a.status_code for a in answers] == [200, 201, 404, 403, 400]
        # Not the employer's: no key, an unknown key, the public board.
        assert portal.get("/api/v1/jobs").status_code == 401
        assert (
            portal.get("/api/v1/jobs", headers={"X-Api-Key": "pk_live_" + "x" * 40}).status_code
            == 401
        )
        assert portal.get("/public/v1/jobs").status_code == 200

        sign_in(portal, make_user(employer_id, UserRole.RECRUITER))
        shown = logged(portal, 5)
        assert len(shown) == 5
        assert [row["request_id"] for row in shown] == [
            a.headers["X-Request-Id"] for a in reversed(answers)
        ]
        assert [(row["status"], row["error"], row["operation"]) for row in shown] == [
            ("400", "invalid_request", "listJobs"),
            ("403", "insufficient_scope", "createJob"),
            ("404", "not_found", "getJob"),
            ("201", "", "createJob"),
            ("200", "", "listJobs"),
        ]
        assert shown[1]["key"] == f"Slack bot {reader[:12]}…"
        assert shown[3]["key"] == f"Bullhorn production {writer[:12]}…"
        assert shown[3]["request"] == "POST /api/v1/jobs" and shown[3]["request_id"] == trace
        assert shown[2]["request"] == "GET /api/v1/jobs/987654321"
        assert all(re.fullmatch(r"\d+\.\d ms", row["duration"]) for row in shown)
        assert all(
            re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", row["time"]) for row in shown
        )

        # Never a body, a header or a secret: not on the page, not in Redis.
        page = portal.get("/portal/requests").text
        stored = redis.Redis.from_url(usage_redis).xrange(stream_key(employer_id))
        raw = repr(stored)
        for secret in (SECRET_MARKER, writer, reader, writer[12:20]):
            assert secret not in page and secret not in raw
        assert {field.decode() for _, fields in stored for field in fields} == {"c"}

    def test_filters_by_key_status_class_and_operation(
        self, portal: Any, make_employer: EmployerFactory, make_key: KeyFactory
    ) -> None:
        employer_id = make_employer()
        one_id, one = make_key(employer_id, "jobs:read,jobs:write", name="one")
        _, two = make_key(employer_id, "jobs:read", name="two")
        for key, path in ((one, "/api/v1/jobs"), (two, "/api/v1/jobs"), (two, "/api/v1/jobs/1")):
            portal.get(path, headers={"X-Api-Key": key})
        portal.post("/api/v1/jobs", headers={"X-Api-Key": one}, json={"title": "incomplete"})
        sign_in(portal, make_user(employer_id))
        logged(portal, 4)
        by_key = rows(portal.get(f"/portal/requests?key={one_id}").text)
        assert [row["operation"] for row in by_key] == ["createJob", "listJobs"]
        refused = rows(portal.get("/portal/requests?status=4xx").text)
        assert [(row["status"], row["error"]) for row in refused] == [
            ("400", "invalid_request"),
            ("404", "not_found"),
        ]
        assert len(rows(portal.get("/portal/requests?status=5xx").text)) == 0
        listed = rows(portal.get("/portal/requests?operation=listJobs&status=2xx").text)
        assert [row["key"].split()[0] for row in listed] == ["two", "one"]
        # A filter that is not one of the choices shows everything rather than guessing.
        assert len(rows(portal.get("/portal/requests?status=9xx&key=abc").text)) == 4

    def test_the_detail_of_a_request_id_and_pages_of_fifty(
        self,
        portal: Any,
        make_employer: EmployerFactory,
        make_key: KeyFactory,
    ) -> None:
        employer_id = make_employer()
        _, key = make_key(employer_id, "jobs:read", name="pager")
        for number in range(54):
            portal.get("/api/v1/jobs", headers={"X-Api-Key": key, "X-Request-Id": f"call-{number}"})
        portal.get("/api/v1/jobs/5", headers={"X-Api-Key": key, "X-Request-Id": "call-9"})
        sign_in(portal, make_user(employer_id))
        first = logged(portal, 50)
        assert len(first) == 50 and first[0]["request_id"] == "call-9"
        older = re.search(
            r'href="(/portal/requests\?older=[^"]+)"', portal.get("/portal/requests").text
        )
        assert older is not None
        rest = rows(portal.get(html.unescape(older.group(1))).text)
        assert [row["request_id"] for row in rest] == [f"call-{n}" for n in range(4, -1, -1)]

        # One id, reused by the caller: both calls.
        detail = portal.get("/portal/requests/call-9")
        assert detail.status_code == 200
        text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", detail.text)).split())
        assert "Path /api/v1/jobs/5" in text and "Error code not_found" in text
        assert "Operation getJob" in text and "Key pager" in text
        assert "more than one call" in text
        assert (
            portal.get("/portal/requests/lookup?id=call-1", follow_redirects=False).headers[
                "location"
            ]
            == "/portal/requests/call-1"
        )
        assert portal.get("/portal/requests/no-such-call").status_code == 404
        assert portal.get("/portal/requests/lookup?id=not%20an%20id").status_code == 400
        # Another employer's calls are not there for this one.
        portal.cookies.clear()
        sign_in(portal, make_user(make_employer()))
        assert portal.get("/portal/requests/call-9").status_code == 404
        assert rows(portal.get("/portal/requests").text) == []

    def test_calls_refused_for_the_quota_are_logged_with_their_code(
        self, portal: Any, make_employer: EmployerFactory, make_key: KeyFactory
    ) -> None:
        employer_id = make_employer(plan=Plan.STARTER)
        _, key = make_key(employer_id, "jobs:read")
        with db.unit_of_work() as session:
            employers.set_plan(session, employer_id, Plan.FREE)
        refused = portal.get("/api/v1/jobs", headers={"X-Api-Key": key})
        assert refused.status_code == 429
        sign_in(portal, make_user(employer_id))
        [row] = logged(portal, 1)
        assert (row["status"], row["error"]) == ("429", "quota_exceeded")


def test_a_delivery_links_to_the_call_that_caused_its_event(
    portal: Any, make_employer: EmployerFactory, make_key: KeyFactory
) -> None:
    employer_id = make_employer(job_posting=1)
    _, key = make_key(employer_id, "jobs:read,jobs:write,webhooks:manage")
    auth = {"X-Api-Key": key}
    hook = portal.post(
        "/api/v1/webhooks",
        headers=auth,
        json={"url": "http://127.0.0.1:9/hooks", "events": ["job.published"]},
    )
    assert hook.status_code == 201, hook.text
    job = portal.post("/api/v1/jobs", headers=auth, json=SEED_JOB).json()
    trace = f"publish-{uuid.uuid4().hex[:8]}"
    published = portal.post(
        f"/api/v1/jobs/{job['id']}/publish", headers={**auth, "X-Request-Id": trace}, json={}
    )
    assert published.status_code == 200, published.text
    with db.unit_of_work() as session:
        event = session.scalars(
            select(OutboxEvent).where(
                OutboxEvent.employer_id == employer_id, OutboxEvent.type == "job.published"
            )
        ).one()
        assert event.request_id == trace
        deliveries.fan_out_events(session)
    sign_in(portal, make_user(employer_id))
    page = portal.get(f"/portal/webhooks/{hook.json()['id']}").text
    assert f'caused by request <a href="/portal/requests/{trace}"><code>{trace}</code></a>' in page
    logged(portal, 3)
    detail = portal.get(f"/portal/requests/{trace}")
    assert detail.status_code == 200 and "publishJob" in detail.text


class TestCharts:
    def test_the_plan_page_counts_calls_per_day_against_the_quota(
        self, portal: Any, make_employer: EmployerFactory, make_key: KeyFactory
    ) -> None:
        employer_id = make_employer(job_posting=2, cv_search=7)
        make_key(employer_id, "jobs:read", name="spare")
        _, key = make_key(employer_id, "jobs:read")
        for path in ("/api/v1/jobs", "/api/v1/jobs", "/api/v1/jobs", "/api/v1/jobs/1"):
            portal.get(path, headers={"X-Api-Key": key})
        sign_in(portal, make_user(employer_id, UserRole.RECRUITER))
        logged(portal, 4)
        page = portal.get("/portal/plan").text
        text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())
        assert "Current plan Professional" in text
        assert "API keys in use 2 of 5" in text
        assert re.search(r"Requests in \w+ \d{4} 4 of 10,000", text)
        assert "Job posting 2 CV search 7 CV download 0" in text
        assert (
            "Professional (yours) yes 5 10,000" in text
            and "Enterprise yes any number unlimited" in text
        )
        assert "an operator" in text or "our operators" in text
        today = utcnow().date()
        assert day_row(page, "requests-chart", today.isoformat()) == [3, 1, 0, 4]
        yesterday = (today - timedelta(days=1)).isoformat()
        assert day_row(page, "requests-chart", yesterday) == [0, 0, 0, 0]
        assert page.count('<tr data-day="') == 30
        per_day = 10_000 / calendar.monthrange(today.year, today.month)[1]
        assert f"Monthly quota spread over the month: {per_day:,.0f} a day" in text
        # The picture: one bar per status class present today, a dashed quota line, no script.
        chart = page.split('id="requests-chart"')[1].split("</figure>")[0]
        assert (
            chart.count('<rect class="chart-ok"') == 1
            and chart.count('<rect class="chart-refused"') == 1
        )
        assert 'class="quota-line"' in chart and "<script" not in chart and "style=" not in chart

    def test_the_webhooks_page_charts_each_subscriptions_deliveries_per_day(
        self, portal: Any, make_employer: EmployerFactory, make_key: KeyFactory
    ) -> None:
        employer_id = make_employer()
        _, key = make_key(employer_id, "webhooks:manage")
        hook_ids = [
            portal.post(
                "/api/v1/webhooks",
                headers={"X-Api-Key": key},
                json={"url": f"http://127.0.0.1:9/hooks/{n}", "events": ["job.published"]},
            ).json()["id"]
            for n in range(2)
        ]
        today = utcnow().replace(hour=12)
        made = [
            # (subscription, days ago, status, failed attempts)
            (0, 0, DeliveryStatus.SUCCEEDED, 0),
            (0, 0, DeliveryStatus.SUCCEEDED, 0),
            (0, 0, DeliveryStatus.SUCCEEDED, 2),
            (0, 0, DeliveryStatus.PENDING, 1),
            (0, 0, DeliveryStatus.PENDING, 0),  # not tried yet: not counted
            (0, 3, DeliveryStatus.DEAD, 9),
            (0, 40, DeliveryStatus.DEAD, 9),  # older than the chart
            (1, 1, DeliveryStatus.SUCCEEDED, 0),
        ]
        with db.unit_of_work() as session:
            for index, (which, days_ago, status, failures) in enumerate(made):
                event = OutboxEvent(
                    public_id=f"evt_{uuid.uuid4().hex}",
                    employer_id=employer_id,
                    type="job.published",
                    data={"n": index},
                    # Fanned out already: no pump of another test makes deliveries of it.
                    dispatched_at=today,
                )
                session.add(event)
                session.flush()
                session.add(
                    WebhookDelivery(
                        public_id=f"dlv_{uuid.uuid4().hex}",
                        subscription_id=hook_ids[which],
                        employer_id=employer_id,
                        event_id=event.id,
                        status=status,
                        failed_attempts=failures,
                        created_at=today - timedelta(days=days_ago),
                    )
                )
        sign_in(portal, make_user(employer_id))
        page = portal.get("/portal/webhooks").text
        day = today.date()
        first, second = (f"deliveries-chart-{hook_id}" for hook_id in hook_ids)
        assert day_row(page, first, day.isoformat()) == [2, 2, 0, 4]
        assert day_row(page, first, (day - timedelta(days=3)).isoformat()) == [0, 0, 1, 1]
        assert day_row(page, second, (day - timedelta(days=1)).isoformat()) == [1, 0, 0, 1]
        assert day_row(page, second, day.isoformat()) == [0, 0, 0, 0]
        assert f"Webhook {hook_ids[0]} (http://127.0.0.1:9/hooks/0)" in page
        with db.unit_of_work() as session:
            assert session.scalar(
                select(WebhookSubscription.id).where(WebhookSubscription.id == hook_ids[0])
            )


def test_the_reader_shows_the_newest_ten_thousand_of_the_last_seven_days(usage_redis: str) -> None:
    """The stream is trimmed approximately (cheap for the writer): the reader draws the line."""
    employer_id = 10_000_000 + secrets.randbelow(1_000_000)
    client = redis.Redis.from_url(usage_redis)
    key = stream_key(employer_id)
    now = datetime.now(UTC)
    # Eight and six days old, with the ids a writer would have given them then.
    for days, sequence in ((8, 1), (6, 2)):
        moment = int((now - timedelta(days=days)).timestamp() * 1000)
        client.xadd(
            key, {"c": call(employer_id, f"old-{days}").packed()}, id=f"{moment}-{sequence}"
        )

    async def newest(count: int) -> list[str]:
        writer = redis.asyncio.Redis.from_url(usage_redis)
        reader = RequestLogReader(usage_redis)
        try:
            for start in range(0, count, 2_000):
                batch = [
                    call(employer_id, f"n-{n}") for n in range(start, min(start + 2_000, count))
                ]
                await write(writer, batch, datetime.now(UTC))
            page = await reader.page(
                employer_id, LogFilter(), older_than=None, size=MAX_ENTRIES + 100
            )
            return [entry.call.request_id for entry in page.entries]
        finally:
            await writer.aclose()
            await reader.close()

    try:
        assert asyncio.run(newest(3)) == ["n-2", "n-1", "n-0", "old-6"]
        shown = asyncio.run(newest(MAX_ENTRIES + 50))
        assert len(shown) == MAX_ENTRIES
        assert shown[0] == f"n-{MAX_ENTRIES + 49}" and shown[-1] == "n-50"
    finally:
        client.delete(key)
    assert timedelta(days=7) == KEPT_FOR


def call(employer_id: int, request_id: str) -> LoggedCall:
    return LoggedCall(
        employer_id=employer_id,
        key_id=1,
        at=datetime.now(UTC),
        method="GET",
        path="/api/v1/jobs",
        operation="listJobs",
        status=200,
        error_code="",
        duration_ms=1.0,
        request_id=request_id,
    )


def test_a_page_follows_the_calls_times_not_the_order_processes_wrote_them(
    usage_redis: str,
) -> None:
    """Each API process writes its own calls about once a second: a process can write an older
    call after another process wrote a newer one."""
    employer_id = 20_000_000 + secrets.randbelow(1_000_000)
    now = datetime.now(UTC)
    late = call(employer_id, "late")
    early = dataclasses.replace(call(employer_id, "early"), at=now - timedelta(milliseconds=700))

    async def shown() -> list[str]:
        writer = redis.asyncio.Redis.from_url(usage_redis)
        reader = RequestLogReader(usage_redis)
        try:
            await write(writer, [late], now)
            await write(writer, [early], now)
            page = await reader.page(employer_id, LogFilter(), older_than=None, size=50)
            [found] = await reader.with_request_id(employer_id, "early")
            assert found.call.at == early.at.replace(
                microsecond=early.at.microsecond // 1000 * 1000
            )
            return [entry.call.request_id for entry in page.entries]
        finally:
            await writer.aclose()
            await reader.close()

    try:
        assert asyncio.run(shown()) == ["late", "early"]
    finally:
        redis.Redis.from_url(usage_redis).delete(stream_key(employer_id))

"""Request ids, JSON access logs and the Prometheus page (issue 9's operability), through HTTP."""

from __future__ import annotations

import json
import logging
import re
import secrets

import httpx
import pytest

from hirebridge_floor.logging_setup import JsonFormatter, RequestIdFilter
from storage import db, employers
from tests.support.apps import Api
from tests.support.factories import SEED_JOB, EmployerFactory, KeyFactory, Tenant, mint_usable_key
from tests.support.live import LiveServer

_SAMPLE = re.compile(r"^(?P<name>[a-z_]+)(?:\{(?P<labels>[^}]*)\})? (?P<value>\S+)$")


def samples(text: str, name: str) -> dict[frozenset[tuple[str, str]], float]:
    """The samples of metric ``name`` in a Prometheus text page, keyed by their labels."""
    found: dict[frozenset[tuple[str, str]], float] = {}
    for line in text.splitlines():
        match = _SAMPLE.match(line)
        if match is None or match["name"] != name:
            continue
        labels = frozenset(
            tuple(pair.split("=", 1)) for pair in (match["labels"] or "").split(",") if pair
        )
        found[frozenset((k, v.strip('"')) for k, v in labels)] = float(match["value"])
    return found


def value(text: str, name: str, **labels: str) -> float:
    return samples(text, name).get(frozenset(labels.items()), 0.0)


class TestRequestIds:
    def test_every_response_carries_a_new_request_id(self, api: Api, tenant: Tenant) -> None:
        responses = [
            api.get("/api/v1/jobs"),
            api.get("/api/v1/jobs/999999999"),
            api.get("/api/v1/jobs", key="pk_live_" + "x" * 40),
            api.post("/api/v1/jobs", json={}),
            api.get("/healthz/live"),
            api.get("/no/such/page"),
        ]

        ids = [response.headers["x-request-id"] for response in responses]
        assert [response.status_code for response in responses] == [200, 404, 401, 400, 200, 404]
        assert all(re.fullmatch(r"[0-9a-f]{32}", request_id) for request_id in ids)
        assert len(set(ids)) == len(ids)

    def test_a_sensible_caller_id_is_kept_and_anything_else_replaced(
        self, api: Api, tenant: Tenant
    ) -> None:
        kept = api.get("/api/v1/jobs", headers={"X-Request-Id": "ats-7f3a.retry:2"})
        too_long = api.get("/api/v1/jobs", headers={"X-Request-Id": "a" * 129})
        injected = api.get("/api/v1/jobs", headers={"X-Request-Id": "a b\tc"})

        assert kept.headers["x-request-id"] == "ats-7f3a.retry:2"
        for response in (too_long, injected):
            assert re.fullmatch(r"[0-9a-f]{32}", response.headers["x-request-id"])

    def test_the_access_log_line_is_json_with_the_request_id(
        self, api: Api, tenant: Tenant, caplog: pytest.LogCaptureFixture
    ) -> None:
        caplog.handler.addFilter(RequestIdFilter())
        with caplog.at_level(logging.INFO, logger="hirebridge.access"):
            response = api.get("/api/v1/jobs", headers={"X-Request-Id": "trace-me"})

        (record,) = [r for r in caplog.records if r.name == "hirebridge.access"]
        line = json.loads(JsonFormatter().format(record))
        assert line["request_id"] == response.headers["x-request-id"] == "trace-me"
        assert line["operation"] == "listJobs"
        assert line["status"] == 200
        assert line["method"] == "GET" and line["path"] == "/api/v1/jobs"
        assert line["duration_ms"] >= 0


class TestMetricsPage:
    def test_requests_are_counted_by_operation_and_status(self, api: Api, tenant: Tenant) -> None:
        before = api.get("/metrics").text
        api.get("/api/v1/jobs")
        api.get("/api/v1/jobs")
        api.get("/api/v1/jobs/999999999")

        page = api.get("/metrics")

        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/plain")
        after = page.text
        name = "hirebridge_http_requests_total"
        assert value(after, name, operation="listJobs", status="200") == (
            value(before, name, operation="listJobs", status="200") + 2
        )
        assert value(after, name, operation="getJob", status="404") == (
            value(before, name, operation="getJob", status="404") + 1
        )
        latency = "hirebridge_http_request_duration_seconds_count"
        assert value(after, latency, operation="listJobs") >= 2

    def test_committed_charges_are_counted_and_refused_ones_not(
        self, api: Api, make_employer: EmployerFactory, make_key: KeyFactory
    ) -> None:
        _, api.default_key = make_key(make_employer(job_posting=1))
        first, second = (api.post("/api/v1/jobs", json=SEED_JOB).json()["id"] for _ in range(2))
        name = "hirebridge_credits_charged_total"
        before = value(api.get("/metrics").text, name, kind="job_posting")

        assert api.post(f"/api/v1/jobs/{first}/publish").status_code == 200
        assert api.post(f"/api/v1/jobs/{second}/publish").status_code == 402

        assert value(api.get("/metrics").text, name, kind="job_posting") == before + 1

    def test_backlogs_are_reported(self, api: Api) -> None:
        page = api.get("/metrics").text

        for queue in ("default", "webhooks", "mail"):
            assert frozenset({("queue", queue)}) in samples(page, "hirebridge_queue_depth")
        assert samples(page, "hirebridge_webhook_deliveries_due")


def test_the_page_adds_up_every_gunicorn_worker(live_server: LiveServer, pg_api: Api) -> None:
    """Two worker processes answer the calls; /metrics counts all of them, whichever answers.

    (``pg_api`` points this process at the live server's database, to make the key.)
    """
    with db.unit_of_work() as session:
        employer = employers.create_employer(session, name=f"Metrics {secrets.token_hex(3)}")
        key = mint_usable_key(session, employer, name="m", scopes=["JobPosting"]).plaintext
    name = "hirebridge_http_requests_total"
    labels = {"operation": "listJobs", "status": "200"}
    before = value(httpx.get(f"{live_server.base_url}/metrics").text, name, **labels)

    calls = 40
    for _ in range(calls):
        # A new connection each time, so that both workers take some of the calls.
        response = httpx.get(f"{live_server.base_url}/api/v1/jobs", headers={"X-Api-Key": key})
        assert response.status_code == 200

    pages = [httpx.get(f"{live_server.base_url}/metrics").text for _ in range(4)]
    assert {value(page, name, **labels) for page in pages} == {before + calls}

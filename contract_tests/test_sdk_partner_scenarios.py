"""The SDKs against the real service: each runs a partner's integration end to end.

One server (gunicorn), one ``hirebridge worker`` and one recording proxy in front of the server
serve both SDKs, on this session's PostgreSQL database and a Redis database of their own. The
proxy records every exchange (so a test sees the 429s, the idempotency keys and the replays the
SDK handled for it) and can lose a response on purpose (the request reaches the server, the answer
never reaches the SDK). The ``pipeline`` rate family is limited to a few calls a minute, so that
each SDK hits the limit and recovers through its retry; waiting out the window takes up to a
minute, so the TypeScript scenario runs in the background while the Python tests run.
"""

from __future__ import annotations

import http.server
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis

from jobs_queue.signing import sign
from storage import candidates, credits, db, employers
from storage.api_keys import SCOPES
from storage.models import CreditKind
from tests.support.databases import TEST_REDIS_URL
from tests.support.factories import mint_usable_key
from tests.support.live import (
    LiveServer,
    free_port,
    service_env,
    start_live_server,
    stop_live_server,
)
from tests.support.receivers import Received, Receiver, wait_for

ROOT = Path(__file__).resolve().parents[1]
PYTHON_SDK = ROOT / "clients/python"
TYPESCRIPT_SDK = ROOT / "clients/typescript"
sys.path.insert(0, str(PYTHON_SDK))

from hirebridge_client import (  # noqa: E402 (the SDK is imported from its directory)
    APIConnectionError,
    AuthenticationError,
    BadRequestError,
    Hirebridge,
    NotFoundError,
    WebhookVerificationError,
    webhooks,
)
from hirebridge_client.v1.api.jobs import list_jobs as v1_list_jobs  # noqa: E402
from hirebridge_client.v2.models import JobPublishedEvent, WebhookTestEvent  # noqa: E402
from hirebridge_client.v2.models.subscribable_event_type import (  # noqa: E402
    SUBSCRIBABLE_EVENT_TYPE_VALUES,
)

# Calls per key per minute in the pipeline family on this module's server.
PIPELINE_LIMIT = 3
CREDITS = 10
# The one job body both SDKs' scenarios create (each with a reference of its own).
JOB = {
    "title": "Platform Engineer",
    "description": "Build and run the platform our product teams ship on.",
    "location": "London, United Kingdom",
    "employmentType": "full-time",
    "remoteType": "hybrid",
    "applyMethod": "quick-apply",
}


def job_body() -> dict[str, Any]:
    return {**JOB, "reference": "SDK-" + secrets.token_hex(4)}


# ---------------------------------------------------------------------------------------------
# The recording proxy


@dataclass
class Exchange:
    """One request through the proxy, and the answer the server gave it."""

    method: str
    path: str
    request_headers: dict[str, str]
    status: int
    response_headers: dict[str, str]
    dropped: bool

    @property
    def key(self) -> str:
        return self.request_headers.get("authorization", "").removeprefix("Bearer ")


@dataclass
class RecordingProxy:
    """An HTTP proxy in front of the live server that records every exchange.

    ``drop_response(method, path)`` makes it forward the next such request and then close the
    client's connection without an answer: the work is done, the response is lost. A client of
    the proxy reads its own exchanges (``GET /__proxy/exchanges``, by its ``Authorization``) and
    asks for a drop (``POST /__proxy/drop`` with ``{"method", "path"}``) over HTTP too.
    """

    upstream: str
    exchanges: list[Exchange] = field(default_factory=list)
    drops: set[tuple[str, str]] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._upstream = httpx.Client(base_url=self.upstream, timeout=60)
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _relay(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if self.path.startswith("/__proxy/"):
                    return self._control(body)
                headers = {
                    name: value
                    for name, value in self.headers.items()
                    if name.lower()
                    not in {"host", "connection", "content-length", "accept-encoding"}
                }
                reply = proxy._upstream.request(
                    self.command, self.path, headers=headers, content=body
                )
                with proxy.lock:
                    dropped = (self.command, self.path) in proxy.drops
                    proxy.drops.discard((self.command, self.path))
                    proxy.exchanges.append(
                        Exchange(
                            method=self.command,
                            path=self.path,
                            request_headers={k.lower(): v for k, v in self.headers.items()},
                            status=reply.status_code,
                            response_headers={k.lower(): v for k, v in reply.headers.items()},
                            dropped=dropped,
                        )
                    )
                if dropped:
                    self.close_connection = True
                    return None
                return self._answer(reply.status_code, reply.headers.multi_items(), reply.content)

            def _control(self, body: bytes) -> None:
                if self.command == "POST" and self.path == "/__proxy/drop":
                    asked = json.loads(body)
                    proxy.drop_response(asked["method"], asked["path"])
                    return self._answer(204, [], b"")
                mine = proxy.exchanges_of(
                    self.headers.get("Authorization", "").removeprefix("Bearer ")
                )
                content = json.dumps([exchange.__dict__ for exchange in mine]).encode()
                return self._answer(200, [("Content-Type", "application/json")], content)

            def _answer(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
                self.send_response_only(status)
                for name, value in headers:
                    if name.lower() not in {"content-length", "transfer-encoding", "connection"}:
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_DELETE = _relay  # noqa: N815 (http.server's names)

            def log_message(self, *_args: Any) -> None:
                pass

        class Server(http.server.ThreadingHTTPServer):
            daemon_threads = True

        self._server = Server(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def drop_response(self, method: str, path: str) -> None:
        with self.lock:
            self.drops.add((method, path))

    def exchanges_of(self, key: str) -> list[Exchange]:
        with self.lock:
            return [exchange for exchange in self.exchanges if exchange.key == key]

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._upstream.close()


# ---------------------------------------------------------------------------------------------
# The service, partners and clients


@dataclass
class Stack:
    server: LiveServer
    worker: subprocess.Popen[bytes]
    proxy: RecordingProxy
    database: db.Database


@pytest.fixture(scope="module")
def stack(postgresql_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Server, worker and proxy on a Redis database of their own (10), allowed loopback hooks."""
    stack_redis_url = TEST_REDIS_URL.rpartition("/")[0] + "/10"
    connection = redis.Redis.from_url(stack_redis_url)
    connection.flushdb()
    connection.close()
    env = service_env(postgresql_url, stack_redis_url, tmp_path_factory.mktemp("sdk_stack"))
    env["WEBHOOK_ALLOW_INSECURE_TARGETS"] = "1"
    env["API_RATE_LIMITS"] += f",pipeline={PIPELINE_LIMIT}"
    server = start_live_server(env, workers=1)
    worker = subprocess.Popen([sys.executable, "-m", "hirebridge", "worker"], env=env)
    proxy = RecordingProxy(server.base_url)
    database = db.Database(postgresql_url, pool_size=1)
    yield Stack(server=server, worker=worker, proxy=proxy, database=database)
    proxy.close()
    worker.send_signal(signal.SIGTERM)
    try:
        worker.wait(timeout=30)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()
    stop_live_server(server)
    database.dispose()


@dataclass
class Partner:
    employer_id: int
    key: str
    search_word: str
    profile_ids: list[int]


def make_partner(stack: Stack) -> Partner:
    """An employer with credits, three searchable CV profiles and an approved all-scopes key."""
    word = "sdk" + secrets.token_hex(4)
    with stack.database.unit_of_work() as session:
        employer = employers.create_employer(session, name=f"SDK partner {word}")
        for kind in (CreditKind.JOB_POSTING, CreditKind.CV_SEARCH, CreditKind.CV_DOWNLOAD):
            credits.adjust_credits(session, employer.id, kind, CREDITS)
        key = mint_usable_key(session, employer, name="sdk", scopes=list(SCOPES)).plaintext
        profiles = [
            candidates.create_platform_candidate(
                session,
                {
                    "full_name": "Priya Evans",
                    "email": f"{secrets.token_hex(6)}@example.com",
                    "headline": f"Senior {word} engineer",
                    "cv_text": f"Ten years of {word}.",
                },
            ).id
            for _ in range(3)
        ]
        return Partner(employer.id, key, word, profiles)


def job_posting_balance(stack: Stack, partner: Partner) -> int:
    with stack.database.unit_of_work() as session:
        return credits.balance(session, partner.employer_id, CreditKind.JOB_POSTING)


@pytest.fixture
def partner(stack: Stack) -> Partner:
    return make_partner(stack)


@pytest.fixture
def client(stack: Stack, partner: Partner) -> Iterator[Hirebridge]:
    """The Python SDK, through the proxy, as the partner."""
    with Hirebridge(api_key=partner.key, base_url=stack.proxy.url) as sdk:
        yield sdk


# ---------------------------------------------------------------------------------------------
# The TypeScript SDK's scenario, run by Node's test runner in the background


@dataclass
class NodeRun:
    process: subprocess.Popen[str]
    partner: Partner

    def wait(self) -> tuple[int, str]:
        output, _ = self.process.communicate(timeout=300)
        return self.process.returncode, output


def node_modules_installed() -> None:
    assert (TYPESCRIPT_SDK / "node_modules/.bin/tsc").exists(), (
        "the TypeScript SDK's packages are not installed: run `npm ci --prefix clients/typescript`"
        " (.ci/run and `make clients` do)"
    )


@pytest.fixture(scope="module")
def typescript_build() -> Path:
    """The TypeScript SDK and its tests compiled with `tsc --strict` (any error fails the build)."""
    node_modules_installed()
    result = subprocess.run(
        ["npx", "--no-install", "tsc", "-p", "tsconfig.json"],
        cwd=TYPESCRIPT_SDK,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return TYPESCRIPT_SDK / "dist"


@pytest.fixture(scope="module")
def typescript_scenario(stack: Stack, typescript_build: Path) -> Iterator[NodeRun]:
    """``node --test dist/test/live/`` against the proxy, started now and awaited by its test."""
    partner = make_partner(stack)
    env = {
        **os.environ,
        "HIREBRIDGE_BASE_URL": stack.proxy.url,
        "HIREBRIDGE_API_KEY": partner.key,
        "HIREBRIDGE_JOB": json.dumps(JOB),
        "HIREBRIDGE_SEARCH_QUERY": partner.search_word,
        "HIREBRIDGE_SEARCH_IDS": json.dumps(partner.profile_ids),
        "HIREBRIDGE_PIPELINE_LIMIT": str(PIPELINE_LIMIT),
    }
    process = subprocess.Popen(
        ["node", "--test", "--test-reporter=spec", str(typescript_build / "test/live/")],
        cwd=TYPESCRIPT_SDK,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    run = NodeRun(process, partner)
    yield run
    if process.poll() is None:
        process.kill()
        process.communicate()


# ---------------------------------------------------------------------------------------------
# The Python SDK


@pytest.mark.usefixtures("typescript_scenario")  # starts the Node scenario alongside
def test_python_sdk_creates_publishes_and_walks_every_page(
    client: Hirebridge, stack: Stack, partner: Partner
) -> None:
    created = [client.jobs.create(job_body()) for _ in range(5)]
    published = client.jobs.publish(created[0].id)
    assert published.id == created[0].id and published.status != created[0].status
    assert published.posted_date is not None

    walked = list(client.jobs.list_all(limit=2))
    assert [job.id for job in walked] == [job.id for job in reversed(created)]
    pages = [
        exchange.path
        for exchange in stack.proxy.exchanges_of(partner.key)
        if exchange.path.startswith("/api/v2/jobs?")
    ]
    assert len(pages) == 3 and all("limit=2" in page for page in pages)
    assert [job.id for job in client.jobs.list_all(status=published.status, limit=1)] == [
        published.id
    ]
    assert client.jobs.get(created[1].id).description == JOB["description"]

    # The frozen v1 API through the same client (and so the same retries and keys).
    v1_page = v1_list_jobs.sync(client=client.v1, page_size=10)
    assert sorted(job.id for job in v1_page.items) == sorted(job.id for job in created)
    assert job_posting_balance(stack, partner) == CREDITS - 1


def test_python_sdk_searches_and_unlocks_a_candidate(client: Hirebridge, partner: Partner) -> None:
    found = client.candidates.search({"query": partner.search_word}, limit=2)
    assert found.meta.total == 3 and found.pagination.has_more
    every = list(client.candidates.search_all({"query": partner.search_word}, limit=2))
    assert sorted(row.id for row in every) == sorted(partner.profile_ids)
    assert all(row.is_unlocked is False for row in every)

    profile = client.candidates.get(every[0].id)
    assert profile.is_unlocked is True and profile.email and profile.full_name == "Priya Evans"


def test_python_sdk_replays_a_post_sent_again_with_its_idempotency_key(
    client: Hirebridge, stack: Stack, partner: Partner
) -> None:
    body = job_body()
    first = client.jobs.create(body, idempotency_key="order-7781")
    again = client.jobs.create(body, idempotency_key="order-7781")
    assert again.id == first.id
    assert [job.id for job in client.jobs.list_all()] == [first.id]
    creates = [e for e in stack.proxy.exchanges_of(partner.key) if e.method == "POST"]
    assert [e.request_headers["idempotency-key"] for e in creates] == ["order-7781"] * 2
    assert [e.response_headers.get("idempotent-replayed") for e in creates] == [None, "true"]


def test_python_sdk_retries_a_lost_response_with_the_same_key_and_is_charged_once(
    client: Hirebridge, stack: Stack, partner: Partner
) -> None:
    job = client.jobs.create(job_body())
    path = f"/api/v2/jobs/{job.id}/publish"
    stack.proxy.drop_response("POST", path)

    published = client.jobs.publish(job.id)

    assert published.id == job.id and published.posted_date is not None
    attempts = [e for e in stack.proxy.exchanges_of(partner.key) if e.path == path]
    assert [(e.status, e.dropped) for e in attempts] == [(200, True), (200, False)]
    keys = {e.request_headers["idempotency-key"] for e in attempts}
    assert len(keys) == 1 and re.fullmatch(r"[0-9a-f-]{36}", keys.pop())
    assert attempts[1].response_headers["idempotent-replayed"] == "true"
    assert job_posting_balance(stack, partner) == CREDITS - 1


def test_python_sdk_raises_typed_errors_with_code_message_status_and_request_id(
    client: Hirebridge, stack: Stack, partner: Partner
) -> None:
    with pytest.raises(NotFoundError) as missing:
        client.jobs.get(999_999_999)
    [exchange] = [e for e in stack.proxy.exchanges_of(partner.key) if e.status == 404]
    assert missing.value.status == 404 and missing.value.code == "not_found"
    assert (
        missing.value.message
        and missing.value.request_id == exchange.response_headers["x-request-id"]
    )

    job = client.jobs.publish(client.jobs.create(job_body()).id)
    with pytest.raises(BadRequestError) as refused:
        client.jobs.publish(job.id)
    assert refused.value.code == "invalid_state" and refused.value.request_id

    with pytest.raises(ValueError, match="no field 'titel'"):
        client.jobs.create({**job_body(), "titel": "typo"})

    with (
        Hirebridge(api_key="pk_live_" + "x" * 40, base_url=stack.proxy.url) as stranger,
        pytest.raises(AuthenticationError) as unknown,
    ):
        stranger.jobs.list()
    assert unknown.value.status == 401 and unknown.value.code is None

    unreachable = f"http://127.0.0.1:{free_port()}"
    with (
        Hirebridge(api_key=partner.key, base_url=unreachable, initial_backoff=0.01) as lost,
        pytest.raises(APIConnectionError),
    ):
        lost.jobs.list()


def test_python_sdk_waits_out_a_rate_limit_and_recovers_through_its_retry(
    client: Hirebridge, stack: Stack, partner: Partner
) -> None:
    pages = [client.pipeline.list_stages() for _ in range(PIPELINE_LIMIT + 1)]

    assert all(page.data == pages[0].data for page in pages)
    statuses = [
        e.status
        for e in stack.proxy.exchanges_of(partner.key)
        if e.path.startswith("/api/v2/pipeline/stages")
    ]
    # The 429's Retry-After was waited out: the one retry it took succeeded.
    assert statuses == [200] * PIPELINE_LIMIT + [429, 200]


def test_python_sdk_verifies_real_deliveries_and_accepts_either_secret_in_a_rotation(
    client: Hirebridge,
) -> None:
    receiver = Receiver()
    try:
        hook = client.webhooks.create(
            {"url": receiver.url(), "events": sorted(SUBSCRIBABLE_EVENT_TYPE_VALUES)}
        )
        job = client.jobs.publish(client.jobs.create(job_body()).id)
        [delivery] = wait_for(lambda: receiver.requests, timeout=60, message="a delivery")

        event = webhooks.construct_event(delivery.body, signature(delivery), hook.secret)
        assert isinstance(event, JobPublishedEvent)
        assert event.data.job_post_id == job.id and event.id == delivery.json["id"]
        refused(delivery.body + b" ", signature(delivery), hook.secret)
        refused(delivery.body, signature(delivery), "whsec_" + secrets.token_urlsafe(32))
        stale = int(time.time()) - webhooks.DEFAULT_TOLERANCE - 1
        refused(
            delivery.body, f"t={stale},v1={sign(hook.secret, stale, delivery.body)}", hook.secret
        )
        future = int(time.time()) + webhooks.DEFAULT_TOLERANCE + 60
        refused(
            delivery.body, f"t={future},v1={sign(hook.secret, future, delivery.body)}", hook.secret
        )

        rotation = client.webhooks.rotate_secret(hook.id)
        client.webhooks.send_test_event(hook.id)
        test = wait_for(lambda: receiver.requests[1:], timeout=60, message="the test delivery")[0]
        assert signature(test).count("v1=") == 2
        for accepted in ([rotation.secret], [hook.secret], [hook.secret, rotation.secret]):
            event = webhooks.construct_event(test.body, signature(test), accepted)
            assert isinstance(event, WebhookTestEvent) and event.data.webhook_id == hook.id
        refused(test.body, signature(test), ["whsec_" + secrets.token_urlsafe(32)])
    finally:
        receiver.close()


def signature(request: Received) -> str:
    return request.headers[webhooks.SIGNATURE_HEADER]


def refused(body: bytes, header: str, secret: str | list[str]) -> None:
    with pytest.raises(WebhookVerificationError):
        webhooks.construct_event(body, header, secret)


# ---------------------------------------------------------------------------------------------
# The TypeScript SDK


def test_typescript_sdk_runs_the_partner_scenario(
    typescript_scenario: NodeRun, stack: Stack
) -> None:
    returncode, output = typescript_scenario.wait()
    assert returncode == 0, output
    assert re.search(r"^\S+ fail 0$", output, re.MULTILINE), output
    # Three jobs published through the SDK, one of them after a lost response: charged thrice.
    assert job_posting_balance(stack, typescript_scenario.partner) == CREDITS - 3


def test_typescript_sdk_unit_tests_pass(typescript_build: Path) -> None:
    result = subprocess.run(
        ["node", "--test", str(typescript_build / "test/unit/")],
        cwd=TYPESCRIPT_SDK,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# ---------------------------------------------------------------------------------------------
# The quick starts, as the READMEs print them


def quick_start(readme: Path, language: str) -> str:
    """The first ``language`` block under the README's "Quick start" heading."""
    text = readme.read_text(encoding="utf-8")
    section = text.split("## Quick start", 1)[1]
    block = re.search(rf"```{language}\n(.*?)```", section, re.DOTALL)
    assert block, f"no {language} block under Quick start in {readme}"
    code = block.group(1)
    assert len([line for line in code.splitlines() if line.strip()]) <= 5, code
    return code


def run_quick_start(
    client: Hirebridge,
    stack: Stack,
    partner: Partner,
    readme: Path,
    language: str,
    script: Path,
    command: list[str],
    **run: Any,
) -> None:
    """Run the README's quick start as the partner; it lists the partner's one job."""
    job = client.jobs.create(job_body())
    code = quick_start(readme, language)
    assert "pk_live_..." in code and "http://127.0.0.1:8000" in code
    script.write_text(
        code.replace("pk_live_...", partner.key).replace(
            "http://127.0.0.1:8000", stack.server.base_url
        )
    )
    result = subprocess.run(
        [*command, str(script)], capture_output=True, text=True, check=False, **run
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [str(job.id), job.status, *job.title.split()]


def test_python_quick_start_runs_as_written(
    client: Hirebridge, stack: Stack, partner: Partner, tmp_path: Path
) -> None:
    run_quick_start(
        client,
        stack,
        partner,
        PYTHON_SDK / "README.md",
        "python",
        tmp_path / "quick_start.py",
        [sys.executable],
        env={**os.environ, "PYTHONPATH": str(PYTHON_SDK)},
    )


def test_typescript_quick_start_runs_as_written(
    client: Hirebridge, stack: Stack, partner: Partner, typescript_build: Path
) -> None:
    # Inside the package, so that `@hirebridge/client` resolves to it (a package may import itself).
    run_quick_start(
        client,
        stack,
        partner,
        TYPESCRIPT_SDK / "README.md",
        "ts",
        typescript_build / "quick-start.mjs",
        ["node"],
        cwd=TYPESCRIPT_SDK,
    )

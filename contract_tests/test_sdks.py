"""The SDKs in ``clients/`` without a scenario: generated layers in step with the served documents,
hand-written layers covering every operation and strictly typed, and their retry and webhook rules.

The partner scenarios against the real service are in ``test_sdk_partner_scenarios.py``.
"""

from __future__ import annotations

import hashlib
import hmac
import importlib
import inspect
import json
import pkgutil
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tests.support.live import LiveServer

ROOT = Path(__file__).resolve().parents[1]
CLIENTS = ROOT / "clients"
PYTHON_SDK = CLIENTS / "python"
sys.path.insert(0, str(PYTHON_SDK))
sys.path.insert(0, str(CLIENTS))

import generate  # noqa: E402 (clients/generate.py, the generator `make clients` runs)
from hirebridge_client import (  # noqa: E402 (the SDK is imported from its directory)
    ConflictError,
    Hirebridge,
    RateLimitError,
    ServerError,
    WebhookVerificationError,
    resources,
    webhooks,
)
from hirebridge_client.v2.models import JobClosedEvent  # noqa: E402

VERBS = ("get", "post", "put", "delete")


# ---------------------------------------------------------------------------------------------
# Generated layers


def differences(committed: Path, fresh: Path) -> list[str]:
    """Paths (relative to ``committed``) that are missing, extra or different in ``fresh``."""
    if committed.is_file() or fresh.is_file():
        same = committed.is_file() and fresh.is_file()
        return [] if same and committed.read_bytes() == fresh.read_bytes() else [str(committed)]

    def files(root: Path) -> set[Path]:
        relative = (path.relative_to(root) for path in root.rglob("*") if path.is_file())
        # Caches left by tools are not generated code.
        return {
            path
            for path in relative
            if not any(part == "__pycache__" or part.startswith(".") for part in path.parts)
        }

    found = []
    for relative in sorted(files(committed) | files(fresh)):
        mine, theirs = committed / relative, fresh / relative
        if not (mine.exists() and theirs.exists() and mine.read_bytes() == theirs.read_bytes()):
            found.append(str(committed / relative))
    return found


def test_committed_generated_layers_match_a_fresh_generation_from_the_served_documents(
    live_server: LiveServer, tmp_path: Path
) -> None:
    result = subprocess.run(
        [
            sys.executable,
            str(CLIENTS / "generate.py"),
            "--documents-from",
            live_server.base_url,
            "--into",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr

    stale = [
        difference
        for path in generate.GENERATED_PATHS
        for difference in differences(CLIENTS / path, tmp_path / path)
    ]
    assert stale == [], "the generated SDK layers are stale: run `make clients`\n" + "\n".join(
        stale
    )


def test_each_sdk_version_is_the_served_v2_documents_version(live_server: LiveServer) -> None:
    served = httpx.get(f"{live_server.base_url}/swagger/v2/swagger.json").json()
    version = served["info"]["version"]
    package = json.loads((CLIENTS / "typescript/package.json").read_text(encoding="utf-8"))
    assert package["version"] == version
    assert importlib.import_module("hirebridge_client").__version__ == version


# ---------------------------------------------------------------------------------------------
# Hand-written layers


def test_the_python_sdk_is_typed_strictly() -> None:
    result = subprocess.run(
        [str(Path(sys.executable).with_name("mypy"))],
        cwd=PYTHON_SDK,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def python_resource_methods() -> dict[str, Callable[..., object]]:
    """Generated operation module -> the resource method that calls it."""
    calls: dict[str, Callable[..., object]] = {}
    for resource in resources.Resource.__subclasses__():
        for _, method in inspect.getmembers(resource, inspect.isfunction):
            for module in re.findall(r"(\w+)\.sync_detailed", inspect.getsource(method)):
                calls[module] = method
    return calls


def test_every_v2_operation_is_a_python_resource_method_taking_all_its_parameters() -> None:
    api = importlib.import_module("hirebridge_client.v2.api")
    calls = python_resource_methods()
    for tag in pkgutil.iter_modules(api.__path__):
        package = importlib.import_module(f"{api.__name__}.{tag.name}")
        for operation in pkgutil.iter_modules(package.__path__):
            generated = importlib.import_module(f"{package.__name__}.{operation.name}")
            assert operation.name in calls, f"no resource method calls {operation.name}"
            method = calls[operation.name]
            wanted = set(inspect.signature(generated.sync_detailed).parameters) - {"client"}
            taken = set(inspect.signature(method).parameters)
            assert wanted <= taken, f"{method.__qualname__} lacks {wanted - taken}"
            if "cursor" in wanted:
                owner = next(
                    c for c in resources.Resource.__subclasses__() if method in vars(c).values()
                )
                assert hasattr(owner, f"{method.__name__}_all"), f"{method.__qualname__}_all"


def test_every_v2_operation_is_a_typescript_resource_method(live_server: LiveServer) -> None:
    served = httpx.get(f"{live_server.base_url}/swagger/v2/swagger.json").json()
    operations = {
        (method.upper(), path)
        for path, item in served["paths"].items()
        for method in item
        if method in VERBS
    }
    source = (CLIENTS / "typescript/src/client.ts").read_text(encoding="utf-8")
    called = set(re.findall(r"this\.api\.(GET|POST|PUT|DELETE)\(\s*\"([^\"]+)\"", source))
    assert called == operations


# ---------------------------------------------------------------------------------------------
# Retries and idempotency keys (a scripted transport: the live scenarios use the real server)


def scripted(
    *answers: Callable[[httpx.Request], httpx.Response],
) -> tuple[Hirebridge, list[httpx.Request]]:
    """A client whose transport answers from a script and records what it was sent."""
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return answers[len(seen) - 1](request)

    client = Hirebridge(
        api_key="pk_live_test",
        base_url="http://api.test",
        transport=httpx.MockTransport(handle),
        initial_backoff=0.001,
        max_backoff=0.001,
    )
    return client, seen


def answer(
    status: int, body: object = None, **headers: str
) -> Callable[[httpx.Request], httpx.Response]:
    return lambda _request: httpx.Response(status, json=body, headers=headers)


def broken(request: httpx.Request) -> httpx.Response:
    raise httpx.RemoteProtocolError(
        "Server disconnected without sending a response.", request=request
    )


JOB = {
    "id": 1,
    "reference": "R",
    "title": "T",
    "location": "C, K",
    "city": "C",
    "country": "K",
    "employmentType": "full-time",
    "remoteType": "on-site",
    "applyMethod": "quick-apply",
    "applyEmailAddress": None,
    "applyUrl": None,
    "salaryMin": None,
    "salaryMax": None,
    "salaryCurrency": None,
    "status": "draft",
    "postedDate": None,
    "expiryDate": None,
    "createdAt": "2026-05-01T00:00:00Z",
    "updatedAt": "2026-05-01T00:00:00Z",
    "description": "D",
}
OK = {"success": True, "data": JOB}


def error(code: str) -> dict[str, object]:
    return {"success": False, "error": {"code": code, "message": code}}


def test_a_post_gets_an_idempotency_key_that_every_retry_sends_again() -> None:
    client, seen = scripted(
        answer(503, error("unavailable"), **{"Retry-After": "0"}), broken, answer(200, OK)
    )
    assert client.jobs.publish(1).id == 1
    keys = [request.headers["Idempotency-Key"] for request in seen]
    assert len(keys) == 3 and len(set(keys)) == 1
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}", keys[0])
    assert {request.content for request in seen} == {seen[0].content}


def test_a_callers_key_is_sent_as_given_and_reads_get_none() -> None:
    client, seen = scripted(answer(200, OK), answer(200, OK))
    client.jobs.publish(1, idempotency_key="order-1")
    client.jobs.get(1)
    assert seen[0].headers["Idempotency-Key"] == "order-1"
    assert "Idempotency-Key" not in seen[1].headers


def test_retries_are_bounded_and_the_last_answer_is_raised_typed() -> None:
    limited = answer(429, error("rate_limited"), **{"Retry-After": "0", "X-Request-Id": "r-1"})
    client, seen = scripted(limited, limited, limited)
    with pytest.raises(RateLimitError) as raised:
        client.jobs.get(1)
    assert len(seen) == 3
    assert (raised.value.code, raised.value.request_id, raised.value.retry_after) == (
        "rate_limited",
        "r-1",
        0,
    )


def test_a_retry_after_longer_than_max_retry_delay_is_not_waited_out() -> None:
    client, seen = scripted(answer(429, error("quota_exceeded"), **{"Retry-After": "86400"}))
    with pytest.raises(RateLimitError, match="quota_exceeded"):
        client.jobs.get(1)
    assert len(seen) == 1


def test_a_409_is_retried_only_when_the_post_was_itself_a_retry() -> None:
    client, seen = scripted(answer(409, error("conflict")))
    with pytest.raises(ConflictError):
        client.jobs.publish(1)
    assert len(seen) == 1
    client, seen = scripted(broken, answer(409, error("conflict")), answer(200, OK))
    assert client.jobs.publish(1).id == 1 and len(seen) == 3


def test_no_retry_when_max_retries_is_zero() -> None:
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(503, json=error("unavailable"))

    with (
        Hirebridge(
            api_key="pk_live_test",
            base_url="http://api.test",
            transport=httpx.MockTransport(handle),
            max_retries=0,
        ) as client,
        pytest.raises(ServerError),
    ):
        client.jobs.get(1)
    assert len(seen) == 1


# ---------------------------------------------------------------------------------------------
# Webhook verification (real deliveries: test_sdk_partner_scenarios.py)

SECRET = "whsec_current"
BODY = json.dumps(
    {
        "id": "evt_7c4a8d09ca3762af61e59520",
        "type": "job.closed",
        "createdAt": "2026-05-03T10:12:00Z",
        "data": {"jobPostId": 7, "closedAt": "2026-05-03T10:12:00Z"},
    }
).encode()


def signed(timestamp: int, *secrets: str, body: bytes = BODY) -> str:
    entries = [
        "v1=" + hmac.new(s.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
        for s in secrets
    ]
    return ",".join([f"t={timestamp}", *entries])


def test_construct_event_types_the_event_and_keeps_unknown_types() -> None:
    now = int(time.time())
    event = webhooks.construct_event(BODY, signed(now, SECRET), SECRET)
    assert isinstance(event, JobClosedEvent) and event.data.job_post_id == 7
    newer = BODY.replace(b"job.closed", b"job.reopened")
    unknown = webhooks.construct_event(newer, signed(now, SECRET, body=newer), [SECRET])
    assert unknown == webhooks.UnknownEvent(
        id="evt_7c4a8d09ca3762af61e59520",
        type="job.reopened",
        created_at="2026-05-03T10:12:00Z",
        data={"jobPostId": 7, "closedAt": "2026-05-03T10:12:00Z"},
    )


@pytest.mark.parametrize(
    "header",
    [
        "",
        "v1=" + "0" * 64,
        "t=12x,v1=" + "0" * 64,
        "t=\u00b2,v1=" + "0" * 64,
        "t=1,t=2,v1=" + "0" * 64,
        f"t={int(time.time())}",
        f"t={int(time.time())},v1=\u00e9",
        f"t={int(time.time())},v2=" + "0" * 64,
    ],
)
def test_construct_event_refuses_malformed_headers_with_its_own_error(header: str) -> None:
    with pytest.raises(WebhookVerificationError):
        webhooks.construct_event(BODY, header, SECRET)


def test_construct_event_needs_the_raw_bytes_and_a_secret() -> None:
    now = int(time.time())
    with pytest.raises(TypeError, match="bytes"):
        webhooks.construct_event(BODY.decode(), signed(now, SECRET), SECRET)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="secret"):
        webhooks.construct_event(BODY, signed(now, SECRET), [])


def test_the_account_resource_reads_the_calling_key() -> None:
    me = {
        "key": {
            "id": 7,
            "name": "Bullhorn production",
            "prefix": "pk_live_3fA9",
            "scopes": ["jobs:read"],
            "expiresAt": None,
        },
        "employer": {"id": 1, "name": "Acme Recruiting", "plan": "professional"},
        "rateLimit": {"family": "other", "limit": 60, "remaining": 59, "resetSeconds": 42},
        "quota": {"monthlyRequests": 10000, "usedThisMonth": 1234, "remaining": 8766},
    }
    client, seen = scripted(answer(200, {"success": True, "data": me}))
    found = client.account.me()
    assert seen[0].method == "GET" and seen[0].url.path == "/api/v2/me"
    assert found.key.name == "Bullhorn production" and found.employer.plan == "professional"
    assert found.to_dict() == me

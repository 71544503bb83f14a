"""``hirebridge webhooks listen`` end to end: `make run`'s queue worker delivers to it.

The listener's webhook is the one subscription the target policy lets reach loopback: the same
URL made through the API is refused, and so is the command in production mode.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest

from tests.support.factories import SEED_JOB
from tests.support.live import DemoStack
from tests.support.output import Lines
from tests.support.receivers import Receiver, always, wait_for


@contextmanager
def listening(stack: DemoStack, *options: str) -> Iterator[subprocess.Popen[str]]:
    """``webhooks listen`` for the demo employer, killed on the way out if still running."""
    command = [sys.executable, "-m", "hirebridge", "webhooks", "listen", "--employer", "1"]
    with subprocess.Popen(
        [*command, *options],
        cwd=stack.checkout,
        env=stack.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    ) as process:
        try:
            yield process
        finally:
            if process.poll() is None:
                process.kill()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    receiver = Receiver(always(202))
    yield receiver
    receiver.close()


def test_listen_prints_verifies_and_forwards_deliveries_then_cleans_up(
    demo_stack: DemoStack, receiver: Receiver
) -> None:
    api = httpx.Client(
        base_url=f"{demo_stack.base_url}/api/v1",
        headers={"Authorization": f"Bearer {demo_stack.key}"},
        timeout=30,
    )
    forward_to = receiver.url("/hooks")
    with api, listening(demo_stack, "--events", "job.published", "--forward-to", forward_to) as cli:
        output = Lines(cli)
        ready = output.next("Ready")
        found = re.search(r"webhook (\d+) sends job.published to (http://127.0.0.1:\d+/\S+)", ready)
        assert found, ready
        webhook_id, listener_url = found.groups()
        secret = output.next("Signing secret").split()[2]

        # Only the listener's own subscription may target loopback.
        copied = api.post("/webhooks", json={"url": listener_url, "events": ["job.closed"]})
        assert copied.status_code == 400, copied.text

        job = api.post("/jobs", json=SEED_JOB).json()
        assert api.post(f"/jobs/{job['id']}/publish", json={}).status_code == 200
        line = output.next("job.published")
        assert "signature verified" in line and f"-> 202 {forward_to}" in line

        [forwarded] = wait_for(lambda: list(receiver.requests), 30, "the forwarded delivery")
        assert forwarded.headers["X-Webhook-Event"] == "job.published"
        assert forwarded.json["data"]["jobPostId"] == job["id"]
        assert forwarded.delivery_id in line
        signed = re.fullmatch(
            r"t=(\d+),v1=([0-9a-f]{64})", forwarded.headers["X-Webhook-Signature"]
        )
        assert signed is not None
        expected = hmac.new(
            secret.encode(), f"{signed[1]}.".encode() + forwarded.body, hashlib.sha256
        ).hexdigest()
        assert hmac.compare_digest(signed[2], expected)

        # The worker records attempts in batches, a moment after they happen.
        def attempts() -> list[int]:
            items = api.get(f"/webhooks/{webhook_id}/deliveries").json()["items"]
            return [attempt["statusCode"] for item in items for attempt in item["attempts"]]

        assert wait_for(attempts, 30, "the recorded attempt") == [202]

        cli.send_signal(signal.SIGINT)
        assert f"webhook {webhook_id} deleted" in output.next("Stopped")
        assert cli.wait(timeout=30) == 0
        assert api.get(f"/webhooks/{webhook_id}").status_code == 404


def test_listen_is_refused_in_production(demo_stack: DemoStack) -> None:
    production = {
        **demo_stack.env,
        "HIREBRIDGE_ENV": "production",
        "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none",
        "REDIS_URL": "redis://127.0.0.1:1/0",
        "SECRET_KEY": "s" * 40,
        "WEBHOOK_SECRET_KEY": "w" * 40,
        "PUBLIC_BASE_URL": "https://hirebridge.example.com",
    }
    result = subprocess.run(
        [sys.executable, "-m", "hirebridge", "webhooks", "listen", "--employer", "1"],
        env=production,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "error: webhooks listen is for development machines; not in production mode"
    )

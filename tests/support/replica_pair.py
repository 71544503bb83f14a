"""A PostgreSQL primary and a streaming replica of it, for the read-replica tests.

Both are scratch clusters of the tests' own, made from the PostgreSQL binaries installed on the
machine (as ``bench/pgserver.py`` does for the benchmarks): ``initdb`` a primary with
``wal_level=replica`` on a free port, ``pg_basebackup -R`` it into a standby on another port, and
start both. The primary lists the standby as synchronous, so a database of the pair can ask for
``synchronous_commit = remote_apply`` (``create_database(read_your_commits=True)``): a commit then
returns once the replica has applied it, and a test that writes and then reads from the replica
sees its write. Other databases of the pair commit once the replica has the WAL, not applied it,
so pausing replay (``pause_replay``) holds the replica at a point in the past while the primary
keeps committing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg

from storage import migrate
from tests.support.live import free_port


def _binaries() -> Path:
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
    if not versions:
        raise RuntimeError("no PostgreSQL server binaries under /usr/lib/postgresql")
    return versions[-1]


def _as_owner(command: list[str]) -> list[str]:
    # PostgreSQL refuses to run as root; on a root shell run it as the postgres account.
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def _run(command: list[str]) -> None:
    subprocess.run(_as_owner(command), check=True, capture_output=True)


@dataclass
class ReplicaPair:
    """A running primary and standby (``start_pair``)."""

    directory: Path
    primary_port: int
    standby_port: int

    def url(self, database: str, *, standby: bool = False) -> str:
        port = self.standby_port if standby else self.primary_port
        return f"postgresql://postgres@127.0.0.1:{port}/{database}"

    def _conninfo(self, database: str = "postgres", *, standby: bool = False) -> str:
        port = self.standby_port if standby else self.primary_port
        return f"host=127.0.0.1 port={port} user=postgres dbname={database}"

    def primary(self, database: str = "postgres") -> psycopg.Connection[tuple[object, ...]]:
        return psycopg.connect(self._conninfo(database), autocommit=True)

    def standby(self, database: str = "postgres") -> psycopg.Connection[tuple[object, ...]]:
        return psycopg.connect(self._conninfo(database, standby=True), autocommit=True)

    def create_database(self, name: str, *, read_your_commits: bool) -> tuple[str, str]:
        """A migrated database on the primary, present on the standby on return; its two URLs."""
        with self.primary() as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
            if read_your_commits:
                admin.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = remote_apply')
        migrate.upgrade(self.url(name))
        self.wait_for_replay()
        return self.url(name), self.url(name, standby=True)

    def wait_for_replay(self, timeout: float = 60) -> None:
        """Until the standby has replayed everything the primary had written when called."""
        with self.primary() as primary:
            target = primary.execute("SELECT pg_current_wal_lsn()").fetchone()
        assert target is not None
        deadline = time.monotonic() + timeout
        with self.standby() as standby:
            while True:
                row = standby.execute(
                    "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (str(target[0]),)
                ).fetchone()
                if row is not None and row[0]:
                    return
                if time.monotonic() > deadline:
                    raise RuntimeError("the standby did not catch up")
                time.sleep(0.05)

    @contextmanager
    def replay_paused(self) -> Iterator[None]:
        """The standby stops applying WAL (it keeps receiving it) until the block ends."""
        with self.standby() as standby:
            standby.execute("SELECT pg_wal_replay_pause()")
            while True:
                state = standby.execute("SELECT pg_get_wal_replay_pause_state()").fetchone()
                if state is not None and state[0] == "paused":
                    break
                time.sleep(0.02)
            try:
                yield
            finally:
                standby.execute("SELECT pg_wal_replay_resume()")

    def stop(self) -> None:
        for name in ("standby", "primary"):
            subprocess.run(
                _as_owner(
                    [
                        str(_binaries() / "pg_ctl"),
                        "-D",
                        str(self.directory / name),
                        "-m",
                        "immediate",
                        "stop",
                    ]
                ),
                check=False,
                capture_output=True,
            )
        shutil.rmtree(self.directory, ignore_errors=True)


# Settings for a scratch cluster: durability is not what these tests are about.
_COMMON = {
    "listen_addresses": "'127.0.0.1'",
    "fsync": "off",
    "full_page_writes": "off",
    "shared_buffers": "32MB",
    "max_connections": "60",
}


def _configure(data: Path, settings: dict[str, str]) -> None:
    with (data / "postgresql.auto.conf").open("a") as handle:
        for name, value in settings.items():
            handle.write(f"{name} = {value}\n")


def start_pair() -> ReplicaPair:
    """``initdb`` a primary, ``pg_basebackup -R`` a standby from it, and start both."""
    bin_dir = _binaries()
    directory = Path(tempfile.mkdtemp(prefix="hirebridge-replica-"))
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres", "postgres")
    primary, standby = directory / "primary", directory / "standby"
    pair = ReplicaPair(directory, free_port(), free_port())
    try:
        _run(
            [
                str(bin_dir / "initdb"),
                "-D",
                str(primary),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            ]
        )
        _configure(
            primary,
            {
                **_COMMON,
                "port": str(pair.primary_port),
                "unix_socket_directories": f"'{directory}'",
                "wal_level": "replica",
                "max_wal_senders": "4",
                # The standby connects as 'walreceiver'; '*' names any standby.
                "synchronous_standby_names": "'*'",
            },
        )
        _start(bin_dir, primary)
        _run(
            [
                str(bin_dir / "pg_basebackup"),
                "-h",
                "127.0.0.1",
                "-p",
                str(pair.primary_port),
                "-U",
                "postgres",
                "-D",
                str(standby),
                "-R",
                "-X",
                "stream",
                "--checkpoint=fast",
                "--no-sync",
            ]
        )
        _configure(
            standby,
            {
                "port": str(pair.standby_port),
                "hot_standby": "on",
                # Vacuum on the primary must not cancel a search running on the standby.
                "hot_standby_feedback": "on",
            },
        )
        _start(bin_dir, standby)
        pair.wait_for_replay()
    except BaseException:
        pair.stop()
        raise
    return pair


def _start(bin_dir: Path, data: Path) -> None:
    _run(
        [
            str(bin_dir / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(data.parent / f"{data.name}.log"),
            "-w",
            "-t",
            "120",
            "start",
        ]
    )

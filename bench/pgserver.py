"""A PostgreSQL server of the benchmarks' own, configured like a production database host.

The machine's shared PostgreSQL runs with the distribution's defaults (128 MB of shared buffers),
which no production deployment uses; a benchmark against it measures page copies from the OS cache
rather than the service. This starts (once, then reuses) a cluster under ``var/bench-postgres``
on port 5544 with settings sized for this machine, from the PostgreSQL binaries already installed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

PORT = int(os.environ.get("BENCH_PG_PORT", "5544"))
DATA_DIR = Path(
    os.environ.get(
        "BENCH_PG_DIR", Path(__file__).resolve().parent.parent / "var" / "bench-postgres"
    )
)
URL = f"postgresql://postgres@127.0.0.1:{PORT}/hirebridge_bench"


def _memory_bytes() -> int:
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


# A quarter of memory for shared buffers and three quarters as the cache estimate: the usual
# starting point for a dedicated database host.
def settings() -> dict[str, str]:
    memory_mb = _memory_bytes() // (1024 * 1024)
    return {
        "shared_buffers": f"{memory_mb // 4}MB",
        "effective_cache_size": f"{memory_mb * 3 // 4}MB",
        "work_mem": "32MB",
        "maintenance_work_mem": "1GB",
        "max_wal_size": "8GB",
        "random_page_cost": "1.1",
        "listen_addresses": "'127.0.0.1'",
        "port": str(PORT),
    }


def postgres_binaries() -> Path:
    """The directory of PostgreSQL's server tools (``initdb``, ``pg_ctl``, ``postgres``)."""
    # The versioned directory first: distributions put wrappers, not the server tools, on PATH.
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
    if versions:
        return versions[-1]
    found = shutil.which("initdb")
    if found is None:
        sys.exit("no PostgreSQL binaries found (install the postgresql package)")
    return Path(found).parent


def as_postgres_owner(command: list[str]) -> list[str]:
    """``command`` as the account that may run PostgreSQL's server tools."""
    # PostgreSQL refuses to run as root; on a root shell run it as the postgres account.
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def ensure_running() -> str:
    """Start the benchmark cluster (initialising it the first time); returns its URL."""
    bin_dir = postgres_binaries()
    if not (DATA_DIR / "PG_VERSION").exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(DATA_DIR, "postgres", "postgres")
        subprocess.run(
            as_postgres_owner(
                [
                    str(bin_dir / "initdb"),
                    "-D",
                    str(DATA_DIR),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        conf = DATA_DIR / "postgresql.auto.conf"
        with conf.open("a") as handle:
            for name, value in settings().items():
                handle.write(f"{name} = {value}\n")
    ready = subprocess.run(
        [str(bin_dir / "pg_isready"), "-h", "127.0.0.1", "-p", str(PORT)], capture_output=True
    )
    if ready.returncode != 0:
        subprocess.run(
            as_postgres_owner(
                [
                    str(bin_dir / "pg_ctl"),
                    "-D",
                    str(DATA_DIR),
                    "-l",
                    str(DATA_DIR / "server.log"),
                    "-w",
                    "start",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        time.sleep(0.5)
    return URL


def stop() -> None:
    subprocess.run(
        as_postgres_owner(
            [str(postgres_binaries() / "pg_ctl"), "-D", str(DATA_DIR), "-m", "fast", "stop"]
        ),
        check=False,
    )


if __name__ == "__main__":
    print(ensure_running())

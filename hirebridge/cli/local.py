"""Commands that run Hirebridge: the servers, the queue worker, and the demo on one machine."""

from __future__ import annotations

import os
import subprocess
import sys

import click

from hirebridge import demo_files
from hirebridge.cli.accounts import db_upgrade
from hirebridge.cli.common import CliError, load_settings, unit_of_work
from hirebridge_floor.settings import Settings
from storage import db, demo


@click.group("demo")
def demo_group() -> None:
    """Demo data for trying Hirebridge on one machine."""


@demo_group.command("seed")
def demo_seed() -> None:
    """Create the demo employer, credits, jobs, CV profiles, key and portal admin if missing;
    prints the demo key.

    The key and the admin's password are kept in the data directory (demo-key.txt, demo.json),
    readable by their owner only, for the start banner.
    """
    click.echo(_seed_demo(load_settings()))


def _seed_demo(settings: Settings, *, profiles: bool = True) -> str:
    """Seed the demo; returns its key (``demo seed`` and ``demo run`` share this)."""
    known_key = demo_files.read_key(settings.data_dir)
    known = demo_files.read_details(settings.data_dir)
    with unit_of_work() as session:
        password = known.admin_password if known else None
        result = demo.seed_demo(session, known_key, password, profiles=profiles)
        employer_id = result.employer.id
    key = result.new_key or known_key
    assert key is not None  # a key is minted whenever none is known
    if result.new_key:
        demo_files.write_key(settings.data_dir, result.new_key)
    password = result.new_admin_password or (known.admin_password if known else "")
    details = demo_files.DemoDetails(employer_id, demo.DEMO_ADMIN_EMAIL, password)
    if details != known:
        demo_files.write_details(settings.data_dir, details)
    click.echo(f"demo employer {employer_id}", err=True)
    return key


@demo_group.command("profiles")
@click.option(
    "--batch",
    type=click.IntRange(1, demo.DEMO_PLATFORM_CANDIDATES),
    default=25,
    show_default=True,
    help="Profiles per transaction: a small one keeps SQLite's write lock short for the API.",
)
@click.option(
    "--background", is_flag=True, help="Run at a low CPU priority (what `demo run` asks for)."
)
def demo_profiles(batch: int, background: bool) -> None:
    """Add the demo's missing CV profiles, a batch per transaction; prints how many."""
    if background:
        # At a low priority on a busy machine a batch holds SQLite's write lock for longer (its
        # CPU share falls): 25 profiles keep that well inside the API's 10 s busy timeout.
        os.nice(10)
    with unit_of_work() as session:
        missing = demo.missing_profiles(session)
    for start in range(0, len(missing), batch):
        with unit_of_work() as session:
            demo.add_profiles(session, missing[start : start + batch])
    click.echo(f"{len(missing)} demo CV profiles added")


@demo_group.command("run")
@click.option("--bind", default="127.0.0.1:8000", show_default=True, help="HOST:PORT to listen on.")
def demo_run(bind: str) -> None:
    """Migrate the database, seed the demo (the first time) and serve the API with a queue
    worker: what `make run` does. Not in production mode.

    The searchable CV profiles, the slow part of a first seed, are added by a background process
    at a low CPU priority while the server starts (`demo profiles`).
    """
    from hirebridge.server import serve as run_server

    settings = load_settings()
    if settings.is_production:
        raise CliError("demo run is for one machine; in production run db upgrade, serve, worker")
    db_upgrade.callback()  # type: ignore[misc]
    _seed_demo(settings, profiles=False)
    # The servers' processes open their own connections; none is inherited from this one.
    db.current().dispose()
    profiles = subprocess.Popen(
        [sys.executable, "-m", "hirebridge", "demo", "profiles", "--background"]
    )
    try:
        run_server(settings, bind=bind, workers=None, with_worker=True)
    finally:
        if profiles.poll() is None:
            profiles.terminate()
        profiles.wait(timeout=30)


@click.command("serve")
@click.option("--bind", default="127.0.0.1:8000", show_default=True, help="HOST:PORT to listen on.")
@click.option(
    "--workers", type=int, default=None, help="Worker processes (default WEB_CONCURRENCY)."
)
@click.option(
    "--with-worker", is_flag=True, help="Also run a queue worker (for local development)."
)
def serve(bind: str, workers: int | None, with_worker: bool) -> None:
    """Serve the API with gunicorn and uvicorn workers."""
    from hirebridge.server import serve as run_server

    run_server(load_settings(), bind=bind, workers=workers, with_worker=with_worker)


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queues are empty.")
def worker(burst: bool) -> None:
    """Run a queue worker (with the scheduler) for webhook delivery, expiry and e-mail."""
    from jobs_queue.worker import run_worker

    run_worker(load_settings(), burst=burst)

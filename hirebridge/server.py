"""Runs the API under gunicorn with uvicorn workers (``hirebridge serve``)."""

from __future__ import annotations

import gc
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from gunicorn.app.base import BaseApplication
from prometheus_client import multiprocess as prometheus_multiprocess
from prometheus_client import values as prometheus_values

from hirebridge import demo_files
from hirebridge_floor.redis_client import redis_url
from hirebridge_floor.settings import Settings


class HirebridgeServer(BaseApplication):  # type: ignore[misc]
    """gunicorn configured in code; each worker imports ``hirebridge.asgi:app`` itself."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for name, value in self.options.items():
            self.cfg.set(name, value)

    def load(self) -> Any:
        from hirebridge.asgi import app

        # The application's own objects (documents, validators, routes) live as long as the
        # worker: moved out of the collector's generations, full collections skip them, which
        # shortens the pauses that make a request's tail latency.
        gc.freeze()
        return app


def share_metrics(settings: Settings, bind: str) -> Path:
    """Make every worker process count into one directory, so ``/metrics`` shows their sum.

    An operator's ``PROMETHEUS_MULTIPROC_DIR`` is used as it is; otherwise each server gets a
    directory of its own under the data directory, emptied at start (counters start at zero, as
    they would in a single process).
    """
    configured = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if configured:
        return Path(configured)
    directory = settings.data_dir / "metrics" / bind.replace(":", "_").replace("/", "_")
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(directory)
    # prometheus_client chooses how to keep values when first imported; choose again now.
    prometheus_values.ValueClass = prometheus_values.get_value_class()  # type: ignore[no-untyped-call]
    return directory


def _worker_exit(server: Any, worker: Any) -> None:
    """gunicorn hook: a worker that died no longer contributes its live gauges."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        prometheus_multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]


def gunicorn_options(settings: Settings, *, bind: str, workers: int | None) -> dict[str, Any]:
    return {
        "bind": bind,
        "workers": workers or settings.web_concurrency,
        # uvicorn's worker with bounded request heads and connections (hirebridge.edge).
        "worker_class": "hirebridge.edge.EdgeWorker",
        # A worker that stops answering for this long is killed and replaced by the master.
        "timeout": settings.gunicorn_timeout,
        # On SIGTERM, requests in flight get this long to finish.
        "graceful_timeout": settings.gunicorn_graceful_timeout,
        "keepalive": settings.gunicorn_keepalive,
        # Whose X-Forwarded-* headers to believe: nobody unless configured (gunicorn's own
        # default trusts loopback, so any local client could choose its address).
        "forwarded_allow_ips": settings.forwarded_allow_ips,
        "preload_app": False,
        # gunicorn's control socket has one default path per user; several masters on one host
        # (API servers on different ports, the test suite) would fight over it.
        "control_socket_disable": True,
        "child_exit": _worker_exit,
    }


def banner(settings: Settings, bind: str) -> str:
    """What a start prints: where everything is, and on a local demo how to get in.

    The demo key is shown outside production mode; the portal admin's password only on the
    embedded defaults (no ``DATABASE_URL``), where the demo is all the database holds.
    """
    host, _, port = bind.rpartition(":")
    host = "127.0.0.1" if host in {"", "0.0.0.0", "[::]"} else host  # noqa: S104 - display only
    base = f"http://{host}:{port}"
    lines = [
        f"Front door         {base}/",
        f"Hirebridge API     {base}/api/v1 (v2: {base}/api/v2)",
        f"Swagger UI         {base}/swagger/v1/ (v2: {base}/swagger/v2/)",
        f"OpenAPI document   {base}/swagger/v1/swagger.json (v2: {base}/swagger/v2/swagger.json)",
        f"Public job board   {base}/public/v1/jobs (document: {base}/swagger/public/)",
        f"Employer portal    {base}/portal",
    ]
    if settings.is_production:
        return "\n".join(lines)
    details = demo_files.read_details(settings.data_dir)
    if details is not None and not settings.database_url:
        lines.append(
            f"Portal sign-in     {details.admin_email} / {details.admin_password} (demo admin)"
        )
    if details is not None:
        lines.append(f"Demo employer id   {details.employer_id}")
    key = demo_files.read_key(settings.data_dir)
    if key is not None:
        lines.append(f"Demo API key       {key}")
        lines.append(f'Try it             curl -H "Authorization: Bearer {key}" {base}/api/v1/jobs')
    return "\n".join(lines)


def serve(settings: Settings, *, bind: str, workers: int | None, with_worker: bool) -> None:
    # Start the embedded Redis (when REDIS_URL is unset) in the master, so that every worker
    # process and the queue worker inherit one server through REDIS_URL.
    redis_url(settings)
    share_metrics(settings, bind)
    print(banner(settings, bind), flush=True)
    worker = None
    if with_worker:
        worker = subprocess.Popen(
            [sys.executable, "-m", "hirebridge", "worker"], env=dict(os.environ)
        )
    try:
        HirebridgeServer(gunicorn_options(settings, bind=bind, workers=workers)).run()
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=30)

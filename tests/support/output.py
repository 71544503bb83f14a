"""Reading a long-running command's output as it comes, without ever blocking past a deadline."""

from __future__ import annotations

import queue
import subprocess
import threading


class Lines:
    """The output lines of ``process``, read on a thread of their own as they come."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self._lines: queue.Queue[str | None] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, args=(process,), daemon=True).start()

    def _read(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            self._lines.put(line)
        self._lines.put(None)

    def next(self, wanted: str, timeout: float = 90) -> str:
        """The next line containing ``wanted`` (the lines before it are dropped)."""
        while True:
            try:
                line = self._lines.get(timeout=timeout)
            except queue.Empty:
                break
            if line is None:
                break
            self.seen.append(line)
            if wanted in line:
                return line
        raise AssertionError(f"no line with {wanted!r} within {timeout} s: {self.seen}")

"""A child process whose stdout is read line by line without blocking (test helper).

Lines are read straight from the pipe's file descriptor (a select() on a buffered text stream
misses lines already in its buffer). stderr goes to a temporary file, so a chatty child never
blocks on a full pipe. Closing stdin is the polite way to ask our helper scripts to quit.
"""

from __future__ import annotations

import contextlib
import os
import select
import subprocess
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence


class Child:
    def __init__(self, args: Sequence[str], env: Mapping[str, str] | None = None) -> None:
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 (closed in close())
        self.process = subprocess.Popen(
            list(args),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            env=dict(env) if env is not None else None,
        )
        self.lines: list[str] = []  # every complete line printed so far
        self._consumed = 0  # lines already returned by next_line()
        self._partial = b""
        self._eof = False
        self._stderr_text: str | None = None  # kept once the child is closed

    # -- reading

    def read_available(self, timeout: float = 0.0) -> None:
        """Read what the child has printed, waiting up to ``timeout`` for something."""
        assert self.process.stdout is not None
        fd = self.process.stdout.fileno()
        deadline = time.monotonic() + timeout
        while not self._eof:
            wait = max(0.0, deadline - time.monotonic())
            ready, _, _ = select.select([fd], [], [], wait)
            if not ready:
                return
            chunk = os.read(fd, 65536)
            if not chunk:
                self._eof = True
                return
            *complete, self._partial = (self._partial + chunk).split(b"\n")
            self.lines.extend(line.decode(errors="replace").rstrip("\r") for line in complete)
            if complete:
                return

    def next_line(self, timeout: float = 10.0) -> str:
        """The next line not returned yet; AssertionError (with stderr) if none comes."""
        deadline = time.monotonic() + timeout
        while self._consumed >= len(self.lines):
            remaining = deadline - time.monotonic()
            assert remaining > 0 and not self._eof, self.describe("no new line in time")
            self.read_available(remaining)
        self._consumed += 1
        return self.lines[self._consumed - 1]

    def wait_for(self, match: str | Callable[[str], bool], timeout: float = 10.0) -> str:
        """Skip lines until one equals ``match`` (or satisfies it); returns that line."""
        check = match if callable(match) else (lambda line: line == match)
        deadline = time.monotonic() + timeout
        while True:
            line = self.next_line(max(0.01, deadline - time.monotonic()))
            if check(line):
                return line

    def has_line(self, match: str | Callable[[str], bool]) -> bool:
        """Non-blocking: has any line so far matched? (for qtbot.waitUntil)"""
        self.read_available(0)
        check = match if callable(match) else (lambda line: line == match)
        return any(check(line) for line in self.lines)

    def count(self, text: str) -> int:
        self.read_available(0)
        return self.lines.count(text)

    # -- writing and ending

    def send(self, line: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(line.encode() + b"\n")
        self.process.stdin.flush()

    def stderr(self) -> str:
        if self._stderr_text is not None:
            return self._stderr_text
        self._stderr.seek(0)
        return self._stderr.read().decode(errors="replace")

    def describe(self, what: str) -> str:
        return f"{what}\n--- stdout lines: {self.lines!r}\n--- stderr:\n{self.stderr()}"

    def close(self, timeout: float = 10.0) -> int:
        """Close stdin (our helpers quit then), wait, kill if needed; the exit code. Idempotent."""
        if self._stderr_text is not None:
            return self.process.returncode
        if self.process.stdin is not None and not self.process.stdin.closed:
            with contextlib.suppress(BrokenPipeError):
                self.process.stdin.close()
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout)
        if self.process.stdout is not None:
            self.read_available(0)
            self.process.stdout.close()
        if self._stderr_text is None:
            self._stderr_text = self.stderr()
            self._stderr.close()
        return self.process.returncode

    def kill(self) -> int:
        """SIGKILL, then close(): the exit code (-9)."""
        self.process.kill()
        return self.close()

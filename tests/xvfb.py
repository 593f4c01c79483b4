"""Starting a private Xvfb for tests (the end-to-end tests and the X11 shortcut tests)."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO


def free_display_numbers() -> Iterator[int]:
    """Display numbers with neither a socket nor a lock file, starting at a per-process offset
    so that parallel runs rarely race for the same one."""
    start = 100 + os.getpid() % 400
    for number in (*range(start, 600), *range(100, start)):
        if not (
            Path(f"/tmp/.X11-unix/X{number}").exists() or Path(f"/tmp/.X{number}-lock").exists()
        ):
            yield number


def stop(process: subprocess.Popen[bytes], timeout: float = 5.0) -> None:
    """Terminate, then kill, a process we started; always reap it."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            process.wait(timeout)


def start_xvfb(
    number: int, screen: str, output: IO[bytes] | int = subprocess.DEVNULL
) -> subprocess.Popen[bytes] | None:
    """Xvfb on display ``number``, once it accepts connections; None if it lost a race for it.

    ``-noreset``: by default Xvfb resets when its last client leaves, and a client that
    connects during the reset is refused ("could not connect to display"), which made a test
    whose helper had just disconnected fail now and then."""
    process = subprocess.Popen(
        ["Xvfb", f":{number}", "-screen", "0", screen, "-nolisten", "tcp", "-noreset"],
        stdin=subprocess.DEVNULL,
        stdout=output,
        stderr=subprocess.STDOUT if output is not subprocess.DEVNULL else subprocess.DEVNULL,
    )
    path = Path(f"/tmp/.X11-unix/X{number}")
    deadline = time.monotonic() + 10
    while process.poll() is None and time.monotonic() < deadline:
        if path.exists() and _accepts(path):
            return process
        time.sleep(0.02)
    stop(process)
    return None


def _accepts(path: Path) -> bool:
    """The socket file appears at bind(), a moment before the server listens on it."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        try:
            probe.connect(str(path))
        except OSError:
            return False
    return True

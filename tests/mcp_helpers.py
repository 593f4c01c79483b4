"""Helpers for tests with the real MCP test server (tests/mcp_test_server.py)."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

SERVER_SCRIPT = str(Path(__file__).with_name("mcp_test_server.py"))


def stdio_entry(log: Path | None = None, **extra: Any) -> dict[str, Any]:
    """An `mcp_servers` entry that runs the test server over stdio."""
    entry: dict[str, Any] = {"command": sys.executable, "args": [SERVER_SCRIPT]}
    if log is not None:
        entry["env"] = {"MCP_TEST_LOG": str(log)}
    entry.update(extra)
    return entry


def calls_in(log: Path) -> list[dict[str, Any]]:
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text().splitlines() if line.strip()]


def process_gone(pid: int) -> bool:
    """True once the process is no more (reaped), or is a zombie nobody waits for."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return True
    return "State:\tZ" in status


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def http_server(log: Path | None = None) -> Iterator[str]:
    """The test server over Streamable HTTP on 127.0.0.1; yields its /mcp URL."""
    port = _free_port()
    env = {**os.environ}
    if log is not None:
        env["MCP_TEST_LOG"] = str(log)
    process = subprocess.Popen(
        [sys.executable, SERVER_SCRIPT, "--http", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
                break
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}/mcp"
    finally:
        process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(5)
        if process.poll() is None:
            process.kill()
            process.wait()

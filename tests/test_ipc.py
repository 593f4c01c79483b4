"""Single instance over a local socket (desktop_chat.ipc), with real second processes.

The test process is the first instance (pytest-qt's qapp runs its event loop while qtbot waits);
tests/ipc_helper.py is the second process. Every test has its own XDG_RUNTIME_DIR (under /tmp,
short enough for a Unix socket path, and traversable by other users so that the permission test
checks our own 0700 directory and the socket's mode, not pytest's tmp dir) and its own socket
name.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest
from child_process import Child
from PySide6.QtWidgets import QApplication

from desktop_chat import ipc

HELPER = Path(__file__).with_name("ipc_helper.py")


@pytest.fixture
def runtime_dir(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="dc-ipc-", dir="/tmp"))
    path.chmod(0o755)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(path))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def name() -> str:
    return f"t-{uuid.uuid4().hex[:10]}.sock"


@pytest.fixture
def server(qapp: QApplication, runtime_dir: Path, name: str) -> Iterator[ipc.InstanceServer]:
    instance = ipc.claim_or_forward("show", name=name)
    assert isinstance(instance, ipc.InstanceServer)
    yield instance
    instance.close()


def _helper(*args: str) -> Child:
    return Child([sys.executable, str(HELPER), *args])


def _run_helper(qtbot, *args: str) -> tuple[Child, float]:
    """Run the helper to its end while this process serves (the Qt loop runs); (child, s)."""
    started = time.monotonic()
    child = _helper(*args)
    qtbot.waitUntil(lambda: child.process.poll() is not None, timeout=10_000)
    elapsed = time.monotonic() - started
    child.close()
    return child, elapsed


def _raw_exchange(path: str, payload: bytes, shutdown: bool = False) -> bytes:
    """What a raw client gets back for ``payload`` (everything until the server closes)."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
        client.settimeout(5.0)
        client.connect(path)
        client.sendall(payload)
        if shutdown:
            client.shutdown(socket.SHUT_WR)
        data = b""
        while chunk := client.recv(65536):
            data += chunk
        return data


# --------------------------------------------------------------------------- forwarding


def test_second_process_forwards_and_exits_quickly(server: ipc.InstanceServer, qtbot, name):
    received: list[tuple[str, dict]] = []
    server.command_received.connect(lambda command, args: received.append((command, args)))
    args = {"text": "héllo\nwörld", "count": 3, "nested": {"a": [1, None]}}

    second, elapsed = _run_helper(qtbot, "claim", name, "quick-ask", json.dumps(args))

    assert (second.process.returncode, second.lines) == (0, ["forwarded"]), second.describe("")
    assert elapsed < 2.0, f"the second process took {elapsed:.2f} s"
    qtbot.waitUntil(lambda: bool(received), timeout=2_000)
    assert received == [("quick-ask", args)]


def test_send_command_works_without_a_qcoreapplication(server: ipc.InstanceServer, qtbot, name):
    received: list[tuple[str, dict]] = []
    server.command_received.connect(lambda command, args: received.append((command, args)))
    sender, _ = _run_helper(qtbot, "send", name, "new-chat")
    assert sender.lines == ["ack"], sender.describe("not acknowledged")
    assert "QSocketNotifier" not in sender.stderr(), sender.stderr()
    assert "QCoreApplication" not in sender.stderr(), sender.stderr()
    qtbot.waitUntil(lambda: bool(received), timeout=2_000)
    assert received == [("new-chat", {})]


def test_send_command_without_an_instance_returns_false(runtime_dir: Path, name: str):
    started = time.monotonic()
    assert ipc.send_command("show", name=name) is False
    assert time.monotonic() - started < 0.5


def test_unknown_command_is_refused(server: ipc.InstanceServer, qtbot, name):
    received: list[str] = []
    server.command_received.connect(lambda command, args: received.append(command))
    sender, _ = _run_helper(qtbot, "send", name, "format-disk")
    assert sender.lines == ["no-ack"]
    qtbot.wait(50)
    assert received == []


# --------------------------------------------------------------------------- crashes and races


def test_stale_socket_of_a_killed_instance_is_recovered(qapp, qtbot, runtime_dir: Path, name):
    first = _helper("claim", name, "show")
    try:
        assert first.next_line() == "server"
    finally:
        # SIGKILL: no chance to remove its socket or lock file
        assert first.kill() == -signal.SIGKILL
    path = Path(ipc.socket_name(name))
    assert stat.S_ISSOCK(path.stat().st_mode), "the killed instance should leave its socket"
    assert Path(f"{path}.lock").exists(), "the killed instance should leave its lock file"

    started = time.monotonic()
    instance = ipc.claim_or_forward("show", name=name)
    assert isinstance(instance, ipc.InstanceServer)
    assert time.monotonic() - started < 1.0
    try:
        received: list[str] = []
        instance.command_received.connect(lambda command, args: received.append(command))
        sender, _ = _run_helper(qtbot, "send", name, "quick-ask")
        assert sender.lines == ["ack"], sender.describe("not acknowledged")
        qtbot.waitUntil(lambda: received == ["quick-ask"], timeout=2_000)
    finally:
        instance.close()
    assert not path.exists()
    assert not Path(f"{path}.lock").exists()


@pytest.mark.parametrize("round_", range(3))
def test_two_processes_started_together_end_as_one(runtime_dir: Path, name: str, round_: int):
    start_at = f"{time.time() + 0.8:.3f}"
    claim = ("claim", name, "show", "--start-at", start_at)
    children = [_helper(*claim, json.dumps({"who": who})) for who in (0, 1)]
    try:
        first_lines = [child.next_line() for child in children]
        assert sorted(first_lines) == ["forwarded", "server"], first_lines
        server_index = first_lines.index("server")
        forwarder = children[1 - server_index]
        assert forwarder.close() == 0, forwarder.describe("the forwarder failed")
        # The instance received exactly the forwarder's command.
        line = children[server_index].next_line()
        assert line == f'received show {{"who": {1 - server_index}}}'
    finally:
        for child in children:
            child.close()  # closes stdin: the server quits
    assert not Path(ipc.socket_name(name)).exists()


def test_a_starting_instance_holds_the_lock_and_is_reached_once_it_listens(
    qapp, qtbot, runtime_dir: Path, name: str
):
    """The app takes the lock alone before its window's first paint and listens after it: a
    second start in between keeps trying and gets through, with its command delivered."""
    first = ipc.InstanceServer(name)
    assert first.take_lock() is True  # QtCore only: no socket yet
    assert not first.is_listening()
    assert ipc.InstanceServer(name).take_lock() is False  # the lock is exclusive
    received: list[str] = []
    first.command_received.connect(lambda command, _args: received.append(command))
    second = _helper("claim", name, "new-chat")
    try:
        qtbot.wait(400)  # the second start is retrying now (up to CLAIM_TIMEOUT_S)
        assert first.listen() is True
        qtbot.waitUntil(lambda: received == ["new-chat"], timeout=5_000)
        assert second.next_line() == "forwarded"
        assert second.close() == 0, second.describe("the second start failed")
    finally:
        second.close()
        first.close()


def test_an_instance_that_cannot_listen_keeps_its_lock(qapp, runtime_dir: Path, name: str):
    """The app takes the lock before its window paints and listens after. If listening then
    fails, it runs on unreachable but must keep the lock: otherwise the next start would
    become a second instance working on the same database."""
    first = ipc.InstanceServer(name)
    assert first.take_lock() is True
    Path(first.full_name).mkdir()  # something that is not a socket sits where it must go
    try:
        assert first.listen() is False
        assert "cannot listen" in first.error_string()
        assert ipc.InstanceServer(name).take_lock() is False
    finally:
        first.close()
        Path(first.full_name).rmdir()
    assert ipc.InstanceServer(name).take_lock() is True


def test_a_stuck_lock_holder_gives_instance_error(qapp, runtime_dir: Path, name, monkeypatch):
    holder = ipc.InstanceServer(name)
    assert holder._lock.tryLock(0)  # holds the lock but never listens: a stuck instance
    monkeypatch.setattr(ipc, "CLAIM_TIMEOUT_S", 0.3)
    try:
        with pytest.raises(ipc.InstanceError, match="did not answer"):
            ipc.claim_or_forward("show", name=name)
        second = ipc.InstanceServer(name)
        assert second.listen() is False  # the lock is still respected
        assert "holds the instance lock" in second.error_string()
    finally:
        holder.close()
    assert ipc.InstanceServer(name).listen() is True


# --------------------------------------------------------------------------- protocol


BAD_MESSAGES = [
    (b"garbage\n", "not a JSON message"),
    (b"\xff\xfe\x00\n", "not a JSON message"),
    (b"[1, 2]\n", "not a JSON object"),
    (b'{"v": 2, "command": "show"}\n', "unsupported protocol version 2"),
    (b'{"command": "show"}\n', "unsupported protocol version None"),
    (b'{"v": true, "command": "show"}\n', "unsupported protocol version True"),
    (b'{"v": 1, "command": "rm -rf"}\n', "unknown command"),
    (b'{"v": 1, "command": 7}\n', "unknown command"),
    (b'{"v": 1, "command": "show", "args": [1]}\n', "args must be a JSON object"),
    (b"x" * (ipc.MAX_MESSAGE_BYTES + 10), "message too long"),
]


def test_garbage_is_refused_and_the_server_keeps_working(
    server: ipc.InstanceServer, qtbot, monkeypatch
):
    received: list[tuple[str, dict]] = []
    server.command_received.connect(lambda command, args: received.append((command, args)))
    path = server.full_name
    monkeypatch.setattr(ipc, "CLIENT_IDLE_TIMEOUT_MS", 300)

    def exchange(payload: bytes, shutdown: bool = False) -> bytes:
        with ThreadPoolExecutor(1) as pool:
            future: Future[bytes] = pool.submit(_raw_exchange, path, payload, shutdown)
            qtbot.waitUntil(future.done, timeout=5_000)
            return future.result()

    for payload, error in BAD_MESSAGES:
        answer = json.loads(exchange(payload))
        assert answer["v"] == 1 and answer["ok"] is False, payload[:40]
        assert error in answer["error"], (payload[:40], answer)
    # A client that gives up half-way, and one that says nothing (dropped after the idle time).
    assert exchange(b'{"v": 1, "comm', shutdown=True) == b""
    assert exchange(b"") == b""
    # One command per connection: the second line is ignored.
    two = exchange(b'{"v": 1, "command": "show"}\n{"v": 1, "command": "new-chat"}\n')
    assert json.loads(two) == {"v": 1, "ok": True}
    answer = exchange(b'{"v": 1, "command": "quick-ask", "args": {"text": "still here"}}\n')
    assert json.loads(answer) == {"v": 1, "ok": True}
    qtbot.waitUntil(lambda: len(received) == 2, timeout=2_000)
    assert received == [("show", {}), ("quick-ask", {"text": "still here"})]


# --------------------------------------------------------------------------- who can connect


def test_socket_name_is_per_user_in_a_private_dir(runtime_dir: Path, monkeypatch):
    path = Path(ipc.socket_name())
    assert path == runtime_dir / "desktop-chat" / "instance.sock"
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    # Without XDG_RUNTIME_DIR: the state directory, tightened to 0700.
    monkeypatch.delenv("XDG_RUNTIME_DIR")
    monkeypatch.setenv("XDG_STATE_HOME", str(runtime_dir / "state"))
    (runtime_dir / "state" / "desktop-chat").mkdir(parents=True, mode=0o755)
    path = Path(ipc.socket_name())
    assert path == runtime_dir / "state" / "desktop-chat" / "instance.sock"
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    # A path too long for a Unix socket: /tmp/desktop-chat-<uid> (here under a patched /tmp).
    monkeypatch.setenv("XDG_STATE_HOME", str(runtime_dir / ("x" * 80)))
    monkeypatch.setattr(tempfile, "tempdir", str(runtime_dir))
    path = Path(ipc.socket_name())
    assert path == runtime_dir / f"desktop-chat-{os.getuid()}" / "instance.sock"
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_a_directory_of_another_user_is_refused(runtime_dir: Path, monkeypatch):
    if os.getuid() != 0:
        pytest.skip("needs root to create a directory owned by another user")
    foreign = runtime_dir / "desktop-chat"
    foreign.mkdir(mode=0o700)
    os.chown(foreign, 65534, 65534)
    with pytest.raises(OSError, match="another user"):
        ipc.socket_name()
    assert ipc.send_command("show") is False


def _as_nobody(command: list[str]) -> list[str]:
    if os.getuid() != 0:
        pytest.skip("needs root to run a connection attempt as another user")
    if shutil.which("setpriv"):
        return ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--", *command]
    if shutil.which("runuser"):
        return ["runuser", "-u", "nobody", "--", *command]
    pytest.skip("neither setpriv nor runuser is installed")


CONNECT_AS_OTHER_USER = """
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
try:
    s.connect(sys.argv[1])
except PermissionError:
    print("denied")
except OSError as error:
    print("error", error)
else:
    print("connected")
"""


def _connect_as_nobody(path: str | Path) -> str:
    python = os.path.realpath(sys.executable)  # the system interpreter, readable by anyone
    result = subprocess.run(
        _as_nobody([python, "-I", "-c", CONNECT_AS_OTHER_USER, str(path)]),
        capture_output=True,
        text=True,
        timeout=10,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_another_user_cannot_connect(server: ipc.InstanceServer, runtime_dir: Path):
    path = Path(server.full_name)
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0  # UserAccessOption
    # Control: the same attempt reaches a socket that is open to everyone.
    open_socket = runtime_dir / "open.sock"
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as listener:
        listener.bind(str(open_socket))
        listener.listen(1)
        open_socket.chmod(0o777)
        assert _connect_as_nobody(open_socket) == "connected"

    assert _connect_as_nobody(path) == "denied"  # stopped by the 0700 directory
    path.parent.chmod(0o755)
    try:
        assert _connect_as_nobody(path) == "denied"  # and by the socket's own mode
    finally:
        path.parent.chmod(0o700)

"""Single instance: the first process listens on a local socket, later ones forward a command.

The socket is a Unix domain socket in a directory only this user can enter (0700), and the socket
file itself is created user-only (QLocalServer.SocketOption.UserAccessOption), so no other user
can send commands. On Windows QLocalServer uses a named pipe and the same option sets its ACL.

Protocol: one JSON line per connection, ``{"v": 1, "command": "show", "args": {}}\\n``, answered
with ``{"v": 1, "ok": true}\\n`` or ``{"v": 1, "ok": false, "error": "..."}\\n``; the server then
closes the connection. Anything it does not understand (another version, an unknown command,
garbage, a line longer than MAX_MESSAGE_BYTES) gets ok:false and never disturbs the server.

Start-up (``claim_or_forward``): try to forward the command to a running instance; if nobody is
listening, take a QLockFile next to the socket, and only while holding it remove a stale socket
(left by a crash) and listen. The lock is held for the life of the instance, so two processes
started at the same moment end as one instance and one forwarder, and nobody ever deletes the
socket of a live instance.

The app does the first half of that early: ``InstanceServer().take_lock()`` needs QtCore only,
so a first start knows it is first before its window paints, and calls ``listen()`` once the
window is up. A second start in that gap finds the lock held and no socket yet, and keeps
trying (``claim_or_forward``) until the first one listens.

Qt requirements:
- ``send_command`` uses blocking QLocalSocket calls and needs neither a QCoreApplication nor a
  running event loop.
- ``InstanceServer`` and ``claim_or_forward`` need a QCoreApplication (QApplication) to exist
  before they are called (the server's socket notifiers belong to the application's event
  dispatcher), and the event loop must run for commands to arrive. Commands sent before the loop
  starts wait in the socket's backlog; a forwarder waits up to ~3 s for the answer.
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat
import tempfile
import time
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QLockFile, QObject, QTimer, Signal

from desktop_chat import APP_NAME

if TYPE_CHECKING:
    from PySide6.QtNetwork import QLocalServer, QLocalSocket

# QtNetwork (~6 ms to load) is imported where a socket is used, not here: the first instance
# takes its lock with QtCore alone before its window's first paint, and listens after it.

log = logging.getLogger(__name__)

PROTOCOL_VERSION = 1
# Commands a running instance accepts; the app may pass its own set to InstanceServer.
COMMANDS = frozenset({"show", "quick-ask", "new-chat"})
MAX_MESSAGE_BYTES = 64 * 1024
SOCKET_BASENAME = "instance.sock"
CLAIM_TIMEOUT_S = 3.0  # how long a second process keeps trying to reach the first
CLIENT_IDLE_TIMEOUT_MS = 5000  # a client that connects and says nothing is dropped
# sun_path holds 108 bytes; Qt binds at "<name>-XXXXXX/s" first, then renames (user-only mode).
_MAX_SOCKET_PATH_BYTES = 90


_LISTENING, _LOCKED, _LOCK_BUSY = "listening", "locked", "lock-busy"


class InstanceError(RuntimeError):
    """claim_or_forward could neither reach a running instance nor become one (plain text)."""


# --------------------------------------------------------------------------- where the socket is


def _private_dir(path: Path) -> Path:
    """Create ``path`` (0700) if needed; refuse one that another user owns or that is a symlink;
    tighten its mode to 0700 if it is ours but open to others."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = os.lstat(path)
    if not stat.S_ISDIR(info.st_mode):
        raise OSError(f"{path} is not a directory")
    if info.st_uid != os.getuid():
        raise OSError(f"{path} belongs to another user")
    if stat.S_IMODE(info.st_mode) & 0o077:
        os.chmod(path, 0o700)
    return path


def _socket_dir() -> Path:
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    if runtime and os.path.isabs(runtime) and os.path.isdir(runtime):
        return _private_dir(Path(runtime) / APP_NAME)
    from desktop_chat import paths

    return _private_dir(paths.state_dir())


def _short_dir() -> Path:
    """A fallback for paths too long for a Unix socket: /tmp/desktop-chat-<uid> (0700, ours)."""
    return _private_dir(Path(tempfile.gettempdir()) / f"{APP_NAME}-{os.getuid()}")


def socket_name(name: str | None = None) -> str:
    """The full path of this user's instance socket, in a 0700 directory.

    ``$XDG_RUNTIME_DIR/desktop-chat/instance.sock``, else ``<state dir>/instance.sock``; if that
    path is too long for a Unix socket, ``/tmp/desktop-chat-<uid>/instance.sock``. ``name`` (for
    tests, or a second profile) replaces the file name; a name containing a slash is used as the
    path itself (its directory is still created 0700 and checked). On Windows: a pipe name.
    """
    if os.name != "posix":
        user = os.environ.get("USERNAME", "user")
        return f"{APP_NAME}-{user}-{name or 'instance'}"
    if name and "/" in name:
        path = Path(name)
        _private_dir(path.parent)
        return str(path)
    basename = name or SOCKET_BASENAME
    path = _socket_dir() / basename
    if len(os.fsencode(path)) > _MAX_SOCKET_PATH_BYTES:
        path = _short_dir() / basename
    if len(os.fsencode(path)) > _MAX_SOCKET_PATH_BYTES:
        raise OSError(f"socket path too long: {path}")
    return str(path)


def _lock_path(full_name: str) -> str:
    if os.name != "posix":
        return os.path.join(tempfile.gettempdir(), full_name + ".lock")
    return full_name + ".lock"


# --------------------------------------------------------------------------- protocol


# json is imported where messages are read or written: the first instance, which claims the
# name before its window's first paint, has none to exchange then.


def _encode(message: dict[str, object]) -> bytes:
    import json

    return json.dumps(message, separators=(",", ":"), ensure_ascii=True).encode() + b"\n"


def _parse_request(line: bytes, commands: frozenset[str]) -> tuple[str, dict[str, object]]:
    """(command, args) of one request line; ValueError with a short reason otherwise."""
    import json

    try:
        message = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ValueError("not a JSON message") from None
    if not isinstance(message, dict):
        raise ValueError("not a JSON object")
    version = message.get("v")
    if type(version) is not int or version != PROTOCOL_VERSION:
        raise ValueError(f"unsupported protocol version {version!r} (expected {PROTOCOL_VERSION})")
    command = message.get("command")
    if not isinstance(command, str) or command not in commands:
        raise ValueError(f"unknown command {command!r}")
    args = message.get("args", {})
    if args is None:
        args = {}
    if not isinstance(args, dict):
        raise ValueError("args must be a JSON object")
    return command, args


# --------------------------------------------------------------------------- server


class InstanceServer(QObject):
    """Listens on the instance socket and emits ``command_received(command, args)``.

    The reply is written before the signal is emitted, so a slow handler never keeps the
    forwarding process waiting. Call close() at shutdown (it removes the socket file and
    releases the lock).
    """

    command_received = Signal(str, dict)

    def __init__(
        self,
        name: str | None = None,
        parent: QObject | None = None,
        *,
        commands: Iterable[str] = COMMANDS,
    ) -> None:
        super().__init__(parent)
        self._name = socket_name(name)
        self._commands = frozenset(commands)
        self._lock_name = _lock_path(self._name)
        self._lock = QLockFile(self._lock_name)
        # Held for the life of the instance: never "stale" by age, only when its process died.
        self._lock.setStaleLockTime(0)
        self._server: QLocalServer | None = None  # made when listening
        self._buffers: dict[QLocalSocket, bytearray] = {}
        self._slots: dict[QLocalSocket, tuple[Callable[[], None], Callable[[], None]]] = {}
        self._last_error = ""

    @property
    def full_name(self) -> str:
        return self._name

    def is_listening(self) -> bool:
        return self._server is not None and self._server.isListening()

    def error_string(self) -> str:
        """Why the last listen() failed (plain text), or ""."""
        return self._last_error

    def listen(self) -> bool:
        """Take the instance lock, clear a stale socket, listen. False if another instance holds
        the lock or the socket cannot be created (see error_string())."""
        outcome = self._claim()
        self._last_error = "" if outcome == _LISTENING else outcome
        if outcome == _LOCK_BUSY:
            self._last_error = f"another process holds the instance lock {self._lock_name}"
        return outcome == _LISTENING

    def take_lock(self) -> bool:
        """Become the instance by its lock alone (QtCore; the socket comes with `listen`).
        False if another process holds the lock; InstanceError if no lock file can be made."""
        outcome = self._take_lock()
        if outcome not in (_LOCKED, _LOCK_BUSY):
            raise InstanceError(f"Cannot start the single-instance server: {outcome}")
        return outcome == _LOCKED

    def _take_lock(self) -> str:
        """_LOCKED, _LOCK_BUSY (another process holds the lock), or why it cannot be made."""
        if self._lock.isLocked() or self._lock.tryLock(0):
            return _LOCKED
        if self._lock.error() == QLockFile.LockError.LockFailedError:
            log.debug("instance lock %s is held by another process", self._lock_name)
            return _LOCK_BUSY
        return f"cannot create the lock file {self._lock_name} ({self._lock.error().name})"

    def _claim(self) -> str:
        """_LISTENING, _LOCK_BUSY (another process holds the lock), or why listening failed."""
        if self.is_listening():
            return _LISTENING
        if QCoreApplication.instance() is None:
            raise RuntimeError("create the QApplication before InstanceServer.listen()")
        held_before = self._lock.isLocked()  # taken earlier by take_lock(): this process is it
        locked = self._take_lock()
        if locked != _LOCKED:
            return locked
        from PySide6.QtNetwork import QLocalServer

        if self._server is None:
            self._server = QLocalServer(self)
            self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
            self._server.newConnection.connect(self._on_new_connection)
        # We hold the lock, so whatever socket file is there belongs to a dead instance.
        QLocalServer.removeServer(self._name)
        if not self._server.listen(self._name):
            error = self._server.errorString() or "unknown error"
            log.warning("cannot listen on %s: %s", self._name, error)
            if not held_before:
                self._lock.unlock()
            # else: keep it. This process is the instance, unreachable but running; freeing the
            # lock would let the next start become a second instance on the same database.
            return f"cannot listen on {self._name}: {error}"
        log.debug("single-instance server listening on %s", self._name)
        return _LISTENING

    def close(self) -> None:
        for sock in list(self._buffers):
            sock.abort()
            self._dispose(sock)
        self._buffers.clear()
        if self._server is not None:
            self._server.close()  # removes the socket file
        if self._lock.isLocked():
            self._lock.unlock()

    # -- connections

    def _on_new_connection(self) -> None:
        assert self._server is not None
        while self._server.hasPendingConnections():
            sock = self._server.nextPendingConnection()
            if sock is None:
                break
            self._buffers[sock] = bytearray()
            slots = (partial(self._on_ready_read, sock), partial(self._forget, sock))
            self._slots[sock] = slots
            sock.readyRead.connect(slots[0])
            sock.disconnected.connect(slots[1])
            # A timer owned by the socket (not QTimer.singleShot with the socket as context,
            # which crashed in ~QObject now and then when the socket went first).
            idle = QTimer(sock)
            idle.setSingleShot(True)
            idle.timeout.connect(sock.abort)
            idle.start(CLIENT_IDLE_TIMEOUT_MS)
            self._on_ready_read(sock)

    def _forget(self, sock: QLocalSocket) -> None:
        self._buffers.pop(sock, None)
        self._dispose(sock)

    def _dispose(self, sock: QLocalSocket) -> None:
        """Delete `sock` later, its Python slots disconnected now. Those slots hold this
        server; were they dropped only in the socket's destructor, the last reference to the
        server could go there, and the server would delete its children, the dying socket
        among them, a second time (a crash in ~QObject, seen now and then in the tests)."""
        sock.blockSignals(True)
        slots = self._slots.pop(sock, None)
        if slots is not None:
            with contextlib.suppress(RuntimeError, TypeError):
                sock.readyRead.disconnect(slots[0])
            with contextlib.suppress(RuntimeError, TypeError):
                sock.disconnected.disconnect(slots[1])
        sock.deleteLater()  # safe to call more than once

    def _on_ready_read(self, sock: QLocalSocket) -> None:
        buffer = self._buffers.get(sock)
        if buffer is None:  # already answered: one command per connection
            sock.readAll()
            return
        buffer += bytes(sock.readAll().data())
        newline = buffer.find(b"\n")
        if newline < 0:
            if len(buffer) > MAX_MESSAGE_BYTES:
                self._answer(sock, None, "message too long")
            return
        line = bytes(buffer[:newline])
        try:
            command, args = _parse_request(line, self._commands)
        except ValueError as error:
            log.warning("single-instance: rejected a message: %s", error)
            self._answer(sock, None, str(error))
            return
        self._answer(sock, (command, args), None)

    def _answer(
        self, sock: QLocalSocket, request: tuple[str, dict[str, object]] | None, error: str | None
    ) -> None:
        self._buffers.pop(sock, None)
        reply: dict[str, object] = {"v": PROTOCOL_VERSION, "ok": error is None}
        if error is not None:
            reply["error"] = error
        sock.write(_encode(reply))
        sock.flush()
        sock.disconnectFromServer()  # after the reply is written
        from PySide6.QtNetwork import QLocalSocket

        if sock.state() == QLocalSocket.LocalSocketState.UnconnectedState:
            self._dispose(sock)
        if request is not None:
            log.debug("single-instance: received %s", request[0])
            self.command_received.emit(request[0], request[1])


# --------------------------------------------------------------------------- client

_ACK, _REFUSED, _NO_SERVER, _NO_ANSWER = "ack", "refused", "no-server", "no-answer"


def _exchange(
    full_name: str, command: str, args: dict[str, object], connect_ms: int, answer_ms: int
) -> tuple[str, str]:
    """Send one command with blocking calls. (outcome, detail): ack / refused (the instance
    said ok:false) / no-server (nothing to connect to) / no-answer (connected, sent, no reply)."""
    from PySide6.QtNetwork import QLocalSocket

    sock = QLocalSocket()
    try:
        sock.connectToServer(full_name)
        if not sock.waitForConnected(max(connect_ms, 1)):
            return _NO_SERVER, sock.errorString()
        deadline = time.monotonic() + answer_ms / 1000
        sock.write(_encode({"v": PROTOCOL_VERSION, "command": command, "args": args}))
        while sock.bytesToWrite() > 0:
            if not sock.waitForBytesWritten(_remaining_ms(deadline)):
                return _NO_ANSWER, "could not send: " + sock.errorString()
        reply = bytearray()
        while b"\n" not in reply and len(reply) <= MAX_MESSAGE_BYTES:
            if sock.bytesAvailable() <= 0 and not sock.waitForReadyRead(_remaining_ms(deadline)):
                if sock.state() != QLocalSocket.LocalSocketState.ConnectedState:
                    reply += bytes(sock.readAll().data())
                    if b"\n" in reply:
                        break
                    return _NO_ANSWER, "the instance closed the connection without answering"
                return _NO_ANSWER, "no answer in time"
            reply += bytes(sock.readAll().data())
        import json

        try:
            answer = json.loads(bytes(reply.split(b"\n", 1)[0]).decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            return _REFUSED, "unreadable answer"
        if isinstance(answer, dict) and answer.get("ok") is True:
            return _ACK, ""
        detail = answer.get("error", "refused") if isinstance(answer, dict) else "refused"
        return _REFUSED, str(detail)
    finally:
        sock.abort()


def _remaining_ms(deadline: float) -> int:
    return max(1, int((deadline - time.monotonic()) * 1000))


def send_command(
    command: str, args: dict | None = None, name: str | None = None, timeout_ms: int = 1000
) -> bool:
    """Forward ``command`` to the running instance; True if it acknowledged it (ok:true).

    Blocking; works without a QCoreApplication and without a running event loop. Never raises
    for connection problems (False instead).
    """
    try:
        full_name = socket_name(name)
    except OSError as error:
        log.debug("no instance socket: %s", error)
        return False
    outcome, detail = _exchange(full_name, command, dict(args or {}), timeout_ms, timeout_ms)
    if outcome != _ACK:
        log.debug("send_command %s: %s (%s)", command, outcome, detail)
    return outcome == _ACK


def claim_or_forward(
    command: str, args: dict | None = None, name: str | None = None
) -> InstanceServer | None:
    """The start-up dance. Needs a QCoreApplication/QApplication to exist.

    Returns None if a running instance acknowledged ``command`` (the caller exits 0), or the
    listening InstanceServer if this process is now the instance (it does not receive
    ``command`` itself: the caller acts on it directly). Raises InstanceError (plain text) if
    another process holds the instance lock but did not answer within ~3 s, if the running
    instance refused the command, or if the socket cannot be created.
    """
    if QCoreApplication.instance() is None:
        raise RuntimeError("create the QApplication before calling claim_or_forward()")
    args = dict(args or {})
    try:
        full_name = socket_name(name)
    except OSError as error:
        raise InstanceError(f"Cannot create the single-instance socket: {error}") from error
    deadline = time.monotonic() + CLAIM_TIMEOUT_S
    server: InstanceServer | None = None
    while True:
        remaining = max(1, int((deadline - time.monotonic()) * 1000))
        # Connecting is immediate when a server listens (even before its event loop runs); the
        # answer may take until the deadline. A connection that was made is never retried, so a
        # busy instance does not receive the command twice.
        outcome, detail = _exchange(full_name, command, args, min(remaining, 200), remaining)
        if outcome == _ACK:
            if server is not None:
                server.deleteLater()
            return None
        if outcome == _REFUSED:
            raise InstanceError(f"The running {APP_NAME} refused {command!r}: {detail}")
        if outcome == _NO_ANSWER:
            raise InstanceError(
                f"Another {APP_NAME} is running but did not answer ({detail}). "
                "Close it, or end its process, and try again."
            )
        if server is None:
            server = InstanceServer(name)
        claimed = server._claim()
        if claimed == _LISTENING:
            return server
        if claimed != _LOCK_BUSY:
            server.deleteLater()
            raise InstanceError(f"Cannot start the single-instance server: {claimed}")
        # Another process holds the lock: it is starting (it will listen within milliseconds)
        # or it is stuck. Keep trying to reach it until the deadline.
        if time.monotonic() >= deadline:
            server.deleteLater()
            raise InstanceError(
                f"Another {APP_NAME} holds the instance lock ({server._lock_name}) but did not "
                f"answer within {CLAIM_TIMEOUT_S:.0f} s. Close it, or end its process, and "
                "try again."
            )
        time.sleep(0.05)

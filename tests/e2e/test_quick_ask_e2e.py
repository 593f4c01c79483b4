"""End to end: the quick-ask popup of the real app — global shortcut, single instance, start in
the background, and the fallback message where no shortcut can be grabbed.

Real processes only: Xvfb, ``python -m desktop_chat`` (QT_QPA_PLATFORM=xcb), a second X client
that holds the keyboard focus (tests/hotkey_child.py window), xdotool for the keys, a fake
OpenAI server (echo) and the app's SQLite history read with plain sqlite3 afterwards. HOME, the
XDG directories and XDG_RUNTIME_DIR (where the single-instance socket lives) are private to each
test; each app gets a private dbus-daemon. The X server and those helpers come from
test_window_e2e.py.

Focus: without a window manager, X gives the keyboard to the window under the pointer only
while nobody set the focus explicitly. The focus holder takes it explicitly (``xdotool
windowfocus``), so the keys it does not see prove that the grab consumed the shortcut and that
the popup took the focus by itself.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import test_window_e2e as window_e2e
from child_process import Child
from fake_openai import FakeOpenAIServer, echo
from test_window_e2e import (
    SessionBus,
    XDisplay,
    _assert_not_blank,
    _autolaunched_buses,
    _keep_for_humans,
    _kill_pid,
    _processes_on_bus,
    _wait_until,
)
from xvfb import stop

pytestmark = pytest.mark.e2e

x_display = window_e2e.x_display  # the fixture: a private Xvfb for each test

TESTS = Path(__file__).resolve().parents[1]
HOTKEY_CHILD = TESTS / "hotkey_child.py"
API_KEY = "sk-e2e-quick-ask-5b1e9c"
QUESTION = "Quick question from e2e"
ANSWER = f"You said: {QUESTION}"
# X window names (Qt appends the application display name): "desktop-chat — Desktop Chat" and
# "Quick ask — desktop-chat — Desktop Chat". xdotool matches a case-insensitive regex.
MAIN_WINDOW = "^desktop-chat"
POPUP = "^Quick ask"
GRABBED = re.compile(r"global shortcut Ctrl\+Alt\+Space grabbed on X11")
UNAVAILABLE = "Global shortcut unavailable"
BIND_COMMAND = "desktop-chat --quick-ask"

START_TIMEOUT = 20.0  # cold start of Python + Qt on a slow machine
FORWARD_BUDGET = 2.5  # a second `desktop-chat --quick-ask` hands over and exits (~0.3 s here)
EXIT_TIMEOUT = 10.0


# --------------------------------------------------------------------------- processes


@dataclass
class Running:
    """One `python -m desktop_chat ...` process we started (stdout and stderr in files)."""

    process: subprocess.Popen[bytes]
    stdout: Path
    stderr: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def log(self) -> str:
        return self.stderr.read_text(errors="replace")

    def output(self) -> str:
        return (
            f"--- app stdout ---\n{self.stdout.read_text(errors='replace')}"
            f"--- app stderr ---\n{self.log()}"
        )

    def wait_for_log(self, pattern: re.Pattern[str] | str, timeout: float = START_TIMEOUT) -> str:
        """The first stderr line matching ``pattern``; fails if the app exits or it never comes."""
        regex = re.compile(re.escape(pattern)) if isinstance(pattern, str) else pattern

        def find() -> str | None:
            return next((line for line in self.log().splitlines() if regex.search(line)), None)

        deadline = time.monotonic() + timeout
        while (line := find()) is None:
            if not self.alive:
                pytest.fail(f"the app exited with {self.process.returncode}\n" + self.output())
            if time.monotonic() > deadline:
                pytest.fail(f"no log line matching {regex.pattern!r}\n" + self.output())
            time.sleep(0.05)
        return line

    def wait_exit(self, why: str) -> int:
        try:
            return self.process.wait(EXIT_TIMEOUT)
        except subprocess.TimeoutExpired:
            pytest.fail(
                f"the app did not exit within {EXIT_TIMEOUT:.0f} s of {why}\n" + self.output()
            )


@dataclass
class Desk:
    """A user's session: private HOME/XDG dirs, runtime dir, session bus, fake server."""

    tmp: Path
    home: Path
    runtime: Path
    server: FakeOpenAIServer
    display: XDisplay | None = None
    bus: SessionBus | None = None
    started: list[Running] = field(default_factory=list)

    @property
    def database(self) -> Path:
        return self.home / ".local/share" / "desktop-chat" / "history.sqlite3"

    @property
    def log_file(self) -> Path:
        return self.home / ".local/state" / "desktop-chat" / "desktop-chat.log"

    @property
    def socket(self) -> Path:
        return self.runtime / "desktop-chat" / "instance.sock"

    def env(self, platform: str = "xcb") -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("OPENAI_", "DESKTOP_CHAT_", "QT_", "XDG_"))
            and key not in ("DISPLAY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS")
        }
        env.update(
            HOME=str(self.home),
            XDG_DATA_HOME=str(self.home / ".local/share"),
            XDG_CONFIG_HOME=str(self.home / ".config"),
            XDG_STATE_HOME=str(self.home / ".local/state"),
            XDG_CACHE_HOME=str(self.home / ".cache"),
            XDG_RUNTIME_DIR=str(self.runtime),
            QT_QPA_PLATFORM=platform,
            PYTHONUNBUFFERED="1",
            NO_AT_BRIDGE="1",
            OPENAI_BASE_URL=self.server.base_url,
            OPENAI_API_KEY=API_KEY,  # also keeps the first-run (modal) welcome dialog away
        )
        if platform == "xcb":
            assert self.display is not None, "the xcb platform needs the x_display fixture"
            env["DISPLAY"] = self.display.name
        if self.bus is None and shutil.which("dbus-daemon") is not None:
            self.bus = SessionBus(env, self.tmp)
        if self.bus is not None:
            env["DBUS_SESSION_BUS_ADDRESS"] = self.bus.address
        return env

    def start(self, *args: str, platform: str = "xcb") -> Running:
        """``python -m desktop_chat ARGS`` in the background."""
        number = len(self.started) + 1
        stdout, stderr = self.tmp / f"app-{number}.stdout", self.tmp / f"app-{number}.stderr"
        with stdout.open("wb") as out, stderr.open("wb") as err:
            process = subprocess.Popen(
                [sys.executable, "-m", "desktop_chat", *args],
                env=self.env(platform),
                cwd=self.tmp,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                start_new_session=True,  # its own process group, killed as a whole at the end
            )
        running = Running(process, stdout, stderr)
        self.started.append(running)
        return running

    def forward(self, *args: str) -> tuple[subprocess.CompletedProcess[str], float]:
        """``python -m desktop_chat ARGS`` to the end (a second instance): result, seconds."""
        began = time.monotonic()
        result = subprocess.run(
            [sys.executable, "-m", "desktop_chat", *args],
            env=self.env(),
            cwd=self.tmp,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=15,
        )
        return result, time.monotonic() - began

    def app_processes(self) -> list[int]:
        """PIDs of `desktop_chat` processes of this desk (found by their XDG_RUNTIME_DIR)."""
        marker = f"XDG_RUNTIME_DIR={self.runtime}".encode()
        found = []
        for proc in Path("/proc").glob("[0-9]*"):
            with contextlib.suppress(OSError):
                argv = (proc / "cmdline").read_bytes().split(b"\0")
                if b"desktop_chat" in argv and marker in (proc / "environ").read_bytes().split(
                    b"\0"
                ):
                    found.append(int(proc.name))
        return sorted(found)

    def stop_all(self) -> None:
        for running in self.started:
            stop(running.process)
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(running.pid, signal.SIGKILL)  # anything it left in its group
        for address, bus_pid in _autolaunched_buses(self.home):
            for pid in _processes_on_bus(address):
                _kill_pid(pid)
            _kill_pid(bus_pid)
        if self.bus is not None:
            self.bus.stop()


@contextlib.contextmanager
def _make_desk(tmp_path: Path, display: XDisplay | None) -> Iterator[Desk]:
    home = tmp_path / "home"
    for sub in (".local/share", ".config", ".local/state", ".cache"):
        (home / sub).mkdir(parents=True, exist_ok=True)
    runtime = Path(tempfile.mkdtemp(prefix="dc-qa-"))  # short: a Unix socket lives here
    try:
        with FakeOpenAIServer() as server:
            server.set_default(echo())
            desk = Desk(tmp_path, home, runtime, server, display)
            try:
                yield desk
            finally:
                desk.stop_all()
    finally:
        shutil.rmtree(runtime, ignore_errors=True)


@pytest.fixture
def desk(x_display: XDisplay, tmp_path: Path) -> Iterator[Desk]:
    with _make_desk(tmp_path, x_display) as made:
        yield made


@pytest.fixture
def headless_desk(tmp_path: Path) -> Iterator[Desk]:
    with _make_desk(tmp_path, None) as made:
        yield made


# --------------------------------------------------------------------------- X helpers


def _visible(x_display: XDisplay, name: str) -> list[str]:
    """Visible (mapped) windows whose name matches the regex ``name``."""
    found = x_display.run("xdotool", "search", "--onlyvisible", "--name", name)
    return found.stdout.split()


def _wait_visible(x_display: XDisplay, name: str, app: Running, timeout: float = 10.0) -> str:
    """``xdotool search --sync --onlyvisible`` with a deadline; the window id."""
    try:
        found = x_display.run(
            "xdotool", "search", "--sync", "--onlyvisible", "--name", name, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"no visible window named {name!r} within {timeout:.0f} s\n" + app.output())
    windows = found.stdout.split()
    assert found.returncode == 0 and windows, found.stderr
    return windows[0]


def _wait_hidden(x_display: XDisplay, name: str, app: Running, timeout: float = 5.0) -> None:
    if not _wait_until(lambda: not _visible(x_display, name), timeout):
        pytest.fail(f"the window {name!r} is still visible after {timeout:.0f} s\n" + app.output())


def _window_pid(x_display: XDisplay, window: str) -> int:
    return int(x_display.xdotool("getwindowpid", window).strip())


def _focused(x_display: XDisplay) -> str:
    return x_display.run("xdotool", "getwindowfocus").stdout.strip()


def _start_main(desk: Desk, x_display: XDisplay) -> tuple[Running, str]:
    """The app with its main window up and the global shortcut grabbed."""
    app = desk.start()
    window = _wait_visible(x_display, MAIN_WINDOW, app, START_TIMEOUT)
    app.wait_for_log(GRABBED)
    assert _window_pid(x_display, window) == app.pid
    return app, window


@contextlib.contextmanager
def _focus_holder(x_display: XDisplay, env: dict[str, str]) -> Iterator[tuple[Child, str]]:
    """Another X client holding the keyboard focus; prints each key it receives."""
    holder = Child([sys.executable, str(HOTKEY_CHILD), "window"], env=env)
    try:
        line = holder.next_line(START_TIMEOUT)
        assert line.startswith("window "), holder.describe("the focus holder has no window")
        window = line.split()[1]
        deadline = time.monotonic() + 10
        while not holder.has_line("focused"):
            assert time.monotonic() < deadline, holder.describe("the holder never got the focus")
            x_display.run("xdotool", "windowfocus", window)  # fails until the window is mapped
            holder.read_available(0.2)
        yield holder, window
    finally:
        holder.close()


# --------------------------------------------------------------------------- database


def _exchanges(database: Path) -> list[tuple[str, str, str, str, str]]:
    """(conversation id, title, role, content, status) of every live message, oldest first."""
    assert database.exists(), f"no history database at {database}"
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        return connection.execute(
            "SELECT c.id, c.title, m.role, m.content, m.status FROM messages m "
            "JOIN conversations c ON c.id = m.conversation_id "
            "WHERE c.deleted_at IS NULL ORDER BY m.created_at, m.rowid"
        ).fetchall()
    finally:
        connection.close()


def _quick_ask_conversation(database: Path) -> list[tuple[str, str]] | None:
    """(role, content) of the conversation holding QUESTION, once its answer is complete."""
    with contextlib.suppress(sqlite3.Error):
        rows = _exchanges(database)
        ids = {cid for cid, _, role, content, _ in rows if role == "user" and content == QUESTION}
        for cid in ids:
            messages = [(role, content, status) for c, _, role, content, status in rows if c == cid]
            if ("assistant", ANSWER, "complete") in messages:
                return [(role, content) for role, content, _ in messages]
    return None


def _assert_database_intact(database: Path) -> None:
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert connection.execute("PRAGMA user_version").fetchone()[0] > 0
    finally:
        connection.close()


def _assert_no_crash_output(text: str) -> None:
    assert "Traceback" not in text, text
    assert "Fatal Python error" not in text, text


# --------------------------------------------------------------------------- tests


def test_global_shortcut_opens_the_popup_over_another_app_and_saves_the_exchange(
    desk: Desk, x_display: XDisplay, tmp_path: Path
) -> None:
    app, main_window = _start_main(desk, x_display)

    with _focus_holder(x_display, desk.env()) as (holder, holder_window):
        assert _focused(x_display) == holder_window

        x_display.xdotool("key", "ctrl+alt+space")
        popup = _wait_visible(x_display, POPUP, app)
        assert _window_pid(x_display, popup) == app.pid, "the popup is not the app's"
        name = x_display.xdotool("getwindowname", popup).strip()
        assert name.startswith("Quick ask — desktop-chat"), name
        # The popup takes the keyboard from the other app by itself: the user just types.
        assert _wait_until(lambda: _focused(x_display) == popup, 5.0), (
            f"the focus stayed on {_focused(x_display)}, not the popup {popup}\n" + app.output()
        )
        x_display.xdotool("mousemove", "--window", popup, "60", "30")
        x_display.xdotool("type", "--delay", "20", QUESTION)
        x_display.xdotool("key", "Return")

        def asked() -> bool:
            return any(
                [m.get("content") for m in record.messages if m.get("role") == "user"][-1:]
                == [QUESTION]
                for record in desk.server.requests_to("/chat/completions")
            )

        assert _wait_until(asked, 15.0), (
            "the server never received the question; requests: "
            f"{[(r.path, r.messages) for r in desk.server.requests]}\n" + app.output()
        )
        assert desk.server.wait_for_idle(10.0), "the answer never finished streaming"
        assert _wait_until(lambda: _quick_ask_conversation(desk.database) is not None, 10.0), (
            f"the answer was not saved: {_exchanges(desk.database)}\n" + app.output()
        )
        time.sleep(0.8)  # let the popup paint the answer

        shot = x_display.run("import", "-window", popup, str(tmp_path / "popup.png"))
        assert shot.returncode == 0, shot.stderr
        _keep_for_humans(tmp_path / "popup.png", "e2e-quick-ask-answer.png")
        _assert_not_blank(x_display, tmp_path / "popup.png")
        whole = x_display.screenshot(tmp_path / "screen.png")
        _keep_for_humans(whole, "e2e-quick-ask-screen.png")

        x_display.xdotool("key", "Escape")
        _wait_hidden(x_display, POPUP, app)

        # The grab consumed Space, and the question went to the popup, not to the focused app.
        holder.read_available(0.2)
        keys = [line for line in holder.lines if line.startswith("key ")]
        assert all(line.split()[1] in ("Control", "Alt") for line in keys), keys

    assert app.alive, "the app died\n" + app.output()
    assert _visible(x_display, MAIN_WINDOW) == [main_window]
    # Hiding the popup gave the focus back to the root window; a window manager would now
    # focus another window. Without one, the test does: the pointer alone is not enough (Qt
    # ignores pointer-driven FocusIn events).
    x_display.xdotool("windowfocus", main_window)
    x_display.xdotool("key", "ctrl+q")
    assert app.wait_exit("Ctrl+Q") == 0, app.output()

    conversation = _quick_ask_conversation(desk.database)
    assert conversation is not None, _exchanges(desk.database)
    assert conversation == [("user", QUESTION), ("assistant", ANSWER)], conversation
    _assert_no_crash_output(app.output())
    assert API_KEY not in app.output()


def test_second_process_toggles_the_popup_of_the_first_and_exits(
    desk: Desk, x_display: XDisplay
) -> None:
    app, main_window = _start_main(desk, x_display)
    assert desk.app_processes() == [app.pid]
    assert desk.socket.is_socket(), f"no instance socket at {desk.socket}"
    socket_inode = desk.socket.stat().st_ino

    for attempt in ("show", "hide"):
        result, seconds = desk.forward("--quick-ask")
        assert result.returncode == 0, f"{attempt}: {result.stderr}"
        assert seconds < FORWARD_BUDGET, f"{attempt}: the second process took {seconds:.1f} s"
        _assert_no_crash_output(result.stdout + result.stderr)
        if attempt == "show":
            popup = _wait_visible(x_display, POPUP, app)
            assert _window_pid(x_display, popup) == app.pid, "the popup is not the first app's"
        else:
            _wait_hidden(x_display, POPUP, app)
        # Still one instance: the second process left, and opened no window of its own.
        assert desk.app_processes() == [app.pid], f"{attempt}: {desk.app_processes()}"
        assert _visible(x_display, MAIN_WINDOW) == [main_window], attempt
        assert desk.socket.stat().st_ino == socket_inode, "the instance socket was replaced"
        assert app.alive, app.output()

    _assert_no_crash_output(app.output())


@pytest.mark.parametrize("quit_by", ["SIGTERM", "show window, Ctrl+Q"])
def test_quick_ask_without_a_running_app_starts_it_with_only_the_popup(
    desk: Desk, x_display: XDisplay, quit_by: str
) -> None:
    app = desk.start("--quick-ask")
    popup = _wait_visible(x_display, POPUP, app, START_TIMEOUT)
    assert _window_pid(x_display, popup) == app.pid
    app.wait_for_log(GRABBED)  # the shortcut is grabbed after the popup's first paint
    assert _visible(x_display, MAIN_WINDOW) == [], "the main window should stay hidden"
    assert app.alive, app.output()

    # In the background the shortcut toggles the popup, as with the window open.
    x_display.xdotool("key", "ctrl+alt+space")
    _wait_hidden(x_display, POPUP, app)
    x_display.xdotool("key", "ctrl+alt+space")
    assert _wait_visible(x_display, POPUP, app) == popup
    assert _visible(x_display, MAIN_WINDOW) == []

    if quit_by == "SIGTERM":
        # No tray under bare Xvfb and no main window: a signal quits like the Quit menu.
        app.process.send_signal(signal.SIGTERM)
        code = app.wait_exit("SIGTERM")
    else:
        # Without a signal: `desktop-chat` shows the main window, whose Ctrl+Q quits.
        result, _seconds = desk.forward()
        assert result.returncode == 0, result.stderr
        main_window = _wait_visible(x_display, MAIN_WINDOW, app)
        assert _window_pid(x_display, main_window) == app.pid
        x_display.xdotool("mousemove", "--window", main_window, "200", "200")
        x_display.xdotool("key", "ctrl+q")
        code = app.wait_exit("Ctrl+Q")
    assert code == 0, f"the app exited with {code}\n" + app.output()

    _assert_no_crash_output(app.output())
    _assert_database_intact(desk.database)
    wal = desk.database.with_name(desk.database.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0, "the database was not closed"
    assert not desk.socket.exists(), "the instance socket was left behind"
    assert desk.app_processes() == []


def test_offscreen_reports_that_the_global_shortcut_is_unavailable(
    headless_desk: Desk,
) -> None:
    desk = headless_desk
    app = desk.start(platform="offscreen")  # no X11: nothing to grab the key with
    line = app.wait_for_log(UNAVAILABLE)
    assert BIND_COMMAND in line, line
    assert '"offscreen"' in line, line
    assert "keyboard settings" in line, line

    def logged() -> str:
        return desk.log_file.read_text(errors="replace") if desk.log_file.exists() else ""

    assert _wait_until(lambda: UNAVAILABLE in logged(), 5.0), f"not in {desk.log_file}"
    assert BIND_COMMAND in logged()
    assert app.alive, app.output()

    app.process.send_signal(signal.SIGTERM)
    assert app.wait_exit("SIGTERM") == 0, app.output()
    _assert_no_crash_output(app.output())

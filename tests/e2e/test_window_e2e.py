"""End to end: the real app, in its own process, on a private Xvfb display, driven with xdotool.

Each test starts its own Xvfb (a free display number), starts the app with
``python -m desktop_chat`` and ``QT_QPA_PLATFORM=xcb``, types into it like a user, takes a
screenshot of the whole screen (a copy lands in ``artifacts/`` for humans), quits with Ctrl+Q and
then reads the SQLite history the app wrote. HOME and every XDG directory point into the test's
tmp_path, so the developer's own history and settings are never touched.

Keyboard focus: under Xvfb there is no window manager, and X's focus follows the pointer
(PointerRoot). The app focuses its own composer at start; the test only moves the pointer over
the window (no click) so that X delivers the keys to it.

Session bus: each app gets a private ``dbus-daemon`` (with the test's HOME, without DISPLAY),
stopped afterwards together with what it activated (gnome-keyring). So the tests work alone as
well as inside ``tests/run.sh``'s ``dbus-run-session``, and a keychain lookup by the app touches
neither the developer's keyring nor their screen. Without dbus-daemon, the app may auto-launch
a bus through dbus-x11: that bus is found (``$HOME/.dbus``) and stopped too.

Needs Xvfb and xdotool (the tests skip without them), ImageMagick (``import``, ``convert``) for
the screenshot; ``tests/run.sh`` installs all three.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fake_openai import FakeOpenAIServer, RequestRecord, echo
from xvfb import free_display_numbers, start_xvfb, stop

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "artifacts"
API_KEY = "sk-e2e-DO-NOT-LEAK-7d3f0a91c2b4"
PROMPT = "Hello e2e"
ANSWER = "You said: Hello e2e"
SCREEN = "1280x800x24"

WINDOW_TIMEOUT = 20.0  # cold start of Python + Qt + the window, on a slow CI machine
EXIT_TIMEOUT = 10.0


def _missing(*tools: str) -> list[str]:
    return [tool for tool in tools if shutil.which(tool) is None]


def _wait_until(condition: Callable[[], bool], timeout: float, interval: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()


def _kill_pid(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(pid, signal.SIGTERM)


# --------------------------------------------------------------------------- X server


@dataclass
class XDisplay:
    number: int
    process: subprocess.Popen[bytes]

    @property
    def name(self) -> str:
        return f":{self.number}"

    def env(self) -> dict[str, str]:
        return {**os.environ, "DISPLAY": self.name}

    def run(self, *args: str, timeout: float = 10.0) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            list(args), env=self.env(), capture_output=True, text=True, timeout=timeout
        )

    def xdotool(self, *args: str) -> str:
        result = self.run("xdotool", *args)
        assert result.returncode == 0, f"xdotool {' '.join(args)} failed: {result.stderr}"
        return result.stdout

    def screenshot(self, path: Path) -> Path:
        result = self.run("import", "-display", self.name, "-window", "root", str(path))
        assert result.returncode == 0 and path.exists(), f"import failed: {result.stderr}"
        return path


@pytest.fixture
def x_display(tmp_path: Path) -> Iterator[XDisplay]:
    missing = _missing("Xvfb", "xdotool")
    if missing:
        pytest.skip(f"{' and '.join(missing)} not installed (tests/run.sh installs them)")
    missing = _missing("import", "convert", "identify")
    assert not missing, "ImageMagick is needed for screenshots: apt-get install imagemagick"
    for attempt, number in enumerate(free_display_numbers()):
        with (tmp_path / f"xvfb-{number}.log").open("wb") as log:
            process = start_xvfb(number, SCREEN, log)
        if process is not None:
            break
        if attempt >= 4:
            pytest.fail("Xvfb did not start:\n" + (tmp_path / f"xvfb-{number}.log").read_text())
    else:
        pytest.fail("no free X display number")
    display = XDisplay(number, process)
    try:
        yield display
    finally:
        stop(process)


# --------------------------------------------------------------------------- the app


@dataclass
class App:
    process: subprocess.Popen[bytes]
    home: Path
    stdout: Path
    stderr: Path
    window: str = ""

    @property
    def database(self) -> Path:
        return self.home / ".local" / "share" / "desktop-chat" / "history.sqlite3"

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def output(self) -> str:
        return (
            f"--- app stdout ---\n{self.stdout.read_text(errors='replace')}"
            f"--- app stderr ---\n{self.stderr.read_text(errors='replace')}"
        )


class SessionBus:
    """A private session bus for one app: a ``dbus-daemon`` child of the test process.

    It runs with the app's HOME and XDG directories and without DISPLAY, so the services it
    activates for the app (gnome-keyring, when the app looks for a stored key) keep their files
    in the test's HOME and cannot put up a prompt on any display, the developer's included.
    Not forked, so the test reaps it; what it activated is found by its address and stopped.
    """

    def __init__(self, env: dict[str, str], cwd: Path) -> None:
        bus_env = {
            key: value
            for key, value in env.items()
            if key not in ("DISPLAY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS")
        }
        self.process = subprocess.Popen(
            ["dbus-daemon", "--session", "--nofork", "--nosyslog", "--print-address=1"],
            env=bus_env,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        assert self.process.stdout is not None
        ready, _, _ = select.select([self.process.stdout], [], [], 10.0)
        self.address = self.process.stdout.readline().decode().strip() if ready else ""
        if not self.address:
            self.stop()
            pytest.fail("dbus-daemon did not print its address")

    def stop(self) -> None:
        # What the bus activated runs detached (its parent is init): find it by its address.
        services = _processes_on_bus(self.address) if self.address else []
        for pid in services:
            _kill_pid(pid)
        stop(self.process)
        if self.process.stdout is not None:
            self.process.stdout.close()


def _processes_on_bus(address: str) -> list[int]:
    """PIDs of other processes that a bus activated, or that use it (from /proc/*/environ)."""
    wanted = {
        f"DBUS_STARTER_ADDRESS={address}".encode(),
        f"DBUS_SESSION_BUS_ADDRESS={address}".encode(),
    }
    found = []
    for environ in Path("/proc").glob("[0-9]*/environ"):
        pid = int(environ.parent.name)
        if pid == os.getpid():
            continue
        with contextlib.suppress(OSError):
            if wanted & set(environ.read_bytes().split(b"\0")):
                found.append(pid)
    return found


def _autolaunched_buses(home: Path) -> list[tuple[str, int]]:
    """(address, pid) of buses dbus-x11 auto-launched for the app (recorded under $HOME/.dbus)."""
    buses = []
    for record in (home / ".dbus" / "session-bus").glob("*"):
        fields = dict(
            line.split("=", 1)
            for line in record.read_text(errors="replace").splitlines()
            if "=" in line and not line.startswith("#")
        )
        with contextlib.suppress(KeyError, ValueError):
            address = fields["DBUS_SESSION_BUS_ADDRESS"].strip("'\"")
            buses.append((address, int(fields["DBUS_SESSION_BUS_PID"])))
    return buses


def _app_env(x_display: XDisplay, home: Path, runtime: Path, **extra: str) -> dict[str, str]:
    """The app's environment: this display, a private HOME and XDG directories, nothing of
    the developer's OPENAI_*, DESKTOP_CHAT_*, QT_* or XDG_* settings."""
    env = {
        key: value
        for key, value in x_display.env().items()
        if not key.startswith(("OPENAI_", "DESKTOP_CHAT_", "QT_", "XDG_"))
    }
    env.update(
        HOME=str(home),
        XDG_DATA_HOME=str(home / ".local/share"),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_STATE_HOME=str(home / ".local/state"),
        XDG_CACHE_HOME=str(home / ".cache"),
        XDG_RUNTIME_DIR=str(runtime),
        QT_QPA_PLATFORM="xcb",
        **extra,
    )
    return env


@pytest.fixture
def launch_app(x_display: XDisplay, tmp_path: Path) -> Iterator[Callable[[dict[str, str]], App]]:
    """Start the real app on the test's display; ``launch_app({"OPENAI_API_KEY": ...})``."""

    def launch(provider_env: dict[str, str]) -> App:
        home = tmp_path / "home"
        for sub in (".local/share", ".config", ".local/state", ".cache"):
            (home / sub).mkdir(parents=True, exist_ok=True)
        # Short, private: sockets live here (gnome-keyring's control socket among them).
        runtime = Path(tempfile.mkdtemp(prefix="dc-e2e-"))
        runtime_dirs.append(runtime)
        env = _app_env(x_display, home, runtime, PYTHONUNBUFFERED="1", **provider_env)
        if shutil.which("dbus-daemon") is not None:
            buses.append(SessionBus(env, tmp_path))
            env["DBUS_SESSION_BUS_ADDRESS"] = buses[-1].address
        # else: the app may auto-launch a bus through dbus-x11; it is found and killed below.
        stdout, stderr = tmp_path / "app.stdout", tmp_path / "app.stderr"
        with stdout.open("wb") as out, stderr.open("wb") as err:
            process = subprocess.Popen(
                [sys.executable, "-m", "desktop_chat"],
                env=env,
                cwd=tmp_path,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                start_new_session=True,  # its own process group, killed as a whole at the end
            )
        app = App(process, home, stdout, stderr)
        started.append(app)
        app.window = _wait_for_window(x_display, app)
        # No window manager: X gives the keyboard to the window under the pointer.
        x_display.xdotool("mousemove", "--window", app.window, "200", "200")
        return app

    started: list[App] = []
    buses: list[SessionBus] = []
    runtime_dirs: list[Path] = []
    try:
        yield launch
    finally:
        for app in started:
            stop(app.process)
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(app.process.pid, signal.SIGKILL)  # anything it left in its group
            for address, bus_pid in _autolaunched_buses(app.home):
                for pid in _processes_on_bus(address):
                    _kill_pid(pid)
                _kill_pid(bus_pid)
        for bus in buses:
            bus.stop()
        for runtime in runtime_dirs:
            shutil.rmtree(runtime, ignore_errors=True)


def _wait_for_window(x_display: XDisplay, app: App) -> str:
    deadline = time.monotonic() + WINDOW_TIMEOUT
    while time.monotonic() < deadline:
        if not app.alive:
            pytest.fail(
                f"the app exited with {app.process.returncode} before showing a window\n"
                + app.output()
            )
        found = x_display.run("xdotool", "search", "--onlyvisible", "--name", "desktop")
        if found.returncode == 0 and found.stdout.split():
            return found.stdout.split()[0]
        time.sleep(0.1)
    pytest.fail(f"no visible 'desktop…' window within {WINDOW_TIMEOUT:.0f} s\n" + app.output())


# --------------------------------------------------------------------------- checks


def _type_prompt(x_display: XDisplay, text: str) -> None:
    x_display.xdotool("type", "--delay", "20", text)
    x_display.xdotool("key", "Return")


def _assert_not_blank(x_display: XDisplay, path: Path) -> None:
    deviation = x_display.run(
        "convert", str(path), "-format", "%[fx:standard_deviation]", "info:"
    ).stdout
    colours = x_display.run("identify", "-format", "%k", str(path)).stdout
    assert float(deviation) > 0.02, f"the screenshot looks blank (standard deviation {deviation})"
    assert int(colours) > 8, f"the screenshot has only {colours} colours"


def _keep_for_humans(path: Path, name: str) -> None:
    with contextlib.suppress(OSError):
        ARTIFACTS.mkdir(exist_ok=True)
        shutil.copyfile(path, ARTIFACTS / name)


def _quit(x_display: XDisplay, app: App) -> None:
    x_display.xdotool("key", "ctrl+q")
    try:
        code = app.process.wait(EXIT_TIMEOUT)
    except subprocess.TimeoutExpired:
        pytest.fail(f"the app did not exit within {EXIT_TIMEOUT:.0f} s of Ctrl+Q\n" + app.output())
    assert code == 0, f"the app exited with {code}\n" + app.output()


def _messages(database: Path) -> list[tuple[str, str, str]]:
    assert database.exists(), f"no history database at {database}"
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        return connection.execute(
            "SELECT role, content, status FROM messages ORDER BY created_at, rowid"
        ).fetchall()
    finally:
        connection.close()


def _assert_no_crash_output(app: App) -> None:
    text = app.output()
    assert "Traceback" not in text, text
    assert "Fatal Python error" not in text, text


# --------------------------------------------------------------------------- tests


def test_prompt_streams_answer_saves_history_and_quits(
    launch_app: Callable[[dict[str, str]], App], x_display: XDisplay, tmp_path: Path
) -> None:
    with FakeOpenAIServer() as server:
        server.set_default(echo())
        app = launch_app({"OPENAI_BASE_URL": server.base_url, "OPENAI_API_KEY": API_KEY})

        _type_prompt(x_display, PROMPT)

        def prompt_request() -> RequestRecord | None:
            for record in server.requests_to("/chat/completions"):
                users = [m for m in record.messages if m.get("role") == "user"]
                if users and users[-1].get("content") == PROMPT:
                    return record
            return None

        assert _wait_until(lambda: prompt_request() is not None, 15.0), (
            "the server never received the prompt; requests: "
            f"{[(r.method, r.path, r.messages) for r in server.requests]}\n" + app.output()
        )
        request = prompt_request()
        assert request is not None
        assert request.stream, "the app should stream answers"
        assert request.headers.get("authorization") == f"Bearer {API_KEY}"
        assert server.wait_for_idle(10.0), "the answer never finished streaming"
        time.sleep(1.0)  # let the window paint the answer

        shot = x_display.screenshot(tmp_path / "shot.png")
        _keep_for_humans(shot, "e2e-window-answer.png")
        _assert_not_blank(x_display, shot)
        assert app.alive, "the app died after answering\n" + app.output()

        _quit(x_display, app)

    rows = _messages(app.database)
    assert ("user", PROMPT, "complete") in rows, rows
    assert ("assistant", ANSWER, "complete") in rows, rows
    _assert_no_crash_output(app)

    # The key goes to the server and nowhere else: not in a file, not in the output.
    secret = API_KEY.encode()
    leaks = [
        path
        for path in app.home.rglob("*")
        if path.is_file() and not path.is_symlink() and secret in path.read_bytes()
    ]
    assert not leaks, f"the API key was written to {leaks}"
    assert secret not in app.stdout.read_bytes()
    assert secret not in app.stderr.read_bytes()


def test_without_api_key_opens_and_keeps_the_prompt(
    launch_app: Callable[[dict[str, str]], App], x_display: XDisplay, tmp_path: Path
) -> None:
    app = launch_app({})  # no OPENAI_API_KEY, no OPENAI_BASE_URL: the official endpoint

    time.sleep(3.0)  # the message bar telling how to add a key is up by now
    assert app.alive, "the app died at start without a key\n" + app.output()
    shot = x_display.screenshot(tmp_path / "shot.png")
    _keep_for_humans(shot, "e2e-window-no-key.png")
    _assert_not_blank(x_display, shot)

    # First run without a key: the welcome dialog asks for a key or a local server; skip it.
    found = x_display.run("xdotool", "search", "--onlyvisible", "--name", "Welcome to Desktop Chat")
    welcome = found.stdout.split()
    assert welcome, "no welcome dialog on the first run without a key\n" + app.output()
    x_display.xdotool("mousemove", "--window", welcome[0], "20", "20")
    x_display.xdotool("key", "Escape")
    time.sleep(0.5)
    gone = x_display.run("xdotool", "search", "--onlyvisible", "--name", "Welcome to Desktop Chat")
    assert not gone.stdout.split(), "Escape did not close the welcome dialog"

    _type_prompt(x_display, PROMPT)
    time.sleep(2.0)
    assert app.alive, "sending without a key crashed the app\n" + app.output()
    shot = x_display.screenshot(tmp_path / "shot-after-send.png")
    _keep_for_humans(shot, "e2e-window-no-key-after-send.png")

    _quit(x_display, app)

    rows = _messages(app.database)
    assert [(role, content) for role, content, _status in rows] == [("user", PROMPT)], rows
    _assert_no_crash_output(app)


@pytest.mark.parametrize("theme", ["system", "dark"])
def test_window_paints_before_the_chat_machinery_loads(
    x_display: XDisplay, tmp_path: Path, theme: str
) -> None:
    """Paint first: at the window's first paint, neither asyncio and qasync, nor the store,
    the controller, the SDK or the keychain are loaded, and PySide has not built its `Qt`
    namespace (~16 ms of enums). The window then fills in ("ready") and, in this mode, quits.
    The saved size from the last session is applied before that first paint."""
    home = tmp_path / "home"
    state = home / ".local" / "state" / "desktop-chat"
    state.mkdir(parents=True)
    (state / "window-state").write_text(f"theme={theme}\n")  # a saved theme is applied too
    runtime = Path(tempfile.mkdtemp(prefix="dc-probe-"))
    env = _app_env(
        x_display,
        home,
        runtime,
        DBUS_SESSION_BUS_ADDRESS="disabled:",
        OPENAI_BASE_URL="http://127.0.0.1:9/v1",  # never asked: the probe quits when ready
        OPENAI_API_KEY="sk-probe-not-a-real-key",
        DESKTOP_CHAT_EXIT_AFTER_FIRST_PAINT="1",
    )
    probe = Path(__file__).parent.parent / "first_paint_probe.py"
    try:
        done = subprocess.run(
            [sys.executable, str(probe)],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=WINDOW_TIMEOUT + 10,
        )
    finally:
        shutil.rmtree(runtime, ignore_errors=True)
    lines = done.stdout.splitlines()
    assert done.returncode == 0, done.stdout + done.stderr
    assert "first-paint" in lines and lines[-1] == "ready", done.stdout + done.stderr
    report = next(json.loads(line[6:]) for line in lines if line.startswith("PROBE "))
    loaded = set(report["modules"])
    too_early = {
        "asyncio",
        "qasync",
        "sqlite3",
        "openai",
        "keyring",
        "PySide6.QtNetwork",  # the instance socket listens after the paint; the lock is QtCore
        "desktop_chat.controller",
        "desktop_chat.store",
        "desktop_chat.api",
        "desktop_chat.ui.conversation_tab",
    } & loaded
    assert not too_early, f"loaded before the first paint: {sorted(too_early)}"
    assert not report["qt_namespace_built"], "the Qt namespace was built before the first paint"
    # The chats came after it: the session with its tab was saved at the quit.
    assert "geometry=" in (state / "window-state").read_text()


def test_an_image_pasted_from_the_real_clipboard_goes_with_the_prompt(
    launch_app: Callable[[dict[str, str]], App], x_display: XDisplay, tmp_path: Path
) -> None:
    """xclip owns the X CLIPBOARD with a PNG, as a screenshot tool would; Ctrl+V in the
    composer attaches it, and the request carries it as a data: URL of the same picture."""
    import base64

    if _missing("xclip"):
        pytest.skip("xclip not installed (tests/run.sh installs it)")
    picture = tmp_path / "pasted.png"
    made = x_display.run("convert", "-size", "300x100", "gradient:blue-orange", str(picture))
    assert made.returncode == 0, made.stderr
    with FakeOpenAIServer() as server:
        server.set_default(echo())
        app = launch_app({"OPENAI_BASE_URL": server.base_url, "OPENAI_API_KEY": API_KEY})
        owner = subprocess.Popen(
            ["xclip", "-selection", "clipboard", "-t", "image/png", "-i", str(picture)],
            env=x_display.env(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            time.sleep(0.3)  # xclip takes the selection
            x_display.xdotool("key", "ctrl+v")
            time.sleep(0.5)
            _type_prompt(x_display, "What is in this picture?")

            def parts() -> list[dict[str, object]] | None:
                for record in server.requests_to("/chat/completions"):
                    users = [m for m in record.messages if m.get("role") == "user"]
                    if users and isinstance(users[-1].get("content"), list):
                        return users[-1]["content"]  # type: ignore[return-value]
                return None

            assert _wait_until(lambda: parts() is not None, 15.0), (
                "no request with content parts; requests: "
                + json.dumps([r.messages for r in server.requests_to("/chat/completions")])[:2000]
                + "\n"
                + app.output()
            )
        finally:
            stop(owner)
        content = parts()
        assert content is not None
        assert content[0] == {"type": "text", "text": "What is in this picture?"}
        image = content[1]
        assert image["type"] == "image_url"
        url = image["image_url"]["url"]  # type: ignore[index]
        assert url.startswith("data:image/png;base64,")
        sent = tmp_path / "sent.png"
        sent.write_bytes(base64.b64decode(url.split(",", 1)[1]))
        size = x_display.run("identify", "-format", "%wx%h", str(sent)).stdout
        assert size == "300x100"
        shot = x_display.screenshot(tmp_path / "pasted.png.screen.png")
        _keep_for_humans(shot, "e2e-pasted-image.png")
        _quit(x_display, app)
        _assert_no_crash_output(app)

"""Global shortcut backends (desktop_chat.hotkey).

- Backend choice and the "none" fallback, in process (offscreen).
- The X11 grab, end to end: a private Xvfb, the backend in a child process with
  QT_QPA_PLATFORM=xcb (tests/hotkey_child.py grab), a second X client holding the keyboard focus
  (tests/hotkey_child.py window, focused with `xdotool windowfocus`; there is no window manager,
  so `windowactivate` would fail), keys sent with `xdotool key`.
- The portal backend against tests/fake_portal.py on a private dbus-daemon (no real portal here).
Children get DBUS_SESSION_BUS_ADDRESS pointing at a private bus or at nothing, so a Qt app on a
DISPLAY never auto-launches a session bus (dbus-x11) that would outlive the test.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from child_process import Child
from xvfb import free_display_numbers, start_xvfb, stop

from desktop_chat.hotkey import (
    BIND_COMMAND,
    HotkeyUnavailable,
    create_backend,
    parse_sequence,
)

TESTS = Path(__file__).parent
HOTKEY_CHILD = TESTS / "hotkey_child.py"
FAKE_PORTAL = TESTS / "fake_portal.py"
NO_BUS = "unix:path=/nonexistent/desktop-chat-test-bus"
BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir={dir}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""  # no <servicedir>: nothing can be activated, so no real portal can start


# --------------------------------------------------------------------------- key sequences


@pytest.mark.parametrize(
    ("sequence", "trigger"),
    [
        ("Ctrl+Alt+Space", "CTRL+ALT+space"),
        ("ctrl+alt+space", "CTRL+ALT+space"),
        ("Meta+Shift+F1", "SHIFT+LOGO+F1"),
        ("Super+A", "LOGO+a"),
        ("Ctrl+/", "CTRL+slash"),
        ("Alt+PgDown", "ALT+Next"),
        ("Ctrl+Return", "CTRL+Return"),
        ("Ctrl+Alt+1", "CTRL+ALT+1"),
        ("F12", "F12"),
    ],
)
def test_parse_sequence(sequence: str, trigger: str):
    assert parse_sequence(sequence).portal_trigger == trigger


@pytest.mark.parametrize("sequence", ["", "Ctrl+Alt", "Ctrl+Nope", "Ctrl+K, Ctrl+X"])
def test_parse_sequence_rejects(sequence: str):
    with pytest.raises(HotkeyUnavailable):
        parse_sequence(sequence)


# --------------------------------------------------------------------------- the "none" backend


@pytest.mark.parametrize("platform", ["offscreen", "minimal", "windows", "cocoa"])
def test_platforms_without_global_shortcuts_explain_what_to_do(qapp, platform: str):
    backend = create_backend(platform_name=platform)
    assert backend.name == "none"
    with pytest.raises(HotkeyUnavailable) as raised:
        backend.register("Ctrl+Alt+Space")
    assert BIND_COMMAND in str(raised.value)
    assert "keyboard settings" in str(raised.value)
    backend.unregister()  # harmless


def test_default_platform_is_qts(qapp):
    assert qapp.platformName() == "offscreen"
    assert create_backend().name == "none"


@dataclass
class Bus:
    address: str
    process: subprocess.Popen[bytes]


@pytest.fixture(scope="module")
def private_bus() -> Iterator[Bus]:
    """A dbus-daemon of our own, with nothing activatable on it."""
    if shutil.which("dbus-daemon") is None:
        pytest.skip("dbus-daemon is not installed (apt-get install dbus)")
    pytest.importorskip("jeepney")
    directory = Path(tempfile.mkdtemp(prefix="dc-bus-"))
    config = directory / "bus.conf"
    config.write_text(BUS_CONFIG.format(dir=directory))
    process = subprocess.Popen(
        ["dbus-daemon", f"--config-file={config}", "--nofork", "--print-address=1"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert process.stdout is not None
    address = process.stdout.readline().decode().strip()
    try:
        assert address.startswith("unix:"), "dbus-daemon did not print its address"
        yield Bus(address, process)
    finally:
        process.terminate()
        process.wait(10)
        process.stdout.close()
        shutil.rmtree(directory, ignore_errors=True)


@pytest.mark.parametrize("bus", ["private", "unset", "dead"])
def test_wayland_without_a_portal_falls_back_to_none(qapp, monkeypatch, request, bus: str):
    if bus == "private":
        monkeypatch.setenv(
            "DBUS_SESSION_BUS_ADDRESS", request.getfixturevalue("private_bus").address
        )
    elif bus == "unset":
        monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    else:
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", NO_BUS)
    started = time.monotonic()
    backend = create_backend(platform_name="wayland")
    assert time.monotonic() - started < 2.5
    assert backend.name == "none"
    with pytest.raises(HotkeyUnavailable) as raised:
        backend.register("Ctrl+Alt+Space")
    message = str(raised.value)
    assert BIND_COMMAND in message
    assert "portal" in message


# --------------------------------------------------------------------------- portal (fake)


@pytest.fixture
def fake_portal(private_bus: Bus, monkeypatch) -> Iterator[Child]:
    yield from _fake_portal(private_bus, monkeypatch)


@pytest.fixture
def refusing_portal(private_bus: Bus, monkeypatch) -> Iterator[Child]:
    yield from _fake_portal(private_bus, monkeypatch, "--refuse")


def _fake_portal(bus: Bus, monkeypatch, *options: str) -> Iterator[Child]:
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", bus.address)
    portal = Child([sys.executable, str(FAKE_PORTAL), bus.address, *options])
    try:
        assert portal.next_line() == "ready", portal.describe("fake portal did not start")
        yield portal
    finally:
        assert portal.close() == 0, portal.describe("fake portal failed")


def test_portal_backend_binds_and_fires(qapp, qtbot, fake_portal: Child):
    backend = create_backend(platform_name="wayland")
    assert backend.name == "portal"
    activations: list[bool] = []
    failures: list[str] = []
    backend.activated.connect(lambda: activations.append(True))
    backend.failed.connect(failures.append)

    backend.register("Ctrl+Alt+Space")
    qtbot.waitUntil(lambda: backend.bound or bool(failures), timeout=5_000)
    assert failures == []
    assert fake_portal.next_line() == "register io.github.desktop_chat.DesktopChat"
    assert fake_portal.next_line().startswith("session /org/freedesktop/portal/desktop/session/")
    bind = fake_portal.next_line().split(" ", 2)
    assert bind[:2] == ["bind", "oa(sa{sv})sa{sv}"]
    assert json.loads(bind[2]) == [
        [
            "quick-ask",
            {"description": ["s", "Quick ask"], "preferred_trigger": ["s", "CTRL+ALT+space"]},
        ]
    ]
    assert backend.trigger_description == "Ctrl+Alt+Space (fake)"

    fake_portal.send("activate quick-ask")
    qtbot.waitUntil(lambda: len(activations) == 1, timeout=3_000)
    # Another shortcut id, or another session's shortcut, is not ours.
    fake_portal.send("activate something-else")
    fake_portal.send("activate-other-session quick-ask")
    fake_portal.send("activate quick-ask")
    qtbot.waitUntil(lambda: len(activations) == 2, timeout=3_000)
    qtbot.wait(100)
    assert len(activations) == 2

    backend.unregister()
    fake_portal.wait_for(lambda line: line.startswith("closed /org/freedesktop/portal/desktop/"))
    assert failures == []


def test_portal_refusal_is_reported_through_failed(qapp, qtbot, refusing_portal: Child):
    backend = create_backend(platform_name="wayland")
    assert backend.name == "portal"
    with qtbot.waitSignal(backend.failed, timeout=5_000) as failed:
        backend.register("Ctrl+Alt+Space")
    message = failed.args[0]
    assert BIND_COMMAND in message
    assert "cancelled" in message
    assert backend.bound is False


# --------------------------------------------------------------------------- X11 (Xvfb)


@dataclass
class XDisplay:
    number: int
    process: subprocess.Popen[bytes]

    @property
    def name(self) -> str:
        return f":{self.number}"

    def env(self) -> dict[str, str]:
        env = {
            **os.environ,
            "DISPLAY": self.name,
            "QT_QPA_PLATFORM": "xcb",
            "DBUS_SESSION_BUS_ADDRESS": NO_BUS,
            "NO_AT_BRIDGE": "1",
        }
        env.pop("WAYLAND_DISPLAY", None)
        return env

    def xdotool(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["xdotool", *args], env=self.env(), capture_output=True, text=True, timeout=10
        )

    def key(self, *keys: str) -> None:
        result = self.xdotool("key", *keys)
        assert result.returncode == 0, result.stderr

    def child(self, *args: str) -> Child:
        return Child([sys.executable, str(HOTKEY_CHILD), *args], env=self.env())


@pytest.fixture
def x_display() -> Iterator[XDisplay]:
    missing = [tool for tool in ("Xvfb", "xdotool") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"{' and '.join(missing)} not installed (apt-get install xvfb xdotool)")
    for attempt, number in enumerate(free_display_numbers()):
        process = start_xvfb(number, "640x480x24")
        if process is not None:
            break
        assert attempt < 4, "Xvfb did not start"
    display = XDisplay(number, process)
    try:
        yield display
    finally:
        stop(process, timeout=10)


@contextlib.contextmanager
def running(child: Child) -> Iterator[Child]:
    try:
        yield child
    finally:
        child.close()


def _focus_holder(display: XDisplay) -> Child:
    """A second X client, with the keyboard focus, that prints the keys it receives."""
    holder = display.child("window")
    line = holder.next_line()
    assert line.startswith("window "), holder.describe("no window")
    window_id = line.split()[1]
    deadline = time.monotonic() + 10
    while not holder.has_line("focused"):
        assert time.monotonic() < deadline, holder.describe("the window never got the focus")
        display.xdotool("windowfocus", window_id)  # fails until the window is mapped
        holder.read_available(0.2)
    return holder


def _grabber(display: XDisplay, sequence: str = "Ctrl+Alt+Space") -> Child:
    grabber = display.child("grab", sequence)
    assert grabber.next_line() == "backend x11", grabber.describe("wrong backend")
    return grabber


def _key_lines(holder: Child, name: str) -> list[str]:
    holder.read_available(0)
    return [line for line in holder.lines if line.startswith(f"key {name} ")]


def test_x11_grab_fires_while_another_client_has_the_focus(x_display: XDisplay):
    with running(_focus_holder(x_display)) as holder, running(_grabber(x_display)) as grabber:
        assert grabber.next_line() == "registered", grabber.describe("grab failed")

        x_display.key("ctrl+alt+space")
        assert grabber.next_line() == "activated"

        # Another combination goes to the focused client, and does not fire.
        x_display.key("ctrl+alt+x")
        holder.wait_for(lambda line: line.startswith("key X ctrl+alt "))
        x_display.key("ctrl+alt+space")  # a marker: the next activation must be this one
        assert grabber.next_line() == "activated"
        # The grab consumed the shortcut: the focused client never saw Space.
        assert _key_lines(holder, "Space") == []

        # With NumLock on (X state Mod2 = 0x10), then CapsLock too (Lock = 0x2).
        x_display.key("Num_Lock")
        x_display.key("ctrl+alt+x")
        state = int(holder.wait_for(lambda line: line.startswith("key X ")).split()[-1], 16)
        assert state & 0x10, "NumLock did not turn on"
        x_display.key("ctrl+alt+space")
        assert grabber.next_line() == "activated"
        x_display.key("Caps_Lock")
        x_display.key("ctrl+alt+x")
        state = int(holder.wait_for(lambda line: line.startswith("key X ")).split()[-1], 16)
        assert state & 0x12 == 0x12, "CapsLock did not turn on"
        x_display.key("ctrl+alt+space")
        assert grabber.next_line() == "activated"
        x_display.key("Num_Lock", "Caps_Lock")

        # Held down (auto-repeat): one activation, not one per repeat.
        assert x_display.xdotool("keydown", "ctrl+alt+space").returncode == 0
        time.sleep(0.8)
        assert x_display.xdotool("keyup", "ctrl+alt+space").returncode == 0
        assert grabber.next_line() == "activated"
        x_display.key("ctrl+alt+x")
        holder.wait_for(lambda line: line.startswith("key X "))
        x_display.key("ctrl+alt+space")
        assert grabber.next_line() == "activated"  # the marker, not a repeat
        assert grabber.count("activated") == 6

        # Released: the key reaches the focused client again.
        grabber.send("unregister")
        assert grabber.next_line() == "unregistered"
        x_display.key("ctrl+alt+space")
        holder.wait_for(lambda line: line.startswith("key Space ctrl+alt "))
        grabber.read_available(0.2)
        assert grabber.count("activated") == 6


def test_x11_second_grabber_of_the_same_key_is_refused(x_display: XDisplay):
    with running(_grabber(x_display)) as first:
        assert first.next_line() == "registered", first.describe("grab failed")
        second = _grabber(x_display)
        line = second.next_line()
        code = second.close()
        assert line == (
            "unavailable: Ctrl+Alt+Space is already taken by another program; "
            "choose another shortcut."
        ), second.describe("the second grab was not refused")
        assert code == 3
        # Another key is free, and the first grab still works.
        with running(_grabber(x_display, "Ctrl+Alt+K")) as third:
            assert third.next_line() == "registered", third.describe("grab failed")
            x_display.key("ctrl+alt+k")
            assert third.next_line() == "activated"
        x_display.key("ctrl+alt+space")
        assert first.next_line() == "activated"


def test_x11_register_again_releases_the_previous_key(qapp, qtbot, x_display, monkeypatch):
    """In process (the X11 backend opens its own Xlib connection, whatever Qt's platform)."""
    from desktop_chat.hotkey.x11 import X11HotkeyBackend

    monkeypatch.setenv("DISPLAY", x_display.name)
    backend = X11HotkeyBackend()
    activations: list[bool] = []
    backend.activated.connect(lambda: activations.append(True))
    try:
        backend.register("Ctrl+Alt+J")
        backend.register("Ctrl+Alt+J")  # the same again: no error, still grabbed
        x_display.key("ctrl+alt+j")
        qtbot.waitUntil(lambda: len(activations) == 1, timeout=3_000)

        backend.register("Ctrl+Shift+F5")
        with running(_grabber(x_display, "Ctrl+Alt+J")) as other:  # free again
            assert other.next_line() == "registered", other.describe("Ctrl+Alt+J still held")
        with running(_grabber(x_display, "Ctrl+Shift+F5")) as other:
            assert other.next_line().startswith("unavailable: Ctrl+Shift+F5 is already taken")
        x_display.key("ctrl+shift+F5")
        qtbot.waitUntil(lambda: len(activations) == 2, timeout=3_000)

        # A refused registration keeps the shortcut we had.
        with running(_grabber(x_display, "Ctrl+Alt+L")) as other:
            assert other.next_line() == "registered"
            with pytest.raises(HotkeyUnavailable, match="already taken"):
                backend.register("Ctrl+Alt+L")
        x_display.key("ctrl+shift+F5")
        qtbot.waitUntil(lambda: len(activations) == 3, timeout=3_000)
    finally:
        backend.unregister()
    with running(_grabber(x_display, "Ctrl+Shift+F5")) as other:
        assert other.next_line() == "registered"

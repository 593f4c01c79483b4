"""Damaged files never stop the start: settings, window state and history of the wrong shape
fall back to defaults (or a new history), the damaged file is kept beside, and the user is
told in one line (CLI) or a notice (window) — never with a traceback (issue 19)."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from cli_helpers import AppProfile, one_line
from keyring_fakes import MemoryKeyring
from PySide6.QtCore import QEvent, QTimer
from PySide6.QtWidgets import QApplication, QPushButton
from qt_fixtures import drain

from desktop_chat import app, settings, window_state
from desktop_chat.credentials import KeyStore
from desktop_chat.domain import Role
from desktop_chat.providers import Providers
from desktop_chat.settings import Profile, Settings
from desktop_chat.store import ConversationStore
from desktop_chat.ui.error_guard import ErrorGuard
from desktop_chat.ui.main_window import MainWindow


def copies_of(path: Path) -> list[Path]:
    return sorted(path.parent.glob(f"{path.name}.damaged-*"))


# --- settings ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "damage",
    [
        b'{"profiles": 5}',
        b'{"profiles": [5, "x"]}',
        b'[{"name": "OpenAI"}]',
        b'{"theme": "dark", "zoom": 3, "profiles": [{"name": "\xff\xfe"}]}',  # not UTF-8
        b'{"profiles": [{"name": "Local", "base_url": "http://',  # truncated
        b'{"profiles": {"name": "x"}, "close_to_tray": "yes", "prices": []}',
    ],
    ids=[
        "profiles-int",
        "profiles-not-objects",
        "top-level-list",
        "not-utf8",
        "truncated",
        "types",
    ],
)
def test_damaged_settings_fall_back_to_defaults_and_are_kept_beside(tmp_path, damage, caplog):
    path = tmp_path / "settings.json"
    path.write_bytes(damage)
    with caplog.at_level(logging.WARNING, logger="desktop_chat.settings"):
        loaded = settings.load(path)  # the old code raised on several of these
    assert loaded == Settings()
    (copy,) = copies_of(path)
    assert copy.read_bytes() == damage  # kept byte for byte before the file was rewritten
    assert "The settings file was damaged" in caplog.text and str(copy) in caplog.text
    # Repaired once: the next start reads it without a word, and makes no second copy.
    again: list[str] = []
    assert settings.load(path, again) == Settings()
    assert again == [] and copies_of(path) == [copy]


def test_the_valid_parts_of_damaged_settings_are_kept(tmp_path):
    path = tmp_path / "settings.json"
    good = {"name": "Local", "base_url": "http://localhost:11434/v1", "needs_key": False}
    path.write_text(
        json.dumps(
            {
                "profiles": [5, good, {"name": "Odd", "timeout_seconds": True, "proxy": 7}],
                "default_profile": "Local",
                "theme": "dark",
                "zoom": "big",
                "close_to_tray": True,
            }
        )
    )
    warnings: list[str] = []
    loaded = settings.load(path, warnings)
    assert [p.name for p in loaded.profiles] == ["Local", "Odd"]
    assert loaded.profile("Local").needs_key is False
    assert loaded.profile("Odd") == Profile(name="Odd")  # its wrong fields take defaults
    assert (loaded.default_profile, loaded.theme, loaded.zoom) == ("Local", "dark", 0)
    assert loaded.close_to_tray is True
    assert len(warnings) == 1 and "timeout_seconds" in warnings[0] and "1 more" in warnings[0]
    assert len(copies_of(path)) == 1


def test_sound_settings_make_no_copy_and_no_warning(tmp_path):
    path = tmp_path / "settings.json"
    settings.save(Settings(theme="dark"), path)
    warnings: list[str] = []
    assert settings.load(path, warnings).theme == "dark"
    assert warnings == [] and copies_of(path) == []


# --- window state ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "damage",
    [
        "geometry=AAAA\ntheme=dark\ntabs=One\tTwo\ncurrent=²\n".encode(),
        b"\x00\xff\xfe garbage \x80\x81\ncurrent=1\n",
        b"geometry=<not base64>\ncurrent=99999999999999999999999999\n",
    ],
    ids=["superscript-digit", "garbage-bytes", "bad-values"],
)
def test_damaged_window_state_gives_the_default_look_and_is_kept_beside(tmp_path, damage):
    path = tmp_path / "window-state"
    path.write_bytes(damage)
    warnings: list[str] = []
    state = window_state.load(path, warnings)  # the old code raised on "²"
    assert state.current == 0
    assert state.geometry in ("", "AAAA")
    (copy,) = copies_of(path)
    assert copy.read_bytes() == damage
    assert len(warnings) == 1 and str(copy) in warnings[0]


def test_the_readable_parts_of_a_damaged_window_state_are_kept(tmp_path):
    path = tmp_path / "window-state"
    path.write_text("geometry=AAAA\ntheme=dark\ntabs=One\tTwo\ncurrent=²\n")
    state = window_state.load(path)
    assert (state.geometry, state.theme, state.tabs) == ("AAAA", "dark", ("One", "Two"))


# --- the history, from the command line -----------------------------------------------------


@pytest.fixture
def profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppProfile:
    # The subprocess imports this checkout's code, not an installed copy.
    monkeypatch.setenv("PYTHONPATH", str(Path(__file__).resolve().parent.parent))
    return AppProfile(tmp_path / "profile")


def test_cli_on_a_history_that_is_not_a_database_says_so_in_one_line(profile):
    profile.database.parent.mkdir(parents=True)
    damage = os.urandom(4096)
    profile.database.write_bytes(damage)
    result = profile.run("export", "--format", "json")
    assert "Traceback" not in result.stderr
    line = one_line(result.stderr)
    assert line.startswith("desktop-chat: the history database was damaged: it was moved aside")
    (moved,) = profile.database.parent.glob("history.damaged-*.sqlite3")
    assert str(moved) in line
    assert moved.read_bytes() == damage
    assert result.returncode == 0 and json.loads(result.stdout)["conversations"] == []
    # The next command finds a sound history and says nothing.
    again = profile.run("export")
    assert again.returncode == 0 and again.stderr == ""


def test_cli_recover_copies_the_readable_chats_back(profile, tmp_path):
    old = ConversationStore(tmp_path / "old.sqlite3")
    conversation = old.create_conversation(title="Worth keeping")
    old.add_message(conversation.id, None, Role.USER, "remember this")
    old.close()
    result = profile.run("recover", str(tmp_path / "old.sqlite3"))
    assert result.returncode == 0, result.stderr
    assert one_line(result.stdout) == (
        f"Recovered 1 chat and 1 message from {tmp_path / 'old.sqlite3'}."
    )
    with profile.store() as store:
        assert store.get_conversation(conversation.id).title == "Worth keeping"
    missing = profile.run("recover", str(tmp_path / "nowhere.sqlite3"))
    assert missing.returncode == 1
    assert one_line(missing.stderr).startswith("desktop-chat: nothing recovered: no file")


def test_cli_with_an_unusable_data_directory_fails_in_one_line(profile):
    profile.data_home.joinpath("desktop-chat").write_text("a file, not a directory")
    result = profile.run("export")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert one_line(result.stderr).startswith("desktop-chat: Cannot create the history database")


def test_cli_with_damaged_settings_says_so_in_one_line_once(profile):
    profile.settings_file.parent.mkdir(parents=True)
    profile.settings_file.write_text('{"profiles": 5}')
    result = profile.run(
        "key", "status", env={"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    )
    assert "Traceback" not in result.stderr
    assert "The settings file was damaged" in one_line(result.stderr)
    assert len(copies_of(profile.settings_file)) == 1


def test_the_last_resort_guard_logs_the_traceback_and_prints_one_line(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    from desktop_chat import cli, paths

    def broken(_args: object) -> int:
        raise RuntimeError("a bug in a command")

    monkeypatch.setattr(cli, "run_export", broken)
    assert app.main(["export"]) == 1
    line = one_line(capsys.readouterr().err)
    assert line.startswith("desktop-chat: unexpected error: RuntimeError('a bug in a command')")
    assert str(paths.log_path()) in line
    log_text = paths.log_path().read_text()
    assert "Traceback" in log_text and "a bug in a command" in log_text


# --- the window -----------------------------------------------------------------------------


@pytest.fixture
def app_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("DATA", "CONFIG", "STATE"):
        monkeypatch.setenv(f"XDG_{name}_HOME", str(tmp_path / name.lower()))
    return tmp_path


@pytest.fixture
def attached(
    qtbot, qt_loop, app_dirs: Path
) -> Iterator[list[tuple[MainWindow, ConversationStore]]]:
    """Windows given their chats the way the app does (app._attach_chats); torn down after."""
    made: list[tuple[MainWindow, ConversationStore]] = []
    controllers = []
    previous_keyring = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())  # never the session's keychain

    def attach(window: MainWindow) -> MainWindow:
        providers = Providers(KeyStore({}), app_dirs / "config" / "settings.json", {})
        result = app._attach_chats(window, False, providers)
        assert result is not None
        store, _providers, controller = result
        controllers.append(controller)
        made.append((window, store))
        return window

    yield attach  # type: ignore[misc]
    closing = [asyncio.ensure_future(c.shutdown()) for c in controllers]
    drain(QApplication.instance(), closing)  # type: ignore[arg-type]
    for window, store in made:
        window.close()
        window.deleteLater()
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        store.close()
    keyring.set_keyring(previous_keyring)


def test_the_window_tells_of_a_damaged_history_and_recovers_it(qtbot, attached, app_dirs):
    history = app_dirs / "data" / "desktop-chat" / "history.sqlite3"
    history.parent.mkdir(parents=True)
    old = ConversationStore(app_dirs / "old.sqlite3")
    conversation = old.create_conversation(title="Saved from the wreck")
    old.add_message(conversation.id, None, Role.USER, "hello")
    old.close()
    # A history whose migration fails (another program's table in the way): moved aside.
    data = (app_dirs / "old.sqlite3").read_bytes()
    history.write_bytes(data)
    import sqlite3  # the test plays another program writing the file

    with sqlite3.connect(history) as other:
        other.execute("PRAGMA user_version = 0")
    other.close()
    window = MainWindow()
    qtbot.addWidget(window)
    attached(window)  # the old code ended here in a traceback (or a refusal)
    window.show()
    (moved,) = history.parent.glob("history.damaged-*.sqlite3")
    assert window.problem_bar.isVisible()
    assert str(moved) in window.problem_bar.label.text()
    assert conversation.id not in window.store.conversation_ids()  # a new history
    button = window.problem_bar.findChild(QPushButton, "problemBarRecoverchatsButton")
    assert button is not None
    button.click()
    assert window.store.get_conversation(conversation.id).title == "Saved from the wreck"
    assert "Recovered 1 chat(s) and 1 message(s)" in window.problem_bar.label.text()


def test_the_window_chats_on_in_memory_when_the_data_directory_is_unusable(
    qtbot, attached, app_dirs
):
    (app_dirs / "data").mkdir()
    (app_dirs / "data" / "desktop-chat").write_text("a file, not a directory")
    window = MainWindow()
    qtbot.addWidget(window)
    attached(window)
    window.show()
    assert window.store.path is None  # in memory
    text = window.problem_bar.label.text()
    assert "Cannot create the history database" in text and "in memory only" in text


def test_the_window_tells_of_damaged_settings(qtbot, attached, app_dirs):
    settings_file = app_dirs / "config" / "settings.json"
    settings_file.parent.mkdir(parents=True)
    settings_file.write_text('{"profiles": [5, "x"]}')
    window = MainWindow()
    qtbot.addWidget(window)
    attached(window)
    window.show()
    assert window.problem_bar.isVisible()
    assert "The settings file was damaged" in window.problem_bar.label.text()


# --- unexpected errors ----------------------------------------------------------------------


@pytest.fixture
def guarded_window(qtbot, tmp_path) -> Iterator[tuple[MainWindow, ErrorGuard]]:
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    guard = ErrorGuard(window, tmp_path / "desktop-chat.log")
    before = (sys.excepthook, threading.excepthook)
    guard.install()
    yield window, guard
    guard.uninstall()
    assert (sys.excepthook, threading.excepthook) == before


@pytest.mark.qt_no_exception_capture
def test_an_error_in_a_qt_slot_is_logged_and_told_and_the_window_stays(
    qtbot, guarded_window, caplog
):
    window, _guard = guarded_window
    window.current_tab  # noqa: B018  (the window is alive)
    window._placeholder.composer.setPlainText("a draft in progress")

    def broken_slot() -> None:
        raise ValueError("boom in a slot")

    with caplog.at_level(logging.ERROR, logger="desktop_chat.ui.error_guard"):
        QTimer.singleShot(0, broken_slot)
        qtbot.waitUntil(window.problem_bar.isVisible, timeout=5_000)
    assert "ValueError: boom in a slot" in window.problem_bar.label.text()
    assert "desktop-chat.log" in window.problem_bar.label.text()
    (record,) = [r for r in caplog.records if r.name == "desktop_chat.ui.error_guard"]
    assert record.exc_info is not None and record.exc_info[0] is ValueError
    assert window.isVisible()
    assert window._placeholder.composer.toPlainText() == "a draft in progress"


def test_an_error_in_a_worker_thread_is_told_in_the_window(qtbot, guarded_window, caplog):
    window, _guard = guarded_window

    def broken_worker() -> None:
        raise OSError("boom in a thread")

    with caplog.at_level(logging.ERROR, logger="desktop_chat.ui.error_guard"):
        worker = threading.Thread(target=broken_worker, name="worker")
        worker.start()
        worker.join()
        qtbot.waitUntil(window.problem_bar.isVisible, timeout=5_000)
    assert "OSError: boom in a thread" in window.problem_bar.label.text()
    assert "Unexpected error in worker" in caplog.text

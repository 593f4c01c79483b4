"""The window's two steps (see app.py): the frame paints first, the chats attach after.

What the frame shows must already be usable as the user expects: the contract's widgets are
there, anything typed is kept when the real tab takes over, and quitting is not possible
before there is a session to save. The size, place and theme of last time come from a small
state file (window_state.py), read before the first paint.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QLineEdit,
    QListView,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QTextBrowser,
)
from pytestqt.qtbot import QtBot

from desktop_chat import window_state
from desktop_chat.controller import ChatController
from desktop_chat.domain import Role
from desktop_chat.ui.conversation_tab import ConversationTab
from desktop_chat.ui.main_window import MainWindow
from desktop_chat.window_state import WindowState


@pytest.fixture
def frame(qtbot: QtBot, qapp: QApplication) -> Iterator[MainWindow]:
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    yield window
    window.close()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture
def windows(qtbot: QtBot, controller: ChatController) -> Iterator[list[MainWindow]]:
    """Windows a test makes; deleted before the controller's store closes, so no timer of
    theirs (the history refresh) fires against a closed database."""
    made: list[MainWindow] = []
    yield made
    for window in made:
        window.close()
        window.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def test_the_frame_has_the_contract_widgets_before_any_chat_is_loaded(frame: MainWindow):
    for kind, name in (
        (QTabWidget, "conversationTabs"),
        (QPlainTextEdit, "composer"),
        (QPushButton, "sendButton"),
        (QPushButton, "stopButton"),
        (QTextBrowser, "messageView"),
        (QComboBox, "modelPicker"),
        (QListView, "historyList"),
        (QLineEdit, "searchField"),
    ):
        widget = frame.findChild(kind, name)
        assert widget is not None, name
        assert widget.accessibleName() == name
    assert frame.tabs.count() == 1
    assert frame.current_tab() is None  # a placeholder, not a conversation
    assert frame.conversation_tabs() == []
    # Nothing acts on chats that are not there yet (and Quit cannot skip saving them).
    assert not any(action.isEnabled() for action in frame._menu_actions)


def test_text_typed_in_the_frame_moves_to_the_real_tab(
    qtbot: QtBot, controller: ChatController, frame: MainWindow
):
    placeholder_composer = frame.findChild(QPlainTextEdit, "composer")
    qtbot.keyClicks(placeholder_composer, "typed while loading")
    frame.attach(controller)
    frame.restore_session()
    tab = frame.current_tab()
    assert isinstance(tab, ConversationTab)
    assert frame.tabs.count() == 1
    assert tab.composer.toPlainText() == "typed while loading"
    # All on now, but those that need the settings (none in this window).
    enabled = {action.text() for action in frame._menu_actions if action.isEnabled()}
    assert {"&New chat", "&Quit", "&Search chats"} <= enabled
    assert "&Settings…" not in enabled


def test_a_restored_session_keeps_its_drafts_and_the_typed_text_gets_its_own_tab(
    qtbot: QtBot, controller: ChatController, windows: list[MainWindow]
):
    first = MainWindow(controller)
    windows.append(first)
    first.restore_session()
    first.current_tab().composer.setPlainText("the old draft")
    first.save_session()
    first.close()

    second = MainWindow()
    windows.append(second)
    second.findChild(QPlainTextEdit, "composer").setPlainText("new words")
    second.attach(controller)
    second.restore_session()
    drafts = [tab.composer.toPlainText() for tab in second.conversation_tabs()]
    assert drafts == ["the old draft", "new words"]
    assert second.current_tab().composer.toPlainText() == "new words"


def test_size_and_theme_survive_a_restart(
    controller: ChatController, windows: list[MainWindow], tmp_path: Path
):
    state_file = tmp_path / "state" / "window-state"
    first = MainWindow(controller)
    windows.append(first)
    first.window_state_path = state_file
    first.restore_session()
    first.resize(700, 500)  # within the offscreen screen (800 × 600)
    first.set_theme("dark")
    try:
        first.save_session()
        saved = window_state.load(state_file)
        assert saved.theme == "dark" and saved.geometry

        second = MainWindow()
        windows.append(second)
        second.restore_look(saved)
        assert (second.width(), second.height()) == (700, 500)
        assert second._theme_actions["dark"].isChecked()
    finally:
        first.set_theme("system")


def test_the_state_file_round_trips_and_bad_content_means_defaults(tmp_path: Path):
    path = tmp_path / "deep" / "window-state"
    assert window_state.load(path) == WindowState()  # missing: the defaults
    window_state.save(path, WindowState("AdnQyw==", "light"))
    assert window_state.load(path) == WindowState("AdnQyw==", "light")
    assert not path.with_name(path.name + ".tmp").exists()
    assert path.stat().st_mode & 0o777 == 0o600
    path.write_text("geometry=<not base64>\ntheme=purple\n")
    assert window_state.load(path) == WindowState()
    path.write_bytes(b"\xff\xfe garbage")
    assert window_state.load(path) == WindowState()


def test_the_size_saved_by_an_older_version_in_the_session_is_still_restored(
    controller: ChatController, windows: list[MainWindow]
):
    import json

    sizer = MainWindow()
    windows.append(sizer)
    sizer.resize(600, 400)
    geometry = bytes(sizer.saveGeometry().toBase64().data()).decode()
    controller.store.set_state("session", json.dumps({"tabs": [], "geometry": geometry}))

    window = MainWindow(controller)
    windows.append(window)
    window.restore_session()
    assert (window.width(), window.height()) == (600, 400)


def test_with_new_chat_the_typed_text_goes_to_the_new_chat_in_front(
    controller: ChatController, windows: list[MainWindow]
):
    first = MainWindow(controller)
    windows.append(first)
    first.restore_session()
    first.current_tab().composer.setPlainText("kept draft")
    first.save_session()

    second = MainWindow()  # desktop-chat --new-chat
    windows.append(second)
    second.findChild(QPlainTextEdit, "composer").setPlainText("typed in New chat")
    second.attach(controller)
    second.restore_session(new_chat=True)
    tabs = second.conversation_tabs()
    assert [tab.composer.toPlainText() for tab in tabs] == ["kept draft", "typed in New chat"]
    assert second.current_tab() is tabs[1]


def _shown_window(
    qtbot: QtBot, controller: ChatController, windows: list[MainWindow]
) -> MainWindow:
    window = MainWindow(controller)
    windows.append(window)
    window.restore_session()
    window.show()
    qtbot.waitExposed(window)
    return window


def test_chats_saved_by_another_program_appear_when_the_window_is_activated(
    qtbot: QtBot, controller: ChatController, windows: list[MainWindow]
):
    from desktop_chat.store import ConversationStore

    window = _shown_window(qtbot, controller, windows)
    rows = window.sidebar.model.rowCount
    qtbot.waitUntil(lambda: rows() == 1)
    open_chat = window.current_tab().conversation_id
    cli = ConversationStore(controller.store.path)  # as `desktop-chat ask` would
    try:
        cli.create_conversation(model="gpt-4", title="Asked from the terminal")
        # `ask -c` continues the chat that is open in the tab
        question = cli.add_message(open_chat, None, Role.USER, "Asked with ask -c")
        cli.add_message(open_chat, question.id, Role.ASSISTANT, "Answered in the terminal")
    finally:
        cli.close()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)  # offscreen activates at once
    assert rows() == 1  # nothing told the window yet
    QApplication.sendEvent(window, QEvent(QEvent.Type.ActivationChange))  # as on a focus-in
    qtbot.waitUntil(lambda: rows() == 2, timeout=3_000)
    assert "Answered in the terminal" in window.current_tab().message_view.toPlainText()


def test_a_big_log_is_set_aside_at_start_and_one_previous_is_kept(tmp_path: Path):
    from desktop_chat.app import LOG_ROTATE_BYTES, rotate_log

    log = tmp_path / "desktop-chat.log"
    rotate_log(log)  # no log yet: nothing to do
    log.write_text("small\n")
    rotate_log(log)
    assert log.read_text() == "small\n"
    log.write_bytes(b"x" * (LOG_ROTATE_BYTES + 1))
    (tmp_path / "desktop-chat.log.1").write_text("older\n")
    rotate_log(log)
    assert not log.exists()
    assert (tmp_path / "desktop-chat.log.1").stat().st_size == LOG_ROTATE_BYTES + 1


def test_a_chat_deleted_by_another_program_closes_its_tab(
    qtbot: QtBot, controller: ChatController, windows: list[MainWindow]
):
    from desktop_chat.store import ConversationStore

    window = _shown_window(qtbot, controller, windows)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    doomed = window.current_tab().conversation_id
    other = ConversationStore(controller.store.path)
    try:
        other.trash_conversation(doomed)
        other.empty_trash()
    finally:
        other.close()
    QApplication.sendEvent(window, QEvent(QEvent.Type.ActivationChange))
    assert window.tab_for(doomed) is None
    assert window.current_tab() is not None  # closing the last tab leaves a fresh one


def test_the_frame_shows_the_session_tab_bar_and_the_real_tabs_take_its_place(
    qtbot: QtBot, controller: ChatController, windows: list[MainWindow], tmp_path: Path
):
    """The first paint shows the tabs the session is about to open, so the tab bar does not
    jump from one "New chat" to the real tabs; typing goes to the selected one."""
    state_file = tmp_path / "window-state"
    first = MainWindow(controller)
    windows.append(first)
    first.window_state_path = state_file
    first.restore_session()
    for title in ("Rust & lifetimes", "Trip to Lisbon"):
        tab = first.new_tab()
        controller.store.update_conversation(tab.conversation_id, title=title)
        tab.reload()
    first.tabs.setCurrentIndex(1)
    first.save_session()
    saved = window_state.load(state_file)
    assert saved.tabs == ("New chat", "Rust & lifetimes", "Trip to Lisbon")
    assert saved.current == 1

    frame = MainWindow()
    windows.append(frame)
    frame.restore_look(saved)
    labels = [frame.tabs.tabText(i) for i in range(frame.tabs.count())]
    assert labels == ["New chat", "Rust && lifetimes", "Trip to Lisbon"]
    assert frame.tabs.currentIndex() == 1
    assert frame.conversation_tabs() == [] and frame.current_tab() is None
    frame.tabs.currentWidget().composer.setPlainText("typed at once")
    frame.attach(controller)
    frame.restore_session()
    labels = [frame.tabs.tabText(i) for i in range(frame.tabs.count())]
    assert labels == ["New chat", "Rust && lifetimes", "Trip to Lisbon"]
    assert frame.current_tab().conversation.title == "Rust & lifetimes"
    assert frame.current_tab().composer.toPlainText() == "typed at once"


def test_tab_titles_in_the_state_file_are_kept_on_one_line(tmp_path: Path):
    path = tmp_path / "window-state"
    window_state.save(path, WindowState("", "dark", ("a\ttab", "two\nlines", "ok"), 2))
    assert window_state.load(path) == WindowState("", "dark", ("a tab", "two lines", "ok"), 2)
    assert WindowState(tabs=("only",), current=5).current == 0

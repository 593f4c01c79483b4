"""Follow mode of the message view: stick to the bottom unless the reader scrolled up."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import fake_openai as fake
import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication, QToolButton
from pytestqt.qtbot import QtBot
from qt_fixtures import chain_message as message

from desktop_chat.controller import ChatController
from desktop_chat.domain import Message, MessageStatus, Role
from desktop_chat.ui.conversation_tab import ConversationTab
from desktop_chat.ui.main_window import MainWindow
from desktop_chat.ui.message_view import MessageView

TIMEOUT = 10_000
LINES = "\n".join(f"line {i} of a long answer that wraps in a narrow view" for i in range(40))


def long_conversation() -> list[Message]:
    return [
        message(i, Role.USER if i % 2 == 0 else Role.ASSISTANT, f"message {i}\n{LINES}")
        for i in range(6)
    ]


@pytest.fixture
def view(qtbot: QtBot) -> MessageView:
    widget = MessageView()
    qtbot.addWidget(widget)
    widget.resize(400, 200)
    widget.show()
    qtbot.waitExposed(widget)
    widget.show_conversation(long_conversation())
    widget.begin_stream(message(6, Role.ASSISTANT, "", MessageStatus.STREAMING))
    bar = widget.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 1000, timeout=3_000)
    return widget


def jump_button(view: MessageView) -> QToolButton:
    button = view.findChild(QToolButton, "jumpToLatest")
    assert button is not None
    return button


def at_bottom(view: MessageView) -> bool:
    bar = view.verticalScrollBar()
    return bar.value() == bar.maximum()


def stream_lines(view: MessageView, count: int, start: int = 0) -> None:
    for i in range(start, start + count):
        view.append_delta(f"streamed line {i}\n")


def test_at_the_bottom_new_deltas_are_followed(qtbot, view):
    bar = view.verticalScrollBar()
    qtbot.waitUntil(lambda: at_bottom(view), timeout=3_000)
    assert view.following
    before = bar.maximum()
    stream_lines(view, 30)
    qtbot.waitUntil(lambda: bar.maximum() > before, timeout=3_000)
    qtbot.waitUntil(lambda: at_bottom(view), timeout=3_000)
    assert bar.value() > before
    assert not jump_button(view).isVisible()
    assert "streamed line 29" in view.toPlainText()


def test_scrolling_up_stops_following_and_shows_the_jump_button(qtbot, view):
    bar = view.verticalScrollBar()
    qtbot.waitUntil(lambda: at_bottom(view), timeout=3_000)
    assert not jump_button(view).isVisible()
    bar.setValue(0)
    assert not view.following
    qtbot.waitUntil(jump_button(view).isVisible, timeout=3_000)
    maximum = bar.maximum()
    stream_lines(view, 30)
    qtbot.waitUntil(lambda: bar.maximum() > maximum, timeout=3_000)
    qtbot.wait(50)
    assert bar.value() == 0, "a reader who scrolled up is not pulled down"
    assert jump_button(view).isVisible()
    assert not view.following


def test_jump_to_latest_scrolls_down_and_following_resumes(qtbot, view):
    bar = view.verticalScrollBar()
    bar.setValue(0)
    button = jump_button(view)
    qtbot.waitUntil(button.isVisible, timeout=3_000)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert at_bottom(view)
    assert view.following
    assert not button.isVisible()
    maximum = bar.maximum()
    stream_lines(view, 30)
    qtbot.waitUntil(lambda: bar.maximum() > maximum, timeout=3_000)
    qtbot.waitUntil(lambda: at_bottom(view), timeout=3_000)
    assert not button.isVisible()


def test_jump_button_sits_inside_the_visible_viewport(qtbot, view):
    view.verticalScrollBar().setValue(0)
    button = jump_button(view)
    qtbot.waitUntil(button.isVisible, timeout=3_000)
    assert view.viewport().geometry().contains(button.geometry())
    view.resize(500, 260)
    qtbot.waitUntil(lambda: view.viewport().geometry().contains(button.geometry()), timeout=3_000)


def test_scrolling_back_to_the_bottom_by_hand_resumes_following(qtbot, view):
    bar = view.verticalScrollBar()
    bar.setValue(0)
    qtbot.waitUntil(jump_button(view).isVisible, timeout=3_000)
    bar.setValue(bar.maximum())
    assert view.following
    assert not jump_button(view).isVisible()
    maximum = bar.maximum()
    stream_lines(view, 30)
    qtbot.waitUntil(lambda: bar.maximum() > maximum, timeout=3_000)
    qtbot.waitUntil(lambda: at_bottom(view), timeout=3_000)


def test_re_rendering_while_scrolled_up_keeps_the_position(qtbot, view):
    bar = view.verticalScrollBar()
    middle = bar.maximum() // 2
    bar.setValue(middle)
    assert not view.following
    messages = [*long_conversation(), message(6, Role.ASSISTANT, "the final answer\n" + LINES)]
    view.show_conversation(messages)
    qtbot.wait(50)
    assert bar.value() == middle
    assert not view.following
    assert jump_button(view).isVisible()


def test_re_rendering_at_the_bottom_stays_at_the_bottom(qtbot, view):
    qtbot.waitUntil(lambda: at_bottom(view), timeout=3_000)
    messages = [*long_conversation(), message(6, Role.ASSISTANT, "the final answer\n" + LINES)]
    view.show_conversation(messages)
    qtbot.waitUntil(lambda: at_bottom(view), timeout=3_000)
    assert view.verticalScrollBar().maximum() > 1000
    assert view.following


# --- within a conversation tab ----------------------------------------------------------------


@pytest.fixture
def small_tab(
    qtbot: QtBot, qapp: QApplication, controller: ChatController
) -> Iterator[Callable[[str], ConversationTab]]:
    """A window whose tab shows a long saved conversation in a small message view."""
    windows: list[MainWindow] = []

    def make(conversation_id: str) -> ConversationTab:
        window = MainWindow(controller)
        qtbot.addWidget(window)
        windows.append(window)
        tab = window.new_tab(conversation_id)
        window.show()
        qtbot.waitExposed(window)
        window.resize(700, 390)  # the composer box starts one line high
        qtbot.waitUntil(lambda: tab.message_view.viewport().height() < 260, timeout=3_000)
        return tab

    yield make
    for window in windows:
        window.close()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def saved_long_conversation(controller: ChatController) -> str:
    store = controller.store
    conversation = store.create_conversation(model="test-model")
    parent = None
    for i in range(4):
        role = Role.USER if i % 2 == 0 else Role.ASSISTANT
        parent = store.add_message(conversation.id, parent, role, f"old {i}\n{LINES}").id
    return conversation.id


def test_a_scrolled_up_reader_keeps_the_place_through_a_whole_answer(
    qtbot, small_tab, controller, fake_openai
):
    chunks = [f"chunk {i}\n" for i in range(12)]
    fake_openai.script(fake.slow(chunks, delay=0.08))
    tab = small_tab(saved_long_conversation(controller))
    view = tab.message_view
    bar = view.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 500 and at_bottom(view), timeout=3_000)
    qtbot.keyClicks(tab.composer, "tell me more")
    qtbot.keyClick(tab.composer, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "chunk 1" in view.toPlainText(), timeout=TIMEOUT)
    assert at_bottom(view), "following while at the bottom"
    position = bar.maximum() // 3
    bar.setValue(position)
    assert jump_button(view).isVisible() or not view.isVisible()
    qtbot.waitUntil(lambda: not tab.is_streaming, timeout=TIMEOUT)
    qtbot.wait(50)
    assert "chunk 11" in view.toPlainText()
    # The finished answer re-renders the conversation; the reader's place is kept.
    assert bar.value() == position
    assert not view.following
    assert jump_button(view).isVisible()
    qtbot.mouseClick(jump_button(view), Qt.MouseButton.LeftButton)
    assert at_bottom(view)


def test_following_reader_sees_the_end_of_the_answer_in_a_tab(
    qtbot, small_tab, controller, fake_openai
):
    fake_openai.script(fake.slow([f"piece {i}\n" for i in range(10)], delay=0.05))
    tab = small_tab(saved_long_conversation(controller))
    view = tab.message_view
    bar = view.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 500 and at_bottom(view), timeout=3_000)
    qtbot.keyClicks(tab.composer, "go on")
    qtbot.keyClick(tab.composer, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not tab.is_streaming, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: at_bottom(view), timeout=3_000)
    assert "piece 9" in view.toPlainText()
    assert not jump_button(view).isVisible()


def test_a_long_conversation_opens_at_its_latest_message(qtbot, small_tab, controller):
    tab = small_tab(saved_long_conversation(controller))
    view = tab.message_view
    qtbot.wait(100)
    assert view.verticalScrollBar().maximum() > 500
    assert at_bottom(view), "opened scrolled away from the latest message"
    assert view.following
    assert not jump_button(view).isVisible()


def test_a_background_tab_opens_at_its_latest_message(qtbot, small_tab, controller):
    first = small_tab(saved_long_conversation(controller))
    window = first.window()
    assert isinstance(window, MainWindow)
    second = window.new_tab(saved_long_conversation(controller), focus=False)
    assert window.current_tab() is first
    window.tabs.setCurrentWidget(second)
    qtbot.waitUntil(second.message_view.isVisible, timeout=3_000)
    qtbot.wait(100)
    assert at_bottom(second.message_view)
    assert second.message_view.following
    assert not jump_button(second.message_view).isVisible()


def test_switching_tabs_keeps_a_scrolled_up_position(qtbot, small_tab, controller):
    first = small_tab(saved_long_conversation(controller))
    window = first.window()
    second = window.new_tab(saved_long_conversation(controller))
    window.tabs.setCurrentWidget(first)
    bar = first.message_view.verticalScrollBar()
    qtbot.waitUntil(lambda: at_bottom(first.message_view), timeout=3_000)
    position = bar.maximum() // 2
    bar.setValue(position)
    window.tabs.setCurrentWidget(second)
    qtbot.waitUntil(lambda: not first.message_view.isVisible(), timeout=3_000)
    window.tabs.setCurrentWidget(first)
    qtbot.waitUntil(first.message_view.isVisible, timeout=3_000)
    qtbot.wait(50)
    assert bar.value() == position
    assert not first.message_view.following
    assert jump_button(first.message_view).isVisible()

"""MainWindow and its tabs, driven like a user would (offscreen), against the fake server."""

from __future__ import annotations

import json
import stat
import threading
from collections.abc import Callable
from pathlib import Path

import fake_openai as fake
import pytest
from PySide6.QtCore import Qt, QTimer, QUrl
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QLineEdit,
    QListView,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QTextBrowser,
    QWidget,
)
from pytestqt.qtbot import QtBot
from qt_fixtures import TEST_KEY

from desktop_chat.api import ProviderConfig
from desktop_chat.controller import ChatController
from desktop_chat.domain import FALLBACK_MODELS, MessageStatus, Role
from desktop_chat.ui import main_window
from desktop_chat.ui.conversation_tab import ConversationTab
from desktop_chat.ui.main_window import STREAMING_MARK, UNREAD_MARK, MainWindow
from desktop_chat.ui.plain_text import plain_tooltip

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
NO_MODIFIER = Qt.KeyboardModifier.NoModifier
TIMEOUT = 10_000


# --- helpers ----------------------------------------------------------------------------------


@pytest.fixture
def window(
    open_window: Callable[[ChatController], MainWindow], controller: ChatController
) -> MainWindow:
    return open_window(controller)


def current(window: MainWindow) -> ConversationTab:
    tab = window.current_tab()
    assert tab is not None
    return tab


def press(
    qtbot: QtBot,
    window: MainWindow,
    key: Qt.Key,
    modifiers: Qt.KeyboardModifier = NO_MODIFIER,
) -> None:
    """A key press sent where the keyboard focus is, so shortcuts go through the shortcut map."""
    qtbot.keyClick(window.focusWidget() or window, key, modifiers)


def wait_composer_focused(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: current(window).composer.hasFocus(), timeout=3_000)


def type_and_send(qtbot: QtBot, tab: ConversationTab, text: str) -> None:
    qtbot.keyClicks(tab.composer, text)
    qtbot.keyClick(tab.composer, Qt.Key.Key_Return)


def view_text(tab: ConversationTab) -> str:
    return tab.message_view.toPlainText()


def wait_view_contains(qtbot: QtBot, tab: ConversationTab, text: str) -> None:
    qtbot.waitUntil(lambda: text in view_text(tab), timeout=TIMEOUT)


def wait_idle(qtbot: QtBot, tab: ConversationTab) -> None:
    qtbot.waitUntil(lambda: not tab.is_streaming, timeout=TIMEOUT)


def tab_text(window: MainWindow, tab: ConversationTab) -> str:
    return window.tabs.tabText(window.tabs.indexOf(tab))


def chat_requests(server: fake.FakeOpenAIServer) -> list[fake.RequestRecord]:
    return server.requests_to("/chat/completions")


# --- contract names and focus -----------------------------------------------------------------


def test_contract_object_and_accessible_names(window):
    assert window.objectName() == "mainWindow"
    assert window.accessibleName() == "mainWindow"
    tab = current(window)
    expected = [
        (window, "conversationTabs", QTabWidget),
        (tab, "composer", QPlainTextEdit),
        (tab, "sendButton", QPushButton),
        (tab, "stopButton", QPushButton),
        (tab, "messageView", QTextBrowser),
        (tab, "modelPicker", QComboBox),
        (window, "historyList", QListView),
        (window, "searchField", QLineEdit),
    ]
    for parent, name, kind in expected:
        widget = parent.findChild(QWidget, name)
        assert widget is not None, f"no widget named {name}"
        assert isinstance(widget, kind), name
        assert widget.accessibleName() == name, name
        assert widget.isVisible(), name
    assert window.findChild(QTabWidget, "conversationTabs").currentWidget() is tab


def test_composer_has_focus_at_start_and_after_new_tab(qtbot, window):
    wait_composer_focused(qtbot, window)
    first = current(window)
    press(qtbot, window, Qt.Key.Key_T, CTRL)
    assert window.tabs.count() == 2
    assert current(window) is not first
    wait_composer_focused(qtbot, window)


# --- keyboard shortcuts -----------------------------------------------------------------------


def test_new_and_close_tab_shortcuts_work_from_the_composer(qtbot, window):
    wait_composer_focused(qtbot, window)
    press(qtbot, window, Qt.Key.Key_T, CTRL)
    assert window.tabs.count() == 2
    wait_composer_focused(qtbot, window)
    press(qtbot, window, Qt.Key.Key_N, CTRL)
    assert window.tabs.count() == 3
    assert window.tabs.currentIndex() == 2
    wait_composer_focused(qtbot, window)
    closing = current(window)
    press(qtbot, window, Qt.Key.Key_W, CTRL)
    assert window.tabs.count() == 2
    assert closing not in window.conversation_tabs()
    wait_composer_focused(qtbot, window)


def test_each_tab_has_its_own_close_button_after_moves(qtbot, window):
    from PySide6.QtWidgets import QTabBar, QToolButton

    press(qtbot, window, Qt.Key.Key_T, CTRL)
    press(qtbot, window, Qt.Key.Key_T, CTRL)
    tabs = window.conversation_tabs()
    assert len(tabs) == 3
    bar = window.tabs.tabBar()
    bar.moveTab(0, 2)  # the first chat is now last; its button went with it
    side = QTabBar.ButtonPosition.RightSide
    buttons = [bar.tabButton(i, side) for i in range(bar.count())]
    assert all(isinstance(b, QToolButton) and b.objectName() == "closeTabButton" for b in buttons)
    assert buttons[0].accessibleName() == "Close chat"
    middle = window.tabs.widget(1)
    qtbot.mouseClick(buttons[1], Qt.MouseButton.LeftButton)
    assert window.tabs.count() == 2 and middle not in window.conversation_tabs()
    assert window.tabs.widget(1) is tabs[0]


def test_closing_the_last_tab_leaves_a_fresh_one(qtbot, window):
    only = current(window)
    wait_composer_focused(qtbot, window)
    press(qtbot, window, Qt.Key.Key_W, CTRL)
    assert window.tabs.count() == 1
    assert current(window) is not only
    wait_composer_focused(qtbot, window)


@pytest.mark.parametrize(
    ("forward", "backward"),
    [
        ((Qt.Key.Key_Tab, CTRL), (Qt.Key.Key_Backtab, CTRL | SHIFT)),
        ((Qt.Key.Key_PageDown, CTRL), (Qt.Key.Key_PageUp, CTRL)),
    ],
    ids=["ctrl-tab", "ctrl-pgdown"],
)
def test_switch_tab_shortcuts_work_from_the_composer(qtbot, window, forward, backward):
    for _ in range(2):
        press(qtbot, window, Qt.Key.Key_T, CTRL)
    assert window.tabs.count() == 3
    window.tabs.setCurrentIndex(0)
    wait_composer_focused(qtbot, window)
    press(qtbot, window, *forward)
    assert window.tabs.currentIndex() == 1
    wait_composer_focused(qtbot, window)
    press(qtbot, window, *forward)
    assert window.tabs.currentIndex() == 2
    press(qtbot, window, *forward)
    assert window.tabs.currentIndex() == 0, "next wraps around"
    press(qtbot, window, *backward)
    assert window.tabs.currentIndex() == 2, "previous wraps around"
    wait_composer_focused(qtbot, window)
    press(qtbot, window, *backward)
    assert window.tabs.currentIndex() == 1
    # The composer keeps its text: the keys were shortcuts, not typing.
    assert all(tab.composer.toPlainText() == "" for tab in window.conversation_tabs())


def test_tabs_are_movable_and_get_the_conversation_title(qtbot, window, fake_openai):
    assert window.tabs.isMovable()
    first = current(window)
    press(qtbot, window, Qt.Key.Key_T, CTRL)
    second = current(window)
    window.tabs.tabBar().moveTab(1, 0)
    assert window.conversation_tabs() == [second, first]

    type_and_send(qtbot, second, "Tell me about tabs")
    wait_idle(qtbot, second)
    assert second.conversation.title == "Tell me about tabs"
    assert tab_text(window, second) == "Tell me about tabs"
    assert window.store.get_conversation(second.conversation_id).title == "Tell me about tabs"


def test_a_long_first_prompt_gives_a_shortened_tab_title(qtbot, window):
    tab = current(window)
    prompt = "Please explain in detail how the borrow checker in Rust decides lifetimes"
    type_and_send(qtbot, tab, prompt)
    wait_idle(qtbot, tab)
    title = tab.conversation.title
    assert prompt.startswith(title.rstrip("…"))
    label = tab_text(window, tab)
    assert label.startswith("Please explain")
    assert len(label) <= main_window.TITLE_LIMIT
    assert window.tabs.tabToolTip(window.tabs.indexOf(tab)) == plain_tooltip(title)


# --- sending ----------------------------------------------------------------------------------


def test_enter_sends_and_the_answer_appears(qtbot, window, fake_openai):
    fake_openai.script(fake.reply(["Paris is ", "the capital."]))
    tab = current(window)
    wait_composer_focused(qtbot, window)
    qtbot.keyClicks(window.focusWidget(), "Capital of France?")
    press(qtbot, window, Qt.Key.Key_Return)
    wait_view_contains(qtbot, tab, "Paris is the capital.")
    wait_idle(qtbot, tab)
    assert tab.composer.toPlainText() == ""
    text = view_text(tab)
    assert "Capital of France?" in text
    assert text.index("Capital of France?") < text.index("Paris is the capital.")
    requests = chat_requests(fake_openai)
    assert len(requests) == 1
    assert requests[0].messages[-1] == {"role": "user", "content": "Capital of France?"}
    assert tab.model_picker.isEnabled() and not tab.stop_button.isEnabled()  # idle again


def test_send_is_lit_only_when_there_is_something_to_send(qtbot, window):
    tab = current(window)
    assert not tab.send_button.isEnabled()  # an empty message box
    tab.composer.setPlainText("hello")
    assert tab.send_button.isEnabled()
    tab.composer.clear()
    assert not tab.send_button.isEnabled()
    from PySide6.QtGui import QColor, QImage

    image = QImage(8, 8, QImage.Format.Format_RGB32)
    image.fill(QColor("red"))
    tab.composer.insertFromMimeData(_image_mime(image))  # a pasted image alone can be sent
    assert tab.pending_attachments and tab.send_button.isEnabled()


def _image_mime(image: object) -> object:
    from PySide6.QtCore import QMimeData

    mime = QMimeData()
    mime.setImageData(image)
    return mime


def test_shift_enter_inserts_a_newline_and_does_not_send(qtbot, window, fake_openai):
    tab = current(window)
    qtbot.keyClicks(tab.composer, "line one")
    qtbot.keyClick(tab.composer, Qt.Key.Key_Return, SHIFT)
    qtbot.keyClicks(tab.composer, "line two")
    assert tab.composer.toPlainText() == "line one\nline two"
    qtbot.wait(200)
    assert chat_requests(fake_openai) == []
    assert not tab.is_streaming
    qtbot.keyClick(tab.composer, Qt.Key.Key_Return)
    wait_idle(qtbot, tab)
    assert chat_requests(fake_openai)[0].messages[-1]["content"] == "line one\nline two"


def test_keypad_enter_sends_too(qtbot, window, fake_openai):
    tab = current(window)
    qtbot.keyClicks(tab.composer, "from the keypad")
    qtbot.keyClick(tab.composer, Qt.Key.Key_Enter, Qt.KeyboardModifier.KeypadModifier)
    wait_idle(qtbot, tab)
    assert chat_requests(fake_openai)[0].messages[-1]["content"] == "from the keypad"
    assert tab.composer.toPlainText() == ""


def test_enter_on_an_empty_composer_sends_nothing(qtbot, window, fake_openai):
    tab = current(window)
    qtbot.keyClicks(tab.composer, "   ")
    qtbot.keyClick(tab.composer, Qt.Key.Key_Return)
    qtbot.wait(200)
    assert chat_requests(fake_openai) == []
    assert tab.controller.store.get_conversation(tab.conversation_id).messages == ()


# --- streaming and stop -----------------------------------------------------------------------


SLOW_CHUNKS = ["first ", "second ", "third ", "fourth ", "fifth ", "LAST"]


def start_slow_answer(qtbot: QtBot, window: MainWindow, server) -> ConversationTab:
    server.script(fake.slow(SLOW_CHUNKS, delay=0.4))
    tab = current(window)
    type_and_send(qtbot, tab, "count slowly")
    wait_view_contains(qtbot, tab, "first")
    return tab


def assert_streaming_state(window: MainWindow, tab: ConversationTab) -> None:
    assert tab.is_streaming
    assert tab_text(window, tab).startswith(STREAMING_MARK)
    assert tab.stop_button.isEnabled()
    assert not tab.send_button.isEnabled()


def assert_interrupted(qtbot: QtBot, window: MainWindow, tab: ConversationTab, server) -> None:
    wait_idle(qtbot, tab)
    text = view_text(tab)
    assert "first" in text, "the partial answer stays"
    assert "LAST" not in text
    assert "interrupted" in text, "the header says the answer was interrupted"
    assert not tab_text(window, tab).startswith(STREAMING_MARK)
    assert tab.model_picker.isEnabled() and not tab.stop_button.isEnabled()  # idle again
    assert server.wait_for_disconnect(timeout=3.0), "the server never saw the client go"
    answer = tab.controller.store.get_conversation(tab.conversation_id).messages[-1]
    assert answer.role is Role.ASSISTANT
    assert answer.status is MessageStatus.INTERRUPTED
    assert answer.content.startswith("first")


def test_stop_button_stops_the_stream(qtbot, window, fake_openai):
    tab = start_slow_answer(qtbot, window, fake_openai)
    assert_streaming_state(window, tab)
    qtbot.mouseClick(tab.stop_button, Qt.MouseButton.LeftButton)
    assert_interrupted(qtbot, window, tab, fake_openai)


def test_escape_in_the_composer_stops_the_stream(qtbot, window, fake_openai):
    tab = start_slow_answer(qtbot, window, fake_openai)
    assert_streaming_state(window, tab)
    wait_composer_focused(qtbot, window)
    press(qtbot, window, Qt.Key.Key_Escape)
    assert_interrupted(qtbot, window, tab, fake_openai)


def test_enter_while_streaming_keeps_the_new_prompt_in_the_composer(qtbot, window, fake_openai):
    tab = start_slow_answer(qtbot, window, fake_openai)
    type_and_send(qtbot, tab, "next question")
    assert tab.composer.toPlainText() == "next question"
    assert len(chat_requests(fake_openai)) == 1
    tab.stop()
    wait_idle(qtbot, tab)


def test_answer_finishing_in_a_background_tab_marks_it_unread(qtbot, window, fake_openai):
    fake_openai.script(fake.slow(["background ", "answer"], delay=0.3))
    first = current(window)
    type_and_send(qtbot, first, "work in the background")
    qtbot.waitUntil(lambda: first.is_streaming, timeout=TIMEOUT)
    press(qtbot, window, Qt.Key.Key_T, CTRL)
    second = current(window)
    assert second is not first
    assert tab_text(window, first).startswith(STREAMING_MARK)
    wait_idle(qtbot, first)
    qtbot.waitUntil(lambda: tab_text(window, first).startswith(UNREAD_MARK), timeout=TIMEOUT)
    assert not tab_text(window, second).startswith(UNREAD_MARK)
    press(qtbot, window, Qt.Key.Key_PageUp, CTRL)
    assert current(window) is first
    assert not tab_text(window, first).startswith(UNREAD_MARK)
    assert tab_text(window, first) == first.conversation.title
    assert "background answer" in view_text(first)


def test_answer_finishing_in_the_current_tab_is_not_unread(qtbot, window, fake_openai):
    tab = current(window)
    type_and_send(qtbot, tab, "hello")
    wait_idle(qtbot, tab)
    qtbot.wait(50)
    assert not tab.unread
    assert not tab_text(window, tab).startswith(UNREAD_MARK)


def test_two_tabs_stream_at_the_same_time(qtbot, window, fake_openai):
    fake_openai.set_default(fake.echo(delay=0.15))
    alpha = current(window)
    type_and_send(qtbot, alpha, "alpha one two three")
    press(qtbot, window, Qt.Key.Key_T, CTRL)
    bravo = current(window)
    type_and_send(qtbot, bravo, "bravo four five six")
    qtbot.waitUntil(lambda: alpha.is_streaming and bravo.is_streaming, timeout=TIMEOUT)
    assert window.controller.streaming_count() == 2
    wait_idle(qtbot, alpha)
    wait_idle(qtbot, bravo)
    a_text, b_text = view_text(alpha), view_text(bravo)
    assert "You said: alpha one two three" in a_text
    assert "You said: bravo four five six" in b_text
    assert "bravo" not in a_text
    assert "alpha" not in b_text
    for tab, prompt in ((alpha, "alpha one two three"), (bravo, "bravo four five six")):
        messages = window.store.get_conversation(tab.conversation_id).messages
        assert [(m.role, m.content) for m in messages] == [
            (Role.USER, prompt),
            (Role.ASSISTANT, f"You said: {prompt}"),
        ]


def activate_history_item(qtbot: QtBot, window: MainWindow, conversation_id: str) -> None:
    model = window.history_list.model()

    def item_row() -> int:
        for row in range(model.rowCount()):
            if model.index(row, 0).data(Qt.ItemDataRole.UserRole) == conversation_id:
                return row
        return -1

    qtbot.waitUntil(lambda: item_row() >= 0, timeout=3_000)
    window.history_list.setFocus()
    window.history_list.setCurrentIndex(model.index(item_row(), 0))
    qtbot.keyClick(window.history_list, Qt.Key.Key_Return)


def test_closing_a_streaming_tab_keeps_the_answer_going(qtbot, window, fake_openai):
    fake_openai.script(fake.slow(["kept ", "in ", "the ", "background"], delay=0.25))
    tab = current(window)
    conversation_id = tab.conversation_id
    type_and_send(qtbot, tab, "keep going")
    wait_view_contains(qtbot, tab, "kept")
    press(qtbot, window, Qt.Key.Key_W, CTRL)
    assert window.tab_for(conversation_id) is None
    assert window.message_bar.isVisible()
    assert "History" in window.message_bar.label.text()
    assert "keep going" in window.message_bar.label.text()
    assert window.controller.is_streaming(conversation_id)
    qtbot.waitUntil(lambda: not window.controller.is_streaming(conversation_id), timeout=TIMEOUT)
    assert not fake_openai.requests_to("/chat/completions")[0].client_disconnected
    answer = window.store.get_conversation(conversation_id).messages[-1]
    assert answer.role is Role.ASSISTANT
    assert answer.content == "kept in the background"
    assert answer.status is MessageStatus.COMPLETE

    activate_history_item(qtbot, window, conversation_id)
    reopened = window.tab_for(conversation_id)
    assert reopened is not None and current(window) is reopened
    assert "kept in the background" in view_text(reopened)
    assert "keep going" in view_text(reopened)
    wait_composer_focused(qtbot, window)


def test_reopening_a_tab_while_it_streams_shows_the_live_answer_once(qtbot, window, fake_openai):
    fake_openai.script(fake.slow(["alpha ", "beta ", "gamma ", "delta"], delay=0.3))
    tab = current(window)
    conversation_id = tab.conversation_id
    type_and_send(qtbot, tab, "stream on")
    wait_view_contains(qtbot, tab, "alpha")
    press(qtbot, window, Qt.Key.Key_W, CTRL)
    activate_history_item(qtbot, window, conversation_id)
    reopened = window.tab_for(conversation_id)
    assert reopened is not None
    assert window.controller.is_streaming(conversation_id), "reopened too late for this test"
    assert "alpha" in view_text(reopened)
    assert tab_text(window, reopened).startswith(STREAMING_MARK)
    assert reopened.stop_button.isEnabled()
    wait_idle(qtbot, reopened)
    text = view_text(reopened)
    assert text.count("alpha beta gamma delta") == 1
    assert text.count("stream on") == 1


# --- errors -----------------------------------------------------------------------------------


def notice_retry_button(tab: ConversationTab) -> QPushButton | None:
    button = tab.notice.findChild(QPushButton, "chatNoticeRetryButton")
    return button if button is not None and button.isVisible() else None


@pytest.mark.parametrize(
    ("behaviour", "hint", "retryable"),
    [
        (
            fake.error(401, f"Incorrect API key provided: {TEST_KEY}"),
            "Check the key in OPENAI_API_KEY",
            False,
        ),
        (fake.error(500, "Boom"), "retry in a moment", True),
    ],
    ids=["401", "500"],
)
def test_errors_show_an_inline_notice(qtbot, window, fake_openai, behaviour, hint, retryable):
    fake_openai.script(behaviour)
    tab = current(window)
    type_and_send(qtbot, tab, "will this fail?")
    notice = tab.findChild(QWidget, "chatNotice")
    assert notice is not None
    qtbot.waitUntil(notice.isVisible, timeout=TIMEOUT)
    wait_idle(qtbot, tab)
    text = notice.label.text()
    assert notice.label.textFormat() == Qt.TextFormat.PlainText
    assert hint in text
    assert str(behaviour.status) in text
    assert TEST_KEY not in text
    assert (notice_retry_button(tab) is not None) == retryable
    assert "will this fail?" in view_text(tab)
    messages = window.store.get_conversation(tab.conversation_id).messages
    assert [(m.role, m.content) for m in messages] == [(Role.USER, "will this fail?")]
    assert tab.model_picker.isEnabled() and not tab.stop_button.isEnabled()  # idle again
    assert not tab_text(window, tab).startswith(STREAMING_MARK)


def test_retry_after_a_server_error_gets_the_answer(qtbot, window, fake_openai):
    fake_openai.script(fake.error(500, "Boom"), fake.reply(["Recovered ", "answer."]))
    tab = current(window)
    type_and_send(qtbot, tab, "try again")
    qtbot.waitUntil(lambda: notice_retry_button(tab) is not None, timeout=TIMEOUT)
    qtbot.mouseClick(notice_retry_button(tab), Qt.MouseButton.LeftButton)
    wait_view_contains(qtbot, tab, "Recovered answer.")
    wait_idle(qtbot, tab)
    assert not tab.notice.isVisible()
    messages = window.store.get_conversation(tab.conversation_id).messages
    assert [(m.role, m.content) for m in messages] == [
        (Role.USER, "try again"),
        (Role.ASSISTANT, "Recovered answer."),
    ]
    assert view_text(tab).count("try again") == 1
    bodies = [r.body for r in chat_requests(fake_openai)]
    assert len(bodies) == 2
    assert bodies[1]["messages"] == [{"role": "user", "content": "try again"}]


def test_an_error_notice_goes_away_on_the_next_send(qtbot, window, fake_openai):
    fake_openai.script(fake.error(500, "Boom"))
    tab = current(window)
    type_and_send(qtbot, tab, "first")
    qtbot.waitUntil(tab.notice.isVisible, timeout=TIMEOUT)
    wait_idle(qtbot, tab)
    type_and_send(qtbot, tab, "second")
    assert not tab.notice.isVisible()
    wait_idle(qtbot, tab)
    assert "Hello from the test server." in view_text(tab)


def test_a_stalled_stream_keeps_the_partial_answer_and_the_draft(
    qtbot, open_window, make_controller, fake_openai
):
    # The profile's timeout (1 s here) is also how long a stream may go silent mid-answer.
    config = ProviderConfig(
        base_url=fake_openai.base_url, api_key=TEST_KEY, max_retries=0, timeout_seconds=1.0
    )
    window = open_window(make_controller(config))
    fake_openai.script(fake.hang(30, chunks=["Half ", "an ", "answer"]))
    tab = current(window)
    type_and_send(qtbot, tab, "say something")
    wait_view_contains(qtbot, tab, "Half an answer")
    qtbot.keyClicks(tab.composer, "my next question")  # typed while the stream is stuck
    qtbot.waitUntil(tab.notice.isVisible, timeout=TIMEOUT)
    wait_idle(qtbot, tab)

    assert "stopped sending (no data for 1 s)" in tab.notice.label.text()
    assert "partial answer is kept" in tab.notice.label.text()
    assert notice_retry_button(tab) is not None
    assert "Half an answer" in view_text(tab)
    assert tab.composer.toPlainText() == "my next question"
    messages = window.store.get_conversation(tab.conversation_id).messages
    assert [(m.role, m.content, m.status) for m in messages] == [
        (Role.USER, "say something", MessageStatus.COMPLETE),
        (Role.ASSISTANT, "Half an answer", MessageStatus.ERROR),
    ]
    assert fake_openai.wait_for_disconnect(timeout=5.0)


# --- model picker -----------------------------------------------------------------------------


def picker_items(tab: ConversationTab) -> list[str]:
    return [tab.model_picker.itemText(i) for i in range(tab.model_picker.count())]


def load_models(qtbot: QtBot, controller: ChatController) -> tuple[list[str], bool]:
    with qtbot.waitSignal(controller.models_loaded, timeout=TIMEOUT) as loaded:
        controller.load_models()
    return loaded.args[0], loaded.args[1]


def test_model_picker_shows_the_server_models(qtbot, window, fake_openai):
    fake_openai.set_models(["llama3", "mistral"])
    tab = current(window)
    assert tab.conversation.messages == ()
    assert load_models(qtbot, window.controller) == (["llama3", "mistral"], True)
    assert picker_items(tab) == ["llama3", "mistral"]
    assert tab.model_picker.currentText() in ("llama3", "mistral")
    assert window.store.get_conversation(tab.conversation_id).model == (
        tab.model_picker.currentText()
    )
    type_and_send(qtbot, tab, "which model?")
    wait_idle(qtbot, tab)
    assert chat_requests(fake_openai)[0].body["model"] == tab.model_picker.currentText()
    # New chats start on a model the server has.
    press(qtbot, window, Qt.Key.Key_T, CTRL)
    assert current(window).model_picker.currentText() in ("llama3", "mistral")
    assert current(window).conversation.model in ("llama3", "mistral")


def test_a_typed_custom_model_name_is_sent(qtbot, window, fake_openai):
    fake_openai.set_models(["llama3", "mistral"])
    load_models(qtbot, window.controller)
    tab = current(window)
    editor = tab.model_picker.lineEdit()
    assert editor is not None
    editor.selectAll()
    qtbot.keyClick(editor, Qt.Key.Key_Delete)
    qtbot.keyClicks(editor, "qwen2.5-coder:7b")
    assert tab.model_picker.currentText() == "qwen2.5-coder:7b"
    type_and_send(qtbot, tab, "hi custom")
    wait_idle(qtbot, tab)
    assert chat_requests(fake_openai)[0].body["model"] == "qwen2.5-coder:7b"
    assert window.store.get_conversation(tab.conversation_id).model == "qwen2.5-coder:7b"


def test_model_picker_falls_back_when_the_server_cannot_list(qtbot, window, fake_openai):
    fake_openai.set_models(["llama3", "mistral"])
    load_models(qtbot, window.controller)
    tab = current(window)
    assert picker_items(tab) == ["llama3", "mistral"]
    fake_openai.fail_models(404)
    assert load_models(qtbot, window.controller) == (list(FALLBACK_MODELS), False)
    assert picker_items(tab) == ["gpt-4", "gpt-3.5-turbo", "gpt-4-turbo-preview"]
    press(qtbot, window, Qt.Key.Key_T, CTRL)
    assert picker_items(current(window)) == list(FALLBACK_MODELS)
    assert current(window).model_picker.currentText() == "gpt-4"


def test_model_picker_is_disabled_while_streaming(qtbot, window, fake_openai):
    tab = start_slow_answer(qtbot, window, fake_openai)
    assert not tab.model_picker.isEnabled()
    tab.stop()
    wait_idle(qtbot, tab)
    assert tab.model_picker.isEnabled()


# --- system message and parameters ------------------------------------------------------------


def open_parameters(qtbot: QtBot, tab: ConversationTab) -> QWidget:
    qtbot.mouseClick(tab.settings_button, Qt.MouseButton.LeftButton)
    panel = tab.findChild(QWidget, "parametersPanel")
    assert panel is not None and panel.isVisible()
    return panel


def test_the_parameters_panel_is_built_when_first_opened_with_the_chats_settings(
    qtbot, window, controller
):
    tab = current(window)
    controller.store.update_conversation(tab.conversation.id, system_prompt="Be brief.")
    tab.conversation = controller.store.get_conversation(tab.conversation.id)
    assert tab.findChild(QWidget, "parametersPanel") is None  # a tab never opened holds none
    panel = open_parameters(qtbot, tab)
    assert panel.findChild(QPlainTextEdit, "systemPrompt").toPlainText() == "Be brief."
    qtbot.mouseClick(tab.settings_button, Qt.MouseButton.LeftButton)
    assert not panel.isVisible()


def test_system_message_and_temperature_are_sent(qtbot, window, fake_openai):
    tab = current(window)
    panel = open_parameters(qtbot, tab)
    system = panel.findChild(QPlainTextEdit, "systemPrompt")
    temperature = panel.findChild(QDoubleSpinBox, "temperature")
    temperature.setValue(0.7)
    qtbot.keyClicks(system, "You are terse.")
    # Sent at once, before the delayed save of the system message has fired.
    type_and_send(qtbot, tab, "hello with settings")
    wait_idle(qtbot, tab)
    body = chat_requests(fake_openai)[0].body
    assert body["messages"] == [
        {"role": "system", "content": "You are terse."},
        {"role": "user", "content": "hello with settings"},
    ]
    assert body["temperature"] == pytest.approx(0.7)
    for unset in ("top_p", "max_tokens", "presence_penalty", "frequency_penalty", "stop"):
        assert unset not in body, unset
    saved = window.store.get_conversation(tab.conversation_id)
    assert saved.system_prompt == "You are terse."
    assert saved.parameters.temperature == pytest.approx(0.7)


def test_stop_sequences_and_max_tokens_are_sent_and_defaults_are_not(qtbot, window, fake_openai):
    tab = current(window)
    panel = open_parameters(qtbot, tab)
    qtbot.keyClicks(panel.findChild(QPlainTextEdit, "stopSequences"), "END")
    qtbot.keyClick(panel.findChild(QPlainTextEdit, "stopSequences"), Qt.Key.Key_Return)
    qtbot.keyClicks(panel.findChild(QPlainTextEdit, "stopSequences"), "###")
    panel.findChild(QSpinBox, "maxTokens").setValue(64)
    top_p = panel.findChild(QDoubleSpinBox, "topP")
    top_p.setValue(0.5)
    top_p.setValue(top_p.minimum())  # back to "default": not sent
    type_and_send(qtbot, tab, "limits")
    wait_idle(qtbot, tab)
    body = chat_requests(fake_openai)[0].body
    assert body["stop"] == ["END", "###"]
    assert body["max_tokens"] == 64
    assert [m["role"] for m in body["messages"]] == ["user"]
    for unset in ("temperature", "top_p", "presence_penalty", "frequency_penalty"):
        assert unset not in body, unset


def test_a_reopened_conversation_shows_its_saved_parameters(qtbot, window, fake_openai):
    tab = current(window)
    panel = open_parameters(qtbot, tab)
    qtbot.keyClicks(panel.findChild(QPlainTextEdit, "systemPrompt"), "Be kind.")
    panel.findChild(QDoubleSpinBox, "temperature").setValue(1.2)
    type_and_send(qtbot, tab, "remember my settings")
    wait_idle(qtbot, tab)
    conversation_id = tab.conversation_id
    press(qtbot, window, Qt.Key.Key_W, CTRL)
    reopened = window.new_tab(conversation_id)
    assert reopened.parameters_panel.system_prompt.toPlainText() == "Be kind."
    assert reopened.parameters_panel.temperature.value() == pytest.approx(1.2)
    type_and_send(qtbot, reopened, "again")
    wait_idle(qtbot, reopened)
    body = chat_requests(fake_openai)[-1].body
    assert body["messages"][0] == {"role": "system", "content": "Be kind."}
    assert body["temperature"] == pytest.approx(1.2)


# --- edit, regenerate, alternatives -----------------------------------------------------------


def edit_through_dialog(qtbot: QtBot, tab: ConversationTab, message_id: str, text: str) -> None:
    seen: list[bool] = []

    def drive_dialog() -> None:
        dialog = tab.findChild(QDialog, "editMessageDialog")
        if dialog is None or not dialog.isVisible():
            QTimer.singleShot(20, drive_dialog)
            return
        editor = dialog.findChild(QPlainTextEdit, "editMessageText")
        editor.setPlainText(text)
        seen.append(True)
        dialog.accept()

    QTimer.singleShot(0, drive_dialog)
    tab.message_view.action_requested.emit("edit", message_id)
    assert seen, "the edit dialog never opened"


def test_editing_a_prompt_resends_the_edited_text(qtbot, window, fake_openai):
    fake_openai.set_default(fake.echo())
    tab = current(window)
    type_and_send(qtbot, tab, "original question")
    wait_idle(qtbot, tab)
    prompt = window.store.get_conversation(tab.conversation_id).messages[0]
    edit_through_dialog(qtbot, tab, prompt.id, "edited question")
    wait_view_contains(qtbot, tab, "You said: edited question")
    wait_idle(qtbot, tab)
    body = chat_requests(fake_openai)[-1].body
    assert body["messages"] == [{"role": "user", "content": "edited question"}]
    text = view_text(tab)
    assert "original question" not in text
    assert "2/2" in text, "the edited prompt is the second alternative"
    messages = window.store.get_conversation(tab.conversation_id).messages
    assert [m.content for m in messages] == ["edited question", "You said: edited question"]


def test_regenerate_then_previous_restores_the_first_answer(qtbot, window, fake_openai):
    fake_openai.script(fake.reply(["First take."]), fake.reply(["Second take."]))
    tab = current(window)
    type_and_send(qtbot, tab, "give me a take")
    wait_idle(qtbot, tab)
    first_answer = window.store.get_conversation(tab.conversation_id).messages[-1]
    tab.message_view.action_requested.emit("regenerate", first_answer.id)
    wait_view_contains(qtbot, tab, "Second take.")
    wait_idle(qtbot, tab)
    text = view_text(tab)
    assert "First take." not in text
    assert "‹ 2/2 ›" in text
    second_answer = window.store.get_conversation(tab.conversation_id).messages[-1]
    assert second_answer.content == "Second take."
    assert chat_requests(fake_openai)[-1].body["messages"] == [
        {"role": "user", "content": "give me a take"}
    ]

    tab.message_view.action_requested.emit("previous", second_answer.id)
    wait_view_contains(qtbot, tab, "First take.")
    text = view_text(tab)
    assert "Second take." not in text
    assert "‹ 1/2 ›" in text
    tab.message_view.action_requested.emit("next", first_answer.id)
    wait_view_contains(qtbot, tab, "Second take.")
    assert "‹ 2/2 ›" in view_text(tab)


def test_clicking_the_regenerate_link_regenerates(qtbot, window, fake_openai):
    fake_openai.script(fake.reply(["One."]), fake.reply(["Two."]))
    tab = current(window)
    type_and_send(qtbot, tab, "q")
    wait_idle(qtbot, tab)
    answer = window.store.get_conversation(tab.conversation_id).messages[-1]
    tab.message_view.anchorClicked.emit(QUrl(f"action:regenerate/{answer.id}"))
    wait_view_contains(qtbot, tab, "Two.")
    wait_idle(qtbot, tab)
    assert "‹ 2/2 ›" in view_text(tab)


# --- session ----------------------------------------------------------------------------------


def test_session_restore_reopens_tabs_order_selection_and_drafts(
    qtbot, window, open_window, controller
):
    first = current(window)
    press(qtbot, window, Qt.Key.Key_T, CTRL)
    second = current(window)
    press(qtbot, window, Qt.Key.Key_T, CTRL)
    third = current(window)
    qtbot.keyClicks(first.composer, "draft one")
    qtbot.keyClick(first.composer, Qt.Key.Key_Return, SHIFT)
    qtbot.keyClicks(first.composer, "second line")
    qtbot.keyClicks(third.composer, "draft three")
    window.tabs.tabBar().moveTab(2, 0)  # third, first, second
    window.tabs.setCurrentWidget(first)
    expected_ids = [third.conversation_id, first.conversation_id, second.conversation_id]
    assert [t.conversation_id for t in window.conversation_tabs()] == expected_ids
    window.save_session()

    restored = open_window(controller)
    assert [t.conversation_id for t in restored.conversation_tabs()] == expected_ids
    assert restored.tabs.currentIndex() == 1
    assert current(restored).conversation_id == first.conversation_id
    drafts = [t.composer.toPlainText() for t in restored.conversation_tabs()]
    assert drafts == ["draft three", "draft one\nsecond line", ""]
    qtbot.waitUntil(lambda: current(restored).composer.hasFocus(), timeout=3_000)


def test_session_restore_shows_saved_conversations(
    qtbot, window, open_window, controller, fake_openai
):
    tab = current(window)
    type_and_send(qtbot, tab, "remember me")
    wait_idle(qtbot, tab)
    window.save_session()
    restored = open_window(controller)
    tab = current(restored)
    # The window paints first; the restored chat is laid out in the next turn of the loop.
    qtbot.waitUntil(lambda: "remember me" in view_text(tab), timeout=2_000)
    assert "Hello from the test server." in view_text(tab)
    assert tab_text(restored, tab) == "remember me"
    qtbot.waitUntil(lambda: restored.history_list.model().rowCount() >= 1, timeout=3_000)


# --- import and export --------------------------------------------------------------------


def cyclic_chatgpt_file(path: Path) -> Path:
    """A ChatGPT export whose two turns name each other as parent (a cycle the import cuts)."""

    def turn(node: str, role: str, text: str, parent: str) -> dict[str, object]:
        body = {"id": node, "author": {"role": role}, "content": {"parts": [text]}}
        return {"id": node, "parent": parent, "children": [parent], "message": body}

    conversation = {
        "conversation_id": "gui-import",
        "title": "From ChatGPT",
        "create_time": 1700000000,
        "mapping": {
            "q": turn("q", "user", "Question", "a"),
            "a": turn("a", "assistant", "Answer", "q"),
        },
        "current_node": "a",
    }
    path.write_text(json.dumps([conversation]), encoding="utf-8")
    return path


def test_import_reads_the_file_off_the_gui_thread_and_shows_progress(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop_chat import exchange

    threads: list[threading.Thread] = []
    real_load_file = exchange.load_file

    def recording_load_file(path: Path) -> list[exchange.ImportedConversation]:
        threads.append(threading.current_thread())
        return real_load_file(path)

    monkeypatch.setattr(exchange, "load_file", recording_load_file)
    source = cyclic_chatgpt_file(tmp_path / "conversations.json")

    task = window.import_file(source)

    assert task is not None
    assert window.message_bar.label.text() == "Importing conversations.json…"
    assert window.import_file(source) is None  # one import at a time
    qtbot.waitUntil(task.done, timeout=TIMEOUT)
    assert threads and threads[0] is not threading.main_thread()
    assert window.message_bar.label.text() == "Imported 1 new chat(s) and 2 new message(s)."
    imported = window.store.get_conversation("gui-import")
    assert [m.content for m in imported.messages] == ["Question", "Answer"]
    assert window.import_file(source) is not None  # the next import may start


def test_a_refused_import_says_why_in_one_message(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    source = tmp_path / "deep.json"
    source.write_text("[" * 100_000 + "]" * 100_000)
    before = window.store.conversation_ids()

    task = window.import_file(source)

    assert task is not None
    qtbot.waitUntil(task.done, timeout=TIMEOUT)
    assert window.message_bar.label.text() == (
        "Nothing was imported. deep.json: the JSON is nested too deeply"
    )
    assert window.store.conversation_ids() == before


def test_export_writes_a_private_file(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QFileDialog

    target = tmp_path / "exports" / "all.json"
    target.parent.mkdir()
    target.write_text("old")
    target.chmod(0o644)
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *_: (str(target), "JSON (*.json)"))
    )

    window._export(only_current=False)

    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert json.loads(target.read_text(encoding="utf-8"))["format"] == "desktop-chat/1"
    assert [p.name for p in target.parent.iterdir()] == ["all.json"]  # no temp file left


def test_a_hostile_title_shows_as_plain_text_in_tooltips(qtbot, window):
    hostile = '<img src="file:///etc/passwd"><b>bold</b> & co'
    conversation = window.store.create_conversation(title=hostile, model="gpt-4")
    # Made behind the window's back: the list is read again as after any change the window
    # makes (waiting for the start-up refresh raced it on a slow machine).
    window.refresh_history()
    window.open_conversation(conversation.id)
    model = window.history_list.model()

    def tooltip() -> str:
        for row in range(model.rowCount()):
            index = model.index(row, 0)
            if index.data(Qt.ItemDataRole.UserRole) == conversation.id:
                return str(index.data(Qt.ItemDataRole.ToolTipRole))
        return ""

    qtbot.waitUntil(lambda: bool(tooltip()), timeout=3_000)
    for shown in (tooltip(), window.tabs.tabToolTip(window.tabs.currentIndex())):
        assert "<img" not in shown and "<b>" not in shown
        assert "&lt;img" in shown and "&amp; co" in shown


@pytest.mark.parametrize(
    "damaged",
    [
        "{not json",
        "[1, 2]",
        '{"tabs": 5, "current": "x"}',
        '{"tabs": [5, {"id": 7}, {"id": "gone", "draft": 3}], "current": 10**9}',
        '{"tabs": [], "current": -4, "geometry": 12}',
        "[" * 100_000,
    ],
)
def test_a_damaged_saved_session_opens_a_fresh_window(qtbot, open_window, controller, damaged):
    controller.store.set_state(main_window.SESSION_KEY, damaged)
    window = open_window(controller)
    assert window.conversation_tabs()  # a new chat to type into, not a crash
    assert current(window).composer.isEnabled()


def test_a_label_changing_in_a_tab_repaints_the_label_not_the_whole_tab(qtbot, window):
    """QTabWidget repaints all of itself on each layout request that reaches it; the chat
    tabs lay out again only when something they lay out changed."""
    from qt_fixtures import PaintCounter

    tab = current(window)
    qtbot.waitExposed(window)
    tab.context_usage.setText("≈12k / 128k")  # its first text widens the tab's minimum
    qtbot.wait(100)
    button_paints = PaintCounter()  # a widget of the tab that nothing else repaints (no cursor)
    tab.send_button.installEventFilter(button_paints)
    tab.context_usage.setText("≈13k / 128k")  # a new estimate: a layout request up to the tabs
    qtbot.wait(100)
    assert button_paints.count == 0

    # What the tabs lay out does change: a longer title widens the tab, laid out again.
    bar = window.tabs.tabBar()
    before = bar.tabRect(0).width()
    window.tabs.setTabText(0, "A much longer title for this chat than before")
    qtbot.waitUntil(lambda: bar.tabRect(0).width() > before)

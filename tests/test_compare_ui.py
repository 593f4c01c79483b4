"""The compare control and view in a real tab (offscreen), against the fake server."""

from __future__ import annotations

from collections.abc import Callable

import fake_openai as fake
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QToolButton

from desktop_chat.controller import ChatController
from desktop_chat.domain import MessageStatus
from desktop_chat.ui.compare_view import CompareView
from desktop_chat.ui.conversation_tab import ConversationTab
from desktop_chat.ui.main_window import MainWindow

TIMEOUT = 10_000


def _tab(window: MainWindow) -> ConversationTab:
    tab = window.current_tab()
    assert tab is not None
    return tab


def _compare_send(qtbot, tab: ConversationTab, text: str) -> None:
    tab.composer.setPlainText(text)
    qtbot.keyClick(tab.composer, Qt.Key.Key_Return)


def _two_models(window: MainWindow, fake_openai, own: str, own_reply, other: str, other_reply=None):
    """A wide window whose chat asks `own` and compares `other` (scripted unless None)."""
    window.resize(1300, 800)
    tab = _tab(window)
    tab.model_picker.setCurrentText(own)
    fake_openai.script_model(own, own_reply)
    if other_reply is not None:
        fake_openai.script_model(other, other_reply)
    tab.compare_bar.add(other)
    return tab


def _compared_conversation(controller: ChatController, fake_openai, replies: dict[str, object]):
    """A conversation whose prompt "hi" these models answer side by side (no tab open)."""
    from desktop_chat.compare import Contender

    for model, reply in replies.items():
        fake_openai.script_model(model, reply)
    conversation = controller.store.create_conversation(model=next(iter(replies)))
    controller.compare.send(conversation.id, "hi", [Contender(m) for m in replies])
    return conversation


def test_compare_streams_columns_with_own_stop_then_continue_with_this(
    qtbot, open_window: Callable[[ChatController], MainWindow], controller, fake_openai
):
    window = open_window(controller)
    window.resize(1300, 800)
    tab = _tab(window)
    tab.model_picker.setCurrentText("model-a")
    fake_openai.script_model("model-a", fake.slow(["alpha ", "one"], delay=0.2))
    fake_openai.script_model("model-b", fake.slow(["beta ", "two"], delay=0.2))
    fake_openai.script_model("model-c", fake.slow(["c "] * 40, delay=0.25))
    button = tab.findChild(QToolButton, "compareButton")
    assert button is not None and button.isVisible()
    tab.compare_bar.add("model-b")
    tab.compare_bar.add("model-c")
    assert len(tab.findChildren(QToolButton, "compareChip")) == 2
    _compare_send(qtbot, tab, "Compare us")
    view = tab.findChild(CompareView, "compareView")
    assert view is not None
    qtbot.waitUntil(view.isVisible, timeout=TIMEOUT)
    assert len(view.columns) == 3 and not view.stacked
    titles = [w.findChild(QLabel, "compareModel").text() for w in view.columns]
    assert ["model-a" in t for t in titles] == [True, False, False]
    assert "model-c" in titles[2]
    assert not tab.send_button.isEnabled()
    # The two quick ones finish while the third still streams; its own Stop stops only it.
    qtbot.waitUntil(lambda: not view.columns[1].column.streaming, timeout=TIMEOUT)
    assert "tokens" in view.columns[1].findChild(QLabel, "compareUsage").text()
    assert view.columns[2].column.streaming
    qtbot.mouseClick(view.columns[2].stop_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not tab.is_streaming, timeout=TIMEOUT)
    assert view.columns[2].column.final.status is MessageStatus.INTERRUPTED
    assert view.columns[2].retry_button.isVisible()
    assert "beta two" in view.columns[1].text.toPlainText()
    # The compared answers are in the columns, not also in the message view.
    assert "alpha one" not in tab.message_view.toPlainText()
    qtbot.mouseClick(view.columns[1].continue_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not view.isVisible(), timeout=TIMEOUT)
    shown = tab.message_view.toPlainText()
    assert "beta two" in shown and "alpha one" not in shown
    assert "2/3" in shown and "model-b" in shown  # the alternative, labelled with its model
    assert tab.conversation.model == "model-b"
    assert tab.model_picker.currentText() == "model-b"
    assert tab.compare_bar.extras == []  # the chat goes on with one model
    tab.composer.setPlainText("next")
    qtbot.keyClick(tab.composer, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not tab.is_streaming, timeout=TIMEOUT)
    last = fake_openai.requests_to("/chat/completions")[-1].body
    assert last["model"] == "model-b"
    assert [m["content"] for m in last["messages"]] == ["Compare us", "beta two", "next"]


def test_esc_stops_every_column_and_narrow_tabs_stack(
    qtbot, open_window: Callable[[ChatController], MainWindow], controller, fake_openai
):
    window = open_window(controller)
    window.resize(700, 800)
    tab = _tab(window)
    tab.model_picker.setCurrentText("m1")
    for name in ("m1", "m2", "m3", "m4"):
        fake_openai.script_model(name, fake.slow(["x "] * 50, delay=0.2))
    for name in ("m2", "m3", "m4", "m5"):
        tab.compare_bar.add(name)
    assert len(tab.compare_bar.extras) == 3  # the chat's model and three more
    _compare_send(qtbot, tab, "all four")
    view = tab.compare_view
    qtbot.waitUntil(lambda: all("x" in w.text.toPlainText() for w in view.columns), timeout=TIMEOUT)
    assert view.stacked
    qtbot.keyClick(tab.composer, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not tab.is_streaming, timeout=TIMEOUT)
    assert all(w.column.final.status is MessageStatus.INTERRUPTED for w in view.columns)


def test_regenerate_on_a_compared_turn_offers_to_compare_again(
    qtbot, open_window: Callable[[ChatController], MainWindow], controller, fake_openai
):
    window = open_window(controller)
    tab = _tab(window)
    tab.model_picker.setCurrentText("test-model")
    tab.compare_bar.add("gpt-4")
    _compare_send(qtbot, tab, "twice")
    qtbot.waitUntil(lambda: tab.compare_view.isVisible(), timeout=TIMEOUT)
    qtbot.waitUntil(lambda: not tab.is_streaming, timeout=TIMEOUT)
    first = tab.compare_view.columns[0].column.final
    qtbot.mouseClick(tab.compare_view.close_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not tab.compare_view.isVisible(), timeout=TIMEOUT)
    tab._on_message_action("regenerate", first.id)
    again = next(b for b in tab.notice.findChildren(QPushButton) if b.text() == "Compare again")
    qtbot.mouseClick(again, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.compare_view.isVisible(), timeout=TIMEOUT)
    qtbot.waitUntil(lambda: not tab.is_streaming, timeout=TIMEOUT)
    assert len(controller.store.siblings(first.id)) == 4
    assert sorted(r.body["model"] for r in fake_openai.requests_to("/chat/completions")) == [
        "gpt-4",
        "gpt-4",
        "test-model",
        "test-model",
    ]


def test_a_finished_column_renders_markdown_and_its_code_copy_link_works(
    qtbot, open_window: Callable[[ChatController], MainWindow], controller, fake_openai
):
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QGuiApplication

    from desktop_chat.render import COPY_CODE_SCHEME

    answer = "**bold** and $E = mc^2$\n\n```python\nprint(1)\n```\n"
    tab = _two_models(
        open_window(controller), fake_openai, "m-code", fake.reply([answer]), "m-other"
    )
    _compare_send(qtbot, tab, "code please")
    view = tab.compare_view
    qtbot.waitUntil(lambda: not tab.is_streaming, timeout=TIMEOUT)
    column = view.columns[0]
    qtbot.waitUntil(lambda: column.rendered, timeout=TIMEOUT)
    assert "**" not in column.text.toPlainText()  # laid out as Markdown once all were done
    column.text.anchorClicked.emit(QUrl(f"{COPY_CODE_SCHEME}/0"))
    assert QGuiApplication.clipboard().text() == "print(1)"
    assert "$E = mc^2$" in column.text.toPlainText()  # a formula shows, as its source


def test_a_tab_opened_while_a_comparison_streams_shows_its_columns(
    qtbot, open_window: Callable[[ChatController], MainWindow], controller, fake_openai
):
    open_window(controller)
    replies = {name: fake.slow(["y "] * 20, delay=0.1) for name in ("r1", "r2")}
    conversation = _compared_conversation(controller, fake_openai, replies)
    tab = ConversationTab(controller.store.get_conversation(conversation.id), controller)
    qtbot.addWidget(tab)
    assert not tab.compare_view.isHidden() and len(tab.compare_view.columns) == 2
    qtbot.waitUntil(lambda: not controller.is_streaming(conversation.id), timeout=TIMEOUT)
    assert all(w.column.final is not None for w in tab.compare_view.columns)


def test_a_tab_closed_before_its_answers_are_laid_out_leaves_no_pending_work(
    qtbot, open_window: Callable[[ChatController], MainWindow], controller, fake_openai
):
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    open_window(controller)
    replies = {"r1": fake.reply(["**one**"]), "r2": fake.reply(["**two**"])}
    conversation = _compared_conversation(controller, fake_openai, replies)
    qtbot.waitUntil(lambda: not controller.is_streaming(conversation.id), timeout=TIMEOUT)
    tab = ConversationTab(controller.store.get_conversation(conversation.id), controller)
    view = tab.compare_view
    assert not any(w.rendered for w in view.columns)  # their layout is queued for the next turn
    tab.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    qtbot.wait(50)  # the queued layout must not reach the deleted columns (pytest-qt fails it)


def test_a_column_says_how_far_a_model_has_thought_before_it_answers(
    qtbot, open_window: Callable[[ChatController], MainWindow], controller, fake_openai
):
    thinking = fake.reply(
        ["<think>", "Let me add ", "two and ", "two.", "</think>", "Four", "."], 0.3
    )
    tab = _two_models(
        open_window(controller), fake_openai, "thinker", thinking, "plain", fake.reply(["Four."])
    )
    _compare_send(qtbot, tab, "2 + 2?")
    view = tab.compare_view
    column = view.columns[0]
    qtbot.waitUntil(lambda: "Thinking (" in column.usage.text(), timeout=TIMEOUT)
    assert column.text.toPlainText() == ""  # the thinking is not mixed into the answer
    qtbot.waitUntil(lambda: not tab.is_streaming, timeout=TIMEOUT)
    assert "Thinking" not in column.usage.text() and "tokens" in column.usage.text()
    assert column.column.final is not None
    assert column.column.final.content == "Four."
    assert "two and two." in (column.column.final.reasoning or "")
    column.continue_button.click()  # the chat goes on with it, its thinking folded above it
    qtbot.waitUntil(lambda: "(6 words)" in tab.message_view.toPlainText(), timeout=TIMEOUT)
    assert "▸ Thought for" in tab.message_view.toPlainText()

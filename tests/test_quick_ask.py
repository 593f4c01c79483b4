"""The quick-ask popup: ask, stream, copy, continue in a tab, dismiss; saved in the history."""

from __future__ import annotations

import fake_openai as fake
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from desktop_chat.domain import MessageStatus, Role
from desktop_chat.ui.quick_ask import QuickAskWindow


def make_popup(qtbot, controller) -> QuickAskWindow:
    popup = QuickAskWindow(controller)
    qtbot.addWidget(popup)
    popup.present()
    qtbot.waitUntil(popup.isVisible)
    return popup


def test_contract_names_and_focus(qtbot, controller):
    popup = make_popup(qtbot, controller)
    assert popup.objectName() == "quickAskWindow" == popup.accessibleName()
    assert popup.input.objectName() == "quickAskInput" == popup.input.accessibleName()
    assert popup.answer.objectName() == "quickAskAnswer" == popup.answer.accessibleName()
    assert popup.windowFlags() & Qt.WindowType.WindowStaysOnTopHint
    assert popup.windowFlags() & Qt.WindowType.FramelessWindowHint
    qtbot.waitUntil(popup.input.hasFocus)


def test_enter_asks_and_the_answer_streams_in_and_is_saved(qtbot, controller, fake_openai):
    fake_openai.set_default(fake.echo())
    popup = make_popup(qtbot, controller)
    qtbot.keyClicks(popup.input, "What is 2+2?")
    with qtbot.waitSignal(controller.finished, timeout=10_000) as finished:
        qtbot.keyClick(popup.input, Qt.Key.Key_Return)
    assert finished.args[1].content == "You said: What is 2+2?"
    qtbot.waitUntil(lambda: "You said: What is 2+2?" in popup.answer.toPlainText())
    saved = controller.store.get_conversation(popup.conversation_id)
    assert [m.role for m in saved.messages] == [Role.USER, Role.ASSISTANT]
    assert controller.store.list_conversations()[0].id == popup.conversation_id


def test_copy_answer_puts_the_answer_on_the_clipboard(qtbot, controller, fake_openai):
    popup = make_popup(qtbot, controller)
    popup.input.setText("hi")
    with qtbot.waitSignal(controller.finished, timeout=10_000):
        popup.ask()
    qtbot.waitUntil(lambda: "Hello from the test server." in popup.answer.toPlainText())
    qtbot.keyClick(
        popup.input,
        Qt.Key.Key_C,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert QGuiApplication.clipboard().text() == "Hello from the test server."


def test_escape_hides_and_stops_a_stream(qtbot, controller, fake_openai):
    fake_openai.script(fake.slow(["one ", "two ", "three ", "four "], delay=0.4))
    popup = make_popup(qtbot, controller)
    popup.input.setText("count")
    popup.ask()
    qtbot.waitUntil(lambda: "one" in popup.answer.toPlainText(), timeout=5_000)
    with qtbot.waitSignal(controller.finished, timeout=5_000) as finished:
        qtbot.keyClick(popup.input, Qt.Key.Key_Escape)
    assert not popup.isVisible()
    assert finished.args[1].status is MessageStatus.INTERRUPTED
    assert fake_openai.wait_for_disconnect(timeout=3.0)


def test_continue_in_a_tab_hands_over_the_conversation(qtbot, controller, fake_openai):
    popup = make_popup(qtbot, controller)
    popup.input.setText("carry on")
    with qtbot.waitSignal(controller.finished, timeout=10_000):
        popup.ask()
    conversation_id = popup.conversation_id
    with qtbot.waitSignal(popup.continue_requested, timeout=2_000) as moved:
        qtbot.keyClick(popup.input, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert moved.args == [conversation_id]
    assert not popup.isVisible()
    assert popup.conversation_id is None  # the next question starts a new chat


def test_an_error_is_shown_in_the_popup_and_the_question_kept(qtbot, controller, fake_openai):
    fake_openai.script(fake.error(500, "Boom"))
    popup = make_popup(qtbot, controller)
    popup.input.setText("fails")
    with qtbot.waitSignal(controller.failed, timeout=10_000):
        popup.ask()
    assert popup.status.isVisible()
    assert "retry" in popup.status.text().lower()
    messages = controller.store.get_conversation(popup.conversation_id).messages
    assert [m.content for m in messages] == ["fails"]


def test_prefill_takes_the_copied_text_when_enabled(qtbot, controller):
    QGuiApplication.clipboard().setText("  explain   this\nerror  ")
    popup = QuickAskWindow(controller, prefill=lambda: True)
    qtbot.addWidget(popup)
    popup.present()
    assert popup.input.text() == "explain this error"
    plain = QuickAskWindow(controller)
    qtbot.addWidget(plain)
    plain.present()
    assert plain.input.text() == ""


def test_a_question_sent_before_the_chats_are_ready_is_asked_once_they_are(
    qtbot, controller, fake_openai
):
    """A cold start by the shortcut shows the popup before the controller exists; Enter
    pressed then is not lost: the question goes out when the popup is attached."""
    popup = QuickAskWindow()
    qtbot.addWidget(popup)
    popup.present()
    qtbot.keyClicks(popup.input, "Asked before the chats were in")
    qtbot.keyClick(popup.input, Qt.Key.Key_Return)
    assert popup.input.text() == "Asked before the chats were in"  # kept, nothing sent yet
    assert fake_openai.requests == []
    popup.dismiss()  # Esc drops the pending question with the popup
    popup.present()
    qtbot.keyClick(popup.input, Qt.Key.Key_Return)
    popup.attach(controller)
    qtbot.waitUntil(lambda: len(fake_openai.requests) == 1, timeout=10_000)
    sent = fake_openai.requests[0].body["messages"][-1]["content"]
    assert sent == "Asked before the chats were in"
    assert popup.input.text() == ""

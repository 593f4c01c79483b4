"""Long conversations: only a window of messages is laid out; older ones load on demand."""

from __future__ import annotations

from datetime import timedelta

from desktop_chat.domain import Message, Role, utc_now
from desktop_chat.ui.message_view import WINDOW, MessageView


def conversation(count: int) -> list[Message]:
    start = utc_now()
    return [
        Message(
            f"m{i}",
            "c",
            f"m{i - 1}" if i else None,
            Role.USER if i % 2 == 0 else Role.ASSISTANT,
            f"message number {i} with **some** text",
            start + timedelta(seconds=i),
        )
        for i in range(count)
    ]


def test_only_the_latest_window_is_laid_out(qtbot):
    view = MessageView()
    qtbot.addWidget(view)
    view.resize(600, 400)
    view.show()
    view.show_conversation(conversation(5000))
    text = view.toPlainText()
    assert "message number 4999" in text
    assert f"message number {5000 - WINDOW}" in text
    assert f"message number {5000 - WINDOW - 1}" not in text
    assert "earlier messages" in text
    assert view.following


def test_scrolling_to_the_top_loads_earlier_messages_and_keeps_the_place(qtbot):
    view = MessageView()
    qtbot.addWidget(view)
    view.resize(600, 400)
    view.show()
    view.show_conversation(conversation(300))
    bar = view.verticalScrollBar()
    bar.setValue(0)
    qtbot.waitUntil(lambda: f"message number {300 - 2 * WINDOW}" in view.toPlainText())
    # The message that was at the top is still on screen, not the new first one.
    assert bar.value() > 0
    assert not view.following


def test_jumping_to_an_old_message_lays_it_out(qtbot):
    view = MessageView()
    qtbot.addWidget(view)
    view.resize(600, 400)
    view.show()
    view.show_conversation(conversation(1000))
    assert "message number 10 " not in view.toPlainText()
    assert view.scroll_to_message("m10")
    assert "message number 10 " in view.toPlainText()
    assert not view.following


def test_rerendering_the_same_chat_keeps_what_was_loaded(qtbot):
    view = MessageView()
    qtbot.addWidget(view)
    messages = conversation(200)
    view.show_conversation(messages)
    view.show_earlier()
    loaded = view.toPlainText().count("message number")
    view.show_conversation([*messages, *conversation(202)[200:]])
    assert view.toPlainText().count("message number") == loaded + 2

"""Thinking streams into an open "Thinking" section above the answer, which folds, with how
long the model thought, as soon as the answer starts (issue 12)."""

from __future__ import annotations

import fake_openai as fake
from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QApplication

from desktop_chat.domain import Message, MessageStatus, Role, Usage, utc_now
from desktop_chat.ui.message_view import MessageView, format_seconds

LONG_THOUGHT = " ".join(f"step{n}" for n in range(1200))  # longer than one live block


def _live(qtbot) -> MessageView:
    view = MessageView()
    qtbot.addWidget(view)
    view.resize(700, 500)
    view.show()
    qtbot.waitExposed(view)
    view.show_conversation([Message("u", "c", None, Role.USER, "2+2?", utc_now())])
    view.begin_stream(
        Message("a", "c", "u", Role.ASSISTANT, "", utc_now(), status=MessageStatus.STREAMING)
    )
    return view


def test_thinking_streams_open_then_folds_when_the_answer_starts(qtbot):
    view = _live(qtbot)
    view.append_thinking("Two and two ")
    view.append_thinking("make four.")
    text = view.toPlainText()
    assert "▾ Thinking…" in text and "Two and two make four." in text
    assert text.index("2+2?") < text.index("Thinking") < text.index("Two and two")
    view.append_delta("The answer ")
    view.append_delta("is 4.")
    text = view.toPlainText()
    assert "Two and two" not in text  # folded ...
    assert "▸ Thought for " in text and text.endswith("The answer is 4.")  # ... answer below
    # A click opens it again while the answer still streams, above the answer.
    view.anchorClicked.emit(QUrl("action:thinking/a"))
    text = view.toPlainText()
    assert text.index("▾ Thought for") < text.index("make four.") < text.index("The answer")
    view.append_delta(" Sure.")
    assert view.toPlainText().endswith("The answer is 4. Sure.")
    view.anchorClicked.emit(QUrl("action:thinking/a"))
    assert "make four" not in view.toPlainText()
    assert view.toPlainText().endswith("The answer is 4. Sure.")


def test_a_long_thought_folds_whole_and_the_answer_stays_intact(qtbot):
    view = _live(qtbot)
    for start in range(0, len(LONG_THOUGHT), 7):
        view.append_thinking(LONG_THOUGHT[start : start + 7])
        if start % 700 == 0:
            QApplication.processEvents()
    assert LONG_THOUGHT in view.toPlainText()  # cut into blocks at wraps, read as one
    view.append_delta("Done.")
    text = view.toPlainText()
    assert "step" not in text and text.endswith("Done.")
    view.anchorClicked.emit(QUrl("action:thinking/a"))
    assert LONG_THOUGHT in view.toPlainText()
    assert view.toPlainText().endswith("Done.")


def test_the_clock_runs_while_the_model_thinks(qtbot):
    view = _live(qtbot)
    view.append_thinking("hmm")
    qtbot.waitUntil(lambda: "Thinking… 1 s" in view.toPlainText(), timeout=3_000)
    assert view.toPlainText().count("Thinking") == 1


def test_a_reopened_tab_shows_the_thinking_so_far(qtbot):
    view = MessageView()
    qtbot.addWidget(view)
    thinking = Message(
        "a",
        "c",
        None,
        Role.ASSISTANT,
        "",
        utc_now(),
        status=MessageStatus.STREAMING,
        reasoning="so far",
    )
    view.begin_stream(thinking)
    assert "▾ Thinking…" in view.toPlainText() and "so far" in view.toPlainText()
    view.show_conversation([])
    view.begin_stream(
        Message(
            "a",
            "c",
            None,
            Role.ASSISTANT,
            "Four",
            utc_now(),
            status=MessageStatus.STREAMING,
            reasoning="so far",
        )
    )
    text = view.toPlainText()
    assert "so far" not in text and "Thought for" in text and text.endswith("Four")


def test_a_finished_answer_says_how_long_it_thought(qtbot):
    view = MessageView()
    qtbot.addWidget(view)
    usage = Usage(10, 50, thinking_ms=12_400)
    view.show_conversation(
        [Message("a", "c", None, Role.ASSISTANT, "4", utc_now(), usage=usage, reasoning="a b")]
    )
    assert "▸ Thought for 12 s (2 words)" in view.toPlainText()
    assert [format_seconds(s) for s in (0.42, 12.4, 125, 120)] == [
        "0.4 s",
        "12 s",
        "2 min 5 s",
        "2 min",
    ]


def test_the_chat_window_streams_thinking_live_and_stores_its_time(
    qtbot, controller, fake_openai, open_window
):
    fake_openai.script(
        fake.reply(["<think>", "Let me add ", "two and two.", "</think>", "Four", "."], 0.25)
    )
    window = open_window(controller)
    tab = window.current_tab()
    tab.composer.setPlainText("2+2?")
    tab.send()
    view = tab.message_view
    qtbot.waitUntil(lambda: "two and two." in view.toPlainText(), timeout=10_000)
    assert "▾ Thinking…" in view.toPlainText()
    qtbot.waitUntil(lambda: "Four" in view.toPlainText(), timeout=10_000)
    assert "two and two." not in view.toPlainText()
    assert "▸ Thought for" in view.toPlainText()
    qtbot.waitUntil(lambda: not controller.is_streaming(tab.conversation.id), timeout=10_000)
    answer = controller.store.get_conversation(tab.conversation.id).messages[-1]
    assert answer.reasoning == "Let me add two and two."
    assert answer.usage is not None and 400 <= (answer.usage.thinking_ms or 0) <= 3_000
    qtbot.waitUntil(lambda: "Thought for" in view.toPlainText() and "words)" in view.toPlainText())


def test_quick_ask_shows_the_thinking_live_too(qtbot, controller, fake_openai):
    from PySide6.QtCore import Qt

    from desktop_chat.ui.quick_ask import QuickAskWindow

    fake_openai.script(fake.reply(["<think>", "Adding ", "up.", "</think>", "Four", "."], 0.25))
    popup = QuickAskWindow(controller)
    qtbot.addWidget(popup)
    popup.present()
    qtbot.waitUntil(popup.isVisible)
    qtbot.keyClicks(popup.input, "2+2?")
    qtbot.keyClick(popup.input, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Adding up." in popup.answer.toPlainText(), timeout=10_000)
    assert "▾ Thinking…" in popup.answer.toPlainText()
    qtbot.waitUntil(lambda: "Four." in popup.answer.toPlainText(), timeout=10_000)
    assert "Adding up." not in popup.answer.toPlainText()
    assert "Thought for" in popup.answer.toPlainText()

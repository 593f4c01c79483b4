"""A code fence can never freeze the window: highlighting runs in a worker process with a
deadline (issue 19, case 1), and values that reach the view's HTML are escaped."""

from __future__ import annotations

import threading
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

from desktop_chat import highlight
from desktop_chat.domain import Message, Role, utc_now
from desktop_chat.highlight import Highlighter
from desktop_chat.render import render_markdown
from desktop_chat.ui.message_view import MessageView

# Pygments' CDDL lexer backtracks on this: 22 s at 40 backslashes (days at 60), here and now
# seconds: enough to fail on a GUI-thread highlighter without hanging the suite for days.
HOSTILE_CODE = 'a = "' + "\\" * 40
HOSTILE_ANSWER = f"Here:\n\n```cddl\n{HOSTILE_CODE}\n```\n\nand after it, text.\n"


def answer(text: str, message_id: str = "a1") -> Message:
    return Message(message_id, "c1", None, Role.ASSISTANT, text, utc_now())


@pytest.fixture
def fresh_highlighter():
    """The app's shared highlighter, new for the test and closed after it."""
    highlight.shutdown()
    yield highlight.shared()
    highlight.shutdown()


def test_a_block_that_misses_the_deadline_is_plain_and_the_worker_is_replaced():
    highlighter = Highlighter(deadline_seconds=1.0)
    done = threading.Event()
    highlighter.add_listener(done.set)
    try:
        started = time.monotonic()
        assert highlighter.lookup(HOSTILE_CODE, "cddl", False) is None  # queued, never waited on
        assert time.monotonic() - started < 0.1
        assert done.wait(30)
        assert highlighter.lookup(HOSTILE_CODE, "cddl", False) == highlight.plain(HOSTILE_CODE)
        assert highlighter.timed_out == [(HOSTILE_CODE, "cddl", False)]
        # The stuck worker was killed; the next block gets a new one and is highlighted.
        done.clear()
        assert highlighter.lookup("print('hi')", "python", False) is None
        assert done.wait(30)
        assert "span style" in (highlighter.lookup("print('hi')", "python", False) or "")
    finally:
        highlighter.close()
    assert highlighter._process is None


def test_window_answers_a_key_press_within_200_ms_with_the_hostile_fence_on_screen(
    qtbot, fresh_highlighter
):
    window = QWidget()
    qtbot.addWidget(window)
    layout = QVBoxLayout(window)
    view = MessageView()
    composer = QLineEdit()
    layout.addWidget(view)
    layout.addWidget(composer)
    window.resize(800, 600)
    window.show()
    qtbot.waitExposed(window)
    composer.setFocus()

    started = time.monotonic()
    view.show_conversation([answer(HOSTILE_ANSWER)])
    qtbot.keyClick(composer, "x")
    qtbot.waitUntil(lambda: composer.text() == "x", timeout=200)
    assert time.monotonic() - started < 0.2
    assert HOSTILE_CODE in view.toPlainText()  # shown, as plain text, meanwhile
    # The worker gives up on it; the view keeps answering all the while.
    for _ in range(10):
        started = time.monotonic()
        qtbot.keyClick(composer, "y")
        assert time.monotonic() - started < 0.2
        qtbot.wait(200)
    qtbot.waitUntil(lambda: bool(fresh_highlighter.timed_out), timeout=30_000)
    assert HOSTILE_CODE in view.toPlainText()


def test_reopening_the_hostile_chat_does_not_ask_the_worker_again(qtbot, fresh_highlighter):
    fresh_highlighter.deadline_seconds = 0.5
    view = MessageView()
    qtbot.addWidget(view)
    view.show_conversation([answer(HOSTILE_ANSWER)])
    qtbot.waitUntil(
        lambda: bool(fresh_highlighter.timed_out) and not fresh_highlighter.busy, timeout=30_000
    )
    view.show_conversation([])
    started = time.monotonic()
    view.show_conversation([answer(HOSTILE_ANSWER)])
    assert time.monotonic() - started < 0.2
    assert not fresh_highlighter.busy  # known plain for this session: nothing queued


def test_code_is_shown_plain_at_once_then_highlighted_in_place(qtbot, fresh_highlighter):
    view = MessageView()
    qtbot.addWidget(view)
    view.show_conversation(
        [
            answer("first", "m0"),
            answer("```python\ndef greet():\n    return 'hi'\n```\n", "m1"),
            answer("last", "m2"),
        ]
    )
    assert "def greet()" in view.toPlainText()
    assert "#008000" not in view.toHtml()  # not highlighted yet: the worker is starting
    qtbot.waitUntil(lambda: "#008000" in view.toHtml(), timeout=30_000)  # 'def' in green
    text = view.toPlainText()
    assert text.index("first") < text.index("def greet()") < text.index("last")
    assert text.count("def greet()") == 1


def test_message_ids_are_escaped_in_action_links(qtbot):
    hostile_id = 'x" onclick="y<b>/../&z'
    view = MessageView()
    qtbot.addWidget(view)
    view.show_conversation([answer("```\ncode\n```", hostile_id)])
    assert 'onclick="y' not in view.toHtml()
    with qtbot.waitSignal(view.action_requested, timeout=1000) as asked:
        view.anchorClicked.emit(QUrl(f"action:copy/{hostile_id.replace('%', '%25')}"))
    assert asked.args == ["copy", hostile_id]
    with qtbot.waitSignal(view.code_copied, timeout=1000) as copied:
        view.anchorClicked.emit(QUrl("action:copycode/" + _quoted(hostile_id) + ":0"))
    assert copied.args == ["code"]


def _quoted(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe="")


class _Recording:
    """A highlighter that records what it is asked and answers plain at once."""

    def lookup(self, code: str, language: str, dark: bool) -> str | None:
        return highlight.plain(code)


@settings(max_examples=300, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.text(
        alphabet=st.sampled_from([*"`~*_[]()<>!#-|$\\\"'& \n\tab1{}", "\x00", "\u202e", "字"]),
        max_size=400,
    )
)
def test_any_text_renders_safely_and_quickly(text):
    started = time.monotonic()
    rendered = render_markdown(text, highlighter=_Recording())
    assert time.monotonic() - started < 2.0
    assert "<script" not in rendered.html.lower()
    assert "javascript:" not in rendered.html.lower()
    assert rendered.pending == 0

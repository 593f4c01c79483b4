"""Regression: PySide6 6.12.0 on CPython 3.11 drops a reference to None on every call of a
method that returns nothing, until the interpreter aborts with `Fatal Python error:
none_dealloc` (see ../shared/notes/headless-testing.md, "A crash to pin against"). A streaming
chat makes such calls for every delta, so this pins the installed PySide6 against it.

On Python 3.12+ None is immortal, its reference count is constant, and these tests pass
trivially: that is correct, the crash cannot happen there.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtGui import QTextCursor, QTextDocument
from PySide6.QtWidgets import QTextBrowser

from desktop_chat.domain import Message, MessageStatus, Role
from desktop_chat.ui.message_view import MessageView

CALLS = 20_000
MARGIN = 100  # normal allocation noise; the bug loses one reference per call (~20,000)


def none_refs_lost(call: Callable[[], object], calls: int = CALLS) -> int:
    call()  # warm up caches (method lookup, type objects) outside the measurement
    before = sys.getrefcount(None)
    for _ in range(calls):
        call()
    after = sys.getrefcount(None)
    return before - after


def test_qtextcursor_insert_text_keeps_none_alive(qapp):
    document = QTextDocument()
    cursor = QTextCursor(document)
    lost = none_refs_lost(lambda: cursor.insertText("x\n"))
    assert lost < MARGIN, f"None lost {lost} references in {CALLS} calls of insertText"
    assert document.toPlainText().count("x") == CALLS + 1


def test_qtextbrowser_append_keeps_none_alive(qtbot):
    browser = QTextBrowser()
    qtbot.addWidget(browser)
    browser.setUndoRedoEnabled(False)
    lost = none_refs_lost(lambda: browser.append("y"))
    assert lost < MARGIN, f"None lost {lost} references in {CALLS} calls of append"


def test_message_view_append_delta_keeps_none_alive(qtbot):
    view = MessageView()
    qtbot.addWidget(view)
    view.begin_stream(
        Message(
            id="answer",
            conversation_id="c",
            parent_id=None,
            role=Role.ASSISTANT,
            content="",
            created_at=datetime(2026, 1, 1, tzinfo=UTC),
            status=MessageStatus.STREAMING,
        )
    )
    lost = none_refs_lost(lambda: view.append_delta("tok\n"))
    assert lost < MARGIN, f"None lost {lost} references in {CALLS} streamed deltas"
    assert view.toPlainText().count("tok\n") == CALLS + 1

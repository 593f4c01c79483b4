"""A long streamed paragraph looks and copies as one paragraph (issue 15): the live block is
cut only where its lines wrap anyway, and the cuts are not line breaks in the view's text."""

from __future__ import annotations

import itertools

from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication

from desktop_chat.domain import Message, MessageStatus, Role, utc_now
from desktop_chat.ui.message_view import CONTINUED_PROPERTY, MessageView

CHUNK = 5


def _prose(length: int) -> str:
    words = ("streaming", "answer", "model", "tokens", "quick", "window", "paragraph", "a")
    return " ".join(words[i % len(words)] for i in range(length // 3))[:length]


def _stream(qtbot, text: str, width: int = 700) -> MessageView:
    view = MessageView()
    qtbot.addWidget(view)
    view.resize(width, 500)
    view.show()
    qtbot.waitExposed(view)
    view.begin_stream(
        Message("a", "c", None, Role.ASSISTANT, "", utc_now(), status=MessageStatus.STREAMING)
    )
    for number, start in enumerate(range(0, len(text), CHUNK)):
        view.append_delta(text[start : start + CHUNK])
        if number % 40 == 0:
            QApplication.processEvents()
    QApplication.processEvents()
    return view


def _live_blocks(view: MessageView) -> list:
    block, blocks = view.document().lastBlock(), []
    while block.isValid():
        blocks.insert(0, block)
        if not block.blockFormat().property(CONTINUED_PROPERTY):
            break
        block = block.previous()
    return blocks


def test_a_streamed_20000_character_paragraph_has_no_hard_breaks(qtbot):
    text = _prose(20_000)
    view = _stream(qtbot, text)
    blocks = _live_blocks(view)
    assert len(blocks) > 5  # it was cut, so each delta stays cheap ...
    assert text in view.toPlainText()  # ... but the view's text has no breaks in it
    assert "\n" not in view.toPlainText().split("\n")[-1] and view.toPlainText().endswith(text)
    # ... and it looks like one paragraph: every cut falls on a line wrap, so each piece but
    # the last is made of full lines, spaced like the lines inside a block.
    layout = view.document().documentLayout()
    tops = []
    for block in blocks:
        rect = layout.blockBoundingRect(block)
        lines = block.layout()
        for index in range(lines.lineCount()):
            tops.append(rect.top() + lines.lineAt(index).y())
    gaps = {round(b - a, 1) for a, b in itertools.pairwise(tops)}
    assert len(gaps) == 1, gaps
    for block in blocks[:-1]:
        last = block.layout().lineAt(block.layout().lineCount() - 1)
        next_word = block.next().text().split(" ")[0]
        spare = last.width() - last.naturalTextWidth()
        assert spare < view.fontMetrics().horizontalAdvance(" " + next_word) + 24


def test_copying_the_live_paragraph_gives_it_without_breaks(qtbot):
    text = _prose(6_000)
    view = _stream(qtbot, text)
    cursor = view.textCursor()
    cursor.setPosition(_live_blocks(view)[0].position())
    cursor.movePosition(QTextCursor.MoveOperation.End, QTextCursor.MoveMode.KeepAnchor)
    view.setTextCursor(cursor)
    assert len(_live_blocks(view)) > 1
    assert view.createMimeDataFromSelection().text() == text


def test_a_resize_while_streaming_joins_the_cuts_again(qtbot):
    text = _prose(8_000)
    view = _stream(qtbot, text)
    assert len(_live_blocks(view)) > 1
    view.resize(420, 500)
    QApplication.processEvents()
    assert len(_live_blocks(view)) == 1
    view.append_delta(" more")
    assert view.toPlainText().endswith(text + " more")

"""The message view's scroll bar repaints only when what it shows changes (a streamed frame
that leaves the handle where it was repaints the text, not the bar and the widgets behind it)."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop_chat.domain import Message, MessageStatus, Role
from desktop_chat.ui.message_view import MessageView
from desktop_chat.ui.quiet_scrollbar import QuietScrollBar


class PaintCounter(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.paints = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.paints += 1
        return False


def message(index: int, role: Role, content: str, status=MessageStatus.COMPLETE) -> Message:
    return Message(
        id=f"m{index}",
        conversation_id="c1",
        parent_id=f"m{index - 1}" if index else None,
        role=role,
        content=content,
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
        status=status,
    )


def settle(qtbot: QtBot) -> None:
    for _ in range(5):
        QApplication.processEvents()
        qtbot.wait(5)


def test_a_streamed_frame_that_leaves_the_handle_in_place_does_not_repaint_the_bar(
    qtbot: QtBot,
) -> None:
    view = MessageView()
    qtbot.addWidget(view)
    view.resize(600, 400)
    view.show()
    qtbot.waitExposed(view)
    long_text = "\n\n".join(f"paragraph {i} " + "word " * 120 for i in range(300))
    earlier = [message(0, Role.USER, "tell me"), message(1, Role.ASSISTANT, long_text)]
    view.show_conversation(earlier)
    view.begin_stream(message(2, Role.ASSISTANT, "", MessageStatus.STREAMING))
    settle(qtbot)
    bar = view.verticalScrollBar()
    assert isinstance(bar, QuietScrollBar)
    counter = PaintCounter()
    bar.installEventFilter(counter)
    viewport_counter = PaintCounter()
    view.viewport().installEventFilter(viewport_counter)
    maximum = bar.maximum()

    for _ in range(20):  # the handle is at its least length, at the bottom: it stays put
        view.append_delta("more words of the answer, " * 8 + "\n")
        settle(qtbot)

    assert bar.maximum() > maximum and bar.value() == bar.maximum()  # it did follow
    assert viewport_counter.paints >= 20  # the text was painted at each frame
    assert counter.paints == 0

    bar.setValue(bar.maximum() // 2)  # the reader scrolls: the handle moves, the bar repaints
    settle(qtbot)
    assert counter.paints >= 1

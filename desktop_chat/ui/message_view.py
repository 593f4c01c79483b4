"""MessageView: one read-only document that shows a conversation and grows as answers stream.

Messages are frames in a single QTextDocument, so text selects and copies across messages and
memory stays small. A streamed delta is inserted at the end of the last frame through a kept
cursor: its cost does not depend on how long the answer or the conversation already is. Model
text is always inserted as plain text, never as HTML, so nothing in it is interpreted.

Follow mode: the view sticks to the bottom while the reader is there; scrolling up stops
following, and the "Jump to latest" button (shown only then) brings it back.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, QObject, QUrl, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QPalette,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextFrame,
    QTextFrameFormat,
    QTextLength,
)
from PySide6.QtWidgets import QTextBrowser, QToolButton, QWidget

from desktop_chat.domain import Message, MessageStatus, Role

FOLLOW_THRESHOLD_PX = 24
ACTION_SCHEME = "action"

_ROLE_LABELS = {Role.USER: "You", Role.ASSISTANT: "Assistant", Role.SYSTEM: "System"}
_STATUS_LABELS = {
    MessageStatus.INTERRUPTED: "interrupted",
    MessageStatus.ERROR: "incomplete: the connection failed",
    MessageStatus.STREAMING: "answering…",
}


def _tint(base: QColor, hue_from: QColor, amount: float) -> QColor:
    return QColor(
        round(base.red() + (hue_from.red() - base.red()) * amount),
        round(base.green() + (hue_from.green() - base.green()) * amount),
        round(base.blue() + (hue_from.blue() - base.blue()) * amount),
    )


class MessageView(QTextBrowser):
    """Shows messages; emits `action_requested(action, message_id)` for Copy/Edit/etc."""

    action_requested = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messageView")
        self.setAccessibleName("messageView")
        self.setAccessibleDescription("The conversation. Answers appear here as they stream.")
        self.setOpenLinks(False)  # our action links and any model link go through a slot
        self.setOpenExternalLinks(False)
        self.setUndoRedoEnabled(False)
        self.document().setUndoRedoEnabled(False)
        self.document().setDocumentMargin(12)
        self.anchorClicked.connect(self._on_anchor)
        self._messages: list[Message] = []
        self._frames: dict[str, QTextFrame] = {}
        self._stream_cursor: QTextCursor | None = None
        self._stream_frame: QTextFrame | None = None
        self._follow = True
        self._adjusting = False
        self._jump = QToolButton(self)
        self._jump.setObjectName("jumpToLatest")
        self._jump.setAccessibleName("Jump to latest")
        self._jump.setText("↓ Jump to latest")
        self._jump.setAutoRaise(False)
        self._jump.hide()
        self._jump.clicked.connect(self.jump_to_latest)
        bar = self.verticalScrollBar()
        bar.valueChanged.connect(self._on_scrolled)
        bar.rangeChanged.connect(self._on_range_changed)
        self.viewport().installEventFilter(self)

    # --- content ----------------------------------------------------------------------------

    @property
    def messages(self) -> list[Message]:
        return list(self._messages)

    def show_conversation(self, messages: tuple[Message, ...] | list[Message]) -> None:
        """Render the whole conversation (on open and after edits; not per streamed delta)."""
        bar = self.verticalScrollBar()
        following, position = self._follow, bar.value()
        self._messages = list(messages)
        self._frames.clear()
        self._stream_cursor = None
        self._stream_frame = None
        self._adjusting = True  # clearing resets the range: not a reader's scroll
        self.clear()
        cursor = QTextCursor(self.document())
        cursor.beginEditBlock()
        for message in self._messages:
            self._insert_message(cursor, message)
        cursor.endEditBlock()
        self._adjusting = False
        # A reader who had scrolled up keeps their place; otherwise stay at the latest.
        if following:
            self._scroll_to_bottom()
        else:
            self._adjusting = True
            bar.setValue(position)
            self._adjusting = False

    def begin_stream(self, message: Message) -> None:
        """Add the (empty or partial) answer that is streaming; deltas go to its end."""
        self._messages.append(message)
        cursor = QTextCursor(self.document())
        cursor.movePosition(QTextCursor.MoveOperation.End)
        frame = self._insert_message(cursor, message)
        self._stream_frame = frame
        self._stream_cursor = QTextCursor(frame.lastCursorPosition())

    def append_delta(self, text: str) -> None:
        if self._stream_cursor is None or not text:
            return
        self._stream_cursor.insertText(text, self._body_format())

    def scroll_to_message(self, message_id: str) -> bool:
        """Bring a message's top into view (search results); stops following the stream."""
        frame = self._frames.get(message_id)
        if frame is None:
            return False
        cursor = QTextCursor(self.document())
        cursor.setPosition(frame.firstPosition())
        self.setTextCursor(cursor)
        bar = self.verticalScrollBar()
        self._follow = False
        self._adjusting = True
        bar.setValue(bar.value() + self.cursorRect(cursor).top() - 8)
        self._adjusting = False
        self._jump.setVisible(bar.value() < bar.maximum() - FOLLOW_THRESHOLD_PX)
        return True

    @property
    def is_streaming(self) -> bool:
        return self._stream_cursor is not None

    def plain_text_of(self, message_id: str) -> str | None:
        for message in self._messages:
            if message.id == message_id:
                return message.content
        return None

    # --- follow mode ------------------------------------------------------------------------

    @property
    def following(self) -> bool:
        return self._follow

    def stop_following(self) -> None:
        self._follow = False

    def jump_to_latest(self) -> None:
        self._follow = True
        self._scroll_to_bottom()
        self._jump.hide()

    def _scroll_to_bottom(self) -> None:
        bar = self.verticalScrollBar()
        self._adjusting = True
        bar.setValue(bar.maximum())
        self._adjusting = False

    def _on_scrolled(self, value: int) -> None:
        if self._adjusting:
            return
        bar = self.verticalScrollBar()
        self._follow = value >= bar.maximum() - FOLLOW_THRESHOLD_PX
        self._jump.setVisible(not self._follow)

    def _on_range_changed(self, _minimum: int, maximum: int) -> None:
        if self._follow:
            self._scroll_to_bottom()
        else:
            self._jump.setVisible(self.verticalScrollBar().value() < maximum - FOLLOW_THRESHOLD_PX)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.viewport() and event.type() == QEvent.Type.Resize:
            self._place_jump_button()
        return super().eventFilter(watched, event)

    def _place_jump_button(self) -> None:
        self._jump.adjustSize()
        viewport = self.viewport().geometry()
        self._jump.move(
            viewport.right() - self._jump.width() - 12,
            viewport.bottom() - self._jump.height() - 12,
        )

    def showEvent(self, event: object) -> None:
        # On its first show QTextEdit scrolls its own (unused) text cursor into view: that is
        # not a reader's scroll, so it must neither end follow mode nor move a kept position.
        bar = self.verticalScrollBar()
        position = bar.value()
        self._adjusting = True
        super().showEvent(event)  # type: ignore[arg-type]
        bar.setValue(bar.maximum() if self._follow else position)
        self._adjusting = False
        self._place_jump_button()

    # --- drawing ----------------------------------------------------------------------------

    def _body_format(self) -> QTextCharFormat:
        return QTextCharFormat()

    def _insert_message(self, cursor: QTextCursor, message: Message) -> QTextFrame:
        palette = self.palette()
        base = palette.color(QPalette.ColorRole.Base)
        highlight = palette.color(QPalette.ColorRole.Highlight)
        frame_format = QTextFrameFormat()
        frame_format.setPadding(8)
        frame_format.setBottomMargin(8)
        frame_format.setWidth(QTextLength(QTextLength.Type.PercentageLength, 100))
        if message.role is Role.USER:
            frame_format.setBackground(_tint(base, highlight, 0.12))
        elif message.role is Role.SYSTEM:
            frame_format.setBackground(_tint(base, QColor("#b08000"), 0.12))
        else:
            frame_format.setBackground(_tint(base, palette.color(QPalette.ColorRole.Text), 0.04))
        cursor.movePosition(QTextCursor.MoveOperation.End)
        frame = cursor.insertFrame(frame_format)
        self._frames[message.id] = frame
        cursor.insertHtml(self._header_html(message))
        cursor.insertBlock(QTextBlockFormat(), QTextCharFormat())
        cursor.insertText(message.content, self._body_format())
        cursor.movePosition(QTextCursor.MoveOperation.End)
        return frame

    def _header_html(self, message: Message) -> str:
        def link(action: str, label: str) -> str:
            return (
                f'<a href="{ACTION_SCHEME}:{action}/{message.id}" '
                f'style="text-decoration:none">{html.escape(label)}</a>'
            )

        parts = [f"<b>{_ROLE_LABELS[message.role]}</b>"]
        status = _STATUS_LABELS.get(message.status)
        if status:
            parts.append(f'<i style="color:#b05000">— {html.escape(status)}</i>')
        if message.sibling_count > 1:
            parts.append(
                link("previous", "‹")
                + f" {message.sibling_index + 1}/{message.sibling_count} "
                + link("next", "›")
            )
        actions = [link("copy", "Copy"), link("edit", "Edit")]
        if message.role is Role.ASSISTANT:
            actions.append(link("regenerate", "Regenerate"))
        small = QFont(self.font()).pointSizeF() * 0.9
        parts.append(f'<span style="font-size:{small:.1f}pt">' + " · ".join(actions) + "</span>")
        return "&nbsp;&nbsp;".join(parts)

    def _on_anchor(self, url: QUrl) -> None:
        if url.scheme() != ACTION_SCHEME:
            return  # links in model text are not followed from here (see issue on rendering)
        action, _, message_id = url.path().partition("/")
        self.action_requested.emit(action, message_id)

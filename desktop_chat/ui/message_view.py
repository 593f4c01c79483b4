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
import time
import unicodedata
from collections.abc import Mapping
from urllib.parse import quote

from PySide6.QtCore import QEvent, QMimeData, QObject, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QColor,
    QContextMenuEvent,
    QDesktopServices,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QFont,
    QGuiApplication,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPalette,
    QResizeEvent,
    QTextBlock,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFrame,
    QTextFrameFormat,
    QTextLength,
)
from PySide6.QtWidgets import QApplication, QMenu, QTextBrowser, QToolButton, QWidget

from desktop_chat import highlight
from desktop_chat.domain import Message, MessageStatus, Role
from desktop_chat.pricing import cost, price_table
from desktop_chat.render import (
    COPY_CODE_SCHEME,
    formula_as_code,
    formula_placeholder,
    is_safe_link,
    render_markdown,
    written_formula,
)
from desktop_chat.ui.i18n import (
    QT_TRANSLATE_NOOP,
    decimal,
    money,
    short_time,
    translate,
)
from desktop_chat.ui.i18n import (
    number as grouped,
)
from desktop_chat.ui.message_actions import MessageActionBar, fill_menu
from desktop_chat.ui.quiet_scrollbar import QuietScrollBar
from desktop_chat.ui.theme import is_dark

FOLLOW_THRESHOLD_PX = 24
LIVE_BLOCK_CHARS = 600  # a streaming paragraph longer than this continues in a new block
# QTextFormat.UserProperty + 1, set on a block that continues the live paragraph (not a break)
CONTINUED_PROPERTY = 0x100000 + 1
WINDOW = 30  # messages laid out at once; older ones load as the reader scrolls up
# Typesetting takes ~10 ms a formula, on the GUI thread: a turn of the event loop typesets for
# this long at most, the other formulas show as their source until later turns reach them.
TYPESET_BUDGET_S = 0.04
MAX_FORMULAS = 400  # in one message; more (a hostile answer of 10,000 "$x_i$") stay source
MATH_IMPORT_POLL_MS = 100  # while matplotlib is imported on its worker thread
ACTION_SCHEME = "action"

QUIET_TEXT = "#8a8d93"  # header and footer lines: readable on light and dark, never loud
COLUMN_CHARS = 80  # the readable column: about this many characters of body text
_ROLE_LABELS = {
    Role.USER: QT_TRANSLATE_NOOP("MessageView", "You"),
    Role.ASSISTANT: QT_TRANSLATE_NOOP("MessageView", "Assistant"),
    Role.SYSTEM: QT_TRANSLATE_NOOP("MessageView", "System"),
}
_STATUS_LABELS = {
    MessageStatus.INTERRUPTED: QT_TRANSLATE_NOOP("MessageView", "interrupted"),
    MessageStatus.ERROR: QT_TRANSLATE_NOOP("MessageView", "incomplete: the connection failed"),
    MessageStatus.STREAMING: QT_TRANSLATE_NOOP("MessageView", "answering…"),
}


COPIED_MS = 1500  # how long a code block's Copy link says "Copied"
HIGHLIGHT_COALESCE_MS = 30  # blocks finished together are shown in one re-render


class _HighlightNotices(QObject):
    """Carries "blocks were highlighted" from the highlighter's thread to the GUI thread."""

    done = Signal()


_notices: _HighlightNotices | None = None
_listened_to: highlight.Highlighter | None = None


def _highlight_notices() -> _HighlightNotices:
    """The one notices object; it listens to the current shared highlighter (a new one is
    made after a shutdown)."""
    global _notices, _listened_to
    if _notices is None:
        _notices = _HighlightNotices()
    current = highlight.shared()
    if current is not _listened_to:
        current.add_listener(_notices.done.emit)
        _listened_to = current
    return _notices


class _LiveThinking:
    """The open "Thinking" section of the answer that streams now."""

    __slots__ = ("answer_start", "answered_at", "cursor", "label_start", "started_at", "text")

    def __init__(
        self, label_start: QTextCursor, answer_start: QTextCursor, started_at: float
    ) -> None:
        # Both keep their place when text is written right at them (the label's own text,
        # the answer's first words); thinking shown again between them moves the second.
        label_start.setKeepPositionOnInsert(True)
        answer_start.setKeepPositionOnInsert(True)
        self.label_start = label_start  # the start of the "▾ Thinking… 3 s" line
        self.answer_start = answer_start
        self.started_at = started_at
        self.answered_at: float | None = None  # when the answer began: the section folds
        self.text: list[str] = []
        self.cursor: QTextCursor | None = None  # the end of the shown thinking; None: folded

    @property
    def label(self) -> QTextBlock:
        return self.label_start.block()


def _thinking_block(base: QTextBlockFormat, gap_below: float = 0) -> QTextBlockFormat:
    """Thinking is set in a little from the answer. (No gap below while it streams: its
    paragraph is cut into blocks at line wraps, and a margin would show between the pieces.)"""
    indented = QTextBlockFormat(base)
    indented.setLeftMargin(base.leftMargin() + 12)
    indented.setTopMargin(2)
    indented.setBottomMargin(gap_below)
    return indented


def written_right_to_left(text: str) -> bool:
    """Whether `text` is in a right-to-left script (Arabic, Hebrew, ...), whatever the UI
    language: its first strongly directional character decides, as in Unicode's rule P2."""
    if text.isascii():
        return False  # the usual case, at C speed
    for character in text:
        if character.isascii():
            if character.isalpha():
                return False
            continue
        kind = unicodedata.bidirectional(character)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


def _align_right_to_left(cursor: QTextCursor, start: int) -> None:
    """Lay the blocks from `start` to the cursor out right to left, aligned right."""
    from PySide6.QtCore import Qt  # here: the `Qt` namespace is built lazily, and slowly

    block = cursor.document().findBlock(start)
    end = cursor.position()
    while block.isValid() and block.position() <= end:
        if not written_right_to_left(block.text()):  # the usage line, a code block, ...
            block = block.next()
            continue
        edit = QTextCursor(block)
        block_format = block.blockFormat()
        block_format.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
        # Absolute: in a right-to-left block a plain AlignRight means the *left* edge.
        block_format.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignAbsolute)
        edit.setBlockFormat(block_format)
        block = block.next()


def format_seconds(seconds: float) -> str:
    """ "0.4 s", "12 s", "2 min 5 s": how long a model thought."""
    if seconds < 1:
        return translate("MessageView", "{seconds} s").format(seconds=decimal(seconds, 1))
    whole = round(seconds)
    if whole < 60:
        return translate("MessageView", "{seconds} s").format(seconds=whole)
    if whole % 60:
        return translate("MessageView", "{minutes} min {seconds} s").format(
            minutes=whole // 60, seconds=whole % 60
        )
    return translate("MessageView", "{minutes} min").format(minutes=whole // 60)


def _href_part(value: str) -> str:
    """A value (a message id, from any import) as one safe piece of an action link."""
    return quote(value, safe="")


def _tint(base: QColor, hue_from: QColor, amount: float) -> QColor:
    return QColor(
        round(base.red() + (hue_from.red() - base.red()) * amount),
        round(base.green() + (hue_from.green() - base.green()) * amount),
        round(base.blue() + (hue_from.blue() - base.blue()) * amount),
    )


class MessageView(QTextBrowser):
    """Shows messages; emits `action_requested(action, message_id)` for Copy/Edit/etc."""

    action_requested = Signal(str, str)
    code_copied = Signal(str)
    # Files (local paths) or an image (a QImage) dropped on the view, to attach.
    files_dropped = Signal(list)

    def __init__(self, parent: QWidget | None = None, show_actions: bool = True) -> None:
        super().__init__(parent)
        self._show_actions = show_actions
        self.prices: Mapping[str, tuple[float, float]] = price_table()
        self.setObjectName("messageView")
        self.setAccessibleName("messageView")
        self.setAccessibleDescription(
            translate("MessageView", "The conversation. Answers appear here as they stream.")
        )
        self.setVerticalScrollBar(QuietScrollBar(self))
        self.setOpenLinks(False)  # our action links and any model link go through a slot
        self.setOpenExternalLinks(False)
        self.setUndoRedoEnabled(False)
        self.document().setUndoRedoEnabled(False)
        self.document().setDocumentMargin(12)
        self.anchorClicked.connect(self._on_anchor)
        self._messages: list[Message] = []
        self._frames: dict[str, QTextFrame] = {}
        self._shown_from = 0  # index of the first message laid out
        self._code_blocks: dict[str, tuple[str, ...]] = {}
        self._pending_highlight: set[str] = set()  # message ids shown with plain code for now
        self._pending_math: set[str] = set()  # message ids with formulas still shown as source
        self._math_images: dict[tuple[str, bool, str, float, float], QImage] = {}
        self._math_deadline: float | None = None  # this event-loop turn's typesetting budget
        self._thinking_shown: set[str] = set()  # message ids whose thinking is expanded
        self._tool_calls_shown: set[str] = set()  # "message id:position" of opened tool calls
        self._highlight_timer = QTimer(self)
        self._highlight_timer.setSingleShot(True)
        self._highlight_timer.setInterval(HIGHLIGHT_COALESCE_MS)
        self._highlight_timer.timeout.connect(self._show_highlighted)
        _highlight_notices().done.connect(self._on_highlighted)
        self._copied: tuple[str, int] | None = None  # the code block whose Copy says "Copied"
        self._copied_timer = QTimer(self)
        self._copied_timer.setSingleShot(True)
        self._copied_timer.setInterval(COPIED_MS)
        self._copied_timer.timeout.connect(self._end_copied)
        self._column_margin = 0
        self._formula_sources: dict[str, str] = {}  # formula image name -> its LaTeX, for copies
        self._waiting_thumbnails: set[str] = set()  # image names shown as placeholders now
        self._listening_to_thumbnails = False
        self._action_bar: MessageActionBar | None = None
        if show_actions:
            self._action_bar = MessageActionBar(self.viewport(), self.action_requested.emit)
            self.cursorPositionChanged.connect(self._show_actions_at_cursor)
            self.setMouseTracking(True)
        self._stream_cursor: QTextCursor | None = None
        self._live_thinking: _LiveThinking | None = None
        self._thinking_clock = QTimer(self)
        self._thinking_clock.setInterval(1000)
        self._thinking_clock.timeout.connect(self._tick_thinking)
        self._cut_width: float | None = None  # the text width the live paragraph was cut at
        self._follow = True
        self._adjusting = False
        self._jump = QToolButton(self)
        self._jump.setObjectName("jumpToLatest")
        self._jump.setAccessibleName(translate("MessageView", "Jump to latest"))
        self._jump.setText(translate("MessageView", "↓ Jump to latest"))
        self._jump.setAutoRaise(False)
        self._jump.hide()
        self._jump.clicked.connect(self.jump_to_latest)
        bar = self.verticalScrollBar()
        bar.valueChanged.connect(self._on_scrolled)
        bar.rangeChanged.connect(self._on_range_changed)

    # --- content ----------------------------------------------------------------------------

    @property
    def messages(self) -> list[Message]:
        return list(self._messages)

    def show_conversation(self, messages: tuple[Message, ...] | list[Message]) -> None:
        """Render the conversation (on open and after edits; not per streamed delta).

        Only the latest WINDOW messages are laid out; older ones are added a window at a time
        when the reader scrolls to the top, so a 5,000-message chat opens as fast as a short one.
        """
        same = bool(messages) and bool(self._messages) and messages[0].id == self._messages[0].id
        if not same:
            self._math_images.clear()  # another chat's formulas
        self._messages = list(messages)
        # Re-rendering the same chat keeps what the reader had loaded; a new chat starts small.
        latest_window = max(0, len(self._messages) - WINDOW)
        self._shown_from = min(self._shown_from, latest_window) if same else latest_window
        self._render_window(keep_distance_from_bottom=False)

    def _render_window(self, keep_distance_from_bottom: bool) -> None:
        bar = self.verticalScrollBar()
        following, position = self._follow, bar.value()
        from_bottom = bar.maximum() - position
        self._frames.clear()
        self._code_blocks.clear()
        self._formula_sources.clear()
        self._pending_highlight.clear()
        self._pending_math.clear()
        self._waiting_thumbnails.clear()  # clear() drops the document's images
        self._stream_cursor = None
        self._end_live_thinking()
        self._adjusting = True  # clearing resets the range: not a reader's scroll
        self.clear()
        self._column_margin = -1  # clear() reset the root frame: set the column again
        self._fit_column()
        if self._action_bar is not None:
            self._action_bar.hide()
        cursor = QTextCursor(self.document())
        cursor.beginEditBlock()
        if self._shown_from > 0:
            earlier = min(WINDOW, self._shown_from)
            cursor.insertHtml(
                f'<p align="center"><a href="{ACTION_SCHEME}:earlier/">'
                + translate(
                    "MessageView",
                    "Show %n earlier messages ({hidden} not shown)",
                    "",
                    earlier,
                ).format(hidden=grouped(self._shown_from))
                + "</a></p>"
            )
        for message in self._messages[self._shown_from :]:
            self._insert_message(cursor, message)
        cursor.endEditBlock()
        self._adjusting = False
        # A reader who had scrolled up keeps their place; otherwise stay at the latest.
        if following and not keep_distance_from_bottom:
            self._scroll_to_bottom()
        else:
            self._adjusting = True
            bar.setValue(bar.maximum() - from_bottom if keep_distance_from_bottom else position)
            self._adjusting = False

    def show_earlier(self, down_to: int | None = None) -> None:
        if self._shown_from == 0:
            return
        target = self._shown_from - WINDOW if down_to is None else down_to
        self._shown_from = max(0, target)
        self._render_window(keep_distance_from_bottom=True)

    def begin_stream(self, message: Message) -> None:
        """Add the (empty or partial) answer that is streaming; deltas go to its end.

        The live answer is plain blocks after the last frame, not a frame of its own: a repaint
        then covers only those lines, not the whole view. It becomes a frame like the others
        when the finished conversation is rendered.
        """
        self._messages.append(message)
        cursor = QTextCursor(self.document())
        cursor.movePosition(QTextCursor.MoveOperation.End)
        indent = QTextBlockFormat()
        indent.setLeftMargin(10)  # the frames' padding: the live answer lines up with them
        indent.setRightMargin(10)
        indent.setTopMargin(4)
        cursor.insertBlock(indent, QTextCharFormat())
        cursor.insertHtml(self._header_html(message))
        cursor.insertBlock(indent, QTextCharFormat())
        cursor.insertText(message.content, self._body_format())
        self._stream_cursor = cursor
        if message.reasoning:  # reopened while it streams
            self.append_thinking(message.reasoning)
            if message.content:
                self._collapse_live_thinking()

    # --- live thinking: shown open while the model thinks, folded once the answer starts ----

    def append_thinking(self, text: str) -> None:
        """Thinking streamed before the answer: grey text in an open "Thinking" section above
        the live answer, with a running clock."""
        if self._stream_cursor is None or not text:
            return
        live = self._live_thinking
        if live is None:
            live = self._open_live_thinking()
        live.text.append(text)
        if live.cursor is not None:
            live.cursor.insertText(text, self._thinking_format())
            if live.cursor.block().length() > LIVE_BLOCK_CHARS:
                self._continue_at_wrap(live.cursor.block())

    def _open_live_thinking(self) -> _LiveThinking:
        import time

        assert self._stream_cursor is not None
        body = self._stream_cursor.block()
        label = QTextCursor(self.document())
        label.setPosition(body.position())
        # Inserted before the answer's block: the stream cursor moves along with its text.
        label.insertBlock(body.blockFormat(), QTextCharFormat())
        answer = QTextCursor(self._stream_cursor.block())
        label.movePosition(QTextCursor.MoveOperation.PreviousBlock)
        live = _LiveThinking(label, answer, time.monotonic())
        self._live_thinking = live
        self._open_thinking_text()
        self._write_thinking_label()
        self._thinking_clock.start()
        return live

    def _open_thinking_text(self) -> None:
        live = self._live_thinking
        assert live is not None
        cursor = QTextCursor(live.label)
        cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock)
        cursor.insertBlock(_thinking_block(live.label.blockFormat()), QTextCharFormat())
        cursor.insertText("".join(live.text), self._thinking_format())
        live.cursor = cursor

    def _close_thinking_text(self) -> None:
        """Remove the shown thinking (the blocks between the label and the answer)."""
        live = self._live_thinking
        if live is None or live.cursor is None or self._stream_cursor is None:
            return
        cursor = QTextCursor(self.document())
        cursor.setPosition(live.label.position() + live.label.length() - 1)
        cursor.setPosition(live.answer_start.position() - 1, QTextCursor.MoveMode.KeepAnchor)
        cursor.removeSelectedText()
        live.cursor = None

    def _collapse_live_thinking(self) -> None:
        import time

        live = self._live_thinking
        if live is None or live.answered_at is not None:
            return
        live.answered_at = time.monotonic()
        self._thinking_clock.stop()
        self._close_thinking_text()
        self._write_thinking_label()

    def _toggle_live_thinking(self) -> None:
        live = self._live_thinking
        if live is None:
            return
        if live.cursor is None:
            self._open_thinking_text()
        else:
            self._close_thinking_text()
        self._write_thinking_label()

    def _tick_thinking(self) -> None:
        if self._live_thinking is None or self._live_thinking.answered_at is not None:
            self._thinking_clock.stop()
            return
        self._write_thinking_label()

    def _write_thinking_label(self) -> None:
        import time

        live = self._live_thinking
        if live is None or self._stream_cursor is None:
            return
        if live.answered_at is None:
            seconds = int(time.monotonic() - live.started_at)
            text = (
                translate("MessageView", "Thinking… {seconds} s").format(seconds=seconds)
                if seconds
                else translate("MessageView", "Thinking…")
            )
        else:
            text = translate("MessageView", "Thought for {time}").format(
                time=format_seconds(live.answered_at - live.started_at)
            )
        message_id = self._messages[-1].id if self._messages else ""
        arrow = "▾" if live.cursor is not None else "▸"
        cursor = QTextCursor(live.label)
        cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock, QTextCursor.MoveMode.KeepAnchor)
        link = QTextCharFormat()
        link.setAnchor(True)
        link.setAnchorHref(f"{ACTION_SCHEME}:thinking/{_href_part(message_id)}")
        link.setForeground(QColor(QUIET_TEXT))
        cursor.insertText(f"{arrow} {text}", link)

    def _end_live_thinking(self) -> None:
        self._live_thinking = None
        self._thinking_clock.stop()

    def _thinking_format(self) -> QTextCharFormat:
        grey = QTextCharFormat()
        grey.setForeground(QColor("#808080"))
        grey.setFontItalic(True)
        return grey

    def append_delta(self, text: str) -> None:
        if self._stream_cursor is None or not text:
            return
        if self._live_thinking is not None and self._live_thinking.answered_at is None:
            self._collapse_live_thinking()
        cursor = self._stream_cursor
        cursor.insertText(text, self._body_format())
        if cursor.block().length() > LIVE_BLOCK_CHARS:
            self._continue_at_wrap(cursor.block())

    def _continue_at_wrap(self, block: QTextBlock) -> None:
        """Qt lays a whole paragraph out again on each insert: a model that writes one huge
        paragraph would make every delta slower. So the live paragraph continues in a fresh
        block, cut exactly where its last line wraps: the lines look the same as one
        paragraph's, and the cut is marked, so the view's text and copies join it again."""
        layout = block.layout()
        if layout.lineCount() < 2:
            self.document().documentLayout().blockBoundingRect(block)  # lay it out now
        if layout.lineCount() >= 2:
            position = block.position() + layout.lineAt(layout.lineCount() - 1).textStart()
        else:
            # Not wrapped (a hidden tab's view has no width yet): cut at the end; the cuts are
            # joined when the view gets its width (resizeEvent), and cut again at its wraps.
            position = block.position() + block.length() - 1
        if position <= block.position():
            return
        continued = QTextBlockFormat(block.blockFormat())
        continued.setTopMargin(0)
        continued.setProperty(CONTINUED_PROPERTY, True)
        cut = QTextCursor(self.document())
        cut.setPosition(position)
        cut.insertBlock(continued, block.charFormat())
        self._cut_width = self._column_width()

    def _join_cuts(self) -> None:
        """Undo the live paragraph's cuts (its width changed, so they no longer fall on its
        line wraps); later deltas cut it again at the new width."""
        block = self.document().lastBlock()
        cursor = QTextCursor(self.document())
        cursor.beginEditBlock()
        while block.isValid():
            previous = block.previous()
            if block.blockFormat().property(CONTINUED_PROPERTY):
                cursor.setPosition(block.position())
                cursor.deletePreviousChar()
            block = previous
        cursor.endEditBlock()

    def toPlainText(self) -> str:
        """The text as written: the live paragraph's cuts (see `_continue_at_wrap`) are not
        line breaks."""
        return self._text_between(0, self.document().characterCount() - 1)

    def _text_between(self, start: int, end: int) -> str:
        pieces: list[str] = []
        cursor = QTextCursor(self.document())
        block = self.document().findBlock(start)
        position = start
        while block.isValid() and block.position() <= end:
            if block.position() > position and block.blockFormat().property(CONTINUED_PROPERTY):
                cursor.setPosition(position)
                cursor.setPosition(block.position() - 1, QTextCursor.MoveMode.KeepAnchor)
                pieces.append(cursor.selection().toPlainText())
                position = block.position()
            block = block.next()
        cursor.setPosition(position)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        pieces.append(cursor.selection().toPlainText())
        return self._with_formula_sources("".join(pieces), start, end)

    def createMimeDataFromSelection(self) -> QMimeData:
        data = super().createMimeDataFromSelection()
        cursor = self.textCursor()
        if not cursor.hasSelection() or not (self.is_streaming or self._formula_sources):
            return data
        # Qt's own mime data makes its text from the document on demand: a plain copy it is.
        joined = QMimeData()
        joined.setText(self._text_between(cursor.selectionStart(), cursor.selectionEnd()))
        return joined

    def scroll_to_message(self, message_id: str) -> bool:
        """Bring a message's top into view (search results); stops following the stream."""
        index = next((i for i, m in enumerate(self._messages) if m.id == message_id), None)
        if index is not None and index < self._shown_from:
            self.show_earlier(down_to=max(0, index - 2))
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
        self._show_jump(bar.value() < bar.maximum() - FOLLOW_THRESHOLD_PX)
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
        if self._action_bar is not None and self._action_bar.isVisible():
            self._place_action_bar()
        if self._adjusting:
            return
        if value == 0 and self._shown_from > 0:
            QTimer.singleShot(0, self, self.show_earlier)  # reached the top: lay out older messages
        bar = self.verticalScrollBar()
        self._follow = value >= bar.maximum() - FOLLOW_THRESHOLD_PX
        self._show_jump(not self._follow)

    def _on_range_changed(self, _minimum: int, maximum: int) -> None:
        if self._follow:
            self._scroll_to_bottom()
        else:
            self._show_jump(self.verticalScrollBar().value() < maximum - FOLLOW_THRESHOLD_PX)

    # Drops are handled here, not by an event filter on the viewport: a filter would call
    # Python for each of the viewport's events, a paint per streamed frame among them.
    @staticmethod
    def _take_drag(event: QDragMoveEvent) -> bool:
        """Accept a drag of files or an image (to attach); anything else is Qt's."""
        mime = event.mimeData()
        if mime.hasUrls() or mime.hasImage():
            event.acceptProposedAction()
            return True
        return False

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if not self._take_drag(event):
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if not self._take_drag(event):
            super().dragMoveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        mime = event.mimeData()
        files = [url.toLocalFile() for url in mime.urls() if url.isLocalFile()]
        if files or mime.hasImage():
            event.acceptProposedAction()
            self.files_dropped.emit(files or [mime.imageData()])
        else:
            super().dropEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        # Not an event filter on the viewport: that would call Python for each of its events,
        # a paint per streamed frame among them.
        super().resizeEvent(event)
        self._place_jump_button()
        self._fit_column()
        cut_elsewhere = self._cut_width not in (None, self._column_width())
        if self.is_streaming and cut_elsewhere:
            self._join_cuts()
            self._cut_width = None

    def _show_jump(self, visible: bool) -> None:
        if visible and not self._jump.isVisible():
            self._place_jump_button()  # the scroll bar may have come since the last resize
        self._jump.setVisible(visible)

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

    # --- the readable column and the actions ----------------------------------------------

    def _column_width(self) -> float:
        return self.document().textWidth() - 2 * self._column_margin

    def _fit_column(self) -> None:
        """Body text in a centred column of about COLUMN_CHARS characters: the margins grow
        on a wide window; a narrow one uses its whole width."""
        column = self.fontMetrics().averageCharWidth() * COLUMN_CHARS + 2 * 10  # + padding
        margin = max(0, (self.viewport().width() - 24 - column) // 2)
        if margin == self._column_margin:
            return
        self._column_margin = margin
        root = self.document().rootFrame()
        frame_format = root.frameFormat()
        frame_format.setLeftMargin(margin)
        frame_format.setRightMargin(margin)
        root.setFrameFormat(frame_format)

    def message_at(self, position: int) -> Message | None:
        """The laid-out message whose frame holds document position `position`."""
        for message in self._messages[self._shown_from :]:
            frame = self._frames.get(message.id)
            if frame is not None and frame.firstPosition() <= position <= frame.lastPosition():
                return message
        return None

    def _show_actions_for(self, message: Message | None) -> None:
        bar = self._action_bar
        if bar is None:
            return
        frame = self._frames.get(message.id) if message is not None else None
        if message is None or frame is None:
            bar.hide()
            return
        if bar.message_id != message.id or not bar.isVisible():
            bar.show_for(message)
        self._place_action_bar()

    def _place_action_bar(self) -> None:
        bar = self._action_bar
        frame = self._frames.get(bar.message_id) if bar is not None else None
        if bar is None or frame is None or not bar.isVisible():
            return
        rect = self.document().documentLayout().frameBoundingRect(frame)
        x = int(rect.right()) - bar.width() - 6 - self.horizontalScrollBar().value()
        y = int(rect.top()) + 4 - self.verticalScrollBar().value()
        bar.move(max(0, x), y)

    def _show_actions_at_cursor(self) -> None:
        if self.hasFocus():
            self._show_actions_for(self.message_at(self.textCursor().position()))

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        super().mouseMoveEvent(event)
        if self._action_bar is not None:
            position = self.cursorForPosition(event.position().toPoint()).position()
            message = self.message_at(position)
            if message is not None:
                self._show_actions_for(message)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        """Right click, the Menu key or Shift+F10: Copy/Select all, then the message's own
        actions (for the message under the pointer, or holding the text cursor)."""
        keyboard = event.reason() == QContextMenuEvent.Reason.Keyboard
        if keyboard:
            position = self.textCursor().position()
            at = self.viewport().mapToGlobal(self.cursorRect().bottomLeft())
        else:
            position = self.cursorForPosition(event.pos()).position()
            at = event.globalPos()
        menu = self.message_menu(self.message_at(position))
        menu.exec(at)
        menu.deleteLater()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        from PySide6.QtCore import Qt

        menu_key = event.key() == Qt.Key.Key_Menu or (
            event.key() == Qt.Key.Key_F10 and event.modifiers() & Qt.KeyboardModifier.ShiftModifier
        )
        if menu_key:  # handled here, so that it works wherever the key event comes from
            event.accept()
            rect = self.cursorRect()
            self.contextMenuEvent(
                QContextMenuEvent(
                    QContextMenuEvent.Reason.Keyboard,
                    rect.bottomLeft(),
                    self.viewport().mapToGlobal(rect.bottomLeft()),
                )
            )
            return
        super().keyPressEvent(event)

    def message_menu(self, message: Message | None) -> QMenu:
        menu = self.createStandardContextMenu()
        menu.setObjectName("messageMenu")
        if message is None and self._messages and not self.is_streaming:
            message = self._messages[-1]  # the Menu key with the cursor outside any message
        if self._show_actions and message is not None and message.id in self._frames:
            menu.addSeparator()
            fill_menu(menu, message, self.action_requested.emit)
        return menu

    def _show_copied(self, message_id: str, index: int) -> None:
        self._copied = (message_id, index)
        self._copied_timer.start()
        if not self.is_streaming or message_id != self._messages[-1].id:
            self._relayout(message_id)

    def _end_copied(self) -> None:
        copied, self._copied = self._copied, None
        if copied is not None and copied[0] in self._frames:
            self._relayout(copied[0])

    # --- drawing ----------------------------------------------------------------------------

    def _body_format(self) -> QTextCharFormat:
        return QTextCharFormat()

    def _insert_message(self, cursor: QTextCursor, message: Message) -> QTextFrame:
        # The application's palette: it changes at once with the theme, the widget's a bit later.
        palette = QApplication.palette(self)
        base = palette.color(QPalette.ColorRole.Base)
        highlight = palette.color(QPalette.ColorRole.Highlight)
        frame_format = QTextFrameFormat()
        frame_format.setWidth(QTextLength(QTextLength.Type.PercentageLength, 100))
        # The user's turn in a tinted band, the answer on the page; the same padding, so that
        # their text lines up.
        frame_format.setPadding(10)
        frame_format.setTopMargin(4)
        frame_format.setBottomMargin(8)
        if message.role is Role.USER:
            frame_format.setBackground(_tint(base, highlight, 0.10))
        elif message.role is Role.SYSTEM:
            frame_format.setBackground(_tint(base, QColor("#b08000"), 0.12))
        cursor.movePosition(QTextCursor.MoveOperation.End)
        frame = cursor.insertFrame(frame_format)
        self._frames[message.id] = frame
        self._insert_contents(cursor, message)
        cursor.movePosition(QTextCursor.MoveOperation.End)
        return frame

    def _insert_contents(self, cursor: QTextCursor, message: Message) -> None:
        cursor.insertHtml(self._header_html(message))
        cursor.insertBlock(QTextBlockFormat(), QTextCharFormat())
        body_start = cursor.position()
        self._insert_body(cursor, message)
        if written_right_to_left(message.content):
            _align_right_to_left(cursor, body_start)

    def _insert_body(self, cursor: QTextCursor, message: Message) -> None:
        if message.reasoning:
            self._insert_thinking(cursor, message)
        if message.role is Role.ASSISTANT and message.status is not MessageStatus.STREAMING:
            # Finished answers show as markdown; a streaming one stays plain text until it ends
            # (so an unfinished code fence never swallows the rest of the view).
            rendered = render_markdown(message.content, self._is_dark(), highlight.shared())
            self._code_blocks[message.id] = rendered.code_blocks
            if rendered.pending:
                # Shown with plain code now; laid out again when the highlighter has it.
                _highlight_notices()
                self._pending_highlight.add(message.id)
            else:
                self._pending_highlight.discard(message.id)
            body = rendered.html.replace(
                f"{COPY_CODE_SCHEME}/", f"{COPY_CODE_SCHEME}/{_href_part(message.id)}:"
            )
            if self._copied is not None and self._copied[0] == message.id:
                copied = f'{COPY_CODE_SCHEME}/{_href_part(message.id)}:{self._copied[1]}"'
                body = body.replace(f"{copied}>Copy</a>", f"{copied}>✓ Copied</a>")
            if rendered.formulas:
                body = self._typeset(message.id, body, rendered.formulas)
            cursor.insertHtml(body)
            if message.usage is not None:
                cursor.insertBlock(QTextBlockFormat(), QTextCharFormat())
                cursor.insertHtml(self._footer_html(message))
        else:
            cursor.insertText(message.content, self._body_format())
        if message.attachments:
            from desktop_chat.ui.attachment_view import insert_attachments

            cursor.insertBlock(QTextBlockFormat(), QTextCharFormat())
            waiting = insert_attachments(
                cursor,
                self.document(),
                message.id,
                message.attachments,
                lambda mid, i: f"{ACTION_SCHEME}:image/{_href_part(mid)}:{i}",
                self.devicePixelRatioF(),
            )
            if waiting:
                self._await_thumbnails(waiting)
        if message.tool_calls:
            from desktop_chat.ui.tool_panel import insert_tool_calls

            cursor.insertBlock(QTextBlockFormat(), QTextCharFormat())
            insert_tool_calls(cursor, message, self._tool_calls_shown, ACTION_SCHEME, _href_part)

    def replace_message(self, message: Message) -> None:
        """A shown message changed (a tool result came): laid out again, in place."""
        for index, shown in enumerate(self._messages):
            if shown.id == message.id:
                self._messages[index] = message
                self._relayout(message.id)
                return

    def _typeset(self, message_id: str, body: str, formulas: tuple[tuple[str, bool], ...]) -> str:
        """Each <img src="math:N"> becomes the typeset formula, an image made at the device
        pixel ratio (crisp at 2x), or its source as code when it cannot be typeset, or not
        yet: matplotlib is still being imported, or this turn's budget is spent (the message
        is laid out again when more are ready)."""
        from desktop_chat import math_render

        colour = QApplication.palette(self).color(QPalette.ColorRole.Text).name()
        ratio = self.devicePixelRatioF()
        size = self.font().pointSizeF()
        ready = math_render.prepare()
        waiting = False
        for number, (source, display) in enumerate(formulas):
            key = (source, display, colour, ratio, size)
            image = self._math_images.get(key)
            if image is None and number < MAX_FORMULAS:
                if ready and self._math_budget_left():
                    png = math_render.formula_png(
                        source,
                        display=display,
                        colour=colour,
                        point_size=size,
                        dpi=self.logicalDpiY() * ratio,
                    )
                    image = self._math_images[key] = QImage.fromData(png) if png else QImage()
                else:
                    waiting = True
            if image is None or image.isNull():
                replacement = formula_as_code(source, display)
            else:
                image.setDevicePixelRatio(ratio)
                name = f"mathimg:{_href_part(message_id)}/{number}/{colour}/{ratio}/{size}"
                self.document().addResource(
                    QTextDocument.ResourceType.ImageResource, QUrl(name), image
                )
                self._formula_sources[name] = written_formula(source, display)
                width, height = round(image.width() / ratio), round(image.height() / ratio)
                replacement = (
                    f'<img src="{html.escape(name)}" width="{width}" height="{height}" '
                    'style="vertical-align:middle" />'
                )
            body = body.replace(formula_placeholder(number), replacement, 1)
        if waiting:
            self._pending_math.add(message_id)
            if not ready:
                self._poll_math_later()
        else:
            self._pending_math.discard(message_id)
        return body

    _math_poll_scheduled = False

    def _poll_math_later(self) -> None:
        if not self._math_poll_scheduled:
            self._math_poll_scheduled = True
            QTimer.singleShot(MATH_IMPORT_POLL_MS, self, self._math_poll)

    def _math_poll(self) -> None:
        self._math_poll_scheduled = False
        self._typeset_pending()

    def _math_budget_left(self) -> bool:
        """Whether this event-loop turn may typeset another formula."""
        now = time.perf_counter()
        if self._math_deadline is None:
            self._math_deadline = now + TYPESET_BUDGET_S
            QTimer.singleShot(0, self, self._typeset_pending)  # the next turn goes on
        return now < self._math_deadline

    def _typeset_pending(self) -> None:
        """Lay out again the messages that still show formulas as source: this turn's budget
        typesets more of them."""
        self._math_deadline = None
        from desktop_chat import math_render

        if not self._pending_math:
            return
        if not math_render.prepare():
            self._poll_math_later()
            return
        pending = list(self._pending_math)
        self._pending_math.clear()
        self._relayout_keeping_place(pending)

    def _with_formula_sources(self, text: str, start: int, end: int) -> str:
        """The selection's text with each formula image's LaTeX in place of its U+FFFC."""
        if not self._formula_sources or "\ufffc" not in text:
            return text
        sources: list[str] = []
        block = self.document().findBlock(start)
        while block.isValid() and block.position() <= end:
            fragments = block.begin()
            while not fragments.atEnd():
                fragment = fragments.fragment()
                char_format = fragment.charFormat()
                if start <= fragment.position() < end and char_format.isImageFormat():
                    name = char_format.toImageFormat().name()
                    sources += [self._formula_sources.get(name, "\ufffc")] * fragment.length()
                fragments += 1
            block = block.next()
        pieces = text.split("\ufffc")
        if len(pieces) - 1 != len(sources):
            return text  # not what was counted: leave it as Qt gave it
        return "".join(p + s for p, s in zip(pieces, [*sources, ""], strict=True))

    def _insert_thinking(self, cursor: QTextCursor, message: Message) -> None:
        """A collapsed "Thinking" line above the answer; a click shows the thinking itself."""
        open_ = message.id in self._thinking_shown
        words = len(message.reasoning.split())
        thought_ms = message.usage.thinking_ms if message.usage is not None else None
        if thought_ms is not None and message.content.strip():
            label = translate("MessageView", "Thought for {time} (%n words)", "", words).format(
                time=format_seconds(thought_ms / 1000)
            )
        else:
            label = translate("MessageView", "Thinking (%n words)", "", words)
        cursor.insertHtml(
            f'<a href="{ACTION_SCHEME}:thinking/{_href_part(message.id)}" '
            f'style="text-decoration:none; color:{QUIET_TEXT}">{"▾" if open_ else "▸"} {label}</a>'
        )
        cursor.insertBlock(QTextBlockFormat(), QTextCharFormat())
        if open_:
            cursor.setBlockFormat(_thinking_block(QTextBlockFormat(), gap_below=6))
            # Plain text: never markup.
            cursor.insertText(message.reasoning.strip(), self._thinking_format())
            cursor.insertBlock(QTextBlockFormat(), QTextCharFormat())
        if not message.content.strip() and message.status is not MessageStatus.STREAMING:
            note = QTextCharFormat()
            note.setForeground(QColor("#b05000"))
            cursor.insertText(
                translate(
                    "MessageView",
                    "No answer: the model spent its token limit thinking. Raise Max tokens, or "
                    "lower the reasoning effort, and regenerate.",
                ),
                note,
            )
            cursor.insertBlock(QTextBlockFormat(), QTextCharFormat())

    def _relayout(self, message_id: str) -> None:
        """Lay one message out again, in place."""
        frame = self._frames.get(message_id)
        message = next((m for m in self._messages if m.id == message_id), None)
        if frame is None or message is None:
            return
        bar = self.verticalScrollBar()
        position = bar.value()
        self._adjusting = True
        cursor = QTextCursor(self.document())
        cursor.beginEditBlock()
        cursor.setPosition(frame.firstPosition())
        cursor.setPosition(frame.lastPosition(), QTextCursor.MoveMode.KeepAnchor)
        cursor.removeSelectedText()
        self._insert_contents(cursor, message)
        cursor.endEditBlock()
        bar.setValue(position)
        self._adjusting = False

    def _await_thumbnails(self, names: set[str]) -> None:
        self._waiting_thumbnails |= names
        if not self._listening_to_thumbnails:
            from desktop_chat.ui.attachment_view import thumbnails

            thumbnails().ready.connect(self._thumbnail_ready)
            self._listening_to_thumbnails = True

    def _thumbnail_ready(self, name: str, image: QImage) -> None:
        """A decoded thumbnail replaces its placeholder; same size, so no new layout."""
        if name not in self._waiting_thumbnails:
            return
        self._waiting_thumbnails.discard(name)
        self.document().addResource(QTextDocument.ResourceType.ImageResource, QUrl(name), image)
        self.viewport().update()

    def _on_highlighted(self) -> None:
        if self._pending_highlight:
            self._highlight_timer.start()

    def _show_highlighted(self) -> None:
        """Lay out again, in place, the messages whose code the highlighter has finished."""
        if not self._pending_highlight:
            return
        if highlight.shared().busy:
            return  # more blocks are coming: the next notice re-renders them all at once
        pending = list(self._pending_highlight)
        self._pending_highlight.clear()
        self._relayout_keeping_place(pending)  # each is added again if a block still waits

    def _relayout_keeping_place(self, message_ids: list[str]) -> None:
        """Lay these messages out again, in place; the reader keeps what they were reading."""
        bar = self.verticalScrollBar()
        following, from_bottom = self._follow, bar.maximum() - bar.value()
        for message_id in message_ids:
            self._relayout(message_id)
        if following:
            self._scroll_to_bottom()
        else:
            self._adjusting = True
            bar.setValue(bar.maximum() - from_bottom)
            self._adjusting = False

    def set_zoom(self, steps: int) -> None:
        """Font size: the system's, plus `steps` points (Ctrl+= / Ctrl+- / Ctrl+0)."""
        font = QGuiApplication.font()
        font.setPointSizeF(max(6.0, font.pointSizeF() + steps))
        if font != self.document().defaultFont():
            self.document().setDefaultFont(font)
            self.setFont(font)
            self.refresh()

    def refresh(self) -> None:
        """Lay the conversation out again (after a theme or zoom change); not while streaming."""
        if not self.is_streaming:
            self._render_window(keep_distance_from_bottom=True)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self.refresh()

    def _is_dark(self) -> bool:
        return is_dark(QApplication.palette(self))

    def open_image(self, message_id: str, index: int) -> QWidget | None:
        """An attached image of a shown message, full size in a viewer window."""
        from desktop_chat.ui.attachment_view import ImageViewer

        message = next((m for m in self._messages if m.id == message_id), None)
        if message is None or not 0 <= index < len(message.attachments):
            return None
        viewer = ImageViewer(message.attachments[index], self.window())
        viewer.show()
        return viewer

    def loadResource(self, kind: int, name: QUrl) -> object:
        """Nothing is ever loaded: no remote or local images, no style sheets."""
        return None

    def _header_html(self, message: Message) -> str:
        """The quiet line over a message: role, model and time in grey; its status; the
        branch switcher ‹ n/m › where there are alternatives. The actions are icon buttons
        (MessageActionBar) and a context menu, not text here."""

        def link(action: str, label: str) -> str:
            return (
                f'<a href="{ACTION_SCHEME}:{action}/{_href_part(message.id)}" '
                f'style="text-decoration:none">{html.escape(label)}</a>'
            )

        small = QFont(self.font()).pointSizeF() * 0.9
        quiet = f'<span style="font-size:{small:.1f}pt; color:{QUIET_TEXT}">'
        details = [f"<b>{translate('MessageView', _ROLE_LABELS[message.role])}</b>"]
        if message.role is Role.ASSISTANT and message.model:
            details.append(html.escape(message.model))
        details.append(short_time(message.created_at))
        parts = [quiet + " · ".join(details) + "</span>"]
        status = _STATUS_LABELS.get(message.status)
        status = translate("MessageView", status) if status else None
        if status:
            parts.append(f'<i style="color:#b05000">— {html.escape(status)}</i>')
        if message.sibling_count > 1:
            parts.append(
                link("previous", "‹")
                + f" {message.sibling_index + 1}/{message.sibling_count} "
                + link("next", "›")
            )
        return "&nbsp;&nbsp;".join(parts)

    def _footer_html(self, message: Message) -> str:
        """Under a finished answer: its tokens, speed and cost, and the request it was."""
        small = QFont(self.font()).pointSizeF() * 0.85
        label = translate("MessageView", "Request")
        request = (
            f' · <a href="{ACTION_SCHEME}:request/{_href_part(message.id)}" '
            f'style="text-decoration:none">{label}</a>'
            if self._show_actions
            else ""
        )
        return (
            f'<span style="font-size:{small:.1f}pt; color:{QUIET_TEXT}">'
            f"{html.escape(self.usage_text(message))}{request}</span>"
        )

    def usage_text(self, message: Message) -> str:
        """e.g. "12 + 240 tokens · 0.31 s to first token · 48 tok/s · $0.0150"."""
        usage = message.usage
        if usage is None:
            return ""
        about = "≈" if usage.estimated else ""
        bits = [
            translate("MessageView", "{prompt} + {completion} tokens").format(
                prompt=about + grouped(usage.prompt_tokens),
                completion=about + grouped(usage.completion_tokens),
            )
        ]
        if usage.reasoning_tokens:
            bits[0] += " " + translate("MessageView", "({count} thinking)").format(
                count=grouped(usage.reasoning_tokens)
            )
        if usage.first_token_ms is not None:
            bits.append(
                translate("MessageView", "{seconds} s to first token").format(
                    seconds=decimal(usage.first_token_ms / 1000, 2)
                )
            )
        if (speed := usage.tokens_per_second) is not None:
            bits.append(
                translate("MessageView", "{speed} tok/s").format(
                    speed=about + grouped(round(speed))
                )
            )
        price = cost(message.model, usage, self.prices)
        if price is not None:
            bits.append(about + money(price))
        return " · ".join(bits)

    def _on_anchor(self, url: QUrl) -> None:
        if url.scheme() != ACTION_SCHEME:
            # A link in an answer opens in the browser, only when clicked and only if http(s)
            # or mailto; anything else (javascript:, file:) does nothing.
            if is_safe_link(url.toString()):
                QDesktopServices.openUrl(url)
            return
        action, _, target = url.path(QUrl.ComponentFormattingOption.FullyDecoded).partition("/")
        if action == "earlier":
            self.show_earlier()
            return
        if action == "thinking":
            self._thinking_shown ^= {target}
            if self.is_streaming and target == self._messages[-1].id:
                self._toggle_live_thinking()
            elif not self.is_streaming or target != self._messages[-1].id:
                self._relayout(target)
            return
        if action == "toolcall":
            self._tool_calls_shown ^= {target}
            self._relayout(target.rpartition(":")[0])
            return
        if action == "image":
            message_id, _, index = target.rpartition(":")
            self.open_image(message_id, int(index) if index.isdigit() else -1)
            return
        if action == "copycode":
            message_id, _, index = target.rpartition(":")
            blocks = self._code_blocks.get(message_id, ())
            if index.isdigit() and int(index) < len(blocks):
                QGuiApplication.clipboard().setText(blocks[int(index)])
                self.code_copied.emit(blocks[int(index)])
                self._show_copied(message_id, int(index))
            return
        self.action_requested.emit(action, target)

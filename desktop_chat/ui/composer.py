"""Composer: the multi-line prompt box. Enter sends, Shift+Enter inserts a newline."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from desktop_chat.ui.i18n import translate

if TYPE_CHECKING:
    from PySide6.QtCore import QMimeData
    from PySide6.QtGui import QKeyEvent, QResizeEvent


class Composer(QPlainTextEdit):
    submitted = Signal()
    # Files dropped or an image pasted: a list of local paths (str) and QImages, to attach.
    attachments_offered = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("composer")
        self.setAccessibleName("composer")
        self.setAccessibleDescription(
            translate("Composer", "Type a message. Enter sends, Shift+Enter adds a new line.")
        )
        self.setPlaceholderText(
            translate(
                "Composer",
                "Message — Enter to send · Shift+Enter new line · Ctrl+L model · Esc stop",
            )
        )
        self.setTabChangesFocus(True)
        self.document().setDocumentMargin(6)
        self._fit_height()
        self.document().contentsChanged.connect(self._fit_height)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        from PySide6.QtCore import Qt  # not at import: the composer is built before first paint

        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if enter and modifiers == Qt.KeyboardModifier.NoModifier:
            self.submitted.emit()
            return
        if enter and modifiers & Qt.KeyboardModifier.ShiftModifier:
            self.insertPlainText("\n")
            return
        super().keyPressEvent(event)

    def _fit_height(self) -> None:
        """Grow with the text (wrapped lines too) from 1 to 8 lines, then scroll."""
        line = self.fontMetrics().lineSpacing()
        # A plain text document's height is counted in lines, wrapped ones included.
        lines = max(1, min(8, round(self.document().size().height())))
        margins = self.contentsMargins()
        height = lines * line + 2 * int(self.document().documentMargin())
        self.setFixedHeight(height + margins.top() + margins.bottom() + 4)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_height()  # the same text may wrap to more or fewer lines now

    def canInsertFromMimeData(self, source: QMimeData) -> bool:
        if source.hasImage() or _local_files(source):
            return True
        return super().canInsertFromMimeData(source)

    def insertFromMimeData(self, source: QMimeData) -> None:
        """Ctrl+V of an image, or files dropped: offered as attachments, not as text."""
        files = _local_files(source)
        if files:
            self.attachments_offered.emit(files)
            return
        if source.hasImage():
            self.attachments_offered.emit([source.imageData()])
            return
        super().insertFromMimeData(source)


def _local_files(source: QMimeData) -> list[str]:
    if not source.hasUrls():
        return []
    return [url.toLocalFile() for url in source.urls() if url.isLocalFile()]

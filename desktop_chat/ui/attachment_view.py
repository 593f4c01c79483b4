"""Attachments in the window: the chips of a draft's files, thumbnails in the message view,
and the full-size image viewer. Files are prepared by desktop_chat.attachments; nothing here
talks to the API or the database."""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QPixmap, QTextCursor, QTextDocument
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_chat.domain import Attachment, human_size

THUMBNAIL_PX = 160
CHIP_THUMBNAIL_PX = 48


def thumbnail(attachment: Attachment, side: int) -> QImage:
    image = QImage.fromData(attachment.data)
    if image.isNull():
        return image
    if max(image.width(), image.height()) > side:
        image = image.scaled(
            side,
            side,
            Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
    return image


class AttachmentChips(QWidget):
    """The files waiting to go with the next prompt; each with a remove ✕."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("attachmentChips")
        self.setAccessibleName("Attached files")
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(4, 2, 4, 2)
        self._layout.setSpacing(6)
        self._layout.addStretch(1)
        self.attachments: list[Attachment] = []
        self.hide()

    def add(self, attachment: Attachment) -> None:
        self.attachments.append(attachment)
        self._rebuild()

    def remove(self, index: int) -> None:
        if 0 <= index < len(self.attachments):
            del self.attachments[index]
            self._rebuild()

    def clear(self) -> None:
        self.attachments.clear()
        self._rebuild()

    def set_attachments(self, attachments: list[Attachment]) -> None:
        self.attachments = list(attachments)
        self._rebuild()

    def chips(self) -> list[QFrame]:
        return [w for w in self.findChildren(QFrame, "attachmentChip") if w.parent() is self]

    def _rebuild(self) -> None:
        while self._layout.count() > 1:
            item = self._layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.setParent(None)
                widget.deleteLater()
        for index, attachment in enumerate(self.attachments):
            self._layout.insertWidget(index, self._chip(index, attachment))
        self.setVisible(bool(self.attachments))
        self.changed.emit()

    def _chip(self, index: int, attachment: Attachment) -> QFrame:
        chip = QFrame(self)
        chip.setObjectName("attachmentChip")
        chip.setFrameShape(QFrame.Shape.StyledPanel)
        chip.setAccessibleName(f"Attachment {attachment.name}")
        row = QHBoxLayout(chip)
        row.setContentsMargins(4, 2, 2, 2)
        label = QLabel(chip)
        label.setObjectName("attachmentChipLabel")
        if attachment.is_image:
            label.setPixmap(QPixmap.fromImage(thumbnail(attachment, CHIP_THUMBNAIL_PX)))
            label.setToolTip(f"{attachment.name} ({human_size(attachment.size)})")
        else:
            label.setText(f"📄 {attachment.name} ({human_size(attachment.size)})")
        row.addWidget(label)
        remove = QToolButton(chip)
        remove.setObjectName("removeAttachment")
        remove.setText("✕")
        remove.setAutoRaise(True)
        remove.setAccessibleName(f"Remove {attachment.name}")
        remove.setToolTip(f"Remove {attachment.name}")
        remove.clicked.connect(lambda _checked=False, i=index: self.remove(i))
        row.addWidget(remove)
        return chip


def insert_attachments(
    cursor: QTextCursor,
    document: QTextDocument,
    message_id: str,
    attachments: tuple[Attachment, ...],
    link: Callable[[str, int], str],
) -> None:
    """A message's files under its text: images as thumbnails (document resources, never a
    load), documents as a line "📄 name (size)"."""
    from PySide6.QtCore import QUrl

    bits = []
    for index, attachment in enumerate(attachments):
        if attachment.is_image:
            image = thumbnail(attachment, THUMBNAIL_PX)
            if image.isNull():
                continue
            name = f"attachment:{attachment.sha256}/{THUMBNAIL_PX}"
            document.addResource(QTextDocument.ResourceType.ImageResource, QUrl(name), image)
            bits.append(
                f'<a href="{link(message_id, index)}"><img src="{name}" width="{image.width()}" '
                f'height="{image.height()}" alt="{html.escape(attachment.name)}" /></a>'
            )
        else:
            bits.append(
                f"<span>📄 {html.escape(attachment.name)} ({human_size(attachment.size)})</span>"
            )
    if bits:
        cursor.insertHtml("&nbsp; ".join(bits))


class ImageViewer(QDialog):
    """An attached image at full size, scrollable."""

    def __init__(self, attachment: Attachment, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("imageViewer")
        self.setWindowTitle(attachment.name)
        self.setAccessibleName(f"Image {attachment.name}")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.image_label = QLabel(self)
        self.image_label.setObjectName("imageViewerImage")
        self.image = QImage.fromData(attachment.data)
        self.image_label.setPixmap(QPixmap.fromImage(self.image))
        scroll = QScrollArea(self)
        scroll.setWidget(self.image_label)
        layout.addWidget(scroll)
        screen = self.screen().availableGeometry() if self.screen() else None
        width, height = self.image.width() + 24, self.image.height() + 24
        if screen is not None:
            width, height = min(width, screen.width() - 80), min(height, screen.height() - 80)
        self.resize(max(200, width), max(150, height))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

"""Attachments in the window: the chips of a draft's files, thumbnails in the message view,
and the full-size image viewer. Files are prepared by desktop_chat.attachments; nothing here
talks to the API or the database."""

from __future__ import annotations

import contextlib
import html
import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from PySide6.QtCore import QBuffer, QEvent, QIODevice, QObject, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QImageReader, QPixmap, QTextCursor, QTextDocument
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
from desktop_chat.ui.i18n import translate

THUMBNAIL_PX = 160
CHIP_THUMBNAIL_PX = 48


def _reader(data: bytes) -> tuple[QImageReader, QBuffer]:
    buffer = QBuffer()
    buffer.setData(data)
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer)
    reader.setAutoTransform(True)  # a photo's EXIF orientation, as attachments.py reads it
    return reader, buffer  # the buffer must outlive the reader's reads


def _fitted(size: QSize, side: int) -> QSize:
    """`size` shrunk (never grown) to fit a `side` square, aspect kept."""
    if max(size.width(), size.height()) <= side:
        return QSize(size)
    return size.scaled(side, side, Qt.AspectRatioMode.KeepAspectRatio)


def _decode(data: bytes, side: int, ratio: float) -> QImage:
    """The image scaled to fit `side` logical pixels at this device pixel ratio.

    QImageReader rather than QImage.fromData: it lets go of the GIL while it decodes (so a
    worker thread does not stall the window), and a JPEG is decoded at the reduced size."""
    reader, buffer = _reader(data)
    size = reader.size()
    if size.isValid():
        reader.setScaledSize(_fitted(size, round(side * ratio)))
    image = reader.read()
    buffer.close()
    if not image.isNull():
        target = _fitted(image.size(), round(side * ratio))
        if target != image.size():  # the format could not scale while reading
            image = image.scaled(
                target,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        image.setDevicePixelRatio(ratio)
    return image


def thumbnail(attachment: Attachment, side: int, ratio: float = 1.0) -> QImage:
    """The image fitted to `side` logical pixels, decoded now (for a chip)."""
    return _decode(attachment.data, side, ratio)


# An image at most this big is decoded at once: it costs less than handing it to a thread.
SMALL_IMAGE_BYTES = 64 * 1024
THUMBNAIL_CACHE_BYTES = 48 * 1024**2


class _Thumbnails(QObject):
    """The message views' thumbnails: decoded by worker threads (opening or scrolling a chat
    of many photos must not stall the window) and kept in a small cache (a chat laid out
    again, or the same picture in another tab, costs nothing)."""

    ready = Signal(str, QImage)  # a resource name, and its image now decoded
    _decoded = Signal(str, str, QImage)  # from a worker: cache key, resource name, image

    def __init__(self) -> None:
        super().__init__()
        self._cache: OrderedDict[str, QImage] = OrderedDict()
        self._cached_bytes = 0
        self._running: set[str] = set()
        self._executor: ThreadPoolExecutor | None = None
        self._decoded.connect(self._keep)  # queued: a worker emits it

    def image(self, attachment: Attachment, side: int, ratio: float) -> tuple[QImage, bool]:
        """(the thumbnail, True), or, while a worker decodes it, (a placeholder of its size,
        False): `ready` then brings the image. A null image means it cannot be shown."""
        key = f"{attachment.sha256}/{side}@{ratio:g}"
        cached = self._cache.get(key)
        if cached is not None:
            self._cache.move_to_end(key)
            return cached, True
        reader, buffer = _reader(attachment.data)
        size = reader.size()  # from the header: no decode
        buffer.close()
        if attachment.size <= SMALL_IMAGE_BYTES or not size.isValid():
            image = _decode(attachment.data, side, ratio)
            self._remember(key, image)
            return image, True
        if key not in self._running:
            self._running.add(key)
            if self._executor is None:
                # One thread, at a lower priority: the window keeps a core to itself.
                self._executor = ThreadPoolExecutor(
                    1, thread_name_prefix="thumbnails", initializer=_lower_priority
                )
            name = resource_name(attachment)
            data = attachment.data
            self._executor.submit(lambda: self._decoded.emit(key, name, _decode(data, side, ratio)))
        shown = _fitted(size, side)
        placeholder = QImage(
            max(1, round(shown.width() * ratio)),
            max(1, round(shown.height() * ratio)),
            QImage.Format.Format_ARGB32_Premultiplied,
        )
        placeholder.fill(PLACEHOLDER)
        placeholder.setDevicePixelRatio(ratio)
        return placeholder, False

    def _keep(self, key: str, name: str, image: QImage) -> None:
        self._running.discard(key)
        self._remember(key, image)
        self.ready.emit(name, image)

    def _remember(self, key: str, image: QImage) -> None:
        self._cache[key] = image
        self._cached_bytes += image.sizeInBytes()
        while self._cached_bytes > THUMBNAIL_CACHE_BYTES and len(self._cache) > 1:
            _, dropped = self._cache.popitem(last=False)
            self._cached_bytes -= dropped.sizeInBytes()


def _lower_priority() -> None:
    with contextlib.suppress(AttributeError, OSError):  # Linux: per thread; elsewhere not
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)


# A soft grey that reads as "loading" on light and dark pages alike.
PLACEHOLDER = QColor(128, 128, 128, 48)
_thumbnails: _Thumbnails | None = None


def thumbnails() -> _Thumbnails:
    global _thumbnails
    if _thumbnails is None:
        _thumbnails = _Thumbnails()
    return _thumbnails


def resource_name(attachment: Attachment) -> str:
    """The message view's resource name of an image's thumbnail."""
    return f"attachment:{attachment.sha256}/{THUMBNAIL_PX}"


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
            from desktop_chat.ui.icons import icon

            glyph = QLabel(chip)  # an icon, not an emoji: no font is needed for it
            glyph.setPixmap(icon("document").pixmap(16, 16))
            row.addWidget(glyph)
            label.setText(f"{attachment.name} ({human_size(attachment.size)})")
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
    ratio: float = 1.0,
) -> set[str]:
    """A message's files under its text: images as thumbnails (document resources, never a
    load), documents as a line "[document icon] name (size)". Returns the resource names
    that are placeholders for now: `thumbnails().ready` brings their images."""
    from PySide6.QtCore import QUrl

    waiting: set[str] = set()
    bits: list[str] = []
    documents: list[str] = []
    for index, attachment in enumerate(attachments):
        if attachment.is_image:
            image, decoded = thumbnails().image(attachment, THUMBNAIL_PX, ratio)
            if image.isNull():
                continue
            name = resource_name(attachment)
            document.addResource(QTextDocument.ResourceType.ImageResource, QUrl(name), image)
            if not decoded:
                waiting.add(name)
            width = round(image.width() / image.devicePixelRatio())
            height = round(image.height() / image.devicePixelRatio())
            bits.append(
                f'<a href="{link(message_id, index)}"><img src="{name}" width="{width}" '
                f'height="{height}" alt="{html.escape(attachment.name)}" /></a>'
            )
        else:
            documents.append(
                f"<span>{_document_icon(document)} {html.escape(attachment.name)} "
                f"({human_size(attachment.size)})</span>"
            )
    # Thumbnails side by side; each document on a line of its own below them.
    lines = ["&nbsp; ".join(bits)] if bits else []
    if lines or documents:
        cursor.insertHtml("<br />".join(lines + documents))
    return waiting


def _document_icon(document: QTextDocument) -> str:
    """The document icon as an image of the view (drawn at 2x, so it stays crisp)."""
    from PySide6.QtCore import QUrl

    from desktop_chat.ui.icons import icon, icon_colour

    colour = icon_colour().name()
    name = f"attachment-icon:document/{colour}"
    if document.resource(QTextDocument.ResourceType.ImageResource, QUrl(name)) is None:
        image = icon("document", colour).pixmap(32, 32).toImage()
        image.setDevicePixelRatio(2)
        document.addResource(QTextDocument.ResourceType.ImageResource, QUrl(name), image)
    return f'<img src="{name}" width="16" height="16" style="vertical-align:middle" />'


class ImageViewer(QDialog):
    """An attached image: fitted to the window, or at full size (scrollable); a double-click
    or the 1 key switches between the two, as in image viewers."""

    def __init__(self, attachment: Attachment, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("imageViewer")
        self.setWindowTitle(attachment.name)
        self.setAccessibleName(f"Image {attachment.name}")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.image_label = QLabel(self)
        self.image_label.setObjectName("imageViewerImage")
        self.image_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        reader, buffer = _reader(attachment.data)
        self.image = reader.read()
        buffer.close()
        self.fitted = True
        self.scroll = QScrollArea(self)
        self.scroll.setWidget(self.image_label)
        self.scroll.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.scroll)
        self.setToolTip(translate("ImageViewer", "Double-click: full size / fit to the window"))
        screen = self.screen().availableGeometry() if self.screen() else None
        width, height = max(1, self.image.width()), max(1, self.image.height())
        if screen is not None:  # the image's shape, as large as the screen allows
            scale = min(1.0, (screen.width() - 80) / width, (screen.height() - 80) / height)
            width, height = round(width * scale), round(height * scale)
        self.resize(max(200, width), max(150, height))
        self.scroll.viewport().installEventFilter(self)  # fitted again when the view resizes

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        resized = watched is self.scroll.viewport() and event.type() == QEvent.Type.Resize
        if resized and self.fitted:
            self._show_image()
        return super().eventFilter(watched, event)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def _show_image(self) -> None:
        if self.image.isNull():
            return
        if self.fitted:
            self.scroll.setWidgetResizable(True)
            area = self.scroll.viewport().size()
            pixmap = QPixmap.fromImage(self.image)
            if pixmap.width() > area.width() or pixmap.height() > area.height():
                pixmap = pixmap.scaled(
                    area,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            self.image_label.setPixmap(pixmap)
        else:
            self.scroll.setWidgetResizable(False)
            self.image_label.setPixmap(QPixmap.fromImage(self.image))
            self.image_label.adjustSize()

    def toggle_size(self) -> None:
        self.fitted = not self.fitted
        self._show_image()

    def mouseDoubleClickEvent(self, event: object) -> None:
        self.toggle_size()

    def keyPressEvent(self, event: object) -> None:
        if event.key() in (Qt.Key.Key_1, Qt.Key.Key_F):  # type: ignore[attr-defined]
            self.toggle_size()
            return
        super().keyPressEvent(event)  # type: ignore[arg-type]

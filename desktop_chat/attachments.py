"""Preparing files to attach: images scaled and re-encoded, documents reduced to their text.

Images go through QtGui (QImage/QImageReader: whatever formats Qt reads); no widgets here.
PDFs are read with pypdf, imported only when a PDF is attached (start-up budget).
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_chat.domain import Attachment, AttachmentKind, image_mime_type

if TYPE_CHECKING:
    from PySide6.QtGui import QImage

MAX_IMAGE_SIDE = 2048
SMALL_PNG = 1_000_000  # a re-encoded PNG under this stays PNG; else JPEG
JPEG_QUALITY = 85
DEFAULT_TEXT_LIMIT = 200_000  # characters of a document's text
MAX_FILE_BYTES = 50_000_000  # a file larger than this is not even read

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp", ".tif", ".tiff", ".ico"}
TEXT_MIMES = {
    ".md": "text/markdown",
    ".markdown": "text/markdown",
    ".csv": "text/csv",
    ".json": "application/json",
    ".txt": "text/plain",
}


class AttachmentError(Exception):
    """A file that cannot be attached; the text names the file and says why."""


def load_attachment(path: Path | str, text_limit: int = DEFAULT_TEXT_LIMIT) -> Attachment:
    path = Path(path)
    name = path.name
    try:
        if not path.is_file():
            raise AttachmentError(f"Cannot attach {name}: it is not a file.")
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise AttachmentError(
                f"Cannot attach {name}: the file is too large ({size // 1_000_000} MB)."
            )
        data = path.read_bytes()
    except OSError as error:
        raise AttachmentError(f"Cannot attach {name}: {error.strerror or error}.") from error
    suffix = path.suffix.lower()
    if suffix == ".pdf" or data.startswith(b"%PDF-"):
        return _checked(
            Attachment.of(
                name, "application/pdf", data, AttachmentKind.DOCUMENT, _pdf_text(name, data)
            ),
            text_limit,
        )
    if suffix in IMAGE_SUFFIXES or image_mime_type(data) is not None:
        image = _read_image(data)
        if image is None:
            raise AttachmentError(f"Cannot attach {name}: the image cannot be read.")
        return attachment_from_image(image, name)
    text = _decoded_text(name, data)
    mime = TEXT_MIMES.get(suffix) or mimetypes.guess_type(name)[0] or "text/plain"
    if not mime.startswith("text/") and mime != "application/json":
        mime = "text/plain"
    return _checked(Attachment.of(name, mime, data, AttachmentKind.DOCUMENT, text), text_limit)


def _checked(attachment: Attachment, text_limit: int) -> Attachment:
    if not attachment.text.strip():
        raise AttachmentError(f"Cannot attach {attachment.name}: it has no text to send.")
    if len(attachment.text) > text_limit:
        raise AttachmentError(
            f"Cannot attach {attachment.name}: its text is too long "
            f"({len(attachment.text):,} characters; the limit is {text_limit:,})."
        )
    return attachment


def _read_image(data: bytes) -> QImage | None:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QImageReader

    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer)
    reader.setAutoTransform(True)
    image = reader.read()  # an animation: its first frame
    return None if image.isNull() else image


def attachment_from_image(image: QImage, name: str = "image.png") -> Attachment:
    """An image (a file's, or one pasted from the clipboard) scaled to at most
    MAX_IMAGE_SIDE on its longest side, aspect kept, and re-encoded: PNG while small,
    else JPEG."""
    from PySide6.QtCore import QBuffer, QIODevice
    from PySide6.QtGui import QImage

    if image.isNull():
        raise AttachmentError(f"Cannot attach {name}: the image is empty.")
    if max(image.width(), image.height()) > MAX_IMAGE_SIDE:
        ratio = MAX_IMAGE_SIDE / max(image.width(), image.height())
        width = max(1, round(image.width() * ratio))
        height = max(1, round(image.height() * ratio))
        from PySide6.QtCore import Qt  # only when an image is attached, never at start-up

        image = image.scaled(
            width,
            height,
            Qt.AspectRatioMode.IgnoreAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )

    def encoded(fmt: str, quality: int = -1, source: QImage = image) -> bytes:
        buffer = QBuffer()
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        source.save(buffer, fmt, quality)
        return bytes(buffer.data().data())

    data = encoded("PNG")
    mime, suffix = "image/png", ".png"
    if len(data) >= SMALL_PNG:
        flat = image.convertToFormat(QImage.Format.Format_RGB888)
        data = encoded("JPEG", JPEG_QUALITY, flat)
        mime, suffix = "image/jpeg", ".jpg"
    if not data:
        raise AttachmentError(f"Cannot attach {name}: the image cannot be encoded.")
    stem = Path(name).stem or "image"
    return Attachment.of(stem + suffix, mime, data, AttachmentKind.IMAGE)


def _decoded_text(name: str, data: bytes) -> str:
    if b"\x00" in data[:65536]:
        raise AttachmentError(f"Cannot attach {name}: it is a binary file, not text.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    # Not UTF-8: a legacy single-byte encoding, but only for bytes that read as text.
    controls = sum(1 for b in data if b < 32 and b not in (9, 10, 12, 13))
    if controls > max(2, len(data) // 1000):
        raise AttachmentError(f"Cannot attach {name}: it is a binary file, not text.")
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _pdf_text(name: str, data: bytes) -> str:
    import io

    try:
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError
    except ImportError as error:  # pragma: no cover - a packaging mistake
        raise AttachmentError(f"Cannot attach {name}: PDF support is not installed.") from error
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                reader.decrypt("")
            except Exception as error:
                raise AttachmentError(
                    f"Cannot attach {name}: the PDF is password-protected."
                ) from error
        pages = [(page.extract_text() or "").strip() for page in reader.pages]
    except AttachmentError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as error:
        raise AttachmentError(f"Cannot attach {name}: the PDF cannot be read ({error}).") from error
    text = "\n\n".join(p for p in pages if p)
    if not text.strip():
        raise AttachmentError(f"Cannot attach {name}: the PDF has no text to extract (a scan?).")
    return text

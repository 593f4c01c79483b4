"""Screenshots of attachments (issue 13), to look at: not a test (no test_ file name); run

    QT_QPA_PLATFORM=offscreen LOOK_THEME=light|dark LOOK_SHOTS=DIR \\
        python -m pytest -q -p no:cacheprovider tests/attachments_screenshots.py

Saves the composer with chips (an image and a document), the conversation with the
thumbnail after sending, and the viewer.
"""

from __future__ import annotations

import os
from pathlib import Path

import fake_openai as fake
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QLinearGradient, QPainter

from desktop_chat.ui.theme import apply_theme


def _picture(path: Path) -> None:
    image = QImage(1600, 1000, QImage.Format.Format_RGB32)
    painter = QPainter(image)
    gradient = QLinearGradient(QPointF(0, 0), QPointF(1600, 1000))
    gradient.setColorAt(0, QColor("#1e6fd9"))
    gradient.setColorAt(1, QColor("#f5a623"))
    painter.fillRect(QRectF(0, 0, 1600, 1000), gradient)
    painter.setPen(QColor("white"))
    font = painter.font()
    font.setPointSize(72)
    painter.setFont(font)
    painter.drawText(QRectF(0, 0, 1600, 1000), Qt.AlignmentFlag.AlignCenter, "Q3 revenue chart")
    painter.end()
    image.save(str(path))


def test_screenshot(qtbot, open_window, controller, fake_openai, tmp_path):
    theme = os.environ.get("LOOK_THEME", "light")
    out = Path(os.environ.get("LOOK_SHOTS", "/tmp"))
    apply_theme(theme)
    try:
        picture = tmp_path / "chart.png"
        _picture(picture)
        notes = tmp_path / "meeting-notes.md"
        notes.write_text("# Notes\n\nRevenue grew 12 % in Q3.\n" * 40, encoding="utf-8")
        fake_openai.script(
            fake.reply(["The chart shows revenue ", "rising through Q3; the notes agree: +12 %."])
        )
        window = open_window(controller)
        window.resize(1100, 720)
        tab = window.current_tab()
        tab.attach([str(picture), str(notes)])
        tab.composer.setPlainText("What does this chart say, and do my notes agree?")
        qtbot.wait(200)
        window.grab().save(str(out / f"attach-chips-{theme}.png"))
        tab.send()
        qtbot.waitUntil(lambda: not tab.is_streaming, timeout=10_000)
        qtbot.wait(300)
        window.grab().save(str(out / f"attach-thumbnails-{theme}.png"))
        prompt = controller.store.get_conversation(tab.conversation.id).messages[0]
        viewer = tab.message_view.open_image(prompt.id, 0)
        assert viewer is not None
        qtbot.waitExposed(viewer)
        qtbot.wait(200)
        viewer.grab().save(str(out / f"attach-viewer-{theme}.png"))
        viewer.close()
    finally:
        apply_theme("system")

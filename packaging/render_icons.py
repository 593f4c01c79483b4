"""Render the app icon's PNG sizes from its SVG sources (a build-time step; the PNGs are committed).

    QT_QPA_PLATFORM=offscreen python packaging/render_icons.py

Uses PySide6's QtSvg (part of PySide6-Essentials), so nothing beyond the app's own
dependencies is needed. The 16 and 24 px sizes come from a simplified drawing
(packaging/icon/...-small.svg) that stays legible at that size; the others from the scalable
icon shipped with the app. Output: desktop_chat/resources/icons/hicolor/NxN/apps/<app id>.png
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from desktop_chat import APP_ID  # noqa: E402

HICOLOR = ROOT / "desktop_chat" / "resources" / "icons" / "hicolor"
FULL = HICOLOR / "scalable" / "apps" / f"{APP_ID}.svg"
SMALL = ROOT / "packaging" / "icon" / f"{APP_ID}-small.svg"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
SMALL_SIZES = (16, 24)


def main() -> int:
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841
    for size in SIZES:
        source = SMALL if size in SMALL_SIZES else FULL
        renderer = QSvgRenderer(str(source))
        if not renderer.isValid():
            print(f"render_icons: cannot read {source}", file=sys.stderr)
            return 1
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        renderer.render(painter, QRectF(0, 0, size, size))
        painter.end()
        target = HICOLOR / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        if not image.convertToFormat(QImage.Format.Format_ARGB32).save(str(target), "PNG"):
            print(f"render_icons: cannot write {target}", file=sys.stderr)
            return 1
        print(f"{target.relative_to(ROOT)}  ({target.stat().st_size} bytes, from {source.name})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

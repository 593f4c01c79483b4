"""The bundled icon set (issue 15): every icon is shipped, drawn in the theme's colour, and
crisp at 2x (rendered from the SVG at the asked size, not scaled up from a small bitmap)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication

from desktop_chat.ui import icons
from desktop_chat.ui.theme import apply_theme

REPO = Path(__file__).resolve().parent.parent


def _ink(image: QImage) -> set[str]:
    """The opaque colours an icon is drawn in."""
    seen = set()
    for y in range(image.height()):
        for x in range(image.width()):
            pixel = image.pixelColor(x, y)
            if pixel.alpha() == 255:
                seen.add(pixel.name())
    return seen


def test_every_icon_is_a_24px_stroke_svg_shipped_as_package_data():
    for name in icons.ICON_NAMES:
        source = icons.svg_source(name)
        assert 'viewBox="0 0 24 24"' in source and "currentColor" in source, name
    data = tomllib.loads((REPO / "pyproject.toml").read_text())
    shipped = data["tool"]["setuptools"]["package-data"]["desktop_chat.resources"]
    assert "icons/ui/*.svg" in shipped


def test_icons_render_sharp_at_1x_and_2x_in_the_asked_colour(qapp):
    for name in icons.ICON_NAMES:
        one = icons.icon(name, "#123456").pixmap(QSize(24, 24), 1.0)
        two = icons.icon(name, "#123456").pixmap(QSize(24, 24), 2.0)
        assert one.size() == QSize(24, 24), name
        assert two.size() == QSize(48, 48) and two.devicePixelRatio() == 2.0, name
        assert "#123456" in _ink(two.toImage()), name  # drawn at 48 px, not blown up


def test_button_icons_follow_the_theme(qapp):
    from PySide6.QtWidgets import QToolButton

    button = QToolButton()
    try:
        apply_theme("light")
        icons.set_icon(button, "copy")
        light = _ink(button.icon().pixmap(QSize(24, 24), 2.0).toImage())
        apply_theme("dark")
        dark = _ink(button.icon().pixmap(QSize(24, 24), 2.0).toImage())
        assert icons.icon_colour().name() in dark
        assert QColor(next(iter(dark))).lightness() > 128 > QColor(next(iter(light))).lightness()
    finally:
        apply_theme("system")
        button.deleteLater()
        QApplication.processEvents()


def test_coloured_icons_are_kept_in_the_user_cache_and_reused_by_the_next_start(tmp_path):
    """Not a temporary folder per start, which a killed app (or a test run) leaves behind."""
    import os
    import shutil
    import subprocess
    import sys
    import tempfile

    # A short one: the single-instance socket is made in it too (sun_path holds 108 bytes).
    temporary = Path(tempfile.mkdtemp(prefix="dc-", dir="/tmp"))
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "DESKTOP_CHAT_EXIT_AFTER_FIRST_PAINT": "1",
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "TMPDIR": str(temporary),
    }
    env.pop("OPENAI_API_KEY", None)
    folder = tmp_path / "cache" / "desktop-chat" / "icons"

    def start() -> None:
        done = subprocess.run(
            [sys.executable, "-m", "desktop_chat"], env=env, capture_output=True, timeout=60
        )
        assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]

    try:
        start()
        written = {path.name: path.stat().st_mtime_ns for path in folder.glob("*.svg")}
        assert "send-" in " ".join(written)  # the composer's send icon, for one
        assert not any("currentColor" in path.read_text("utf-8") for path in folder.iterdir())
        start()
        again = {path.name: path.stat().st_mtime_ns for path in folder.glob("*.svg")}
        assert again == written  # found, not written again
        assert not list(temporary.glob("desktop-chat-icons-*"))
    finally:
        shutil.rmtree(temporary, ignore_errors=True)

"""Themes: follow the system (the platform theme's palette), or force light or dark.

Views that draw with palette colours re-render when the palette changes, so code colours and
message backgrounds stay readable in both.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

_system_palette: QPalette | None = None


def _dark_palette() -> QPalette:
    palette = QPalette()
    role = QPalette.ColorRole
    colours = {
        role.Window: "#2b2d31",
        role.WindowText: "#e6e6e6",
        role.Base: "#1e1f22",
        role.AlternateBase: "#2b2d31",
        role.ToolTipBase: "#2b2d31",
        role.ToolTipText: "#e6e6e6",
        role.Text: "#e6e6e6",
        role.Button: "#34363b",
        role.ButtonText: "#e6e6e6",
        role.BrightText: "#ff6b6b",
        role.Link: "#6cb4ff",
        role.LinkVisited: "#b48cff",
        role.Highlight: "#3d6fb6",
        role.HighlightedText: "#ffffff",
        role.PlaceholderText: "#8a8d93",
        role.Mid: "#4a4d52",
    }
    for colour_role, value in colours.items():
        palette.setColor(colour_role, QColor(value))
    for colour_role in (role.Text, role.ButtonText, role.WindowText):
        palette.setColor(QPalette.ColorGroup.Disabled, colour_role, QColor("#7a7d82"))
    return palette


def apply_theme(theme: str) -> None:
    """ "system" restores the platform's palette; "light" and "dark" override it."""
    global _system_palette
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    if _system_palette is None:
        # palette() returns a copy already; QPalette(palette) would make PySide weigh the
        # QPalette(Qt.GlobalColor) overload and build the `Qt` namespace before first paint.
        _system_palette = app.palette()
    if theme == "dark":
        app.setPalette(_dark_palette())
    elif theme == "light":
        app.setPalette(app.style().standardPalette())
    else:
        app.setPalette(_system_palette)
    from desktop_chat.ui.icons import refresh_icons  # not before the first paint

    refresh_icons()


def is_dark(palette: QPalette | None = None) -> bool:
    palette = palette or QGuiApplication.palette()
    return palette.color(QPalette.ColorRole.Base).lightness() < 128


# Colours for errors and notices, one set per background: dark red on a light window would be
# unreadable on a dark one, and a pale pink box glares there.
_NOTICE_COLOURS = {  # level -> (background, text, border)
    False: {
        "error": ("#fdecea", "#8a1f11", "#e0a39b"),
        "warning": ("#fff4e0", "#6b4500", "#e6c07a"),
        "info": ("#e8f1fb", "#17406d", "#a9c5e6"),
    },
    True: {
        "error": ("#3b1f1d", "#f4bcb6", "#8c3a33"),
        "warning": ("#382d14", "#f3d89c", "#8a6a22"),
        "info": ("#1b2a3c", "#b9d4f1", "#3e6189"),
    },
}


def notice_colours(level: str) -> tuple[str, str, str]:
    """(background, text, border) for a notice of `level` in the current palette."""
    colours = _NOTICE_COLOURS[is_dark()]
    return colours.get(level, colours["info"])


def error_text_colour() -> str:
    return notice_colours("error")[1]

"""The app's icons: one set of 24 px stroke SVGs (desktop_chat/resources/icons/ui/), drawn in
the palette's colours so that they suit light and dark, crisp at any device pixel ratio.

An icon is the bundled SVG with its `currentColor` replaced, written once per colour to a
private temporary folder and loaded from there by Qt's SVG icon engine: Qt then renders it at
the size and scale each paint asks for, in C++ (no Python per paint, no QtSvg import).
Widgets given an icon by `set_icon` are given it again, in the new colours, by `refresh_icons`
(called when the theme changes).
"""

from __future__ import annotations

import atexit
import os
import tempfile
from functools import cache
from pathlib import Path

from PySide6.QtGui import QAction, QColor, QGuiApplication, QIcon, QPalette
from PySide6.QtWidgets import QAbstractButton, QApplication

from desktop_chat.resources import resource_path

ICON_PROPERTY = "desktopChatIcon"
ICON_NAMES = (
    "send",
    "stop",
    "attach",
    "new-chat",
    "settings",
    "copy",
    "edit",
    "regenerate",
    "delete",
    "search",
    "tools",
    "chevron-left",
    "chevron-right",
    "chevron-down",
    "chevron-up",
    "move-up",
    "move-down",
    "run",
    "check",
    "more",
    "request",
    "add-message",
    "close",
)

_folder: Path | None = None


@cache
def svg_source(name: str) -> str:
    """The bundled SVG text of icon `name`."""
    return resource_path("icons", "ui", f"{name}.svg").read_text(encoding="utf-8")


def icon_colour(palette: QPalette | None = None) -> QColor:
    """Icons are a little softer than text: the text colour a quarter of the way to the
    window's, as in current chat apps."""
    palette = palette or QGuiApplication.palette()
    text = palette.color(QPalette.ColorRole.ButtonText)
    window = palette.color(QPalette.ColorRole.Window)
    return QColor(
        round(text.red() * 0.78 + window.red() * 0.22),
        round(text.green() * 0.78 + window.green() * 0.22),
        round(text.blue() * 0.78 + window.blue() * 0.22),
    )


def _icon_folder() -> Path:
    """The user's cache folder for the coloured icons: they are written once and found there
    by later starts. A temporary folder (removed at exit) if the cache cannot be written."""
    global _folder
    if _folder is None:
        from desktop_chat import paths

        folder = paths.cache_dir() / "icons"
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            folder = _temporary_folder()
        _folder = folder
    return _folder


def _remove_folder(folder: Path) -> None:
    import shutil

    shutil.rmtree(folder, ignore_errors=True)


@cache
def _icon_file(name: str, colour: str) -> str:
    text = svg_source(name).replace("currentColor", colour)
    path = _icon_folder() / f"{name}-{colour.lstrip('#')}.svg"
    try:
        if path.read_text(encoding="utf-8") == text:
            return str(path)  # written by an earlier start
    except (OSError, UnicodeDecodeError):
        pass
    # Written beside it and moved into place: another instance may be reading it now.
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, path)
    except OSError:
        return _temporary_icon_file(path.name, text)
    return str(path)


def _temporary_folder() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="desktop-chat-icons-"))
    atexit.register(_remove_folder, folder)
    return folder


def _temporary_icon_file(file_name: str, text: str) -> str:
    global _folder
    _folder = _temporary_folder()
    path = _folder / file_name
    path.write_text(text, encoding="utf-8")
    return str(path)


def icon(name: str, colour: QColor | str | None = None) -> QIcon:
    """Icon `name` in `colour` (by default the palette's icon colour)."""
    if colour is None:
        colour = icon_colour()
    # QColor(QColor) would resolve its overloads through the `Qt` enums: not before first paint.
    hex_colour = colour.name() if isinstance(colour, QColor) else QColor.fromString(colour).name()
    return _shared_icon(name, hex_colour)


@cache
def _shared_icon(name: str, hex_colour: str) -> QIcon:
    """One QIcon per icon and colour, shared by every button that shows it (QIcon is
    implicitly shared): one SVG engine and one set of cached pixmaps, not one per tab."""
    return QIcon(_icon_file(name, hex_colour))


def set_icon(button: QAbstractButton, name: str, colour: QColor | str | None = None) -> None:
    """Give `button` icon `name`; it follows theme changes (see `refresh_icons`) unless a
    fixed colour is asked for."""
    button.setIcon(icon(name, colour))
    if colour is None:
        button.setProperty(ICON_PROPERTY, name)


def refresh_icons() -> None:
    """Draw every `set_icon` button's icon again in the current palette's colour."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    for widget in app.allWidgets():
        name = widget.property(ICON_PROPERTY)
        if isinstance(name, str) and isinstance(widget, QAbstractButton):
            widget.setIcon(icon(name))
        for action in widget.actions():  # e.g. the search field's magnifier
            name = action.property(ICON_PROPERTY)
            if isinstance(name, str):
                action.setIcon(icon(name))


def themed_action_icon(action: QAction, name: str) -> QAction:
    """Give `action` icon `name`, following theme changes like `set_icon`'s buttons."""
    action.setIcon(icon(name))
    action.setProperty(ICON_PROPERTY, name)
    return action

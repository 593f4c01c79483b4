"""Data files shipped with the app (icons, translations, desktop entry template, AppStream
metainfo).

Read them with `importlib.resources.files("desktop_chat.resources")`, which works from a
checkout, an installed wheel and a PyInstaller bundle alike (see desktop_chat/desktop_entry.py),
or, before the window's first paint, with `resource_path`: importlib.resources costs ~4 ms to
import there, and in each of those three ways the files are on disk beside this module.
"""

from __future__ import annotations

from pathlib import Path


def resource_path(*parts: str) -> Path:
    """A shipped file or folder, e.g. resource_path("icons", "ui", "send.svg")."""
    return Path(__file__).parent.joinpath(*parts)

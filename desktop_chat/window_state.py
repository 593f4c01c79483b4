"""The little the window's first paint needs — its size and place, and the theme — in one
small file in the state directory, read before anything else is loaded.

The chats' database and the settings are opened only after that paint (see app.py), so the
window can appear at its saved size, in the user's theme, without waiting for them. The
theme here is a copy of the setting, written when the window closes; settings.json stays
the truth. A missing or damaged file just means the default size and theme, once.

The format is two `key=value` lines, not JSON: importing `json` alone costs ~3 ms, which is a
tenth of what the whole first paint may add to a bare Qt window's.
"""

from __future__ import annotations

import os
from pathlib import Path

THEMES = ("system", "light", "dark")


class WindowState:
    __slots__ = ("geometry", "theme")

    def __init__(self, geometry: str = "", theme: str = "system") -> None:
        self.geometry = geometry  # QWidget.saveGeometry(), base64
        self.theme = theme if theme in THEMES else "system"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, WindowState) and (self.geometry, self.theme) == (
            other.geometry,
            other.theme,
        )

    def __repr__(self) -> str:
        return f"WindowState(geometry={self.geometry!r}, theme={self.theme!r})"


def load(path: Path) -> WindowState:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, ValueError):
        return WindowState()
    fields = dict(line.split("=", 1) for line in text.splitlines() if "=" in line)
    geometry = fields.get("geometry", "").strip()
    if not geometry.replace("+", "").replace("/", "").rstrip("=").isalnum():
        geometry = ""  # not base64: ignore it rather than hand Qt garbage
    return WindowState(geometry, fields.get("theme", "system").strip())


def save(path: Path, state: WindowState) -> None:
    """Write atomically (temp file, then rename): a crash never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_name(path.name + ".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with open(descriptor, "w", encoding="utf-8") as file:  # owner-only, like the other files
        file.write(f"geometry={state.geometry}\ntheme={state.theme}\n")
    os.replace(temporary, path)

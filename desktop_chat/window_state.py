"""The little the window's first paint needs — its size and place, the theme, and the titles
of the open tabs — in one small file in the state directory, read before anything else.

The chats' database and the settings are opened only after that paint (see app.py), so the
window can appear at its saved size, in the user's theme, without waiting for them. The
theme here is a copy of the setting, written when the window closes; settings.json stays
the truth. A missing or damaged file just means the default size and theme, once.

The format is `key=value` lines, not JSON: importing `json` alone costs ~3 ms, which is a
tenth of what the whole first paint may add to a bare Qt window's.
"""

from __future__ import annotations

import os
from pathlib import Path

THEMES = ("system", "light", "dark")


class WindowState:
    __slots__ = ("current", "geometry", "tabs", "theme")

    def __init__(
        self,
        geometry: str = "",
        theme: str = "system",
        tabs: tuple[str, ...] = (),
        current: int = 0,
    ) -> None:
        self.geometry = geometry  # QWidget.saveGeometry(), base64
        self.theme = theme if theme in THEMES else "system"
        # The open tabs' labels, so the first paint shows the tab bar the session will have.
        self.tabs = tuple(" ".join(title.split()) for title in tabs)
        self.current = current if 0 <= current < len(self.tabs) else 0

    def _key(self) -> tuple[object, ...]:
        return (self.geometry, self.theme, self.tabs, self.current)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, WindowState) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return (
            f"WindowState(geometry={self.geometry!r}, theme={self.theme!r}, "
            f"tabs={self.tabs!r}, current={self.current!r})"
        )


def load(path: Path) -> WindowState:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, ValueError):
        return WindowState()
    fields = dict(line.split("=", 1) for line in text.splitlines() if "=" in line)
    geometry = fields.get("geometry", "").strip()
    if not geometry.replace("+", "").replace("/", "").rstrip("=").isalnum():
        geometry = ""  # not base64: ignore it rather than hand Qt garbage
    tabs = tuple(title for title in fields.get("tabs", "").split("\t") if title.strip())
    current = fields.get("current", "0").strip()
    return WindowState(
        geometry,
        fields.get("theme", "system").strip(),
        tabs,
        int(current) if current.isdigit() else 0,
    )


def save(path: Path, state: WindowState) -> None:
    """Write atomically (temp file, then rename): a crash never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_name(path.name + ".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with open(descriptor, "w", encoding="utf-8") as file:  # owner-only, like the other files
        file.write(
            f"geometry={state.geometry}\ntheme={state.theme}\n"
            f"tabs={chr(9).join(state.tabs)}\ncurrent={state.current}\n"
        )
    os.replace(temporary, path)

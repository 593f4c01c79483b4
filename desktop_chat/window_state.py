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


KEYS = ("geometry", "theme", "tabs", "current")
_BASE64 = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")
_DIGITS = frozenset("0123456789")  # not str.isdigit: that is True for "²", which int() refuses


def load(path: Path, warnings: list[str] | None = None) -> WindowState:
    """Last time's look; a damaged part takes its default. Damage is logged, told in
    `warnings`, and the file is copied beside (`window-state.damaged-<time>`) before the
    window's close writes over it."""
    try:
        raw = path.read_bytes()
    except OSError:
        return WindowState()  # missing (first start) or unreadable: the default look
    problems: list[str] = []
    state = _parse(raw, problems)
    if problems:
        _keep_damaged(path, problems, warnings)
    return state


def _parse(raw: bytes, problems: list[str]) -> WindowState:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        problems.append("it is not UTF-8 text")
        text = raw.decode("utf-8", "replace")  # keep the lines that are still readable
    fields: dict[str, str] = {}
    for line in text.splitlines():
        key, equals, value = line.partition("=")
        if equals and key in KEYS:
            fields[key] = value
        elif line.strip() and "\ufffd" not in line:
            problems.append("it has lines that are not settings")
    geometry = fields.get("geometry", "").strip()
    if geometry and not set(geometry) <= _BASE64:
        problems.append("the window geometry is not base64")
        geometry = ""  # ignore it rather than hand Qt garbage
    theme = fields.get("theme", "system").strip()  # an unknown one (a newer version's): system
    tabs = tuple(title for title in fields.get("tabs", "").split("\t") if title.strip())
    current = fields.get("current", "0").strip()
    if not current or not set(current) <= _DIGITS or len(current) > 6:
        problems.append("the selected tab is not a number")
        current = "0"
    return WindowState(geometry, theme, tabs, int(current))


def _keep_damaged(path: Path, problems: list[str], warnings: list[str] | None) -> None:
    import logging

    from desktop_chat.damage import keep_copy

    try:
        where = f"the old file was kept as {keep_copy(path)}"
    except OSError as error:
        where = f"no copy of it could be kept ({error.strerror})"
    text = (
        f"The window's saved size and tabs were damaged ({problems[0]}); "
        f"the defaults are used instead, and {where}."
    )
    if warnings is None:
        logging.getLogger(__name__).warning("%s", text)
    else:  # the window tells it, and logs it
        warnings.append(text)


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

"""A system-wide shortcut that opens the quick-ask window, with the best backend the desktop has.

- X11 (Qt platform "xcb"): an XGrabKey on the root window (hotkey/x11.py). It fires whichever
  window has the focus, and consumes the key.
- Wayland: applications cannot grab keys. If the desktop offers the XDG GlobalShortcuts portal
  (KDE Plasma, Hyprland, GNOME 48+), the portal backend asks it (hotkey/portal.py); the desktop
  may show the user a dialog and may pick another key.
- Everywhere else, and as the fallback: the user binds ``BIND_COMMAND`` to a key in the desktop's
  keyboard settings; that command forwards "quick-ask" to the running instance (desktop_chat.ipc).

``create_backend()`` picks one; ``register()`` raises HotkeyUnavailable (plain text that says
why and what to do) for failures it can see at once, and ``failed`` reports later ones.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence

log = logging.getLogger(__name__)

BIND_COMMAND = "desktop-chat --quick-ask"
BIND_ADVICE = (
    f'To open the quick-ask window with a key, bind the command "{BIND_COMMAND}" to a shortcut '
    "in your desktop's keyboard settings."
)


class HotkeyUnavailable(Exception):
    """The shortcut cannot be registered; the message says why and what to do (plain text)."""


class HotkeyBackend(QObject):
    """One global shortcut. ``activated`` fires each time it is pressed."""

    activated = Signal()
    failed = Signal(str)  # asynchronous failures, plain text

    name: str = "none"

    def register(self, sequence: str) -> None:
        """Register ``sequence`` (QKeySequence portable text, e.g. "Ctrl+Alt+Space"), replacing
        the previous one. Raises HotkeyUnavailable."""
        raise NotImplementedError

    def unregister(self) -> None:
        """Release the shortcut (no-op if none is registered)."""
        raise NotImplementedError


class NoHotkeyBackend(HotkeyBackend):
    """No way to register a global shortcut here: register() explains and names BIND_COMMAND."""

    name = "none"

    def __init__(self, reason: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.reason = reason

    def register(self, sequence: str) -> None:
        raise HotkeyUnavailable(f"{self.reason} {BIND_ADVICE}")

    def unregister(self) -> None:
        pass


def create_backend(
    parent: QObject | None = None, platform_name: str | None = None
) -> HotkeyBackend:
    """The backend for this desktop, chosen by the Qt platform (QGuiApplication.platformName()
    unless ``platform_name`` is given). Never raises; a backend that cannot work is "none".

    On Wayland this asks the session bus whether the GlobalShortcuts portal is there (blocks for
    up to about a second when the bus does not answer): call it after the first paint.
    """
    platform = platform_name if platform_name is not None else QGuiApplication.platformName()
    if platform == "xcb":
        from desktop_chat.hotkey import x11

        try:
            return x11.X11HotkeyBackend(parent)
        except HotkeyUnavailable as error:
            return NoHotkeyBackend(str(error), parent)
    if platform.startswith("wayland"):
        from desktop_chat.hotkey import portal

        problem = portal.unavailable_reason()
        if problem is None:
            return portal.PortalHotkeyBackend(parent)
        log.info("no GlobalShortcuts portal: %s", problem)
        return NoHotkeyBackend(
            "This Wayland desktop does not offer global shortcuts to applications "
            f"(the GlobalShortcuts portal is not available: {problem}).",
            parent,
        )
    where = {"windows": "Windows", "cocoa": "macOS"}.get(platform, f'the "{platform}" platform')
    return NoHotkeyBackend(f"This app cannot register global shortcuts on {where}.", parent)


# --------------------------------------------------------------------------- key sequences


@dataclass(frozen=True)
class Shortcut:
    """One key with modifiers, in the vocabulary both backends need."""

    text: str  # normalized QKeySequence portable text, e.g. "Ctrl+Alt+Space"
    modifiers: frozenset[str]  # of "ctrl", "alt", "shift", "meta"
    keysym_name: str  # an X/xkb keysym name: "space", "a", "F1", "Return", "slash", "U00E4"

    @property
    def portal_trigger(self) -> str:
        """The XDG shortcuts-spec form: "CTRL+ALT+space"."""
        order = (("ctrl", "CTRL"), ("alt", "ALT"), ("shift", "SHIFT"), ("meta", "LOGO"))
        names = [spec for mod, spec in order if mod in self.modifiers]
        return "+".join([*names, self.keysym_name])


# X keysym names of printable ASCII (keysym value == code point for Latin-1).
_ASCII_KEYSYMS = {
    " ": "space", "!": "exclam", '"': "quotedbl", "#": "numbersign", "$": "dollar",
    "%": "percent", "&": "ampersand", "'": "apostrophe", "(": "parenleft", ")": "parenright",
    "*": "asterisk", "+": "plus", ",": "comma", "-": "minus", ".": "period", "/": "slash",
    ":": "colon", ";": "semicolon", "<": "less", "=": "equal", ">": "greater", "?": "question",
    "@": "at", "[": "bracketleft", "\\": "backslash", "]": "bracketright", "^": "asciicircum",
    "_": "underscore", "`": "grave", "{": "braceleft", "|": "bar", "}": "braceright",
    "~": "asciitilde",
}  # fmt: skip

_K = Qt.Key
_NAMED_KEYSYMS = {
    _K.Key_Escape: "Escape", _K.Key_Tab: "Tab", _K.Key_Backtab: "ISO_Left_Tab",
    _K.Key_Backspace: "BackSpace", _K.Key_Return: "Return", _K.Key_Enter: "KP_Enter",
    _K.Key_Insert: "Insert", _K.Key_Delete: "Delete", _K.Key_Pause: "Pause",
    _K.Key_Print: "Print", _K.Key_SysReq: "Sys_Req", _K.Key_Clear: "Clear",
    _K.Key_Home: "Home", _K.Key_End: "End", _K.Key_Left: "Left", _K.Key_Up: "Up",
    _K.Key_Right: "Right", _K.Key_Down: "Down", _K.Key_PageUp: "Prior",
    _K.Key_PageDown: "Next", _K.Key_ScrollLock: "Scroll_Lock", _K.Key_Menu: "Menu",
    _K.Key_Help: "Help", _K.Key_VolumeUp: "XF86AudioRaiseVolume",
    _K.Key_VolumeDown: "XF86AudioLowerVolume", _K.Key_VolumeMute: "XF86AudioMute",
    _K.Key_MediaPlay: "XF86AudioPlay", _K.Key_MediaStop: "XF86AudioStop",
    _K.Key_MediaNext: "XF86AudioNext", _K.Key_MediaPrevious: "XF86AudioPrev",
    _K.Key_Calculator: "XF86Calculator", _K.Key_Search: "XF86Search",
    _K.Key_HomePage: "XF86HomePage", _K.Key_LaunchMail: "XF86Mail",
}  # fmt: skip
_MODIFIER_KEYS = {
    _K.Key_Shift, _K.Key_Control, _K.Key_Alt, _K.Key_AltGr, _K.Key_Meta, _K.Key_Super_L,
    _K.Key_Super_R, _K.Key_Hyper_L, _K.Key_Hyper_R, _K.Key_CapsLock, _K.Key_NumLock,
}  # fmt: skip
_MODIFIERS = (
    (Qt.KeyboardModifier.ControlModifier, "ctrl"),
    (Qt.KeyboardModifier.AltModifier, "alt"),
    (Qt.KeyboardModifier.ShiftModifier, "shift"),
    (Qt.KeyboardModifier.MetaModifier, "meta"),
)


def parse_sequence(sequence: str) -> Shortcut:
    """Parse QKeySequence portable text ("Ctrl+Alt+Space"; "Super" means Meta). Raises
    HotkeyUnavailable for an empty, multi-step, modifier-only or unknown shortcut."""
    text = re.sub(r"(?i)\b(super|win)\s*\+", "Meta+", sequence.strip())
    keys = QKeySequence.fromString(text, QKeySequence.SequenceFormat.PortableText)
    if keys.count() != 1:
        raise HotkeyUnavailable(
            f'"{sequence}" is not a single shortcut; use one key with modifiers, '
            'e.g. "Ctrl+Alt+Space".'
        )
    combination = keys[0]
    key = combination.key()
    normalized = keys.toString(QKeySequence.SequenceFormat.PortableText)
    if key == Qt.Key.Key_unknown:
        raise HotkeyUnavailable(f'"{sequence}" contains a key this app does not know.')
    if key in _MODIFIER_KEYS:
        raise HotkeyUnavailable(f'"{sequence}" needs a key besides the modifiers.')
    modifiers = frozenset(
        name for flag, name in _MODIFIERS if combination.keyboardModifiers() & flag
    )
    code = key.value
    if key in _NAMED_KEYSYMS:
        keysym = _NAMED_KEYSYMS[key]
    elif Qt.Key.Key_F1.value <= code <= Qt.Key.Key_F35.value:
        keysym = f"F{code - Qt.Key.Key_F1.value + 1}"
    elif 0x20 <= code <= 0x7E:
        char = chr(code).lower()
        keysym = _ASCII_KEYSYMS.get(char, char)
    elif 0xA0 <= code <= 0x10FFFF and code < Qt.Key.Key_Escape.value:
        keysym = f"U{ord(chr(code).lower()):04X}"
    else:
        raise HotkeyUnavailable(f'"{sequence}": this key cannot be used for a global shortcut.')
    return Shortcut(normalized, modifiers, keysym)

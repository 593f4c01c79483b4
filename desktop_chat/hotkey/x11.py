"""Global shortcut on X11: XGrabKey on the root window, through ctypes and libX11.

The backend opens its own Xlib connection (``XOpenDisplay(NULL)``, i.e. $DISPLAY), separate
from Qt's xcb connection, and grabs the key with the modifiers plus the variants with CapsLock
(LockMask) and NumLock (Mod2Mask), so the shortcut works whatever the lock keys are. The grab
fires whichever client has the focus and the key is not passed on to it. Events are read when
the connection's file descriptor becomes readable (QSocketNotifier), so nothing polls.

Errors: XGrabKey fails asynchronously (BadAccess when another client holds the same grab), so
register() installs a temporary X error handler, calls XSync and looks at what arrived.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
from collections.abc import Callable
from ctypes import POINTER, byref, c_char_p, c_int, c_long, c_ubyte, c_uint, c_ulong, c_void_p
from functools import partial

from PySide6.QtCore import QObject, QSocketNotifier, QTimer

from desktop_chat.hotkey import HotkeyBackend, HotkeyUnavailable, Shortcut, parse_sequence

log = logging.getLogger(__name__)

# X.h
KEY_PRESS, KEY_RELEASE = 2, 3
SHIFT_MASK, LOCK_MASK, CONTROL_MASK = 1 << 0, 1 << 1, 1 << 2
MOD1_MASK, MOD2_MASK, MOD4_MASK = 1 << 3, 1 << 4, 1 << 6
GRAB_MODE_ASYNC = 1
BAD_ACCESS = 10
_X_ERRORS = {2: "BadValue", 10: "BadAccess", 3: "BadWindow"}

MODIFIER_MASKS = {"ctrl": CONTROL_MASK, "alt": MOD1_MASK, "shift": SHIFT_MASK, "meta": MOD4_MASK}
# CapsLock and NumLock must not stop the shortcut: grab each combination of them too.
LOCK_VARIANTS = (0, LOCK_MASK, MOD2_MASK, LOCK_MASK | MOD2_MASK)


class XErrorEvent(ctypes.Structure):
    _fields_ = [
        ("type", c_int),
        ("display", c_void_p),
        ("resourceid", c_ulong),
        ("serial", c_ulong),
        ("error_code", c_ubyte),
        ("request_code", c_ubyte),
        ("minor_code", c_ubyte),
    ]


class XKeyEvent(ctypes.Structure):
    _fields_ = [
        ("type", c_int),
        ("serial", c_ulong),
        ("send_event", c_int),
        ("display", c_void_p),
        ("window", c_ulong),
        ("root", c_ulong),
        ("subwindow", c_ulong),
        ("time", c_ulong),
        ("x", c_int),
        ("y", c_int),
        ("x_root", c_int),
        ("y_root", c_int),
        ("state", c_uint),
        ("keycode", c_uint),
        ("same_screen", c_int),
    ]


class XEvent(ctypes.Union):
    _fields_ = [("type", c_int), ("xkey", XKeyEvent), ("pad", c_long * 24)]


XErrorHandler = ctypes.CFUNCTYPE(c_int, c_void_p, POINTER(XErrorEvent))

# Errors seen by the handler, per display address; only filled while a trap is active.
_errors: dict[int, list[tuple[int, int]]] = {}


def _on_x_error(display: int | None, event: ctypes._Pointer[XErrorEvent]) -> int:
    errors = _errors.get(display or 0)
    if errors is not None:
        errors.append((event.contents.error_code, event.contents.request_code))
    return 0  # ignored, like Qt's own handler does


# Kept alive for the life of the process: Xlib holds a raw pointer to it.
_ERROR_HANDLER = XErrorHandler(_on_x_error)

_lib: ctypes.CDLL | None = None


def load_libx11() -> ctypes.CDLL:
    """libX11 with the prototypes we use; HotkeyUnavailable if it is not installed."""
    global _lib
    if _lib is not None:
        return _lib
    path = ctypes.util.find_library("X11")
    if path is None:
        raise HotkeyUnavailable("The X11 client library (libX11) is not installed.")
    try:
        lib = ctypes.CDLL(path)
    except OSError as error:
        raise HotkeyUnavailable(f"The X11 client library could not be loaded: {error}") from None
    prototypes = {
        "XOpenDisplay": (c_void_p, [c_char_p]),
        "XCloseDisplay": (c_int, [c_void_p]),
        "XDefaultRootWindow": (c_ulong, [c_void_p]),
        "XConnectionNumber": (c_int, [c_void_p]),
        "XStringToKeysym": (c_ulong, [c_char_p]),
        "XKeysymToKeycode": (c_ubyte, [c_void_p, c_ulong]),
        "XGrabKey": (c_int, [c_void_p, c_int, c_uint, c_ulong, c_int, c_int, c_int]),
        "XUngrabKey": (c_int, [c_void_p, c_int, c_uint, c_ulong]),
        "XSync": (c_int, [c_void_p, c_int]),
        "XPending": (c_int, [c_void_p]),
        "XNextEvent": (c_int, [c_void_p, POINTER(XEvent)]),
        "XSetErrorHandler": (c_void_p, [c_void_p]),
        "XkbSetDetectableAutoRepeat": (c_int, [c_void_p, c_int, POINTER(c_int)]),
    }
    for name, (restype, argtypes) in prototypes.items():
        function = getattr(lib, name)
        function.restype = restype
        function.argtypes = argtypes
    _lib = lib
    return lib


def _close_display(lib: ctypes.CDLL, holder: list[int | None]) -> None:
    """Close the display in ``holder`` once (also when the QObject is destroyed)."""
    display = holder[0]
    holder[0] = None
    if display:
        lib.XCloseDisplay(display)


class X11HotkeyBackend(HotkeyBackend):
    name = "x11"

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lib = load_libx11()
        self._display: list[int | None] = [None]  # shared with the destroyed() hook
        self._notifier: QSocketNotifier | None = None
        self._root = 0
        self._grabbed: tuple[int, int] | None = None  # (keycode, modifier mask)
        self._shortcut: Shortcut | None = None
        self._pressed = False
        self._last_release_time = -1
        # Close our X connection when the QObject goes, even without unregister().
        self.destroyed.connect(partial(_close_display, self._lib, self._display))

    @property
    def shortcut(self) -> Shortcut | None:
        return self._shortcut

    # -- public API

    def register(self, sequence: str) -> None:
        shortcut = parse_sequence(sequence)
        display = self._open()
        keysym = self._lib.XStringToKeysym(shortcut.keysym_name.encode())
        if not keysym:
            raise HotkeyUnavailable(f'"{sequence}": X11 does not know the key.')
        keycode = self._lib.XKeysymToKeycode(display, keysym)
        if not keycode:
            raise HotkeyUnavailable(
                f"{shortcut.text}: no key on this keyboard produces "
                f'"{shortcut.keysym_name}"; choose another shortcut.'
            )
        mask = 0
        for modifier in shortcut.modifiers:
            mask |= MODIFIER_MASKS[modifier]
        if self._grabbed == (keycode, mask):
            self._shortcut = shortcut
            return
        errors = self._trap(lambda: self._grab(keycode, mask))
        if errors:
            self._trap(lambda: self._ungrab(keycode, mask))
            if self._grabbed is None:
                self._close()
            if any(code == BAD_ACCESS for code, _ in errors):
                raise HotkeyUnavailable(
                    f"{shortcut.text} is already taken by another program; choose another shortcut."
                )
            names = ", ".join(_X_ERRORS.get(code, f"error {code}") for code, _ in errors)
            raise HotkeyUnavailable(f"X11 refused the shortcut {shortcut.text} ({names}).")
        if self._grabbed is not None:
            old_keycode, old_mask = self._grabbed
            self._trap(lambda: self._ungrab(old_keycode, old_mask))
        self._grabbed = (keycode, mask)
        self._shortcut = shortcut
        self._pressed = False
        log.info("global shortcut %s grabbed on X11 (keycode %d)", shortcut.text, keycode)
        # XSync may have read events into Xlib's queue without the fd becoming readable.
        QTimer.singleShot(0, self, self._drain)

    def unregister(self) -> None:
        if self._grabbed is not None and self._display[0]:
            keycode, mask = self._grabbed
            self._trap(lambda: self._ungrab(keycode, mask))
            log.info("global shortcut %s released", self._shortcut.text if self._shortcut else "")
        self._grabbed = None
        self._shortcut = None
        self._close()

    # -- X connection

    def _open(self) -> int:
        if self._display[0]:
            return self._display[0]
        display = self._lib.XOpenDisplay(None)
        if not display:
            raise HotkeyUnavailable(
                f"Cannot connect to the X display {os.environ.get('DISPLAY', '(DISPLAY not set)')}."
            )
        self._display[0] = display
        self._root = self._lib.XDefaultRootWindow(display)
        supported = c_int(0)
        # Holding the key then sends repeated KeyPress without fake KeyRelease in between.
        self._lib.XkbSetDetectableAutoRepeat(display, 1, byref(supported))
        self._notifier = QSocketNotifier(
            self._lib.XConnectionNumber(display), QSocketNotifier.Type.Read, self
        )
        self._notifier.activated.connect(self._drain)
        return display

    def _close(self) -> None:
        if self._notifier is not None:
            self._notifier.setEnabled(False)
            self._notifier.deleteLater()
            self._notifier = None
        _close_display(self._lib, self._display)

    def _trap(self, action: Callable[[], None]) -> list[tuple[int, int]]:
        """Run ``action`` with our error handler installed, XSync, and return the X errors
        (error_code, request_code) it caused on our display."""
        display = self._display[0]
        assert display
        _errors[display] = []
        previous = self._lib.XSetErrorHandler(ctypes.cast(_ERROR_HANDLER, c_void_p))
        try:
            action()
            self._lib.XSync(display, 0)
        finally:
            self._lib.XSetErrorHandler(previous)
            errors = _errors.pop(display, [])
        return errors

    def _grab(self, keycode: int, mask: int) -> None:
        for extra in LOCK_VARIANTS:
            self._lib.XGrabKey(
                self._display[0], keycode, mask | extra, self._root, 0,
                GRAB_MODE_ASYNC, GRAB_MODE_ASYNC,
            )  # fmt: skip

    def _ungrab(self, keycode: int, mask: int) -> None:
        for extra in LOCK_VARIANTS:
            self._lib.XUngrabKey(self._display[0], keycode, mask | extra, self._root)

    def _drain(self) -> None:
        display = self._display[0]
        if not display:
            return
        event = XEvent()
        while self._lib.XPending(display) > 0:
            self._lib.XNextEvent(display, byref(event))
            if self._grabbed is None or event.type not in (KEY_PRESS, KEY_RELEASE):
                continue
            key = event.xkey
            if key.keycode != self._grabbed[0]:
                continue
            if event.type == KEY_RELEASE:
                self._pressed = False
                self._last_release_time = key.time
                continue
            # Auto-repeat: a press while held (detectable auto-repeat), or, where the server
            # lacks that, a fake release and press with the same timestamp.
            repeat = self._pressed or key.time == self._last_release_time
            self._pressed = True
            if not repeat:
                self.activated.emit()

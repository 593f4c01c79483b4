"""X clients for tests/test_hotkey.py, each in its own process (QT_QPA_PLATFORM=xcb, DISPLAY).

hotkey_child.py grab SEQUENCE
    create_backend() + register(SEQUENCE). Prints "backend NAME", then "registered" or
    "unavailable: MESSAGE" (exit 3); then "activated" on each activation. Reads commands on
    stdin: "unregister" (prints "unregistered"); quits when stdin closes.
hotkey_child.py window
    A window with a line edit that takes the keyboard focus when X gives it to the window
    (the test focuses it with `xdotool windowfocus`). Prints "window WID", "focused" once it
    has the focus, and "key KEYNAME MODIFIERS NATIVE-STATE" for each key press it receives.
    Quits when stdin closes.
"""

from __future__ import annotations

import os
import sys

from PySide6.QtCore import QObject, QSocketNotifier, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QLineEdit


def _on_stdin(app: QApplication, handle_line) -> QSocketNotifier:
    buffer = bytearray()

    def ready() -> None:
        data = os.read(0, 4096)
        if not data:
            app.quit()
            return
        buffer.extend(data)
        while b"\n" in buffer:
            line, _, rest = bytes(buffer).partition(b"\n")
            buffer[:] = rest
            handle_line(line.decode().strip())

    notifier = QSocketNotifier(0, QSocketNotifier.Type.Read)
    notifier.activated.connect(ready)
    return notifier


def grab(sequence: str) -> int:
    from desktop_chat.hotkey import HotkeyUnavailable, create_backend

    app = QApplication(sys.argv[:1])
    backend = create_backend()
    print("backend", backend.name, flush=True)
    try:
        backend.register(sequence)
    except HotkeyUnavailable as error:
        print(f"unavailable: {error}", flush=True)
        return 3
    print("registered", flush=True)
    backend.activated.connect(lambda: print("activated", flush=True))

    def command(line: str) -> None:
        if line == "unregister":
            backend.unregister()
            print("unregistered", flush=True)

    notifier = _on_stdin(app, command)  # noqa: F841 (kept alive)
    return app.exec()


class KeyLogger(QObject):
    def eventFilter(self, watched: QObject, event) -> bool:
        if isinstance(event, QKeyEvent) and event.type() == QKeyEvent.Type.KeyPress:
            name = QKeySequence(event.key()).toString() or hex(event.key())
            mods = event.modifiers()
            flags = [
                label
                for flag, label in (
                    (Qt.KeyboardModifier.ControlModifier, "ctrl"),
                    (Qt.KeyboardModifier.AltModifier, "alt"),
                    (Qt.KeyboardModifier.ShiftModifier, "shift"),
                )
                if mods & flag
            ]
            state = event.nativeModifiers()
            print("key", name, "+".join(flags) or "-", hex(state), flush=True)
        return False


def window() -> int:
    app = QApplication(sys.argv[:1])
    edit = QLineEdit()
    edit.setWindowTitle("focus holder")
    edit.resize(300, 40)
    logger = KeyLogger()
    edit.installEventFilter(logger)
    reported = False

    def focus_changed(old, new) -> None:
        nonlocal reported
        if new is edit and not reported:
            reported = True
            print("focused", flush=True)

    app.focusChanged.connect(focus_changed)
    edit.show()
    print("window", int(edit.winId()), flush=True)
    notifier = _on_stdin(app, lambda line: None)  # noqa: F841 (kept alive)
    return app.exec()


def main(argv: list[str]) -> int:
    if argv[:1] == ["grab"]:
        return grab(argv[1])
    if argv[:1] == ["window"]:
        return window()
    print("usage: hotkey_child.py grab SEQUENCE | window", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

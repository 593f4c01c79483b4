"""Run the real app and report, at its first paint, what had been loaded by then.

Used by tests/e2e/test_window_e2e.py: the window must paint before the chat machinery
(asyncio, the store, the controller, the SDK) is loaded and before PySide builds its `Qt`
namespace. Prints one line, ``PROBE {json}``; the app itself prints ``first-paint`` and
``ready`` (DESKTOP_CHAT_EXIT_AFTER_FIRST_PAINT=1) and then quits.
"""

from __future__ import annotations

import json
import sys

from desktop_chat import app
from desktop_chat.ui import first_paint

_wait = first_paint.wait_for_first_paint


def _report_after_paint(widget: object, *args: object) -> None:
    _wait(widget, *args)  # type: ignore[arg-type]
    import PySide6.QtCore

    report = {
        "modules": sorted(sys.modules),
        # PySide builds a class on first access; only then is it in the module's namespace.
        "qt_namespace_built": "Qt" in vars(PySide6.QtCore),
    }
    print("PROBE " + json.dumps(report), flush=True)


first_paint.wait_for_first_paint = _report_after_paint  # type: ignore[assignment]
sys.exit(app.main([]))

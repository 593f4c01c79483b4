"""Run work right after a widget first paints: the window shows first, the rest follows."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget


class _FirstPaint(QObject):
    def __init__(self, widget: QWidget, callback: Callable[[], object]) -> None:
        super().__init__(widget)
        self._widget = widget
        self._callback = callback
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._widget and event.type() == QEvent.Type.Paint:
            self._widget.removeEventFilter(self)
            # The widget as context: a window closed before the next turn cancels the call.
            QTimer.singleShot(0, self._widget, self._callback)  # after the whole paint pass
            self.deleteLater()
        return False


def after_first_paint(widget: QWidget, callback: Callable[[], object]) -> None:
    """Call `callback` once, in the event-loop turn after `widget`'s next paint."""
    _FirstPaint(widget, callback)


def wait_for_first_paint(widget: QWidget, timeout_ms: int = 2000) -> None:
    """Run Qt's own event loop until `widget` has painted (or `timeout_ms` passed).

    Start-up uses this to show the window before the asyncio bridge (qasync, asyncio: ~40 ms
    of imports) exists. The timeout covers a window that never paints: started minimised, or
    on a platform without a screen."""
    from PySide6.QtCore import QEventLoop

    loop = QEventLoop()
    timer = QTimer(loop)
    timer.setSingleShot(True)
    timer.timeout.connect(loop.quit)
    timer.start(timeout_ms)
    after_first_paint(widget, loop.quit)
    loop.exec()
    timer.stop()

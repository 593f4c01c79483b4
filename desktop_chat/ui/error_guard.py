"""ErrorGuard: an unexpected error (a bug) is logged with its traceback and told in the
window, and the app keeps running, so the chat in progress is not lost.

Installed by the composition root as sys.excepthook (errors in Qt slots and event handlers
reach it) and threading.excepthook (worker threads; the window is told through a queued
signal, as widgets belong to the GUI thread). `uninstall` puts the previous hooks back.
"""

from __future__ import annotations

import logging
import sys
import threading
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

if TYPE_CHECKING:
    from desktop_chat.ui.main_window import MainWindow

log = logging.getLogger(__name__)


class ErrorGuard(QObject):
    reported = Signal(str)  # a one-line summary; emitted from any thread

    def __init__(self, window: MainWindow, log_file: Path | None = None) -> None:
        super().__init__(window)
        self._window = window
        self._log_file = log_file
        self._previous: tuple[object, object] | None = None
        self.reported.connect(self._show)

    def install(self) -> None:
        if self._previous is None:
            self._previous = (sys.excepthook, threading.excepthook)
            sys.excepthook = self._on_exception
            threading.excepthook = self._on_thread_exception

    def uninstall(self) -> None:
        if self._previous is not None:
            sys.excepthook, threading.excepthook = self._previous  # type: ignore[assignment]
            self._previous = None

    def _on_exception(
        self,
        kind: type[BaseException],
        error: BaseException,
        trace: TracebackType | None,
    ) -> None:
        if issubclass(kind, KeyboardInterrupt | SystemExit):
            sys.__excepthook__(kind, error, trace)
            return
        log.error("Unexpected error", exc_info=(kind, error, trace))
        self.reported.emit(_summary(error))

    def _on_thread_exception(self, arguments: threading.ExceptHookArgs) -> None:
        if arguments.exc_type is SystemExit or arguments.exc_value is None:
            return
        name = arguments.thread.name if arguments.thread else "a thread"
        log.error(
            "Unexpected error in %s",
            name,
            exc_info=(arguments.exc_type, arguments.exc_value, arguments.exc_traceback),
        )
        self.reported.emit(_summary(arguments.exc_value))

    def _show(self, summary: str) -> None:
        self._window.show_unexpected_error(summary, self._log_file)


def _summary(error: BaseException) -> str:
    text = " ".join(str(error).split())
    text = text if len(text) <= 160 else text[:157] + "…"
    return f"{type(error).__name__}: {text}" if text else type(error).__name__

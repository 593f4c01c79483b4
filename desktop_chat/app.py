"""Composition root: parse the command line, build the services, show the window, run the loop.

Start-up order, chosen so the first paint is not kept waiting:
1. parse arguments (`--version` answers without importing Qt);
2. create the QApplication and the qasync loop; open the store (SQLite, milliseconds);
3. build and show the main window, restoring the last session;
4. after the first paint, ask the server for its models — the first use of the API client,
   which is when the `openai` package (about 0.6 s to import) is loaded.
Shutdown: closing the window sets an asyncio.Event; streams are stopped (partial answers saved
as interrupted), the HTTP client is closed, then the loop ends. Nothing happens at import time.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from desktop_chat import APP_ID, APP_NAME, __version__

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

log = logging.getLogger(__name__)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=APP_NAME,
        description="A fast, native desktop chat client for OpenAI-compatible chat models. "
        "With no command, opens the main window.",
        epilog="Environment: OPENAI_API_KEY and OPENAI_BASE_URL override the stored settings.",
    )
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    from desktop_chat import cli

    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    cli.add_commands(subparsers)
    return parser


def setup_logging() -> None:
    from desktop_chat import paths

    level = logging.DEBUG if os.environ.get("DESKTOP_CHAT_DEBUG") else logging.INFO
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    try:
        path = paths.log_path()
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        handlers.append(logging.FileHandler(path, encoding="utf-8"))
    except OSError:
        pass  # a read-only state dir must not stop the app
    logging.basicConfig(
        level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", handlers=handlers
    )
    # The HTTP libraries log request lines at INFO/DEBUG; keep them quiet.
    for noisy in ("httpx", "httpx2", "httpcore", "openai"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def run_gui(args: argparse.Namespace) -> int:
    import qasync
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    from desktop_chat import paths
    from desktop_chat.controller import ChatController
    from desktop_chat.migrations import NewerDatabaseError
    from desktop_chat.providers import Providers
    from desktop_chat.store import ConversationStore, StoreError
    from desktop_chat.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName("Desktop Chat")
    app.setOrganizationName(APP_NAME)
    app.setApplicationVersion(__version__)
    QGuiApplication.setDesktopFileName(APP_ID)
    app.setQuitOnLastWindowClosed(False)  # shutdown is ours: stop streams, then quit

    try:
        store = ConversationStore(paths.database_path())
    except (NewerDatabaseError, StoreError) as error:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.critical(None, APP_NAME, str(error))
        return 1

    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    providers = Providers()
    controller = ChatController(store, providers)
    window = MainWindow(controller, providers)
    closed = asyncio.Event()
    window.closing.connect(closed.set)
    window.restore_session()
    window.show()
    window.raise_()
    window.activateWindow()
    # After the first paint: the keychain (D-Bus) and the SDK import are not free.
    QTimer.singleShot(0, window.after_first_paint)
    if os.environ.get("DESKTOP_CHAT_EXIT_AFTER_FIRST_PAINT"):
        _report_first_paint_then_close(window)

    async def until_closed() -> None:
        await closed.wait()
        await controller.shutdown()

    with loop:
        loop.run_until_complete(until_closed())
    store.close()
    return 0


def _report_first_paint_then_close(window: QWidget) -> None:
    """For the start-up benchmark: print one line at the first paint, then quit."""
    from PySide6.QtCore import QEvent, QObject, QTimer

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                window.removeEventFilter(self)
                print("first-paint", flush=True)
                QTimer.singleShot(0, window.close)
            return False

    window._first_paint_filter = FirstPaint(window)  # type: ignore[attr-defined]
    window.installEventFilter(window._first_paint_filter)  # type: ignore[attr-defined]


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    command = getattr(args, "command_function", None)
    if command is not None:
        return int(command(args))
    setup_logging()
    return run_gui(args)

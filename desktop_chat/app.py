"""Composition root: parse the command line, build the services, show the window, run the loop.

Start-up order, chosen so the first paint is not kept waiting:
1. parse arguments (`--version` answers without importing Qt);
2. create the QApplication and take the single-instance lock (QtCore only; a start that finds
   it taken forwards its command to the running instance and exits);
3. build the window's frame, give it last time's size and theme (window_state.py), show it and
   run Qt's own event loop until it has painted; then listen on the instance socket (commands
   that arrive before the shell exists are kept and replayed);
4. open the store and the settings, build the controller, attach it to the window and restore
   the session's tabs; build the shell (tray, quick-ask popup);
5. import asyncio and qasync and start the bridge; off the GUI thread, import the `openai`
   package (about 0.5 s) and look up the key in the keychain; then ask the server for its
   models and grab the global shortcut.
Started with --quick-ask, the popup is shown and painted instead of the window in step 3 (a
question sent before step 4 is asked then), and the shell adopts it.
Shutdown: the shell's `quit_requested` ends the loop; streams are stopped (partial answers
saved as interrupted) and the HTTP clients closed first. Nothing happens at import time.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_chat import APP_ID, APP_NAME, __version__

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication, QWidget

    from desktop_chat.controller import ChatController
    from desktop_chat.providers import Providers
    from desktop_chat.store import ConversationStore
    from desktop_chat.ui.main_window import MainWindow
    from desktop_chat.ui.quick_ask import QuickAskWindow

log = logging.getLogger(__name__)


GUI_FLAGS = frozenset({"--quick-ask", "--new-chat"})
LOG_ROTATE_BYTES = 1_000_000  # at start, a log this big becomes <name>.1 (one is kept)


def build_parser(with_commands: bool = True) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=APP_NAME,
        description="A fast, native desktop chat client for OpenAI-compatible chat models. "
        "With no command, opens the main window.",
        epilog="Environment: OPENAI_API_KEY and OPENAI_BASE_URL override the stored settings.",
    )
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    parser.add_argument(
        "--quick-ask",
        action="store_true",
        help="show (or hide) the quick-ask popup of the running app, starting it in the "
        "background if it is not running; bind this to a key in your desktop's settings",
    )
    parser.add_argument(
        "--new-chat",
        action="store_true",
        help="open a new chat in the running app (starting it if it is not running)",
    )
    if with_commands:
        from desktop_chat import cli

        subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
        cli.add_commands(subparsers)
    return parser


def log_to_file() -> None:
    """The log file, for the running instance only (a start that forwards its command to it
    must not rotate the file that instance writes)."""
    from desktop_chat import paths

    try:
        path = paths.log_path()
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        rotate_log(path)
        handler = logging.FileHandler(path, encoding="utf-8")
        path.chmod(0o600)  # the log is the user's business only
    except OSError:
        return  # a read-only state dir must not stop the app
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    logging.getLogger().addHandler(handler)


def rotate_log(path: Path) -> None:
    """Keep the log from growing for ever: at start, a big log replaces the previous `.1`.
    (Not logging.handlers' RotatingFileHandler: that module costs start-up time.)"""
    with contextlib.suppress(OSError):
        if path.stat().st_size > LOG_ROTATE_BYTES:
            os.replace(path, path.with_name(path.name + ".1"))


LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def setup_logging() -> None:
    level = logging.DEBUG if os.environ.get("DESKTOP_CHAT_DEBUG") else logging.INFO
    logging.basicConfig(level=level, format=LOG_FORMAT, handlers=[logging.StreamHandler()])
    # The HTTP libraries log request lines at INFO/DEBUG; keep them quiet.
    for noisy in ("httpx", "httpx2", "httpcore", "openai"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def run_gui(args: argparse.Namespace) -> int:
    from desktop_chat import paths, window_state

    from PySide6.QtGui import QGuiApplication  # isort: skip
    from PySide6.QtWidgets import QApplication  # isort: skip

    from desktop_chat.ui.first_paint import after_first_paint, wait_for_first_paint
    from desktop_chat.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName("Desktop Chat")
    app.setOrganizationName(APP_NAME)
    app.setApplicationVersion(__version__)
    QGuiApplication.setDesktopFileName(APP_ID)
    app.setQuitOnLastWindowClosed(False)  # shutdown is ours: stop streams, then quit
    from desktop_chat.ui import i18n

    # Before any widget exists: the window is built in the user's language (the `language`
    # setting, else the system locale), with numbers and dates in its ways.
    i18n.install_translators(app, i18n.language_setting())

    from desktop_chat import ipc

    # One instance: a second start forwards its wish to the first one and leaves. The first
    # one knows it is first by the instance lock alone, and listens after its first paint.
    command = "quick-ask" if args.quick_ask else "new-chat" if args.new_chat else "show"
    try:
        first = ipc.InstanceServer()
        instance = first if first.take_lock() else ipc.claim_or_forward(command)
    except OSError as error:  # no directory for the socket and its lock
        print(f"{APP_NAME}: Cannot create the single-instance socket: {error}", file=sys.stderr)
        return 1
    except ipc.InstanceError as error:
        print(f"{APP_NAME}: {error}", file=sys.stderr)
        return 1
    if instance is None:
        return 0
    log_to_file()  # only the instance writes (and rotates) the log file
    early_commands: list[tuple[str, dict[str, object]]] = []

    def keep_command(name: str, arguments: dict[str, object]) -> None:
        early_commands.append((name, arguments))

    instance.command_received.connect(keep_command)

    # The frame first: menus, the sidebar, a tab with the composer, at last time's size and
    # in the user's theme. The chats, the settings and the controller follow its first paint.
    window = MainWindow()
    window.window_state_path = paths.window_state_path()
    look_warnings: list[str] = []
    window.restore_look(window_state.load(window.window_state_path, look_warnings))
    window.report_problems(look_warnings)  # shown with the first paint: nothing else to wait for
    from desktop_chat.ui.error_guard import ErrorGuard

    # From here on an unexpected error is logged and told in the window; the app keeps going.
    guard = ErrorGuard(window, paths.log_path())
    guard.install()
    providers: Providers | None = None
    popup: QuickAskWindow | None = None
    if args.quick_ask:
        # Started by the shortcut: the popup only, the app stays in the background. It shows
        # first too; a question typed and sent meanwhile is asked once the chats are in.
        from desktop_chat.providers import Providers
        from desktop_chat.ui.quick_ask import QuickAskWindow

        providers = Providers()  # for the popup's prefill setting
        settings_of = providers
        popup = QuickAskWindow(prefill=lambda: settings_of.settings.quick_ask_prefill)
        popup.present()
        wait_for_first_paint(popup)
    else:
        window.show()
        window.raise_()
        window.activateWindow()
        wait_for_first_paint(window)
        if os.environ.get("DESKTOP_CHAT_EXIT_AFTER_FIRST_PAINT"):  # for the start-up benchmark
            print("first-paint", flush=True)
    # Reachable by later starts from now on; their commands wait in early_commands until the
    # shell exists. (Already listening if claim_or_forward made this process the instance.)
    if not instance.listen():
        log.warning("Later starts cannot reach this one: %s", instance.error_string())

    attached = _attach_chats(window, args.new_chat, providers)
    if attached is None:
        guard.uninstall()
        instance.close()
        return 1
    store, providers, controller = attached
    _set_app_icon(app)  # Qt updates the shown window's icon; the PNGs could wait till now
    from desktop_chat.ui.shell import Shell

    shell = Shell(window, controller, providers, app.windowIcon(), quick_ask=popup)
    first_shown: QWidget = window if popup is None else popup

    import asyncio

    import qasync

    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    closed = asyncio.Event()
    shell.quit_requested.connect(closed.set)
    if not args.quick_ask and not window.isVisible():
        # Closed before the chats were in: save what is there now, then quit or go to the tray.
        window.save_session()
        shell.on_window_closing()
    instance.command_received.disconnect(keep_command)
    instance.command_received.connect(shell.handle_command)
    for name, arguments in early_commands:
        shell.handle_command(name, arguments)
    shell.quit_on_signals()

    async def warm_up() -> None:
        first_shown.activateWindow()  # mapped now: take the keyboard focus
        # Off the GUI thread: the SDK import (~0.5 s) and the keychain lookup (D-Bus), so the
        # window stays responsive while they run; then the model list and the shortcut grab.
        running = asyncio.get_running_loop()
        await running.run_in_executor(None, importlib.import_module, "openai")
        # The Markdown parser too (~45 ms): the first chat opened then does not pay for it.
        await running.run_in_executor(None, importlib.import_module, "markdown_it")
        await running.run_in_executor(None, providers.key_lookup)
        window.after_first_paint()
        shell.register_hotkey(providers.settings.quick_ask_shortcut)

    warming = asyncio.ensure_future(warm_up())  # the window, or the popup, has painted
    if os.environ.get("DESKTOP_CHAT_EXIT_AFTER_FIRST_PAINT") and (tab := window.current_tab()):
        # "ready": the chats are in and painted (the composer is the real one now).
        def report_ready() -> None:
            print("ready", flush=True)
            shell.quit()

        after_first_paint(tab.message_view.viewport(), report_ready)

    async def until_closed() -> None:
        await closed.wait()
        warming.cancel()  # quit while still warming up: nothing is left pending
        await controller.shutdown()

    with loop:
        loop.run_until_complete(until_closed())
    guard.uninstall()
    instance.close()
    store.close()
    from desktop_chat import highlight

    highlight.shutdown()  # the worker process, if a code block ever started it
    return 0


def _attach_chats(
    window: MainWindow, new_chat: bool, providers: Providers | None = None
) -> tuple[ConversationStore, Providers, ChatController] | None:
    """The window's second step: the store, the settings, the controller, the session's tabs
    and the history. None if the database cannot be used (the user has been told why)."""
    from desktop_chat import paths
    from desktop_chat.controller import ChatController
    from desktop_chat.migrations import NewerDatabaseError
    from desktop_chat.providers import Providers
    from desktop_chat.store import MEMORY, ConversationStore, StoreError

    problems: list[str] = []
    try:
        store = ConversationStore(paths.database_path())
    except NewerDatabaseError as error:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.critical(window if window.isVisible() else None, APP_NAME, str(error))
        return None
    except StoreError as error:  # a read-only or full data directory: chat on, in memory
        store = ConversationStore(MEMORY)
        from desktop_chat.ui.i18n import translate

        kept = translate(
            "app", "This session's chats are kept in memory only and will be lost at quit."
        )
        problems.append(f"{error} {kept}")
    if providers is None:
        providers = Providers()  # settings only; the keychain is asked after the first paint
    controller = ChatController(store, providers)
    from desktop_chat.mcp_tools import ToolBox  # no SDK import: servers start on first use

    controller.tools = ToolBox.from_settings(providers.settings, os.environ.get("OPENAI_API_KEY"))
    window.attach(controller, providers)
    window.restore_session(new_chat=new_chat)
    problems.extend(providers.load_warnings)
    window.report_problems(problems, moved_history=store.moved_aside)
    return store, providers, controller


def _set_app_icon(app: QApplication) -> None:
    from desktop_chat.desktop_entry import app_icon

    app.setWindowIcon(app_icon())


def main(argv: Sequence[str] | None = None) -> int:
    if getattr(sys, "frozen", False):
        # The highlighter's worker is a spawned process: in a bundle, the executable is
        # started again with multiprocessing's arguments, and must run the worker, not the app.
        import multiprocessing

        multiprocessing.freeze_support()
    arguments = list(sys.argv[1:] if argv is None else argv)
    # Opening the window needs none of the command modules: skip importing them then.
    args = build_parser(with_commands=not set(arguments) <= GUI_FLAGS).parse_args(arguments)
    command = getattr(args, "command_function", None)
    try:
        if command is not None:
            return int(command(args))
        setup_logging()
        return run_gui(args)
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # the last resort: a bug, told in one line, kept in the log
        where = write_crash_log(error)
        kept = f" (details in {where})" if where else ""
        print(f"{APP_NAME}: unexpected error: {error!r}{kept}", file=sys.stderr)
        return 1


def write_crash_log(error: BaseException) -> Path | None:
    """Append the traceback to the log file; its path, or None if it cannot be written."""
    import time
    import traceback

    from desktop_chat import paths

    try:
        path = paths.log_path()
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with open(descriptor, "a", encoding="utf-8") as file:
            file.write(f"{time.strftime('%Y-%m-%d %H:%M:%S')} CRITICAL {__name__}: crashed\n")
            file.write("".join(traceback.format_exception(error)))
    except OSError:
        return None
    return path

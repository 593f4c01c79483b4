"""Shell: what makes the app a desktop citizen — the tray icon, the quick-ask popup, the global
shortcut and the commands other `desktop-chat` processes send to this one.

It decides what "close" means (quit, or stay in the tray when the user asked for that) and
reports a shortcut that could not be registered instead of failing silently.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import socket

from PySide6.QtCore import QObject, QSocketNotifier, Qt, Signal
from PySide6.QtGui import QAction, QIcon
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from desktop_chat.controller import ChatController
from desktop_chat.providers import Providers
from desktop_chat.ui.i18n import translate
from desktop_chat.ui.main_window import MainWindow
from desktop_chat.ui.quick_ask import QuickAskWindow

log = logging.getLogger(__name__)


class Shell(QObject):
    hotkey_status_changed = Signal(str)  # plain text: how the quick-ask shortcut works, or not
    quit_requested = Signal()  # the session is saved; the app should stop streams and end

    def __init__(
        self,
        window: MainWindow,
        controller: ChatController,
        providers: Providers | None,
        icon: QIcon | None = None,
        quick_ask: QuickAskWindow | None = None,
    ) -> None:
        """`quick_ask`: a popup already shown (a cold start by the shortcut); it is attached
        to `controller` here. Otherwise the shell makes its own."""
        super().__init__(window)
        self.window = window
        self.controller = controller
        self.providers = providers
        if quick_ask is None:
            quick_ask = QuickAskWindow(
                prefill=lambda: providers is not None and providers.settings.quick_ask_prefill,
            )
        quick_ask.attach(controller)
        self.quick_ask = quick_ask
        self.quick_ask.continue_requested.connect(self._continue_in_tab)
        if icon is not None:
            self.quick_ask.setWindowIcon(icon)
        self.hotkey = None
        self.hotkey_status = ""
        self._registered_sequence = ""
        self.tray: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self._build_tray(icon or QIcon())
        window.closing.connect(self.on_window_closing)
        window.quit_handler = self.quit
        window.settings_saved.connect(self._on_settings_saved)
        self.hotkey_status_changed.connect(lambda text: setattr(window, "hotkey_status", text))

    # --- commands (from the tray, the shortcut, or another process) ---------------------------

    def handle_command(self, command: str, args: dict[str, object] | None = None) -> None:
        if command == "quick-ask":
            self.quick_ask.toggle()
        elif command == "new-chat":
            self.show_window()
            self.window.new_tab()
        else:  # "show", and anything unknown from an older or newer client
            self.show_window()

    def show_window(self) -> None:
        self.window.show()
        self.window.setWindowState(self.window.windowState() & ~Qt.WindowState.WindowMinimized)
        self.window.raise_()
        self.window.activateWindow()
        if (tab := self.window.current_tab()) is not None:
            tab.focus_composer()

    def quit(self) -> None:
        self.window.save_session()
        self._end()

    def _end(self) -> None:
        self.quick_ask.dismiss()
        self.quit_requested.emit()

    def quit_on_signals(self) -> None:
        """SIGTERM / SIGINT quit like the Quit menu (session saved, streams stopped and kept).

        Python runs signal handlers only between bytecodes; the Qt loop sits in C++, so the
        signal is also written to a socket that Qt watches, which wakes the loop."""
        reader, writer = socket.socketpair()
        reader.setblocking(False)
        writer.setblocking(False)
        signal.set_wakeup_fd(writer.fileno())
        self._signal_sockets = (reader, writer)
        notifier = QSocketNotifier(reader.fileno(), QSocketNotifier.Type.Read, self)

        def drain() -> None:
            with contextlib.suppress(OSError):
                reader.recv(64)

        notifier.activated.connect(drain)
        self._signal_notifier = notifier
        for number in (signal.SIGTERM, signal.SIGINT):
            signal.signal(number, lambda _signum, _frame: self.quit())

    # --- global shortcut ----------------------------------------------------------------------

    def register_hotkey(self, sequence: str) -> str:
        """Register the quick-ask shortcut; returns a plain sentence saying how it works."""
        from desktop_chat.hotkey import BIND_COMMAND, HotkeyUnavailable, create_backend

        self._registered_sequence = sequence
        if self.hotkey is not None:
            self.hotkey.unregister()
            self.hotkey.deleteLater()
        self.hotkey = create_backend(self)
        self.hotkey.activated.connect(self.quick_ask.toggle)
        self.hotkey.failed.connect(self._on_hotkey_failed)
        try:
            self.hotkey.register(sequence)
        except HotkeyUnavailable as error:
            self._on_hotkey_failed(str(error))
        else:
            if self.hotkey.name == "portal":
                # The desktop confirms (and may change) the key later, in its own dialog.
                self._set_hotkey_status(
                    translate(
                        "Shell",
                        "Asked the desktop to bind {key} to Quick ask; it may ask you to "
                        "confirm. You can also bind `{command}` in the keyboard settings.",
                    ).format(key=sequence, command=BIND_COMMAND)
                )
            else:
                self._set_hotkey_status(
                    translate(
                        "Shell",
                        "{key} opens Quick ask from any application. You can also bind "
                        "`{command}` in your desktop's keyboard settings.",
                    ).format(key=sequence, command=BIND_COMMAND)
                )
        return self.hotkey_status

    def _on_hotkey_failed(self, text: str) -> None:
        log.warning("Global shortcut unavailable: %s", text)
        self._set_hotkey_status(text)
        self.window.message_bar.show_message(text, "warning")

    def _set_hotkey_status(self, text: str) -> None:
        self.hotkey_status = text
        self.hotkey_status_changed.emit(text)

    # --- internals ----------------------------------------------------------------------------

    def _build_tray(self, icon: QIcon) -> None:
        tray = QSystemTrayIcon(icon, self)
        tray.setToolTip("desktop-chat")
        menu = QMenu()
        for text, slot in (
            (translate("Shell", "New chat"), lambda: self.handle_command("new-chat")),
            (translate("Shell", "Quick ask"), self.quick_ask.present),
            (translate("Shell", "Show window"), self.show_window),
        ):
            action = QAction(text, menu)
            action.triggered.connect(slot)
            menu.addAction(action)
        menu.addSeparator()
        quit_action = QAction(translate("Shell", "Quit"), menu)
        quit_action.triggered.connect(self.quit)
        menu.addAction(quit_action)
        tray.setContextMenu(menu)
        tray.activated.connect(
            lambda reason: (
                self.show_window() if reason == QSystemTrayIcon.ActivationReason.Trigger else None
            )
        )
        self._tray_menu = menu  # keep a reference: the tray does not own its menu
        tray.show()
        self.tray = tray

    def on_window_closing(self) -> None:
        """Quit, unless the user keeps the app in the tray when its window closes."""
        keep = (
            self.tray is not None
            and self.providers is not None
            and self.providers.settings.close_to_tray
        )
        if keep:
            if self.tray is not None:
                self.tray.showMessage(
                    "desktop-chat",
                    translate("Shell", "Still running in the tray."),
                )
            return
        self._end()  # the closing window has saved the session

    def _on_settings_saved(self) -> None:
        if self.providers is not None:
            wanted = self.providers.settings.quick_ask_shortcut
            if wanted != self._registered_sequence:
                self.register_hotkey(wanted)

    def _continue_in_tab(self, conversation_id: str) -> None:
        self.show_window()
        self.window.open_conversation(conversation_id)

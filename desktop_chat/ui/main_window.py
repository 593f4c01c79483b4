"""MainWindow: conversation tabs, the history sidebar, menus and window-wide shortcuts.

Closing a tab whose answer is still streaming does not stop it: the answer finishes in the
background and is saved, and the window says where to find it (History). Stopping is always
an explicit act (Stop / Esc), so a stray Ctrl+W never throws away an answer being paid for.

The window is built in two steps so that it paints first (see app.py): the constructor builds
what the first paint shows — menus, the sidebar's search field and list, a tab with the
composer — from plain Qt widgets, and `attach(controller)` then wires in the chats. This
module is imported before that paint, so conversation tabs, dialogs and the `Qt` namespace
are imported where they are first used, not here.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6 import QtCore
from PySide6.QtCore import QByteArray, QEvent, QSize, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QMainWindow,
    QSplitter,
    QTabBar,
    QTabWidget,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_chat import APP_NAME, __version__, window_state
from desktop_chat.ui.history_sidebar import HistorySidebar
from desktop_chat.ui.i18n import shown_title, translate
from desktop_chat.ui.notice import Notice
from desktop_chat.ui.plain_text import plain_tooltip
from desktop_chat.ui.tab_chrome import TabChrome, new_chat_button, tab_close_button
from desktop_chat.window_state import WindowState

if TYPE_CHECKING:
    import asyncio

    from desktop_chat.controller import ChatController
    from desktop_chat.providers import Providers
    from desktop_chat.store import ConversationStore
    from desktop_chat.ui.conversation_tab import ConversationTab

log = logging.getLogger(__name__)

STREAMING_MARK = "◌ "
UNREAD_MARK = "● "
TITLE_LIMIT = 28
SESSION_KEY = "session"
TRASH_DAYS = 30


def _session_from(raw: str | None) -> dict[str, Any]:
    """The saved session (open tabs, drafts, selected tab), whatever shape the stored text
    has: anything damaged counts as no session, part by part, never as a failed start."""
    import json

    session: dict[str, Any] = {"geometry": "", "tabs": [], "current": 0}
    try:
        state = json.loads(raw) if raw else {}
    except (ValueError, RecursionError):
        log.warning("the saved session is damaged; starting without it")
        return session
    if not isinstance(state, dict):
        return session
    if isinstance(state.get("geometry"), str):
        session["geometry"] = state["geometry"]
    tabs = state.get("tabs")
    for entry in tabs if isinstance(tabs, list) else []:
        if isinstance(entry, dict) and isinstance(entry.get("id"), str) and entry["id"]:
            draft = entry.get("draft")
            session["tabs"].append((entry["id"], draft if isinstance(draft, str) else ""))
    current = state.get("current")
    if isinstance(current, int) and not isinstance(current, bool):
        session["current"] = current
    return session


def _tab_text(title: str) -> str:
    """A tab's label: the title, shortened; a literal "&" (not a mnemonic)."""
    short = title if len(title) <= TITLE_LIMIT else title[: TITLE_LIMIT - 1] + "…"
    return short.replace("&", "&&")


def _keys(standard: QKeySequence.StandardKey, *fallbacks: str) -> list[QKeySequence]:
    """The platform's standard binding, plus the ones users expect everywhere."""
    keys = list(QKeySequence.keyBindings(standard))
    for text in fallbacks:
        sequence = QKeySequence(text)
        if sequence not in keys:
            keys.append(sequence)
    return keys


class ChatTabs(QTabWidget):
    """QTabWidget repaints itself and every page whenever a layout request reaches it, and
    each one inside a tab does (a label's new text: the context estimate when an answer
    starts, when typing pauses). It lays out again only when what it lays out changed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._laid_out: tuple[object, ...] | None = None

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:
            bar = self.tabBar()
            key = (
                self.size(),
                self.count(),
                bar.isVisibleTo(self),
                bar.sizeHint(),
                self.minimumSizeHint(),  # the pages' minimum sizes, which the window honours
                tuple(c.sizeHint() for c in (self.cornerWidget(),) if c is not None),
            )
            if key == self._laid_out:
                return True
            self._laid_out = key
        return super().event(event)

    def tabInserted(self, index: int) -> None:
        """Each tab gets its own quiet ✕ (the tabs are not `tabsClosable`: Qt would make its
        red one for each, to be hidden under this)."""
        super().tabInserted(index)
        bar = self.tabBar()
        button = tab_close_button(bar)
        button.clicked.connect(self._close_clicked)
        bar.setTabButton(index, self._close_side(), button)

    @staticmethod
    def _close_side() -> QTabBar.ButtonPosition:
        # Left on macOS, as the platform's tabs have it; right elsewhere. (Not asked of the
        # style: QStyle's enums take ~4 ms to build, and this runs before the first paint.)
        position = QTabBar.ButtonPosition
        return position.LeftSide if sys.platform == "darwin" else position.RightSide

    def _close_clicked(self) -> None:
        button = self.sender()
        bar = self.tabBar()
        side = self._close_side()
        for index in range(bar.count()):
            if bar.tabButton(index, side) is button:
                self.tabCloseRequested.emit(index)
                return


class MainWindow(QMainWindow):
    closing = Signal()
    settings_saved = Signal()

    def __init__(
        self, controller: ChatController | None = None, providers: Providers | None = None
    ) -> None:
        """The frame; with a controller, `attach` follows at once (as in tests)."""
        super().__init__()
        self.controller: ChatController = None  # type: ignore[assignment]  # set by attach
        self.store: ConversationStore = None  # type: ignore[assignment]
        self.providers: Providers | None = None  # set by attach
        # Where `save_session` keeps the size, place and theme for the next first paint;
        # set by the app (tests leave it unset, so they write nothing to the user's files).
        self.window_state_path: Path | None = None
        self.hotkey_status = ""  # set by the shell: how the quick-ask shortcut works, or not
        # Quit means quit, even when closing the window only hides it in the tray.
        self.quit_handler: Callable[[], None] | None = None
        self._zoom = 0
        self._geometry_restored = False
        self._stale_tabs: set[ConversationTab] = set()  # reload when next shown
        self.setObjectName("mainWindow")
        self.setAccessibleName("mainWindow")
        self.setWindowTitle(APP_NAME)
        self.resize(QSize(1100, 760))

        self.tabs = ChatTabs(self)
        self.tabs.setObjectName("conversationTabs")
        self.tabs.setAccessibleName("conversationTabs")
        self.tabs.setMovable(True)
        self.tabs.setDocumentMode(True)
        self.tabs.setUsesScrollButtons(True)
        self.tabs.setCornerWidget(new_chat_button(self.tabs))
        # Until attach: the look of a new chat, and anything typed there is kept.
        self._placeholder: TabChrome | None = TabChrome(QTextBrowser(), self.tabs)
        self._placeholder.stop_button.setEnabled(False)  # nothing is answering yet
        self._placeholder.update_send()  # lit by typing, as in a chat tab
        self._placeholder.composer.textChanged.connect(self._placeholder.update_send)
        self.tabs.addTab(self._placeholder, translate("MainWindow", "New chat"))
        # The frame's pages: the placeholder, and plain pages for the session's other tabs.
        self._frame_pages: list[QWidget] = [self._placeholder]
        self._frame_look = WindowState()

        self.sidebar = HistorySidebar(None, self)
        self.search_field = self.sidebar.search_field
        self.history_list = self.sidebar.list_view

        central = QWidget(self)
        central_layout = QVBoxLayout(central)
        central_layout.setContentsMargins(0, 0, 0, 0)
        central_layout.setSpacing(0)
        # Problems with the app's own files and errors inside the app: a bar of their own, so
        # a chat notice (a missing key, a saved import) never hides them.
        self.problem_bar = Notice("problemBar", central)
        central_layout.addWidget(self.problem_bar)
        self._problems: list[str] = []
        self._moved_history: Path | None = None
        self.message_bar = Notice("messageBar", central)
        central_layout.addWidget(self.message_bar)
        # No arguments: QSplitter(parent) would make PySide check the (orientation, parent)
        # overload first, which builds the whole `Qt` namespace (~16 ms) before the first paint.
        self.splitter = QSplitter()  # horizontal; the layout below makes it a child
        self.splitter.addWidget(self.sidebar)
        self.splitter.addWidget(self.tabs)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([240, 860])
        central_layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)

        self._build_actions()
        self._placeholder.focus_composer()
        self._theme = "system"
        self._theme_actions["system"].setChecked(True)
        if controller is not None:
            self.attach(controller, providers)

    def restore_look(self, state: WindowState) -> None:
        """Last time's size, place and theme, before the window is first shown."""
        if state.geometry:
            self._geometry_restored = self.restoreGeometry(
                QByteArray.fromBase64(state.geometry.encode())
            )
        if state.theme != self._theme:
            self.set_theme(state.theme)
        self._frame_look = state
        if state.tabs and self._placeholder is not None:
            # The session's tab bar, so the first paint shows the tabs about to open: the
            # selected one is the placeholder (it takes typing), the others empty pages.
            self.tabs.removeTab(0)
            self._frame_pages = []
            for index, title in enumerate(state.tabs):
                page = self._placeholder if index == state.current else QWidget(self.tabs)
                self.tabs.addTab(page, _tab_text(title))
                self._frame_pages.append(page)
            self.tabs.setCurrentIndex(state.current)

    def attach(self, controller: ChatController, providers: Providers | None = None) -> None:
        """Wire in the chats: the history list, the actions, the controller's signals. The
        session's tabs come with `restore_session`; the placeholder tab goes then."""
        self.controller = controller
        self.providers = providers
        if providers is not None and providers.settings.theme != self._theme:
            self.set_theme(providers.settings.theme)  # the settings are the truth
        self.store = controller.store
        self.tabs.setElideMode(QtCore.Qt.TextElideMode.ElideRight)
        self.tabs.tabCloseRequested.connect(self.close_tab)
        self.tabs.currentChanged.connect(self._on_current_changed)
        self.sidebar.attach(self.store)
        self.sidebar.open_requested.connect(self.open_conversation)
        self.sidebar.trash_requested.connect(self.trash_conversation)
        self.sidebar.changed.connect(self._on_conversation_renamed)
        for action in self._menu_actions:
            action.setEnabled(self.providers is not None or action not in self._need_providers)
        controller.conversation_changed.connect(self._schedule_history_refresh)
        controller.started.connect(self._schedule_history_refresh)
        controller.request_adapted.connect(
            lambda _conversation_id, note: self.message_bar.show_message(note, "info")
        )
        controller.storage_error.connect(
            lambda text: self.message_bar.show_message(
                text
                + " "
                + translate(
                    "MainWindow", "Your text is kept in memory and will be saved again shortly."
                ),
                "warning",
            )
        )

    def _drop_placeholder(self) -> str:
        """Remove the frame's tabs; returns what was typed in the placeholder."""
        if self._placeholder is None:
            return ""
        draft = self._placeholder.composer.toPlainText()
        for page in self._frame_pages:
            self.tabs.removeTab(self.tabs.indexOf(page))
            page.deleteLater()
        self._frame_pages = []
        self._placeholder = None
        return draft

    def _is_frame_page(self, widget: QWidget | None) -> bool:
        return any(widget is page for page in self._frame_pages)

    # --- actions ----------------------------------------------------------------------------

    def _new_action(self, text: str) -> QAction:
        action = QAction(text, self)
        self._menu_actions.append(action)
        return action

    def _build_actions(self) -> None:
        self._menu_actions: list[QAction] = []
        file_menu = self.menuBar().addMenu(translate("MainWindow", "&File"))
        self.new_tab_action = self._new_action(translate("MainWindow", "&New chat"))
        self.new_tab_action.setShortcuts(
            _keys(QKeySequence.StandardKey.AddTab, "Ctrl+T")
            + _keys(QKeySequence.StandardKey.New, "Ctrl+N")
        )
        self.new_tab_action.triggered.connect(lambda: self.new_tab())
        corner = self.tabs.cornerWidget()
        if isinstance(corner, QToolButton):
            corner.clicked.connect(self.new_tab_action.trigger)
        file_menu.addAction(self.new_tab_action)
        self.close_tab_action = self._new_action(translate("MainWindow", "&Close chat"))
        self.close_tab_action.setShortcuts(_keys(QKeySequence.StandardKey.Close, "Ctrl+W"))
        self.close_tab_action.triggered.connect(lambda: self.close_tab(self.tabs.currentIndex()))
        file_menu.addAction(self.close_tab_action)
        file_menu.addSeparator()
        export_current = self._new_action(translate("MainWindow", "&Export chat…"))
        export_current.triggered.connect(lambda: self._export(only_current=True))
        export_all = self._new_action(translate("MainWindow", "Export &all chats…"))
        export_all.triggered.connect(lambda: self._export(only_current=False))
        import_action = self._new_action(translate("MainWindow", "&Import chats…"))
        import_action.triggered.connect(self._import)
        self._import_action = import_action
        self._import_task: asyncio.Future[None] | None = None
        empty_trash = self._new_action(translate("MainWindow", "Empty &trash…"))
        empty_trash.triggered.connect(self._empty_trash)
        for action in (export_current, export_all, import_action, empty_trash):
            file_menu.addAction(action)
        file_menu.addSeparator()
        settings_action = self._new_action(translate("MainWindow", "&Settings…"))
        settings_action.setObjectName("settingsAction")
        settings_action.setShortcuts(_keys(QKeySequence.StandardKey.Preferences, "Ctrl+,"))
        settings_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        settings_action.triggered.connect(self.open_settings)
        file_menu.addAction(settings_action)
        prices_action = self._new_action(translate("MainWindow", "&Prices…"))
        prices_action.setObjectName("pricesAction")
        prices_action.triggered.connect(self.open_prices)
        file_menu.addAction(prices_action)
        tools_action = self._new_action(translate("MainWindow", "Too&l servers (MCP)…"))
        tools_action.setObjectName("toolServersAction")
        tools_action.triggered.connect(self.open_tool_servers)
        file_menu.addAction(tools_action)
        file_menu.addSeparator()
        quit_action = self._new_action(translate("MainWindow", "&Quit"))
        quit_action.setShortcuts(_keys(QKeySequence.StandardKey.Quit, "Ctrl+Q"))
        quit_action.triggered.connect(self.request_quit)
        file_menu.addAction(quit_action)

        view_menu = self.menuBar().addMenu(translate("MainWindow", "&View"))
        next_action = self._new_action(translate("MainWindow", "&Next chat"))
        next_action.setShortcuts(
            _keys(QKeySequence.StandardKey.NextChild, "Ctrl+Tab", "Ctrl+PgDown")
        )
        next_action.triggered.connect(lambda: self._cycle_tab(1))
        previous_action = self._new_action(translate("MainWindow", "&Previous chat"))
        previous_action.setShortcuts(
            _keys(QKeySequence.StandardKey.PreviousChild, "Ctrl+Shift+Tab", "Ctrl+PgUp")
        )
        previous_action.triggered.connect(lambda: self._cycle_tab(-1))
        view_menu.addSeparator()
        zoom_in = self._new_action(translate("MainWindow", "Zoom &in"))
        zoom_in.setShortcuts(_keys(QKeySequence.StandardKey.ZoomIn, "Ctrl+=", "Ctrl++"))
        zoom_in.triggered.connect(lambda: self.set_zoom(self.zoom + 1))
        zoom_out = self._new_action(translate("MainWindow", "Zoom &out"))
        zoom_out.setShortcuts(_keys(QKeySequence.StandardKey.ZoomOut, "Ctrl+-"))
        zoom_out.triggered.connect(lambda: self.set_zoom(self.zoom - 1))
        zoom_reset = self._new_action(translate("MainWindow", "&Actual size"))
        zoom_reset.setShortcuts([QKeySequence("Ctrl+0")])
        zoom_reset.triggered.connect(lambda: self.set_zoom(0))
        for action in (zoom_in, zoom_out, zoom_reset):
            view_menu.addAction(action)
        theme_menu = view_menu.addMenu(translate("MainWindow", "&Theme"))
        self._theme_actions: dict[str, QAction] = {}
        for name, label in (
            ("system", translate("MainWindow", "Follow the &system")),
            ("light", translate("MainWindow", "&Light")),
            ("dark", translate("MainWindow", "&Dark")),
        ):
            action = self._new_action(label)
            action.setCheckable(True)
            action.triggered.connect(lambda _checked=False, n=name: self.set_theme(n))
            theme_menu.addAction(action)
            self._theme_actions[name] = action
        view_menu.addSeparator()
        search_action = self._new_action(translate("MainWindow", "&Search chats"))
        search_action.setShortcuts([QKeySequence("Ctrl+Shift+F")])
        search_action.triggered.connect(self._focus_search)
        model_action = self._new_action(translate("MainWindow", "Choose the &model…"))
        model_action.setObjectName("chooseModelAction")
        model_action.setShortcuts([QKeySequence("Ctrl+L")])
        model_action.triggered.connect(self._open_model_picker)
        for action in (next_action, previous_action, search_action, model_action):
            view_menu.addAction(action)
        help_menu = self.menuBar().addMenu(translate("MainWindow", "&Help"))
        welcome = self._new_action(translate("MainWindow", "&Welcome…"))
        welcome.setObjectName("welcomeAction")
        welcome.triggered.connect(self.open_onboarding)
        help_menu.addAction(welcome)
        about = self._new_action(translate("MainWindow", "&About Desktop Chat"))
        about.triggered.connect(self._about)
        help_menu.addAction(about)
        self._need_providers = {settings_action, prices_action, tools_action, welcome}
        # Window-wide (QAction's default context), so they work while the composer (a text
        # box) has the focus. Off until `attach`: there are no chats to act on before.
        for action in self._menu_actions:
            action.setEnabled(False)
            self.addAction(action)

    def _about(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.about(
            self,
            translate("MainWindow", "About Desktop Chat"),
            translate(
                "MainWindow",
                "Desktop Chat {version}\nA native client for OpenAI-compatible chat models."
                "\nYour chats stay on this computer; API keys stay in the system keychain.",
            ).format(version=__version__),
        )

    def request_quit(self) -> None:
        if self.quit_handler is not None:
            self.quit_handler()  # the shell's quit saves the session
        else:
            self.close()

    # --- appearance -------------------------------------------------------------------------

    @property
    def zoom(self) -> int:
        return self.providers.settings.zoom if self.providers is not None else self._zoom

    def set_zoom(self, steps: int) -> None:
        steps = max(-6, min(20, steps))
        self._zoom = steps
        if self.providers is not None and self.providers.settings.zoom != steps:
            from dataclasses import replace

            self.providers.update(replace(self.providers.settings, zoom=steps))
        for tab in self.conversation_tabs():
            tab.message_view.set_zoom(steps)

    def set_theme(self, name: str) -> None:
        from desktop_chat.ui.theme import apply_theme

        apply_theme(name)
        self._theme = name
        for key, action in self._theme_actions.items():
            action.setChecked(key == name)
        if self.providers is not None and self.providers.settings.theme != name:
            from dataclasses import replace

            self.providers.update(replace(self.providers.settings, theme=name))

    # --- settings and start-up -------------------------------------------------------------

    def after_first_paint(self) -> None:
        """Work that can wait for the window: the keychain lookup and the model list."""
        from datetime import timedelta

        from desktop_chat.domain import utc_now

        self.store.empty_trash(older_than=utc_now() - timedelta(days=TRASH_DAYS))
        if self.controller.needs_api_key:
            self.show_missing_key()
            if self.providers is not None and not self.providers.settings.onboarding_done:
                self.open_onboarding()
        else:
            self.controller.load_models()

    def open_onboarding(self) -> None:
        """First run without a usable key: ask for one, or for a local server (skippable)."""
        if self.providers is None:
            return
        from desktop_chat.ui.onboarding import OnboardingDialog

        dialog = OnboardingDialog(self.providers, self)
        dialog.accepted.connect(self._on_settings_saved)
        dialog.finished.connect(lambda _result: self._after_dialog(dialog))
        dialog.open()  # window-modal, without a nested event loop

    def _after_dialog(self, dialog: QWidget) -> None:
        dialog.deleteLater()
        # Without a window manager (or with a lax one) nobody hands the focus back.
        self.activateWindow()
        self._focus_composer()

    def show_missing_key(self) -> None:
        lookup = self.providers.key_lookup() if self.providers is not None else None
        problem = f" {lookup.problem}" if lookup is not None and lookup.problem else ""
        actions = (
            [(translate("MainWindow", "Open settings"), self.open_settings)]
            if self.providers is not None
            else []
        )
        self.message_bar.show_message(
            translate("MainWindow", "No API key is set, so the OpenAI endpoint cannot answer yet.")
            + problem
            + " "
            + translate(
                "MainWindow",
                "Add a key in Settings (Ctrl+,), set OPENAI_API_KEY, or choose a local "
                "OpenAI-compatible server (e.g. Ollama at http://localhost:11434/v1) that needs "
                "no key.",
            ),
            "warning",
            actions,
        )

    # --- problems with the app's files, errors inside the app -----------------------------

    def report_problems(self, problems: list[str], moved_history: Path | None = None) -> None:
        """Tell what was damaged or unusable at start (one line each, added to what the bar
        already says); a history moved aside comes with a button that recovers its chats."""
        if moved_history is not None:
            self._moved_history = moved_history
            problems = [
                translate(
                    "MainWindow",
                    "The history database was damaged and could not be opened. It was moved "
                    "aside to {path}, and a new, empty history was started.",
                ).format(path=moved_history),
                *problems,
            ]
        if not problems:
            return
        for problem in problems:
            log.warning("%s", problem)
        self._problems.extend(problems)
        recover = translate("MainWindow", "Recover chats")
        actions = [(recover, self.recover_history)] if self._moved_history else []
        self.problem_bar.show_message("\n".join(self._problems), "warning", actions)

    def recover_history(self) -> None:
        """Copy the readable chats of the history moved aside into the new one."""
        from desktop_chat.store import StoreError

        if self._moved_history is None or self.store is None:
            return
        damaged = self._moved_history
        try:
            chats, messages = self.store.recover_from(damaged)
        except StoreError as error:
            self.problem_bar.show_message(
                translate("MainWindow", "Nothing was recovered: {error}").format(error=error),
                "error",
            )
            return
        self._moved_history, self._problems = None, []
        self.refresh_history()
        self.problem_bar.show_message(
            translate(
                "MainWindow",
                "Recovered {chats} and {messages} from {path}. The damaged file is kept there; "
                "delete it when you no longer need it.",
            ).format(
                chats=translate("MainWindow", "%n chat(s)", "", chats),
                messages=translate("MainWindow", "%n message(s)", "", messages),
                path=damaged,
            )
            if chats or messages
            else translate(
                "MainWindow", "No chats could be read from {path}; it is kept there."
            ).format(path=damaged),
            "info",
        )

    def show_unexpected_error(self, summary: str, log_file: Path | None = None) -> None:
        """An error inside the app (a bug): told, the window and the chats stay as they are."""
        where = (
            " " + translate("MainWindow", "The details are in {path}.").format(path=log_file)
            if log_file
            else ""
        )
        self.problem_bar.show_message(
            translate(
                "MainWindow",
                "Something went wrong inside the app ({error}). Your chats and drafts are kept; "
                "you can go on.",
            ).format(error=summary)
            + where,
            "error",
        )

    def open_settings(self) -> None:
        if self.providers is None:
            return
        from desktop_chat.ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.providers, self.controller, self, self.hotkey_status)
        dialog.settings_saved.connect(self._on_settings_saved)
        dialog.exec()
        dialog.deleteLater()

    def open_tool_servers(self) -> None:
        if self.providers is None or self.controller is None:
            return
        from desktop_chat.ui.tools_dialog import ToolServersDialog

        dialog = ToolServersDialog(self.providers, self.controller, self)
        if dialog.exec() == ToolServersDialog.DialogCode.Accepted:
            for tab in self.conversation_tabs():
                tab.tools.button.refresh()
        dialog.deleteLater()

    def open_prices(self) -> None:
        if self.providers is None:
            return
        from desktop_chat.ui.prices_dialog import PricesDialog

        dialog = PricesDialog(self.providers, self)
        if dialog.exec() == PricesDialog.DialogCode.Accepted:
            for tab in self.conversation_tabs():
                tab.apply_prices()
                tab.reload(force=True)
        dialog.deleteLater()

    def _on_settings_saved(self) -> None:
        if self.providers is not None:
            self.providers.forget_cached_keys()
        self.controller.providers_changed()
        if self.providers is not None:
            names = [p.name for p in self.providers.settings.profiles]
            for tab in self.conversation_tabs():
                tab.set_profiles(names, self._default_profile_name())
        self.settings_saved.emit()
        if self.controller.needs_api_key:
            self.show_missing_key()
        else:
            self.message_bar.hide()

    # --- tabs -------------------------------------------------------------------------------

    def new_tab(
        self, conversation_id: str | None = None, focus: bool = True, later: bool = False
    ) -> ConversationTab:
        """Open a chat in a tab (or focus its tab). `later`: a restored tab, whose messages
        are read and laid out right after the window's first paint."""
        if conversation_id is not None:
            existing = self.tab_for(conversation_id)
            if existing is not None:
                self.tabs.setCurrentWidget(existing)
                existing.focus_composer()
                return existing
            conversation = self.store.get_conversation(conversation_id, with_messages=not later)
        else:
            conversation = self.store.create_conversation(
                model=self.controller.preferred_model(), profile=self._default_profile_name()
            )
            self._schedule_history_refresh()
        from desktop_chat.ui.conversation_tab import ConversationTab

        tab = ConversationTab(conversation, self.controller, self.tabs, self.providers)
        tab.lay_out_after_paint = later
        if self.providers is not None:
            tab.set_profiles(
                [p.name for p in self.providers.settings.profiles], self._default_profile_name()
            )
        if self.zoom:
            tab.message_view.set_zoom(self.zoom)
        tab.title_changed.connect(lambda _title, t=tab: self._update_tab_label(t))
        tab.activity_changed.connect(lambda t=tab: self._update_tab_label(t))
        index = self.tabs.addTab(tab, "")
        self._update_tab_label(tab)
        if focus and self._placeholder is not None:  # a chat opened before restore_session
            draft = self._drop_placeholder()
            if draft and not tab.composer.toPlainText():
                tab.composer.setPlainText(draft)
            index = self.tabs.indexOf(tab)
        if focus:
            self.tabs.setCurrentIndex(index)
            tab.focus_composer()
        return tab

    def _default_profile_name(self) -> str:
        return self.providers.settings.profile().name if self.providers is not None else ""

    def tab_for(self, conversation_id: str) -> ConversationTab | None:
        for tab in self.conversation_tabs():
            if tab.conversation_id == conversation_id:
                return tab
        return None

    def conversation_tabs(self) -> list[ConversationTab]:
        widgets = (self.tabs.widget(i) for i in range(self.tabs.count()))
        return [w for w in widgets if not self._is_frame_page(w)]  # type: ignore[misc]

    def current_tab(self) -> ConversationTab | None:
        widget = self.tabs.currentWidget()
        if widget is None or self._is_frame_page(widget):
            return None
        return widget  # type: ignore[return-value]

    def close_tab(self, index: int) -> None:
        tab = self.tabs.widget(index)
        if tab is None or self._is_frame_page(tab):
            return
        self._stale_tabs.discard(tab)  # type: ignore[arg-type]
        if tab.is_streaming:
            self.message_bar.show_message(
                translate(
                    "MainWindow",
                    "“{title}” is still answering in the background; it will be saved, and you "
                    "can reopen it from History.",
                ).format(title=tab.conversation.title),
                "info",
            )
        self.tabs.removeTab(index)
        tab.deleteLater()
        if self.tabs.count() == 0:
            self.new_tab()
        elif (current := self.current_tab()) is not None:
            current.focus_composer()

    def _cycle_tab(self, step: int) -> None:
        count = self.tabs.count()
        if count > 1:
            self.tabs.setCurrentIndex((self.tabs.currentIndex() + step) % count)

    def _on_current_changed(self, _index: int) -> None:
        tab = self.current_tab()
        if tab is None:
            return
        if tab in self._stale_tabs:  # changed by another program while in the background
            self._stale_tabs.discard(tab)
            self._reload_changed(tab)
            if self.tabs.indexOf(tab) < 0:
                return  # deleted elsewhere, so closed; close_tab focused the next tab
        if tab.unread:
            tab.unread = False
            self._update_tab_label(tab)
        tab.focus_composer()

    def _update_tab_label(self, tab: ConversationTab) -> None:
        index = self.tabs.indexOf(tab)
        if index < 0:
            return
        title = shown_title(tab.conversation.title)
        if tab.is_streaming:
            mark, state = STREAMING_MARK, translate("MainWindow", "answering")
        elif tab.unread and index != self.tabs.currentIndex():
            mark, state = UNREAD_MARK, translate("MainWindow", "unread answer")
        else:
            tab.unread = False
            mark, state = "", ""
        self.tabs.setTabText(index, mark + _tab_text(title))
        self.tabs.setTabToolTip(index, plain_tooltip(f"{title} — {state}" if state else title))
        self.tabs.setTabWhatsThis(index, state)

    def _open_model_picker(self) -> None:
        """Ctrl+L: the current chat's model picker; closing it puts the focus back in the
        message box, so Ctrl+L then Esc is also the way back to typing."""
        if (tab := self.current_tab()) is not None:
            tab.open_model_picker()

    def _focus_composer(self) -> None:
        if (tab := self.current_tab()) is not None:
            tab.focus_composer()

    # --- history ----------------------------------------------------------------------------

    def _schedule_history_refresh(self, *_args: object) -> None:
        self.sidebar.schedule_refresh()

    def refresh_history(self) -> None:
        self.sidebar.refresh()

    def open_conversation(self, conversation_id: str, message_id: str | None = None) -> None:
        tab = self.new_tab(conversation_id)
        if message_id:
            tab.scroll_to_message(message_id)

    def _on_conversation_renamed(self, conversation_id: str) -> None:
        if (tab := self.tab_for(conversation_id)) is not None:
            tab.reload()

    def trash_conversation(self, conversation_id: str) -> None:
        """Move to the trash (undoable); a streaming answer is stopped first."""
        tab = self.tab_for(conversation_id)
        title = self.store.get_conversation(conversation_id).title
        self.controller.stop(conversation_id)
        if tab is not None:
            self.tabs.removeTab(self.tabs.indexOf(tab))
            tab.deleteLater()
            if self.tabs.count() == 0:
                self.new_tab()
        self.store.trash_conversation(conversation_id)
        self.refresh_history()
        self.message_bar.show_message(
            translate(
                "MainWindow",
                "“{title}” moved to the trash. It is deleted for good after %n days.",
                "",
                TRASH_DAYS,
            ).format(title=title),
            "info",
            [
                (
                    translate("MainWindow", "Undo"),
                    lambda: self._undo_trash(conversation_id, reopen=tab is not None),
                )
            ],
        )

    def _undo_trash(self, conversation_id: str, reopen: bool) -> None:
        self.store.restore_conversation(conversation_id)
        self.message_bar.hide()
        self.refresh_history()
        if reopen:
            self.new_tab(conversation_id)

    def _empty_trash(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        answer = QMessageBox.question(
            self,
            translate("MainWindow", "Empty trash"),
            translate(
                "MainWindow",
                "Delete every conversation in the trash for good? This cannot be undone.",
            ),
        )
        if answer == QMessageBox.StandardButton.Yes:
            count = self.store.empty_trash()
            self.message_bar.show_message(
                translate("MainWindow", "Deleted %n conversation(s) for good.", "", count), "info"
            )

    def _focus_search(self) -> None:
        self.sidebar.focus_search()

    # --- import / export ----------------------------------------------------------------------

    def _export(self, only_current: bool) -> None:
        tab = self.current_tab()
        if only_current and tab is None:
            return
        from PySide6.QtWidgets import QFileDialog

        path, chosen = QFileDialog.getSaveFileName(
            self,
            translate("MainWindow", "Export chat")
            if only_current
            else translate("MainWindow", "Export all chats"),
            "chat.json" if only_current else "desktop-chat-export.json",
            "JSON (*.json);;Markdown (*.md)",
        )
        if not path:
            return
        ids = [tab.conversation_id] if only_current and tab else self.store.conversation_ids()
        conversations = [self.store.get_conversation(i) for i in ids]
        from desktop_chat import exchange

        markdown = path.endswith(".md") or chosen.startswith("Markdown")
        text = exchange.to_markdown(conversations) if markdown else exchange.to_json(conversations)
        from desktop_chat.files import write_private_atomically

        try:
            write_private_atomically(Path(path), text)
        except OSError as error:
            reason = error.strerror or str(error)
            self.message_bar.show_message(
                translate("MainWindow", "Could not write {path}: {reason}.").format(
                    path=path, reason=reason
                ),
                "error",
            )
            return
        exported = len(conversations)
        self.message_bar.show_message(
            translate("MainWindow", "Exported %n chat(s) to {path}.", "", exported).format(
                path=path
            ),
            "info",
        )

    def _import(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        path, _ = QFileDialog.getOpenFileName(
            self,
            translate("MainWindow", "Import chats"),
            "",
            translate("MainWindow", "Chat exports (*.json *.zip);;All files (*)"),
        )
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path) -> asyncio.Future[None] | None:
        """Read and check the file on a worker thread (a ChatGPT export can be hundreds of MB),
        then add it to the history here, in one transaction. One import at a time; returns
        its task, or None when one is already running."""
        import asyncio

        if self._import_task is not None and not self._import_task.done():
            self.message_bar.show_message(
                translate("MainWindow", "An import is already running."),
                "info",
            )
            return None
        self._import_action.setEnabled(False)
        self.message_bar.show_message(
            translate("MainWindow", "Importing {name}…").format(name=path.name), "info"
        )
        self._import_task = asyncio.ensure_future(self._run_import(path))
        return self._import_task

    async def _run_import(self, path: Path) -> None:
        import asyncio

        from desktop_chat import exchange
        from desktop_chat.store import StoreError

        try:
            conversations = await asyncio.to_thread(exchange.load_file, path)
            added, messages = self.store.import_conversations(conversations)
        except (exchange.ImportFormatError, StoreError) as error:
            self.message_bar.show_message(
                translate("MainWindow", "Nothing was imported. {error}").format(error=error),
                "error",
            )
            return
        except MemoryError:
            self.message_bar.show_message(
                translate(
                    "MainWindow", "Nothing was imported. {name}: not enough memory to read it."
                ).format(name=path.name),
                "error",
            )
            return
        finally:
            self._import_action.setEnabled(True)
        self.refresh_history()
        self.message_bar.show_message(
            translate("MainWindow", "Imported {chats} and {messages}.").format(
                chats=translate("MainWindow", "%n new chat(s)", "", added),
                messages=translate("MainWindow", "%n new message(s)", "", messages),
            ),
            "info",
        )

    # --- session ----------------------------------------------------------------------------

    def restore_session(self, new_chat: bool = False) -> None:
        """Reopen the tabs, their order, the selected tab and the drafts of last time, and
        with `new_chat` a new chat in front. Text typed into the frame's tab meanwhile goes
        to the new chat, else to the selected tab (or a new chat, if that has a draft)."""
        state = _session_from(self.store.get_state(SESSION_KEY))
        if not self._geometry_restored and state["geometry"]:
            # Saved by a version that kept the geometry in the session (before window-state).
            self.restoreGeometry(QByteArray.fromBase64(state["geometry"].encode()))
            self._geometry_restored = True
        for conversation_id, draft_text in state["tabs"]:
            if self.store.has_conversation(conversation_id):
                tab = self.new_tab(conversation_id, focus=False, later=True)
                tab.composer.setPlainText(draft_text)
                tab.restore_draft_attachments()
        tabs = self.conversation_tabs()
        current = tabs[max(0, min(state["current"], len(tabs) - 1))] if tabs else None
        draft = self._drop_placeholder()
        if new_chat or current is None or (draft and current.composer.toPlainText()):
            current = self.new_tab()
        self.tabs.setCurrentWidget(current)
        if draft:  # typed into the start-up tab before the chats were ready
            from PySide6.QtGui import QTextCursor

            current.composer.setPlainText(draft)
            current.composer.moveCursor(QTextCursor.MoveOperation.End)
        self.refresh_history()
        self._focus_composer()

    def save_session(self) -> None:
        for tab in self.conversation_tabs():
            tab.save_draft_attachments()
        state = {
            "tabs": [
                {"id": tab.conversation_id, "draft": tab.composer.toPlainText()}
                for tab in self.conversation_tabs()
            ],
            "current": self.tabs.currentIndex(),
        }
        if self.store is not None:
            import json

            self.store.set_state(SESSION_KEY, json.dumps(state))
        if self.window_state_path is not None:
            geometry = bytes(self.saveGeometry().toBase64().data()).decode()
            tabs = self.conversation_tabs()
            if tabs:
                titles = tuple(tab.conversation.title for tab in tabs)
                current = self.current_tab()
                selected = tabs.index(current) if current in tabs else 0
            else:  # closed before the chats were in: the session is unchanged
                titles, selected = self._frame_look.tabs, self._frame_look.current
            look = WindowState(geometry, self._theme, titles, selected)
            try:
                window_state.save(self.window_state_path, look)
            except OSError as error:  # a read-only state directory costs the size, no more
                log.warning("Could not save the window's size and theme: %s", error)

    def changeEvent(self, event: QEvent) -> None:
        # Back to the window: what `desktop-chat ask` (or another tool) saved meanwhile shows
        # up: new chats in the history, a continued chat (`ask -c`) in its tab. Only then: a
        # refresh also resets the history list's scroll position.
        if (
            event.type() == QEvent.Type.ActivationChange
            and self.isActiveWindow()
            and self.store is not None
            and self.store.changed_elsewhere()
        ):
            self._schedule_history_refresh()
            current = self.current_tab()
            self._stale_tabs = {tab for tab in self.conversation_tabs() if tab is not current}
            if current is not None:
                self._reload_changed(current)
        super().changeEvent(event)

    def _reload_changed(self, tab: ConversationTab) -> None:
        """Reload a tab whose chat another program changed; one it deleted closes."""
        try:
            tab.reload()
        except KeyError:
            self.close_tab(self.tabs.indexOf(tab))

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_session()
        self.closing.emit()
        event.accept()

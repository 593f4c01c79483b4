"""HistorySidebar: every conversation (pinned first, newest activity next) and full-text search.

The list is a model that knows how many conversations there are and reads them a page at a
time as the view asks for them, so ten thousand conversations cost the rows on screen, not
ten thousand widgets, and scrolling never lays the whole list out again. Search results come
from the store's FTS5 index, ranked, each with a snippet; choosing one opens the conversation
at the matching message. Delete moves a conversation to the trash and offers Undo; nothing is
bound to a bare Backspace.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from PySide6 import QtCore
from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QLineEdit,
    QListView,
    QVBoxLayout,
    QWidget,
)

from desktop_chat.ui.i18n import short_datetime, shown_title, translate
from desktop_chat.ui.plain_text import plain_tooltip

if TYPE_CHECKING:
    from desktop_chat.store import ConversationStore

PAGE_SIZE = 200
# Qt.ItemDataRole.UserRole and after, as plain ints: the sidebar is built before the first
# paint, and `QtCore.Qt` (hundreds of enums, ~16 ms) is only touched once the list is filled.
USER_ROLE = 0x0100
ConversationIdRole = USER_ROLE
MessageIdRole = USER_ROLE + 1
PinnedRole = USER_ROLE + 2

_Index = QModelIndex | QPersistentModelIndex


class _Row(NamedTuple):  # not a dataclass: `dataclasses` is not loaded before first paint
    conversation_id: str
    title: str
    detail: str
    pinned: bool = False
    message_id: str | None = None


class HistoryModel(QAbstractListModel):
    def __init__(self, store: ConversationStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self._query = ""
        self._count = 0
        self._pages: dict[int, list[_Row]] = {}  # page number -> rows, read when first shown

    # --- loading ----------------------------------------------------------------------------

    def reload(self, query: str = "") -> None:
        """The list knows its full length at once (one COUNT), so the scroll bar is right
        from the start; rows are read a page at a time when the view first asks for them."""
        self.beginResetModel()
        self._query = query.strip()
        self._pages = {}
        if self._query:
            hits = [
                _Row(hit.conversation_id, hit.title, hit.snippet, message_id=hit.message_id)
                for hit in self.store.search(self._query)
            ]
            self._pages = {0: hits}
            self._count = len(hits)
        else:
            self._count = self.store.count_conversations()
        self.endResetModel()

    def _page(self, number: int) -> list[_Row]:
        rows = self._pages.get(number)
        if rows is None:
            summaries = self.store.list_conversations(limit=PAGE_SIZE, offset=number * PAGE_SIZE)
            rows = self._pages[number] = [
                _Row(
                    s.id,
                    s.title,
                    f"{s.model} · {short_datetime(s.updated_at)}",
                    s.pinned,
                )
                for s in summaries
            ]
        return rows

    def _row(self, row: int) -> _Row | None:
        if self._query:
            hits = self._pages.get(0, [])
            return hits[row] if 0 <= row < len(hits) else None
        page = self._page(row // PAGE_SIZE)
        offset = row % PAGE_SIZE
        return page[offset] if offset < len(page) else None

    @property
    def loaded_rows(self) -> int:
        return sum(len(rows) for rows in self._pages.values())

    # --- model API --------------------------------------------------------------------------

    @property
    def searching(self) -> bool:
        return bool(self._query)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt API)
        return 0 if parent.isValid() else self._count

    def data(self, index: _Index, role: int = 0) -> object:  # 0: Qt.ItemDataRole.DisplayRole
        Qt = QtCore.Qt  # noqa: N806
        if not index.isValid() or index.row() >= self._count:
            return None
        row = self._row(index.row())
        if row is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if row.message_id is not None or self._query:
                # a search hit: title, then the snippet
                return f"{shown_title(row.title)}\n{row.detail}"
            return ("📌 " if row.pinned else "") + shown_title(row.title)
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tooltip(f"{shown_title(row.title)}\n{row.detail}")
        if role == Qt.ItemDataRole.AccessibleDescriptionRole:
            return row.detail
        if role == ConversationIdRole:
            return row.conversation_id
        if role == MessageIdRole:
            return row.message_id
        if role == PinnedRole:
            return row.pinned
        return None

    def row_of(self, conversation_id: str) -> int:
        """The row of a conversation among those already read (-1 if not read yet)."""
        for number, rows in self._pages.items():
            for offset, row in enumerate(rows):
                if row.conversation_id == conversation_id:
                    return offset if self._query else number * PAGE_SIZE + offset
        return -1


class HistorySidebar(QWidget):
    open_requested = Signal(str, object)  # conversation id, message id to scroll to (or None)
    trash_requested = Signal(str)
    changed = Signal(str)  # a conversation was renamed or (un)pinned

    def __init__(
        self, store: ConversationStore | None = None, parent: QWidget | None = None
    ) -> None:
        """The search field and the (empty) list; `attach(store)` fills and wires them. The
        window shows this much at its first paint, before the store's data is read."""
        super().__init__(parent)
        self.setObjectName("historySidebar")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 0, 6)
        self.search_field = QLineEdit(self)
        self.search_field.setObjectName("searchField")
        self.search_field.setAccessibleName("searchField")
        self.search_field.setPlaceholderText(
            translate("HistorySidebar", "Search all chats (Ctrl+Shift+F)")
        )
        from desktop_chat.ui.icons import themed_action_icon

        magnifier = self.search_field.addAction(QIcon(), QLineEdit.ActionPosition.LeadingPosition)
        themed_action_icon(magnifier, "search")
        layout.addWidget(self.search_field)
        self.caption = QLabel(translate("HistorySidebar", "&History"), self)
        layout.addWidget(self.caption)
        self.list_view = QListView(self)
        self.list_view.setObjectName("historyList")
        self.list_view.setAccessibleName("historyList")
        self.list_view.setUniformItemSizes(True)  # rows elide on the right: the default
        self.list_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.caption.setBuddy(self.list_view)
        layout.addWidget(self.list_view, 1)
        if store is not None:
            self.attach(store)

    def attach(self, store: ConversationStore) -> None:
        Qt = QtCore.Qt  # noqa: N806 (the first use of the namespace: after the first paint)
        self.store = store
        self.search_field.setClearButtonEnabled(True)  # loads an icon: not before first paint
        self.model = HistoryModel(store, self)
        self.list_view.setModel(self.model)
        self.list_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list_view.customContextMenuRequested.connect(self._context_menu)
        self.list_view.activated.connect(self._on_activated)

        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(120)
        self._refresh_timer.timeout.connect(self.refresh)
        self.search_field.textChanged.connect(lambda _text: self._refresh_timer.start())
        self.search_field.returnPressed.connect(self._open_first_result)

        self.rename_action = self._action(
            translate("HistorySidebar", "Rename…"), "F2", self._rename_current
        )
        self.pin_action = self._action(
            translate("HistorySidebar", "Pin / unpin"), "Ctrl+P", self._toggle_pin_current
        )
        self.delete_action = self._action(
            translate("HistorySidebar", "Move to trash"),
            QKeySequence(QKeySequence.StandardKey.Delete),
            self._trash_current,
        )
        if self.search_field.text():  # typed before the store was attached
            self._refresh_timer.start()

    def _action(self, text: str, key: str | QKeySequence, slot: object) -> QAction:
        action = QAction(text, self.list_view)
        action.setShortcut(QKeySequence(key))
        action.setShortcutContext(QtCore.Qt.ShortcutContext.WidgetShortcut)
        action.triggered.connect(slot)  # type: ignore[arg-type]
        self.list_view.addAction(action)
        return action

    # --- public -----------------------------------------------------------------------------

    def schedule_refresh(self) -> None:
        self._refresh_timer.start()

    def refresh(self) -> None:
        current = self.current_conversation_id()
        self.model.reload(self.search_field.text())
        self.caption.setText(
            translate("HistorySidebar", "Search &results")
            if self.model.searching
            else translate("HistorySidebar", "&History")
        )
        if current is not None and (row := self.model.row_of(current)) >= 0:
            self.list_view.setCurrentIndex(self.model.index(row))

    def current_conversation_id(self) -> str | None:
        index = self.list_view.currentIndex()
        return index.data(ConversationIdRole) if index.isValid() else None

    def focus_search(self) -> None:
        self.search_field.setFocus(QtCore.Qt.FocusReason.ShortcutFocusReason)
        self.search_field.selectAll()

    # --- internals --------------------------------------------------------------------------

    def _on_activated(self, index: QModelIndex) -> None:
        conversation_id = index.data(ConversationIdRole)
        if conversation_id:
            self.open_requested.emit(conversation_id, index.data(MessageIdRole))

    def _open_first_result(self) -> None:
        if self.model.rowCount() > 0:
            self.list_view.setCurrentIndex(self.model.index(0))
            self._on_activated(self.model.index(0))

    def _context_menu(self, position: QPoint) -> None:
        index = self.list_view.indexAt(position)
        if not index.isValid():
            return
        from PySide6.QtWidgets import QMenu

        self.list_view.setCurrentIndex(index)
        menu = QMenu(self)
        menu.addAction(translate("HistorySidebar", "Open"), lambda: self._on_activated(index))
        menu.addAction(self.rename_action)
        self.pin_action.setText(
            translate("HistorySidebar", "Unpin")
            if index.data(PinnedRole)
            else translate("HistorySidebar", "Pin to top")
        )
        menu.addAction(self.pin_action)
        menu.addSeparator()
        menu.addAction(self.delete_action)
        menu.exec(self.list_view.viewport().mapToGlobal(position))

    def _rename_current(self) -> None:
        conversation_id = self.current_conversation_id()
        if conversation_id is None:
            return
        from PySide6.QtWidgets import QInputDialog

        conversation = self.store.get_conversation(conversation_id)
        title, ok = QInputDialog.getText(
            self,
            translate("HistorySidebar", "Rename chat"),
            translate("HistorySidebar", "Title"),
            QLineEdit.EchoMode.Normal,
            conversation.title,
        )
        if ok and title.strip():
            self.store.update_conversation(conversation_id, title=title.strip())
            self.changed.emit(conversation_id)
            self.refresh()

    def _toggle_pin_current(self) -> None:
        conversation_id = self.current_conversation_id()
        if conversation_id is None:
            return
        pinned = self.store.get_conversation(conversation_id).pinned
        self.store.update_conversation(conversation_id, pinned=not pinned)
        self.changed.emit(conversation_id)
        self.refresh()

    def _trash_current(self) -> None:
        conversation_id = self.current_conversation_id()
        if conversation_id is not None:
            self.trash_requested.emit(conversation_id)

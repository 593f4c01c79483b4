"""The searchable model picker (Ctrl+L): a popup with a search field over a list of models.

A list model over plain Python entries, filtered in Python and reset per keystroke: with
thousands of ids that is a millisecond or two, where a widget per row would take seconds.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    Qt,
    Signal,
)
from PySide6.QtGui import QGuiApplication, QKeyEvent, QMouseEvent, QPainter, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from desktop_chat.model_choice import (
    ModelEntry,
    ModelMemory,
    Section,
    filter_entries,
    ordered_entries,
)
from desktop_chat.ui.i18n import translate

STAR = "★"
NO_STAR = "☆"
STAR_WIDTH = 24  # px at the left of a row where a click toggles the star
MARKS_ROLE = Qt.ItemDataRole.UserRole + 1  # "reasoning · vision · 128k", drawn at the right

_Index = QModelIndex | QPersistentModelIndex
_OWN_KEYS = {
    Qt.Key.Key_Escape,
    Qt.Key.Key_Return,
    Qt.Key.Key_Enter,
    Qt.Key.Key_Up,
    Qt.Key.Key_Down,
    Qt.Key.Key_PageUp,
    Qt.Key.Key_PageDown,
}


class ModelListModel(QAbstractListModel):
    """The rows the picker shows: the entries that pass the filter, in order."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[ModelEntry] = []
        self.marks_of: Callable[[str], str] = lambda _model: ""
        self._marks: dict[str, str] = {}  # asked for at paint time, so only for rows shown

    def set_marks(self, marks_of: Callable[[str], str]) -> None:
        self.marks_of = marks_of
        self._marks.clear()

    def set_rows(self, rows: list[ModelEntry]) -> None:
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def entry(self, row: int) -> ModelEntry:
        return self._rows[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        entry = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            star = STAR if entry.section is Section.FAVOURITE else NO_STAR
            return f"{star}  {entry.model_id}"
        if role == Qt.ItemDataRole.ToolTipRole:
            where = {
                Section.FAVOURITE: translate("ModelPickerPopup", "favourite"),
                Section.RECENT: translate("ModelPickerPopup", "recently used"),
            }
            notes = [note for note in (where.get(entry.section),) if note]
            if not entry.listed:
                notes.append(translate("ModelPickerPopup", "not listed by the server now"))
            return f"{entry.model_id} — {', '.join(notes)}" if notes else entry.model_id
        if role == Qt.ItemDataRole.ForegroundRole and not entry.listed:
            # Read at paint time: the theme (light, dark) may have changed since.
            palette = QGuiApplication.palette()
            return palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        if role == Qt.ItemDataRole.UserRole:
            return entry.model_id
        if role == MARKS_ROLE:
            marks = self._marks.get(entry.model_id)
            if marks is None:
                marks = self._marks[entry.model_id] = self.marks_of(entry.model_id)
            return marks
        return None


class _MarksDelegate(QStyledItemDelegate):
    """The row as usual, with the model's marks in quiet text at its right end."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        marks = index.data(MARKS_ROLE)
        if not marks:
            super().paint(painter, option, index)
            return
        item = QStyleOptionViewItem(option)
        self.initStyleOption(item, index)
        metrics = item.fontMetrics
        room = metrics.horizontalAdvance(marks) + 16
        # The whole row (its selection too) as usual, the id elided before the marks.
        item.text = metrics.elidedText(
            item.text, Qt.TextElideMode.ElideRight, max(0, item.rect.width() - room - 8)
        )
        style = item.widget.style() if item.widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, item, painter, item.widget)
        painter.save()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        role = (
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.PlaceholderText
        )
        painter.setPen(option.palette.color(QPalette.ColorGroup.Normal, role))
        area = option.rect.adjusted(0, 0, -6, 0)
        painter.drawText(area, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, marks)
        painter.restore()


class _ModelListView(QListView):
    star_clicked = Signal(int)  # row

    def mousePressEvent(self, event: QMouseEvent) -> None:
        index = self.indexAt(event.position().toPoint())
        rect = self.visualRect(index)
        if index.isValid() and event.position().x() < rect.left() + STAR_WIDTH:
            self.star_clicked.emit(index.row())
            event.accept()
            return
        super().mousePressEvent(event)


class ModelPickerPopup(QFrame):
    """Type to filter; Up/Down move; Return (or a click) chooses; Esc closes, changing nothing;
    Ctrl+D or a click on the star makes the selected model a favourite or not."""

    chosen = Signal(str)
    closed = Signal()
    retry_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setObjectName("modelPickerPopup")
        self.setAccessibleName("modelPickerPopup")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._memory: ModelMemory | None = None
        self._models: list[str] = []
        self._entries: list[ModelEntry] = []

        self.search = QLineEdit(self)
        self.search.setObjectName("modelPickerSearch")
        self.search.setAccessibleName("modelPickerSearch")
        self.search.setPlaceholderText(
            translate("ModelPickerPopup", "Search models — every word matches somewhere")
        )
        self.search.setClearButtonEnabled(True)
        self.list_model = ModelListModel(self)
        self.list_view = _ModelListView(self)
        self.list_view.setObjectName("modelPickerList")
        self.list_view.setAccessibleName("modelPickerList")
        self.list_view.setModel(self.list_model)
        self.list_view.setItemDelegate(_MarksDelegate(self.list_view))
        self.list_view.setUniformItemSizes(True)  # no per-row size query over thousands
        self.list_view.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # typing stays in the search
        self.status = QLabel(self)
        self.status.setObjectName("modelPickerStatus")
        self.status.setWordWrap(True)
        self.retry_button = QPushButton(translate("ModelPickerPopup", "&Retry"), self)
        self.retry_button.setObjectName("modelPickerRetry")
        self.retry_button.setAccessibleName("modelPickerRetry")
        self.retry_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # typing stays in the search
        self.retry_button.hide()
        self.show_all = QCheckBox(translate("ModelPickerPopup", "Show &all models"), self)
        self.show_all.setObjectName("modelPickerShowAll")
        self.show_all.setAccessibleName("modelPickerShowAll")
        self.show_all.setToolTip(
            translate(
                "ModelPickerPopup", "Also list embeddings, speech, image and moderation models"
            )
        )
        self.show_all.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # typing stays in the search
        self.show_all.hide()
        self.show_all.toggled.connect(lambda _on: self._reorder())
        self._others: list[str] = []
        self._from_server = True

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addWidget(self.search)
        layout.addWidget(self.list_view, 1)
        footer = QHBoxLayout()
        footer.addWidget(self.status, 1)
        footer.addWidget(self.show_all)
        footer.addWidget(self.retry_button)
        layout.addLayout(footer)
        self.resize(420, 420)

        self.search.textChanged.connect(self._apply_filter)
        self.search.installEventFilter(self)
        self.list_view.clicked.connect(lambda index: self._choose_row(index.row()))
        self.list_view.star_clicked.connect(self._toggle_star)
        self.retry_button.clicked.connect(self._retry)

    # --- content ----------------------------------------------------------------------------

    def set_models(
        self,
        models: list[str],
        memory: ModelMemory | None,
        from_server: bool = True,
        others: list[str] | None = None,
    ) -> None:
        """`from_server` False: the server's list failed (or was empty or malformed), and
        `models` are the defaults; the picker says so and offers Retry. `others`: what the
        server lists beside chat models, shown with "Show all models"."""
        unchanged = (models, others or [], from_server) == (
            self._models,
            self._others,
            self._from_server,
        )
        if unchanged and memory is self._memory:
            return  # a background refresh that found nothing new: keep the selection
        self._models = list(models)
        self._others = list(others or [])
        self._memory = memory
        self._from_server = from_server
        self.retry_button.setVisible(not from_server or not models)
        self.show_all.setVisible(bool(self._others))
        self._reorder()

    def _retry(self) -> None:
        self.status.setText(translate("ModelPickerPopup", "Asking the server for its models…"))
        self.retry_requested.emit()

    def _reorder(self) -> None:
        recent = self._memory.recent() if self._memory else []
        favourites = self._memory.favourites() if self._memory else []
        listed = self._models
        if self.show_all.isChecked() and self._others:
            listed = sorted({*self._models, *self._others})
        self._entries = ordered_entries(listed, recent, favourites)
        self._apply_filter(self.search.text())

    def _apply_filter(self, query: str) -> None:
        rows = filter_entries(self._entries, query)
        self.list_model.set_rows(rows)
        self._select(0)  # the best match
        if not self._models:
            self.status.setText(
                translate(
                    "ModelPickerPopup", "No models listed; type a model name here and press Enter."
                )
            )
        elif not rows:
            self.status.setText(
                translate(
                    "ModelPickerPopup",
                    "No model matches; the model box takes any name typed in it.",
                )
            )
        elif not self._from_server:
            self.status.setText(
                translate(
                    "ModelPickerPopup",
                    "The server did not list its models; these are the defaults.",
                )
            )
        else:
            listed = len(self._entries)
            self.status.setText(
                translate("ModelPickerPopup", "{shown} of %n models", "", listed).format(
                    shown=len(rows)
                )
            )

    def visible_models(self) -> list[str]:
        count = self.list_model.rowCount()
        return [self.list_model.entry(row).model_id for row in range(count)]

    def selected_model(self) -> str | None:
        index = self.list_view.currentIndex()
        return self.list_model.entry(index.row()).model_id if index.isValid() else None

    def _select(self, row: int) -> None:
        count = self.list_model.rowCount()
        if count == 0:
            return
        index = self.list_model.index(max(0, min(row, count - 1)))
        self.list_view.setCurrentIndex(index)
        self.list_view.scrollTo(index)

    # --- opening, keys, choosing ------------------------------------------------------------

    def open_under(self, anchor: QWidget) -> None:
        self.search.clear()
        self._reorder()
        self.move(anchor.mapToGlobal(QPoint(0, anchor.height())))
        self.show()
        self.search.setFocus(Qt.FocusReason.PopupFocusReason)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # The chat tab's Esc (stop the answer) is a shortcut over its children, this popup
        # among them: claim our keys, so they come here as key presses.
        overridden = event.type() == QEvent.Type.ShortcutOverride
        if watched is self.search and overridden and self._is_own_key(event):  # type: ignore[arg-type]
            event.accept()
            return True
        if watched is self.search and event.type() == QEvent.Type.KeyPress:
            return self._on_key(event)  # type: ignore[arg-type]
        return super().eventFilter(watched, event)

    @staticmethod
    def _is_own_key(event: QKeyEvent) -> bool:
        ctrl = event.modifiers() & Qt.KeyboardModifier.ControlModifier
        return event.key() in _OWN_KEYS or (event.key() == Qt.Key.Key_D and bool(ctrl))

    def _on_key(self, event: QKeyEvent) -> bool:
        key = event.key()
        row = self.list_view.currentIndex().row()
        row_height = max(1, self.list_view.sizeHintForRow(0))
        page = max(1, self.list_view.viewport().height() // row_height)
        moves = {
            Qt.Key.Key_Down: row + 1,
            Qt.Key.Key_Up: row - 1,
            Qt.Key.Key_PageDown: row + page,
            Qt.Key.Key_PageUp: row - page,
        }
        if key in moves:
            self._select(moves[key])
            return True
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._choose_row(row)
            return True
        if key == Qt.Key.Key_Escape:
            self.close()
            return True
        if key == Qt.Key.Key_D and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self._toggle_star(row)
            return True
        return False

    def _choose_row(self, row: int) -> None:
        if 0 <= row < self.list_model.rowCount():
            model_id = self.list_model.entry(row).model_id
            self.close()
            self.chosen.emit(model_id)
        elif (typed := self.search.text().strip()) and not self._models:
            # Nothing listed: the name typed in the search is the model to use.
            self.close()
            self.chosen.emit(typed)

    def _toggle_star(self, row: int) -> None:
        if self._memory is None or not 0 <= row < self.list_model.rowCount():
            return
        model_id = self.list_model.entry(row).model_id
        self._memory.toggle_favourite(model_id)
        self._reorder()
        position = next((i for i, m in enumerate(self.visible_models()) if m == model_id), 0)
        self._select(position)

    def hideEvent(self, event: object) -> None:
        super().hideEvent(event)  # type: ignore[arg-type]
        self.closed.emit()

"""The compare UI (issue 17): a Compare control beside the model picker, and a view with one
column per model — its name, live usage, the answer, its own Stop, Retry on failure and
"Continue with this". Columns sit side by side, or stacked when the tab is narrow.

`install(tab)` hooks it into a ConversationTab; the tab calls `contenders()` when sending.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QDesktopServices,
    QGuiApplication,
    QResizeEvent,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
)
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_chat.compare import MAX_CONTENDERS, Column, Comparison, Contender
from desktop_chat.domain import MessageStatus, Usage
from desktop_chat.pricing import cost
from desktop_chat.ui.i18n import decimal, money, number, translate
from desktop_chat.ui.quiet_scrollbar import QuietScrollBar

if TYPE_CHECKING:
    from desktop_chat.compare import CompareRunner
    from desktop_chat.ui.conversation_tab import ConversationTab
    from desktop_chat.ui.model_picker import ModelPickerPopup

COLUMN_MIN_WIDTH = 240  # px: narrower than this per column, and the columns stack
MORE_MODELS = MAX_CONTENDERS - 1  # besides the chat's own model
USAGE_EVERY_SECONDS = 0.25  # live usage: readable, and four labels' relayouts stay cheap
LIVE_BLOCK_CHARS = 600  # as in the message view: a long streaming paragraph continues anew


def usage_line(model: str, usage: Usage | None, prices: dict[str, tuple[float, float]]) -> str:
    """e.g. "≈240 tokens · 0.31 s to first token · 48 tok/s · $0.0150"."""
    if usage is None:
        return translate("CompareView", "waiting…")
    about = "≈" if usage.estimated else ""
    bits = [
        translate("CompareView", "{count} tokens").format(
            count=about + number(usage.completion_tokens)
        )
    ]
    if usage.first_token_ms is not None:
        seconds = decimal(usage.first_token_ms / 1000, 2)
        bits.append(translate("CompareView", "{seconds} s to first token").format(seconds=seconds))
    if (speed := usage.tokens_per_second) is not None:
        bits.append(
            translate("CompareView", "{speed} tok/s").format(speed=about + number(round(speed)))
        )
    price = cost(model, usage, prices)
    if price is not None:
        bits.append(about + money(price))
    return " · ".join(bits)


class CompareBar(QWidget):
    """ "Compare +" and one chip per extra model (click a chip to take it out)."""

    changed = Signal()

    def __init__(self, tab: ConversationTab) -> None:
        super().__init__(tab)
        self.tab = tab
        self.extras: list[Contender] = []
        self._popup: ModelPickerPopup | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.add_button = QToolButton(self)
        self.add_button.setObjectName("compareButton")
        self.add_button.setText(translate("CompareBar", "Compare +"))
        self.add_button.setAccessibleName(translate("CompareBar", "Compare with another model"))
        self.add_button.setToolTip(
            translate(
                "CompareBar",
                "Ask up to %n more models the same question, side by side",
                "",
                MORE_MODELS,
            )
        )
        self.add_button.clicked.connect(lambda: self.open_picker())
        layout.addWidget(self.add_button)
        # With several profiles, the arrow beside it picks a model from another server.
        self.profile_button = QToolButton(self)
        self.profile_button.setObjectName("compareProfileButton")
        other = translate("CompareBar", "Compare with a model of another profile")
        self.profile_button.setAccessibleName(other)
        self.profile_button.setToolTip(other)
        self.profile_button.setText("▾")
        self.profile_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.profile_button.setMenu(QMenu(self.profile_button))
        self.profile_button.menu().aboutToShow.connect(self._fill_profile_menu)
        self.profile_button.hide()
        layout.addWidget(self.profile_button)
        self._picking_profile: str | None = None  # the profile whose models the popup lists
        self._waiting_for: str | None = None  # a profile whose models are being fetched
        self._models_of: dict[str, list[str]] = {}
        tab.controller.profile_models_loaded.connect(self._on_profile_models)
        self._chips = QHBoxLayout()
        self._chips.setSpacing(2)
        layout.addLayout(self._chips)

    def other_profiles(self) -> list[str]:
        picker = self.tab.profile_picker
        names = [picker.itemText(i) for i in range(picker.count())]
        return [name for name in names if name != picker.currentText()]

    def show_profiles(self) -> None:
        """The profile arrow shows only when there is another profile to pick from."""
        self.profile_button.setVisible(bool(self.other_profiles()))

    def _fill_profile_menu(self) -> None:
        menu = self.profile_button.menu()
        menu.clear()
        for name in self.other_profiles():
            action = menu.addAction(translate("CompareBar", "A model of {name}…").format(name=name))
            action.triggered.connect(lambda _checked=False, n=name: self.open_picker(n))

    def open_picker(self, profile: str | None = None) -> ModelPickerPopup | None:
        """The model popup, listing the chat's models, or those of `profile` (fetched from
        its server first; the popup opens when they come)."""
        if len(self.extras) >= MAX_CONTENDERS - 1 or self.tab.is_streaming:
            return None
        from desktop_chat.ui.model_picker import ModelPickerPopup

        current = self.tab.profile_picker.currentText()
        if profile is not None and profile != current:
            listed = self._models_of.get(profile)
            if listed is None:
                self._waiting_for = profile
                self.tab.controller.load_models_of(profile)
                return None
        else:
            profile = None
            picker = self.tab.model_picker
            listed = [picker.itemText(i) for i in range(picker.count())]
        if self._popup is None:
            self._popup = ModelPickerPopup(self.tab)
            self._popup.chosen.connect(lambda model: self.add(model, self._picking_profile))
        self._picking_profile = profile
        self._popup.set_models(listed, self.tab.model_memory(), True)
        self._popup.open_under(self.add_button)
        return self._popup

    def _on_profile_models(self, name: str, models: list[str], _from_server: bool) -> None:
        self._models_of[name] = list(models)
        if name == self._waiting_for:
            self._waiting_for = None
            self.open_picker(name)

    def add(self, model: str, profile: str | None = None) -> None:
        """Add a model (on the chat's current profile unless told) to the comparison."""
        if len(self.extras) >= MAX_CONTENDERS - 1 or not model.strip():
            return
        contender = Contender(
            model.strip(), self.tab.conversation.profile if profile is None else profile
        )
        if contender in self.extras:
            return
        self.extras.append(contender)
        chip = QToolButton(self)
        chip.setObjectName("compareChip")
        chip.setText(f"{contender.label} ×")
        chip.setAccessibleName(
            translate("CompareBar", "Stop comparing with {model}").format(model=contender.label)
        )
        chip.clicked.connect(lambda: self.remove(contender, chip))
        self._chips.addWidget(chip)
        self._update()

    def remove(self, contender: Contender, chip: QToolButton) -> None:
        if contender in self.extras:
            self.extras.remove(contender)
        chip.deleteLater()
        self._update()

    def clear(self) -> None:
        self.extras.clear()
        while (item := self._chips.takeAt(0)) is not None:
            if (widget := item.widget()) is not None:
                widget.deleteLater()
        self._update()

    def _update(self) -> None:
        self.add_button.setEnabled(len(self.extras) < MAX_CONTENDERS - 1)
        self.changed.emit()


class CompareColumn(QFrame):
    def __init__(self, view: CompareView, index: int, column: Column) -> None:
        super().__init__(view)
        self.view = view
        self.index = index
        self.setObjectName("compareColumn")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(4)
        self.title = QLabel(f"<b>{column.contender.label}</b>", self)
        self.title.setObjectName("compareModel")
        self.title.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.title)
        self.usage = QLabel(self)
        self.usage.setObjectName("compareUsage")
        self.usage.setEnabled(False)  # drawn greyed, like the tab's totals
        self.usage.setWordWrap(True)
        layout.addWidget(self.usage)
        self.text = QTextBrowser(self)
        self.text.setVerticalScrollBar(QuietScrollBar(self.text))  # four columns stream at once
        self.text.setObjectName("compareAnswer")
        self.text.setOpenLinks(False)
        self.text.anchorClicked.connect(self._on_link)
        self._code_blocks: tuple[str, ...] = ()
        self.text.setAccessibleName(
            translate("CompareColumn", "Answer of {model}").format(model=column.contender.label)
        )
        layout.addWidget(self.text, 1)
        buttons = QHBoxLayout()
        self.stop_button = QPushButton(translate("CompareColumn", "Stop"), self)
        self.stop_button.setObjectName("compareStop")
        self.stop_button.clicked.connect(lambda: view.runner.stop(view.conversation_id, index))
        self.retry_button = QPushButton(translate("CompareColumn", "Retry"), self)
        self.retry_button.setObjectName("compareRetry")
        self.retry_button.clicked.connect(lambda: view.runner.retry(view.conversation_id, index))
        self.continue_button = QPushButton(translate("CompareColumn", "Continue with this"), self)
        self.continue_button.setObjectName("compareContinue")
        self.continue_button.clicked.connect(self._continue)
        for button in (self.stop_button, self.retry_button, self.continue_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self._cursor: QTextCursor | None = None
        self.bind(column)

    def bind(self, column: Column) -> None:
        """Show this column's state (at start, after a retry, when it ends)."""
        self.column = column
        self.text.clear()
        self._cursor = None
        self._counted_chars = self._counted_words = 0  # a retry thinks anew
        self._counted_ends_in_word = False
        if column.streaming:
            self._cursor = QTextCursor(self.text.document())
            self._cursor.insertText(self.view.runner.live_text(column))
        self.refresh()

    def append(self, text: str) -> None:
        cursor = self._cursor
        if cursor is None:
            return
        if cursor.block().length() > LIVE_BLOCK_CHARS:
            # Qt lays a whole paragraph out again per insert: keep the live paragraph short.
            cursor.insertBlock(QTextBlockFormat(), QTextCharFormat())
        cursor.insertText(text)
        now = time.monotonic()
        if now - self._usage_shown_at >= USAGE_EVERY_SECONDS:
            self.refresh_usage()

    _usage_shown_at = 0.0

    def refresh_usage(self) -> None:
        self._usage_shown_at = time.monotonic()
        runner = self.view.runner
        column = self.column
        if column.streaming and not runner.live_text(column):
            # A reasoning model thinks before it answers, for a minute at times: the column
            # says so, and how far it got, instead of looking stalled.
            thought = runner.live_thinking(column)
            if thought:
                words = self._count_words(thought)
                self.usage.setText(translate("MessageView", "Thinking (%n words)", "", words) + "…")
                return
        usage = runner.live_usage(column)
        self.usage.setText(usage_line(column.contender.model, usage, self.view.prices))

    _counted_chars = 0  # of the thinking, the words counted so far (only new text is split:
    _counted_words = 0  # a model may think for megabytes)
    _counted_ends_in_word = False

    def _count_words(self, thought: str) -> int:
        new = thought[self._counted_chars :]
        if new:
            words = len(new.split())
            if words and self._counted_ends_in_word and not new[0].isspace():
                words -= 1  # the word cut between two counts is one word
            self._counted_words += words
            self._counted_chars = len(thought)
            self._counted_ends_in_word = not new[-1].isspace()
        return self._counted_words

    def thought(self) -> None:
        """Its thinking grew: the word count follows, as often as the usage line does."""
        if time.monotonic() - self._usage_shown_at >= USAGE_EVERY_SECONDS:
            self.refresh_usage()

    def refresh(self) -> None:
        column = self.column
        self.refresh_usage()
        streaming = column.streaming
        self.stop_button.setVisible(streaming)
        failed = column.error is not None or (
            column.final is not None and column.final.status is MessageStatus.INTERRUPTED
        )
        self.retry_button.setVisible(not streaming and failed)
        self.continue_button.setVisible(not streaming and column.final is not None)
        self.continue_button.setEnabled(not self.view.runner.is_running(self.view.conversation_id))
        if streaming:
            return
        self._cursor = None
        if column.final is not None:
            # The streamed text stays until every column is done; then it is laid out as
            # Markdown, one column per event-loop turn (view.render_next): a long answer's
            # layout would otherwise stall the streams still running.
            self.rendered = False
            if column.final.status is MessageStatus.INTERRUPTED:
                self.usage.setText(self.usage.text() + translate("CompareView", " · stopped"))
        if column.error is not None:
            from desktop_chat.ui.theme import error_text_colour

            self.text.append(
                f'<p style="color:{error_text_colour()}">{column.error.message}<br>'
                f"{column.error.hint}</p>"
            )

    rendered = True

    def render_final(self) -> None:
        if self.column.final is None or self.rendered:
            return
        from desktop_chat.render import formulas_as_source, render_markdown

        self.rendered = True
        rendered = render_markdown(self.column.final.content)
        self._code_blocks = rendered.code_blocks
        self.text.setHtml(formulas_as_source(rendered))  # typeset once it is the chat's

    def _on_link(self, url: QUrl) -> None:
        """A code block's Copy; any other link opens only if http(s) or mailto."""
        from desktop_chat.render import COPY_CODE_SCHEME, is_safe_link

        text = url.toString()
        if text.startswith(COPY_CODE_SCHEME + "/"):
            index = text.rpartition("/")[2]
            if index.isdigit() and int(index) < len(self._code_blocks):
                QGuiApplication.clipboard().setText(self._code_blocks[int(index)])
        elif is_safe_link(text):
            QDesktopServices.openUrl(url)

    def _continue(self) -> None:
        if self.column.final is not None:
            self.view.runner.continue_with(self.column.final.id)
            self.view.chosen.emit(self.column.final.id)


class CompareView(QFrame):
    """The columns of one comparison; shown in the tab while a comparison is open."""

    chosen = Signal(str)  # the answer id the user continued with

    def __init__(self, runner: CompareRunner, conversation_id: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("compareView")
        self.setAccessibleName(translate("CompareView", "Comparison of models"))
        self.runner = runner
        self.conversation_id = conversation_id
        self.prices: dict[str, tuple[float, float]] = {}
        self.columns: list[CompareColumn] = []
        self._by_answer: dict[str, CompareColumn] = {}
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        header = QHBoxLayout()
        self.caption = QLabel(self)
        self.caption.setObjectName("compareCaption")
        header.addWidget(self.caption, 1)
        self.stop_all = QPushButton(translate("CompareView", "Stop all"), self)
        self.stop_all.setObjectName("compareStopAll")
        self.stop_all.setToolTip(translate("CompareView", "Stop every answer (Esc)"))
        self.stop_all.clicked.connect(lambda: runner.stop(conversation_id))
        header.addWidget(self.stop_all)
        self.close_button = QPushButton(translate("CompareView", "Close"), self)
        self.close_button.setObjectName("compareClose")
        self.close_button.setToolTip(
            translate("CompareView", "Keep the shown answer; the others stay as alternatives")
        )
        self.close_button.clicked.connect(self._close)
        header.addWidget(self.close_button)
        outer.addLayout(header)
        self.grid = QGridLayout()
        self.grid.setSpacing(6)
        outer.addLayout(self.grid, 1)
        self._stacked: bool | None = None
        runner.delta.connect(self._on_delta)
        runner.thinking.connect(self._on_thinking)
        runner.column_finished.connect(self._on_column_finished)
        runner.started.connect(self._on_started)

    @property
    def stacked(self) -> bool:
        return bool(self._stacked)

    def show_comparison(self, comparison: Comparison) -> None:
        for widget in self.columns:
            widget.deleteLater()
        self.columns = [CompareColumn(self, i, c) for i, c in enumerate(comparison.columns)]
        self._stacked = None
        self._index_answers()
        self._arrange()
        self._update_header()
        QTimer.singleShot(0, self, self.render_next)

    def answer_ids(self) -> set[str]:
        return set(self._by_answer)

    def _index_answers(self) -> None:
        self._by_answer = {
            w.column.message.id: w for w in self.columns if w.column.message is not None
        }

    def _arrange(self) -> None:
        count = max(1, len(self.columns))
        stacked = self.width() < COLUMN_MIN_WIDTH * count
        if stacked == self._stacked:
            return
        self._stacked = stacked
        for widget in self.columns:
            self.grid.removeWidget(widget)
        for index, widget in enumerate(self.columns):
            row, col = (index, 0) if stacked else (0, index)
            self.grid.addWidget(widget, row, col)
        for i in range(MAX_CONTENDERS):
            self.grid.setColumnStretch(i, 0 if stacked and i else 1)
            self.grid.setRowStretch(i, 1 if stacked or i == 0 else 0)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._arrange()

    def _update_header(self) -> None:
        running = self.runner.is_running(self.conversation_id)
        done = sum(1 for w in self.columns if not w.column.streaming)
        total = len(self.columns)
        self.caption.setText(
            translate("CompareView", "Comparing %n models — {done}/{total} done", "", total).format(
                done=done, total=total
            )
            if running
            else translate(
                "CompareView",
                "%n answers — choose one with “Continue with this”",
                "",
                total,
            )
        )
        self.stop_all.setVisible(running)
        self.close_button.setVisible(not running)
        for widget in self.columns:
            widget.continue_button.setEnabled(not running)

    def _on_delta(self, answer_id: str, text: str) -> None:
        widget = self._by_answer.get(answer_id)
        if widget is not None:
            widget.append(text)

    def _on_thinking(self, answer_id: str) -> None:
        widget = self._by_answer.get(answer_id)
        if widget is not None:
            widget.thought()

    def _on_column_finished(self, conversation_id: str, index: int) -> None:
        if conversation_id != self.conversation_id or index >= len(self.columns):
            return
        self.columns[index].refresh()
        self._index_answers()
        self._update_header()
        if not self.runner.is_running(self.conversation_id):
            QTimer.singleShot(0, self, self.render_next)

    def render_next(self) -> None:
        """Lay out the finished answers as Markdown, one per event-loop turn."""
        waiting = [w for w in self.columns if not w.rendered and w.column.final is not None]
        if waiting and not self.runner.is_running(self.conversation_id):
            waiting[0].render_final()
            if len(waiting) > 1:
                QTimer.singleShot(0, self, self.render_next)

    def _on_started(self, conversation_id: str, comparison: Comparison) -> None:
        """A retried column: rebind the widgets to the comparison's current columns."""
        if conversation_id != self.conversation_id or len(comparison.columns) != len(self.columns):
            return
        for widget, column in zip(self.columns, comparison.columns, strict=True):
            if widget.column is not column:
                widget.bind(column)
        self._index_answers()
        self._update_header()

    def _close(self) -> None:
        self.runner.forget(self.conversation_id)
        self.runner.controller.conversation_changed.emit(self.conversation_id)


class _TabHook(QObject):
    """Ties a tab to the runner's signals; a QObject child of the tab, so Qt drops these
    connections when the tab goes (a closure would outlive it)."""

    def __init__(self, tab: ConversationTab, bar: CompareBar, view: CompareView) -> None:
        super().__init__(tab)
        self.tab, self.bar, self.view = tab, bar, view
        runner = tab.controller.compare
        view.chosen.connect(self._on_chosen)
        runner.started.connect(self._on_started)
        runner.all_finished.connect(tab._on_compare_activity)
        tab.controller.conversation_changed.connect(self._sync)

    def _sync(self, conversation_id: str) -> None:
        tab, view = self.tab, self.view
        if conversation_id != tab.conversation.id:
            return
        comparison = tab.controller.compare.comparison(conversation_id)
        if comparison is None:
            view.hide()
            view.columns, view._by_answer = [], {}
            return
        view.prices = tab.message_view.prices
        if not view.isVisible() or len(view.columns) != len(comparison.columns):
            view.show_comparison(comparison)  # else the view rebound its columns itself
        view.show()

    def _on_started(self, conversation_id: str, _comparison: Comparison) -> None:
        self._sync(conversation_id)
        self.tab._on_compare_activity(conversation_id)

    def _on_chosen(self, _answer_id: str) -> None:
        # The conversation goes on with one model: show it in the pickers, drop the extras.
        tab = self.tab
        self.bar.clear()
        conversation = tab.conversation
        if conversation.profile and tab.profile_picker.currentText() != conversation.profile:
            tab.profile_picker.blockSignals(True)
            tab.profile_picker.setCurrentText(conversation.profile)
            tab.profile_picker.blockSignals(False)
            tab.controller.load_models_of(conversation.profile)
        if tab.model_picker.currentText() != conversation.model:
            tab.model_picker.blockSignals(True)
            tab.model_picker.setCurrentText(conversation.model)
            tab.model_picker.blockSignals(False)
            tab.model_changed(conversation.model)


def install(tab: ConversationTab) -> CompareBar:
    """Put the Compare control next to the model picker, and the view above the composer."""
    header = next(
        item.layout()
        for i in range(tab.column.count())
        if (item := tab.column.itemAt(i)).layout() is not None
        and item.layout().indexOf(tab.model_picker) >= 0
    )
    bar = CompareBar(tab)
    header.insertWidget(header.indexOf(tab.profile_picker) + 1, bar)
    view = CompareView(tab.controller.compare, tab.conversation.id, tab)
    view.hide()
    tab.column.insertWidget(tab.column.indexOf(tab.message_view) + 1, view, 3)
    tab.compare_view = view
    hook = _TabHook(tab, bar, view)
    if tab.controller.compare.comparison(tab.conversation.id) is not None:
        hook._sync(tab.conversation.id)  # a tab reopened during (or after) a comparison
    return bar

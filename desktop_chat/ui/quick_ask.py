"""QuickAskWindow: the small always-on-top popup behind the global shortcut.

Enter asks; the answer streams below with the same view as a tab; Esc hides the popup (and
stops an answer in progress); Ctrl+Enter moves the exchange into a tab of the main window;
Ctrl+Shift+C copies the answer. Every exchange is saved in the history like any chat.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import (
    QClipboard,
    QCursor,
    QGuiApplication,
    QImage,
    QKeySequence,
    QShortcut,
)
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_chat.controller import ChatController
from desktop_chat.domain import Attachment, ChatError, Message, Role
from desktop_chat.ui.i18n import translate
from desktop_chat.ui.message_view import MessageView
from desktop_chat.ui.theme import error_text_colour

WIDTH, COLLAPSED_HEIGHT, EXPANDED_HEIGHT = 680, 120, 460


def selected_or_copied_text(limit: int = 4000) -> str:
    """The primary selection (X11/Wayland) if there is one, else the clipboard."""
    clipboard = QGuiApplication.clipboard()
    text = ""
    if clipboard.supportsSelection():
        text = clipboard.text(QClipboard.Mode.Selection)
    text = text or clipboard.text(QClipboard.Mode.Clipboard)
    return " ".join(text.split())[:limit]


class QuickAskWindow(QFrame):
    continue_requested = Signal(str)  # conversation id, to open in a tab

    def __init__(
        self,
        controller: ChatController | None = None,
        parent: QWidget | None = None,
        prefill: Callable[[], bool] = lambda: False,
    ) -> None:
        """Without a controller the popup can show and take a question at once; `attach`
        wires it to the chats (a cold start by the shortcut shows the popup first)."""
        super().__init__(parent)
        self.controller: ChatController = None  # type: ignore[assignment]  # set by attach
        self._ask_when_attached = False
        self._prefill = prefill
        self.conversation_id: str | None = None
        self.model_name = ""
        self.setObjectName("quickAskWindow")
        self.setAccessibleName("quickAskWindow")
        self.setWindowTitle(translate("QuickAskWindow", "Quick ask — desktop-chat"))
        self.setWindowFlags(
            Qt.WindowType.Tool
            | Qt.WindowType.FramelessWindowHint
            | Qt.WindowType.WindowStaysOnTopHint
        )
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(
            "#quickAskWindow { border: 1px solid palette(mid); border-radius: 8px; }"
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        self.input = QLineEdit(self)
        self.input.setObjectName("quickAskInput")
        self.input.setAccessibleName("quickAskInput")
        self.input.setPlaceholderText(
            translate("QuickAskWindow", "Ask anything — Enter to ask, Esc to close")
        )
        font = self.input.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        self.input.setFont(font)
        self.input.returnPressed.connect(self.ask)
        self.input.installEventFilter(self)  # Ctrl+V of an image attaches it
        layout.addWidget(self.input)
        self.pending: list[Attachment] = []
        self.attachments_label = QLabel(self)
        self.attachments_label.setObjectName("quickAskAttachments")
        self.attachments_label.hide()
        layout.addWidget(self.attachments_label)
        self.answer = MessageView(self, show_actions=False)
        self.answer.setObjectName("quickAskAnswer")
        self.answer.setAccessibleName("quickAskAnswer")
        self.answer.hide()
        layout.addWidget(self.answer, 1)
        self.status = QLabel(self)
        self.status.setObjectName("quickAskStatus")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        self.status.hide()
        layout.addWidget(self.status)
        row = QHBoxLayout()
        hint = QLabel(
            translate(
                "QuickAskWindow",
                "Ctrl+Enter: continue in a tab · Ctrl+Shift+C: copy answer · Ctrl+N: new question",
            ),
            self,
        )
        hint.setEnabled(False)
        row.addWidget(hint, 1)
        self.copy_button = QPushButton(translate("QuickAskWindow", "Copy answer"), self)
        self.copy_button.setObjectName("quickAskCopy")
        self.copy_button.clicked.connect(self.copy_answer)
        self.continue_button = QPushButton(translate("QuickAskWindow", "Continue in a tab"), self)
        self.continue_button.setObjectName("quickAskContinue")
        self.continue_button.clicked.connect(self.continue_in_tab)
        row.addWidget(self.copy_button)
        row.addWidget(self.continue_button)
        layout.addLayout(row)

        for keys, slot in (
            ("Esc", self.dismiss),
            ("Ctrl+Return", self.continue_in_tab),
            ("Ctrl+Enter", self.continue_in_tab),
            ("Ctrl+Shift+C", self.copy_answer),
            ("Ctrl+N", self.new_question),
        ):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(slot)

        self.resize(WIDTH, COLLAPSED_HEIGHT)
        if controller is not None:
            self.attach(controller)

    def attach(self, controller: ChatController) -> None:
        self.controller = controller
        from desktop_chat.ui.notice import Notice
        from desktop_chat.ui.tool_panel import ApprovalPrompt

        # Tools of the default servers ask their approval here, inline.
        approval = Notice("quickAskToolApproval", self)
        layout = self.layout()
        layout.insertWidget(layout.indexOf(self.status), approval)
        self.tool_approval = ApprovalPrompt(controller, approval, lambda: self.conversation_id)
        controller.started.connect(self._on_started)
        controller.delta.connect(self._on_delta)
        controller.answer_recast.connect(self._on_recast)
        controller.thinking_delta.connect(self._on_thinking)
        controller.finished.connect(self._on_done)
        controller.failed.connect(self._on_failed)
        if self._ask_when_attached:  # Enter was pressed before the chats were ready
            self._ask_when_attached = False
            self.ask()

    # --- showing ----------------------------------------------------------------------------

    def toggle(self) -> None:
        if self.isVisible():
            self.dismiss()
        else:
            self.present()

    def present(self) -> None:
        """Show centred on the screen that has the mouse, ready to type."""
        if not self.answer.isVisible():
            self.resize(WIDTH, COLLAPSED_HEIGHT)
        screen = QGuiApplication.screenAt(QCursor.pos()) or QGuiApplication.primaryScreen()
        if screen is not None:
            area = screen.availableGeometry()
            self.move(
                area.center().x() - self.width() // 2,
                area.top() + (area.height() - EXPANDED_HEIGHT) // 3,
            )
        if self._prefill() and not self.input.text():
            self.input.setText(selected_or_copied_text())
        self.show()
        self.raise_()
        self.activateWindow()
        self.input.setFocus(Qt.FocusReason.ActiveWindowFocusReason)
        self.input.selectAll()

    def dismiss(self) -> None:
        """Hide; a streaming answer is stopped (and kept, marked interrupted)."""
        if self.conversation_id is not None and self.controller is not None:
            self.controller.stop(self.conversation_id)
        self._ask_when_attached = False
        self.hide()

    # --- asking -----------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.input
            and event.type() == QEvent.Type.KeyPress
            and event.matches(QKeySequence.StandardKey.Paste)  # type: ignore[attr-defined]
        ):
            mime = QGuiApplication.clipboard().mimeData()
            if mime is not None and mime.hasImage() and not mime.hasText():
                self.paste_image(mime.imageData())
                return True
        return super().eventFilter(watched, event)

    def paste_image(self, image: QImage) -> None:
        from desktop_chat.attachments import AttachmentError, attachment_from_image

        try:
            self.pending.append(attachment_from_image(image, "pasted image.png"))
        except AttachmentError as error:
            self.status.setText(str(error))
            self.status.show()
            return
        self._show_pending()

    def _show_pending(self) -> None:
        count = len(self.pending)
        self.attachments_label.setText(
            f"📎 {count} image{'s' if count != 1 else ''} attached" if count else ""
        )
        self.attachments_label.setVisible(bool(count))

    def ask(self) -> None:
        text = self.input.text().strip()
        if not text and not self.pending:
            return
        if self.controller is None:
            self._ask_when_attached = True  # asked as soon as the chats are attached
            return
        if self.conversation_id is not None and self.controller.is_streaming(self.conversation_id):
            return
        if self.conversation_id is None:
            model = self.model_name or self.controller.preferred_model()
            self.conversation_id = self.controller.store.create_conversation(model=model).id
        self.status.hide()
        if self.controller.send(self.conversation_id, text, tuple(self.pending)) is not None:
            self.input.clear()
            self.pending.clear()
            self._show_pending()
            self.answer.show()
            self.resize(WIDTH, EXPANDED_HEIGHT)

    def new_question(self) -> None:
        """Start over with a fresh conversation (the old one stays in the history)."""
        self.conversation_id = None
        self.answer.show_conversation([])
        self.answer.hide()
        self.status.hide()
        self.resize(WIDTH, COLLAPSED_HEIGHT)

    def copy_answer(self) -> None:
        answers = [m for m in self.answer.messages if m.role is Role.ASSISTANT]
        if answers:
            QGuiApplication.clipboard().setText(answers[-1].content)
            self.status.setText(translate("QuickAskWindow", "Answer copied."))
            self.status.setStyleSheet("")
            self.status.show()

    def continue_in_tab(self) -> None:
        if self.conversation_id is None:
            return
        conversation_id = self.conversation_id
        self.hide()
        self.new_question()
        self.continue_requested.emit(conversation_id)

    # --- controller signals -----------------------------------------------------------------

    def _mine(self, conversation_id: str) -> bool:
        return conversation_id == self.conversation_id

    def _render(self) -> None:
        if self.conversation_id is not None:
            conversation = self.controller.store.get_conversation(self.conversation_id)
            self.answer.show_conversation(conversation.messages)

    def _on_started(self, conversation_id: str, message: Message) -> None:
        if self._mine(conversation_id):
            conversation = self.controller.store.get_conversation(conversation_id)
            self.answer.show_conversation([m for m in conversation.messages if m.id != message.id])
            self.answer.begin_stream(message)

    def _on_delta(self, conversation_id: str, text: str) -> None:
        if self._mine(conversation_id):
            self.answer.append_delta(text)

    def _on_thinking(self, conversation_id: str, text: str) -> None:
        if self._mine(conversation_id):
            self.answer.append_thinking(text)

    def _on_recast(self, conversation_id: str) -> None:
        """The answer shown so far was thinking: show the live answer again from scratch."""
        live = (
            self.controller.live_message(conversation_id) if self._mine(conversation_id) else None
        )
        if live is not None:
            self._on_started(conversation_id, live)

    def _on_done(self, conversation_id: str, _message: Message) -> None:
        if self._mine(conversation_id):
            self._render()

    def _on_failed(self, conversation_id: str, error: ChatError, _partial: object) -> None:
        if self._mine(conversation_id):
            self._render()
            self.status.setText(f"{error.message}\n{error.hint}")
            self.status.setStyleSheet(f"color: {error_text_colour()};")
            self.status.show()

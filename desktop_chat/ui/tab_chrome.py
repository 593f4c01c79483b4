"""TabChrome: the visible frame of a conversation tab — the model row, the message area, and
the composer with Send and Stop.

ConversationTab builds on it. At start-up the window first shows a bare TabChrome (see
MainWindow), so that the first paint already has the layout the user is about to use; the
real tab takes its place a moment later and takes over anything typed meanwhile.

This module is imported before the first paint, so it stays lean: Qt widget classes only, and
no `Qt` namespace (building that namespace's hundreds of enums costs ~16 ms).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_chat.ui.composer import Composer
from desktop_chat.ui.i18n import translate

SEND_BUTTON_PX = 34


def new_chat_button(parent: QWidget) -> QToolButton:
    """The "+" beside the tabs (the window connects it to File > New chat)."""
    from desktop_chat.ui import icons

    button = QToolButton(parent)
    button.setObjectName("newChatButton")
    button.setAccessibleName(translate("tab_chrome", "New chat"))
    button.setToolTip(translate("tab_chrome", "New chat (Ctrl+T)"))
    button.setAutoRaise(True)
    icons.set_icon(button, "new-chat")
    return button


def tab_close_button(parent: QWidget) -> QToolButton:
    """A tab's ✕: a quiet icon that shows a panel under the pointer (Qt's own is a red
    square on every tab)."""
    from desktop_chat.ui import icons

    button = QToolButton(parent)
    button.setObjectName("closeTabButton")
    button.setAccessibleName(translate("tab_chrome", "Close chat"))
    button.setToolTip(translate("tab_chrome", "Close chat (Ctrl+W)"))
    button.setAutoRaise(True)
    button.setIconSize(QSize(14, 14))
    button.setFixedSize(QSize(20, 20))
    icons.set_icon(button, "close")
    return button


class TabChrome(QWidget):
    def __init__(self, message_view: QTextBrowser, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("conversationTab")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 8)
        layout.setSpacing(6)
        self.column = layout  # ConversationTab inserts its panels (hidden until asked for)

        header = QHBoxLayout()
        self.header = header  # ConversationTab adds its Tools button here
        self.model_picker = QComboBox(self)
        self.model_picker.setObjectName("modelPicker")
        self.model_picker.setAccessibleName("modelPicker")
        self.model_picker.setToolTip(
            translate("TabChrome", "Model — pick one, or type any model name")
        )
        self.model_picker.setEditable(True)
        self.model_picker.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.model_picker.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.model_picker.setMinimumContentsLength(18)
        model_label = QLabel(translate("TabChrome", "&Model"), self)
        model_label.setBuddy(self.model_picker)
        header.addWidget(model_label)
        header.addWidget(self.model_picker)
        self.profile_picker = QComboBox(self)
        self.profile_picker.setObjectName("profilePicker")
        self.profile_picker.setAccessibleName(translate("TabChrome", "Provider profile"))
        self.profile_picker.setToolTip(
            translate("TabChrome", "Which server (profile) answers in this chat")
        )
        self.profile_picker.hide()
        header.addWidget(self.profile_picker)
        self.settings_button = QToolButton(self)
        self.settings_button.setObjectName("settingsToggle")
        self.settings_button.setText(translate("TabChrome", "System && parameters"))
        self.settings_button.setAccessibleName(
            translate("TabChrome", "System message and parameters")
        )
        self.settings_button.setCheckable(True)
        self.settings_button.setToolTip(translate("TabChrome", "System message and parameters"))
        self.settings_button.setAutoRaise(True)
        header.addWidget(self.settings_button)
        self.add_message_button = QToolButton(self)
        self.add_message_button.setObjectName("addMessage")
        self.add_message_button.setText(translate("TabChrome", "Add message…"))
        self.add_message_button.setAccessibleName(
            translate("TabChrome", "Add a message with any role")
        )
        self.add_message_button.setToolTip(translate("TabChrome", "Add a message with any role…"))
        self.add_message_button.setAutoRaise(True)
        header.addWidget(self.add_message_button)
        header.addStretch(1)
        self.context_usage = QLabel(self)
        self.context_usage.setObjectName("contextUsage")
        self.context_usage.setAccessibleName(
            translate("TabChrome", "Context used by the next request")
        )
        self.context_usage.setEnabled(False)
        header.addWidget(self.context_usage)
        self.totals = QLabel(self)
        self.totals.setObjectName("conversationTotals")
        self.totals.setAccessibleName(translate("TabChrome", "Tokens and cost of this chat"))
        self.totals.setEnabled(False)
        header.addWidget(self.totals)
        layout.addLayout(header)

        self.message_view = message_view
        message_view.setParent(self)
        message_view.setObjectName("messageView")
        message_view.setAccessibleName("messageView")
        layout.addWidget(message_view, 1)

        # The composer: one rounded box holding the (attach), the text and Send or Stop, in
        # the manner of current chat apps.
        self.composer_box = QFrame(self)
        self.composer_box.setObjectName("composerBox")
        bottom = QHBoxLayout(self.composer_box)
        bottom.setContentsMargins(6, 4, 6, 4)
        bottom.setSpacing(4)
        self.attach_button = QToolButton(self.composer_box)
        self.attach_button.setObjectName("attachButton")
        self.attach_button.setAccessibleName(translate("TabChrome", "Attach files"))
        self.attach_button.setToolTip(translate("TabChrome", "Attach files"))
        self.attach_button.setAutoRaise(True)
        self.attach_button.hide()  # shown by the attachments feature, which handles the click
        self.composer = Composer(self.composer_box)
        self.composer.setFrameShape(QFrame.Shape.NoFrame)
        self.send_button = QPushButton(self.composer_box)
        self.send_button.setObjectName("sendButton")
        self.send_button.setAccessibleName("sendButton")
        self.send_button.setToolTip(translate("TabChrome", "Send (Enter)"))
        self.send_button.setDefault(False)
        self.stop_button = QPushButton(self.composer_box)
        self.stop_button.setObjectName("stopButton")
        self.stop_button.setAccessibleName("stopButton")
        self.stop_button.setToolTip(translate("TabChrome", "Stop the answer (Esc)"))
        for widget in (self.attach_button, self.composer, self.send_button, self.stop_button):
            bottom.addWidget(widget, 1 if widget is self.composer else 0)
        for button in (self.send_button, self.stop_button):
            button.setFixedSize(SEND_BUTTON_PX, SEND_BUTTON_PX)
            button.setIconSize(QSize(18, 18))
        self._style_composer()
        layout.addWidget(self.composer_box)

    def update_send(self, answering: bool = False, files: bool = False) -> None:
        """Send is lit when there is something to send (text, or files) and no answer is
        coming."""
        has_draft = files or not self.composer.document().isEmpty()
        self.send_button.setEnabled(has_draft and not answering)

    def _style_composer(self) -> None:
        """Colours from the palette (again on a theme change): the box, and round Send/Stop
        buttons in the highlight colour with white icons."""
        from desktop_chat.ui import icons  # its imports are paid for here, at the first paint

        palette = self.palette()
        base = palette.color(QPalette.ColorRole.Base).name()
        border = palette.color(QPalette.ColorRole.Mid).name()
        accent = palette.color(QPalette.ColorRole.Highlight).name()
        idle = palette.color(QPalette.ColorRole.Mid).name()
        radius = SEND_BUTTON_PX // 2
        self.composer_box.setStyleSheet(
            f"QFrame#composerBox {{ background: {base}; border: 1px solid {border};"
            " border-radius: 14px; }"
            " QPlainTextEdit#composer { background: transparent; border: none; }"
            f" QPushButton {{ background: {accent}; border: none; border-radius: {radius}px; }}"
            f" QPushButton:disabled {{ background: {idle}; }}"
        )
        icons.set_icon(self.send_button, "send", "#ffffff")
        icons.set_icon(self.stop_button, "stop", "#ffffff")
        icons.set_icon(self.attach_button, "attach")
        icons.set_icon(self.settings_button, "settings")
        icons.set_icon(self.add_message_button, "add-message")

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._style_composer()

    def focus_composer(self) -> None:
        self.composer.setFocus()  # Qt.FocusReason.OtherFocusReason, the default

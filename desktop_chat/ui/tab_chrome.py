"""TabChrome: the visible frame of a conversation tab — the model row, the message area, and
the composer with Send and Stop.

ConversationTab builds on it. At start-up the window first shows a bare TabChrome (see
MainWindow), so that the first paint already has the layout the user is about to use; the
real tab takes its place a moment later and takes over anything typed meanwhile.

This module is imported before the first paint, so it stays lean: Qt widget classes only, and
no `Qt` namespace (building that namespace's hundreds of enums costs ~16 ms).
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_chat.ui.composer import Composer


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
        self.model_picker.setToolTip("Model — pick one, or type any model name")
        self.model_picker.setEditable(True)
        self.model_picker.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.model_picker.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.model_picker.setMinimumContentsLength(18)
        model_label = QLabel("&Model", self)
        model_label.setBuddy(self.model_picker)
        header.addWidget(model_label)
        header.addWidget(self.model_picker)
        self.profile_picker = QComboBox(self)
        self.profile_picker.setObjectName("profilePicker")
        self.profile_picker.setAccessibleName("Provider profile")
        self.profile_picker.setToolTip("Which server (profile) answers in this chat")
        self.profile_picker.hide()
        header.addWidget(self.profile_picker)
        self.settings_button = QToolButton(self)
        self.settings_button.setObjectName("settingsToggle")
        self.settings_button.setText("System && parameters")
        self.settings_button.setAccessibleName("System message and parameters")
        self.settings_button.setCheckable(True)
        header.addWidget(self.settings_button)
        self.add_message_button = QToolButton(self)
        self.add_message_button.setObjectName("addMessage")
        self.add_message_button.setText("Add message…")
        self.add_message_button.setAccessibleName("Add a message with any role")
        header.addWidget(self.add_message_button)
        header.addStretch(1)
        self.context_usage = QLabel(self)
        self.context_usage.setObjectName("contextUsage")
        self.context_usage.setAccessibleName("Context used by the next request")
        self.context_usage.setEnabled(False)
        header.addWidget(self.context_usage)
        self.totals = QLabel(self)
        self.totals.setObjectName("conversationTotals")
        self.totals.setAccessibleName("Tokens and cost of this chat")
        self.totals.setEnabled(False)
        header.addWidget(self.totals)
        layout.addLayout(header)

        self.message_view = message_view
        message_view.setParent(self)
        message_view.setObjectName("messageView")
        message_view.setAccessibleName("messageView")
        layout.addWidget(message_view, 1)

        bottom = QHBoxLayout()
        self.composer = Composer(self)
        bottom.addWidget(self.composer, 1)
        buttons = QVBoxLayout()
        self.send_button = QPushButton("Send", self)
        self.send_button.setObjectName("sendButton")
        self.send_button.setAccessibleName("sendButton")
        self.send_button.setToolTip("Send (Enter)")
        self.send_button.setDefault(False)
        self.stop_button = QPushButton("Stop", self)
        self.stop_button.setObjectName("stopButton")
        self.stop_button.setAccessibleName("stopButton")
        self.stop_button.setToolTip("Stop the answer (Esc)")
        for button in (self.send_button, self.stop_button):
            button.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
            buttons.addWidget(button)
        bottom.addLayout(buttons)
        layout.addLayout(bottom)

    def focus_composer(self) -> None:
        self.composer.setFocus()  # Qt.FocusReason.OtherFocusReason, the default

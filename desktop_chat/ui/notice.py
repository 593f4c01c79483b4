"""Notice: a non-blocking bar for errors and hints, shown as plain text with optional actions.

Every window and tab has one, hidden until it has something to say; its insides are built
then, which keeps them (and the `Qt` namespace they need) out of the first paint."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget

from desktop_chat.ui.i18n import translate


class Notice(QFrame):
    def __init__(self, object_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setAccessibleName(object_name)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._label: QLabel | None = None
        self._buttons: list[QPushButton] = []
        self._button_row = QHBoxLayout()
        self.hide()

    @property
    def label(self) -> QLabel:
        if self._label is None:
            self._label = self._build()
        return self._label

    def _build(self) -> QLabel:
        from PySide6.QtCore import Qt

        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        label = QLabel(self)
        label.setObjectName(f"{self.objectName()}Text")
        label.setTextFormat(Qt.TextFormat.PlainText)  # server text is never interpreted
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(label, 1)
        layout.addLayout(self._button_row)
        close = QToolButton(self)
        close.setText("✕")
        close.setAccessibleName(translate("Notice", "Dismiss"))
        close.setToolTip(translate("Notice", "Dismiss"))
        close.setAutoRaise(True)
        close.clicked.connect(self.hide)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        return label

    def show_message(
        self,
        text: str,
        level: str = "error",
        actions: list[tuple[str, Callable[[], None]]] | None = None,
    ) -> None:
        from desktop_chat.ui.theme import notice_colours  # after the first paint, with Qt

        background, foreground, border = notice_colours(level)
        self.setStyleSheet(
            f"#{self.objectName()} {{ background: {background}; border: 1px solid {border};"
            " border-radius: 6px; }"
            f" #{self.objectName()} QLabel {{ color: {foreground}; }}"
        )
        self.label.setText(text)
        self.setAccessibleDescription(text)
        for button in self._buttons:
            button.deleteLater()
        self._buttons = []
        for label, callback in actions or []:
            button = QPushButton(label, self)
            button.setObjectName(f"{self.objectName()}{label.replace(' ', '')}Button")
            button.setAccessibleName(label)
            button.clicked.connect(callback)
            self._button_row.addWidget(button)
            self._buttons.append(button)
        self.show()

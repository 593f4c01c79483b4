"""Notice: a non-blocking bar for errors and hints, shown as plain text with optional actions.

Every window and tab has one, hidden until it has something to say; its insides are built
then, which keeps them (and the `Qt` namespace they need) out of the first paint."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget

_LEVEL_COLOURS = {
    "error": ("#fdecea", "#8a1f11", "#e0a39b"),
    "warning": ("#fff4e0", "#6b4500", "#e6c07a"),
    "info": ("#e8f1fb", "#17406d", "#a9c5e6"),
}


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
        close.setAccessibleName("Dismiss")
        close.setToolTip("Dismiss")
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
        background, foreground, border = _LEVEL_COLOURS.get(level, _LEVEL_COLOURS["info"])
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

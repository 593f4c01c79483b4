"""A masked line edit for API keys, with a "Show" toggle to reveal what was typed."""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLineEdit, QWidget


def secret_field(parent: QWidget, placeholder: str = "") -> QLineEdit:
    field = QLineEdit(parent)
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setPlaceholderText(placeholder)
    reveal = QAction("Show", field)
    reveal.setObjectName("revealKey")
    reveal.setCheckable(True)
    reveal.setToolTip("Show or hide the key")
    reveal.toggled.connect(
        lambda shown: field.setEchoMode(
            QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        )
    )
    field.addAction(reveal, QLineEdit.ActionPosition.TrailingPosition)
    return field

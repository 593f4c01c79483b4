"""RequestDialog: "View request" — the exact JSON sent for an answer, and copies as curl or
Python code using the openai SDK. The key is never shown: it travels in a header that is not
recorded, and the snippets read it from the environment."""

from __future__ import annotations

from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_chat import snippets
from desktop_chat.ui.i18n import translate


class RequestDialog(QDialog):
    def __init__(self, request: dict, base_url: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("requestDialog")
        self.setWindowTitle(translate("RequestDialog", "Request sent for this answer"))
        self.request = request
        self.base_url = base_url
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(f"POST {base_url.rstrip('/')}{snippets.endpoint_of(request)}", self)
        )
        self.text = QPlainTextEdit(snippets.to_json(request), self)
        self.text.setObjectName("requestJson")
        self.text.setReadOnly(True)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        layout.addWidget(self.text, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        for label, name, make in (
            (
                translate("RequestDialog", "Copy JSON"),
                "copyJson",
                lambda: snippets.to_json(request),
            ),
            (
                translate("RequestDialog", "Copy as curl"),
                "copyCurl",
                lambda: snippets.to_curl(base_url, request),
            ),
            (
                translate("RequestDialog", "Copy as Python"),
                "copyPython",
                lambda: snippets.to_python(base_url, request),
            ),
        ):
            button = QPushButton(label, self)
            button.setObjectName(name)
            button.clicked.connect(
                lambda _c=False, m=make: QGuiApplication.clipboard().setText(m())
            )
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(640, 480)

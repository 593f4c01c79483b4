"""API keys in the UI: a masked field with a "Show" toggle, and saving a key to the keychain
(or, when there is none, for this session only — never to a file)."""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLineEdit, QMessageBox, QWidget

from desktop_chat.credentials import KeychainUnavailable, KeyStore
from desktop_chat.ui.i18n import translate


def secret_field(parent: QWidget, placeholder: str = "") -> QLineEdit:
    field = QLineEdit(parent)
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setPlaceholderText(placeholder)
    reveal = QAction(translate("secret_field", "Show"), field)
    reveal.setObjectName("revealKey")
    reveal.setCheckable(True)
    reveal.setToolTip(translate("secret_field", "Show or hide the key"))
    reveal.toggled.connect(
        lambda shown: field.setEchoMode(
            QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        )
    )
    field.addAction(reveal, QLineEdit.ActionPosition.TrailingPosition)
    return field


def save_key(parent: QWidget, keys: KeyStore, profile: str, key: str) -> bool:
    """Store in the keychain; if it cannot be used, offer to keep the key for this session.
    Returns False if the user declined (the key is then kept nowhere)."""
    try:
        keys.store(profile, key)
        return True
    except KeychainUnavailable as error:
        answer = QMessageBox.question(
            parent,
            translate("secret_field", "Keychain unavailable"),
            f"{error}\n\n"
            + translate(
                "secret_field",
                "Keep the key for “{profile}” for this session only? It will not be written "
                "anywhere; you will be asked again next time. You can also set OPENAI_API_KEY in "
                "the environment instead.",
            ).format(profile=profile),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        keys.keep_for_session(profile, key)
        return True

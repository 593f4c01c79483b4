"""OnboardingDialog: the first run without a usable key — an API key, or a local server.

The key goes to the system keychain (or, if there is none, is kept for this session only when
the user agrees). A local server becomes a profile of its own and the default. Skipping is
fine: the dialog can be reopened from Help → Welcome.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop_chat.providers import Providers
from desktop_chat.settings import PRESETS, Profile
from desktop_chat.ui.i18n import translate
from desktop_chat.ui.secret_field import save_key, secret_field
from desktop_chat.ui.theme import error_text_colour

_LOCAL_PRESETS = [p for p in PRESETS if not p.needs_key]


class OnboardingDialog(QDialog):
    def __init__(self, providers: Providers, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.providers = providers
        self.setObjectName("onboardingDialog")
        self.setAccessibleName(translate("OnboardingDialog", "Welcome"))
        self.setWindowTitle(translate("OnboardingDialog", "Welcome to Desktop Chat"))
        layout = QVBoxLayout(self)
        intro = QLabel(
            translate(
                "OnboardingDialog",
                "<b>Welcome!</b> To start chatting, tell Desktop Chat which model server to use. "
                "You can change this any time in Settings (Ctrl+,).",
            ),
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)

        self.use_key = QRadioButton(
            translate("OnboardingDialog", "I have an &OpenAI API key"), self
        )
        self.use_key.setObjectName("onboardingUseKey")
        self.key_field = secret_field(
            self,
            translate("OnboardingDialog", "sk-…  (kept in your system keychain, never in a file)"),
        )
        self.key_field.setObjectName("onboardingKey")
        self.key_field.setAccessibleName(translate("OnboardingDialog", "OpenAI API key"))

        self.use_local = QRadioButton(
            translate("OnboardingDialog", "I use a &local or other OpenAI-compatible server"), self
        )
        self.use_local.setObjectName("onboardingUseLocal")
        self.preset = QComboBox(self)
        self.preset.setObjectName("onboardingPreset")
        self.preset.setAccessibleName(translate("OnboardingDialog", "Server kind"))
        self.preset.addItems([p.name for p in _LOCAL_PRESETS])
        self.url_field = QLineEdit(_LOCAL_PRESETS[0].base_url, self)
        self.url_field.setObjectName("onboardingServerUrl")
        self.url_field.setAccessibleName(translate("OnboardingDialog", "Server address (base URL)"))
        self.preset.currentIndexChanged.connect(
            lambda index: self.url_field.setText(_LOCAL_PRESETS[index].base_url)
        )
        group = QButtonGroup(self)
        for button in (self.use_key, self.use_local):
            group.addButton(button)
        self.use_key.setChecked(True)
        for widget in (self.use_key, self.key_field, self.use_local, self.preset, self.url_field):
            layout.addWidget(widget)
        self.use_key.toggled.connect(self._update_enabled)
        self._update_enabled()

        self.error = QLabel(self)
        self.error.setObjectName("onboardingError")
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color: {error_text_colour()};")
        self.error.hide()
        layout.addWidget(self.error)

        buttons = QDialogButtonBox(self)
        start = buttons.addButton(
            translate("OnboardingDialog", "Start chatting"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        start.setObjectName("onboardingStart")
        skip = buttons.addButton(
            translate("OnboardingDialog", "Skip for now"), QDialogButtonBox.ButtonRole.RejectRole
        )
        skip.setObjectName("onboardingSkip")
        buttons.accepted.connect(self._apply)
        buttons.rejected.connect(self._skip)
        layout.addStretch(1)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)

    def _update_enabled(self) -> None:
        key = self.use_key.isChecked()
        self.key_field.setEnabled(key)
        self.preset.setEnabled(not key)
        self.url_field.setEnabled(not key)
        (self.key_field if key else self.url_field).setFocus()

    def _finish(self, settings_changes: dict[str, object]) -> None:
        settings = replace(self.providers.settings, onboarding_done=True, **settings_changes)
        self.providers.update(settings)

    def _skip(self) -> None:
        self._finish({})
        self.reject()

    def _apply(self) -> None:
        if self.use_key.isChecked():
            key = self.key_field.text().strip()
            if not key:
                self._show_error(
                    translate("OnboardingDialog", "Paste your API key, or choose a local server.")
                )
                return
            profile = self.providers.settings.profile()
            if not save_key(self, self.providers.keys, profile.name, key):
                return
            self._finish({})
        else:
            url = self.url_field.text().strip()
            if not url.startswith(("http://", "https://")):
                self._show_error(
                    translate(
                        "OnboardingDialog", "The address should start with http:// or https://"
                    )
                )
                return
            preset = _LOCAL_PRESETS[self.preset.currentIndex()]
            existing = {p.name for p in self.providers.settings.profiles}
            name = preset.name if preset.name not in existing else f"{preset.name} (local)"
            profile = Profile(name=name, base_url=url, default_model="", needs_key=False)
            settings = self.providers.settings.with_profile(profile)
            self.providers.update(settings)
            self._finish({"default_profile": name})
        self.accept()

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

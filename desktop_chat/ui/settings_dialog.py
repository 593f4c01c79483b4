"""SettingsDialog: provider profiles (presets, base URL, model, key, timeout, proxy) and prefs.

Keys go to the OS keychain through `Providers.keys` and nowhere else. When the keychain cannot
be used, the dialog says so and offers to keep the key for this session only. "Test connection"
lists the server's models and shows a plain verdict.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QKeySequenceEdit,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSystemTrayIcon,
    QVBoxLayout,
    QWidget,
)

from desktop_chat.controller import ChatController
from desktop_chat.credentials import KeychainUnavailable, KeySource
from desktop_chat.hotkey import BIND_COMMAND
from desktop_chat.providers import Providers
from desktop_chat.settings import PRESETS, Profile, Settings
from desktop_chat.ui.i18n import LANGUAGES, translate
from desktop_chat.ui.secret_field import save_key, secret_field


class SettingsDialog(QDialog):
    settings_saved = Signal()

    def __init__(
        self,
        providers: Providers,
        controller: ChatController,
        parent: QWidget | None = None,
        hotkey_status: str = "",
    ) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setAccessibleName(translate("SettingsDialog", "Settings"))
        self.setWindowTitle(translate("SettingsDialog", "Settings"))
        self.providers = providers
        self.controller = controller
        self._renamed: dict[str, str] = {}
        self._settings: Settings = providers.settings
        self._pending_keys: dict[str, str] = {}
        self._deleted_keys: set[str] = set()
        self._current: str | None = None
        self._test_task: asyncio.Task[None] | None = None

        layout = QHBoxLayout(self)
        left = QVBoxLayout()
        self.profile_list = QListWidget(self)
        self.profile_list.setObjectName("profileList")
        self.profile_list.setAccessibleName(translate("SettingsDialog", "Profiles"))
        left.addWidget(QLabel(translate("SettingsDialog", "Profiles"), self))
        left.addWidget(self.profile_list, 1)
        add_row = QHBoxLayout()
        self.preset_picker = QComboBox(self)
        self.preset_picker.setObjectName("presetPicker")
        self.preset_picker.setAccessibleName(
            translate("SettingsDialog", "Preset for a new profile")
        )
        self.preset_picker.addItems([p.name for p in PRESETS])
        add_button = QPushButton(translate("SettingsDialog", "Add"), self)
        add_button.setObjectName("addProfileButton")
        add_button.clicked.connect(self._add_profile)
        remove_button = QPushButton(translate("SettingsDialog", "Remove"), self)
        remove_button.setObjectName("removeProfileButton")
        remove_button.clicked.connect(self._remove_profile)
        add_row.addWidget(self.preset_picker, 1)
        add_row.addWidget(add_button)
        left.addLayout(add_row)
        left.addWidget(remove_button)
        layout.addLayout(left, 1)

        right = QVBoxLayout()
        form = QFormLayout()
        self.name_field = QLineEdit(self)
        self.base_url_field = QLineEdit(self)
        self.model_field = QLineEdit(self)
        self.organization_field = QLineEdit(self)
        self.project_field = QLineEdit(self)
        self.timeout_field = QDoubleSpinBox(self)
        self.timeout_field.setRange(1, 3600)
        self.timeout_field.setSuffix(" s")
        self.proxy_field = QLineEdit(self)
        self.proxy_field.setPlaceholderText(translate("SettingsDialog", "empty: the system proxy"))
        self.needs_key_box = QCheckBox(
            translate("SettingsDialog", "This server needs an API key"), self
        )
        self.key_field = secret_field(self, translate("SettingsDialog", "unchanged"))
        self.key_status = QLabel(self)
        self.key_status.setObjectName("keyStatus")
        self.key_status.setWordWrap(True)
        self.delete_key_button = QPushButton(translate("SettingsDialog", "Forget key"), self)
        self.delete_key_button.setObjectName("forgetKeyButton")
        self.delete_key_button.clicked.connect(self._forget_key)
        for label, widget, name in (
            (translate("SettingsDialog", "Name"), self.name_field, "profileName"),
            (translate("SettingsDialog", "Base URL"), self.base_url_field, "baseUrl"),
            (translate("SettingsDialog", "Default model"), self.model_field, "defaultModel"),
            (translate("SettingsDialog", "Organization"), self.organization_field, "organization"),
            (translate("SettingsDialog", "Project"), self.project_field, "project"),
            (translate("SettingsDialog", "Timeout"), self.timeout_field, "timeout"),
            (translate("SettingsDialog", "Proxy"), self.proxy_field, "proxy"),
            ("", self.needs_key_box, "needsKey"),
            (translate("SettingsDialog", "API key"), self.key_field, "apiKey"),
            ("", self.key_status, "keyStatusLabel"),
            ("", self.delete_key_button, "forgetKey"),
        ):
            widget.setObjectName(widget.objectName() or name)
            widget.setAccessibleName(label or name)
            form.addRow(label, widget)
        right.addLayout(form)
        test_row = QHBoxLayout()
        self.test_button = QPushButton(translate("SettingsDialog", "Test connection"), self)
        self.test_button.setObjectName("testConnectionButton")
        self.test_button.clicked.connect(self._test_connection)
        self.test_result = QLabel(self)
        self.test_result.setObjectName("testConnectionResult")
        self.test_result.setWordWrap(True)
        self.test_result.setTextFormat(Qt.TextFormat.PlainText)
        test_row.addWidget(self.test_button)
        test_row.addWidget(self.test_result, 1)
        right.addLayout(test_row)
        self.default_box = QCheckBox(
            translate("SettingsDialog", "Use this profile for new chats"), self
        )
        self.default_box.setObjectName("defaultProfile")
        right.addWidget(self.default_box)
        shortcut_row = QHBoxLayout()
        shortcut_label = QLabel(translate("SettingsDialog", "Quick ask shortcut"), self)
        self.shortcut_field = QKeySequenceEdit(
            QKeySequence(self._settings.quick_ask_shortcut), self
        )
        self.shortcut_field.setObjectName("quickAskShortcut")
        self.shortcut_field.setAccessibleName(translate("SettingsDialog", "Quick ask shortcut"))
        self.shortcut_field.setMaximumSequenceLength(1)
        shortcut_label.setBuddy(self.shortcut_field)
        copy_command = QPushButton(translate("SettingsDialog", "Copy command"), self)
        copy_command.setObjectName("copyQuickAskCommand")
        copy_command.setToolTip(
            translate(
                "SettingsDialog", "Copies `{command}` to bind in your desktop's settings"
            ).format(command=BIND_COMMAND)
        )
        copy_command.clicked.connect(lambda: QGuiApplication.clipboard().setText(BIND_COMMAND))
        shortcut_row.addWidget(shortcut_label)
        shortcut_row.addWidget(self.shortcut_field, 1)
        shortcut_row.addWidget(copy_command)
        right.addLayout(shortcut_row)
        self.hotkey_status = QLabel(
            hotkey_status
            or translate(
                "SettingsDialog",
                "To open Quick ask from anywhere, you can also bind `{command}` to a key "
                "in your desktop's keyboard settings.",
            ).format(command=BIND_COMMAND),
            self,
        )
        self.hotkey_status.setObjectName("hotkeyStatus")
        self.hotkey_status.setWordWrap(True)
        self.hotkey_status.setTextFormat(Qt.TextFormat.PlainText)
        self.hotkey_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        right.addWidget(self.hotkey_status)
        self.tray_box = QCheckBox(
            translate("SettingsDialog", "Closing the window keeps the app running in the tray"),
            self,
        )
        self.tray_box.setObjectName("closeToTray")
        self.tray_box.setChecked(self._settings.close_to_tray)
        if not QSystemTrayIcon.isSystemTrayAvailable():
            self.tray_box.setEnabled(False)
            self.tray_box.setToolTip(
                translate("SettingsDialog", "This desktop shows no tray icons.")
            )
        right.addWidget(self.tray_box)
        self.prefill_box = QCheckBox(
            translate("SettingsDialog", "Fill Quick ask with the selected (or copied) text"), self
        )
        self.prefill_box.setObjectName("quickAskPrefill")
        self.prefill_box.setChecked(self._settings.quick_ask_prefill)
        right.addWidget(self.prefill_box)
        language_row = QHBoxLayout()
        language_label = QLabel(translate("SettingsDialog", "&Language"), self)
        self.language_box = QComboBox(self)
        self.language_box.setObjectName("language")
        self.language_box.setAccessibleName(translate("SettingsDialog", "Language"))
        self.language_box.addItem(translate("SettingsDialog", "System default"), "")
        for code, native_name in LANGUAGES.items():  # each in its own language, not translated
            self.language_box.addItem(native_name, code)
        chosen = self.language_box.findData(self._settings.language)
        self.language_box.setCurrentIndex(max(0, chosen))
        language_label.setBuddy(self.language_box)
        language_row.addWidget(language_label)
        language_row.addWidget(self.language_box, 1)
        language_row.addWidget(QLabel(translate("SettingsDialog", "(applies on restart)"), self))
        right.addLayout(language_row)
        right.addStretch(1)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        right.addWidget(buttons)
        layout.addLayout(right, 2)

        self._fill_list()
        self.profile_list.currentTextChanged.connect(self._select)
        default_index = next(
            (
                i
                for i, p in enumerate(self._settings.profiles)
                if p.name == self._settings.default_profile
            ),
            0,
        )
        self.profile_list.setCurrentRow(default_index)
        self.resize(760, 460)

    # --- profile editing --------------------------------------------------------------------

    def _fill_list(self) -> None:
        self.profile_list.blockSignals(True)
        self.profile_list.clear()
        self.profile_list.addItems([p.name for p in self._settings.profiles])
        self.profile_list.blockSignals(False)

    def _select(self, name: str) -> None:
        if self._current is not None:
            self._commit_form()
        profile = self._settings.profile(name)
        self._current = profile.name
        self.name_field.setText(profile.name)
        self.base_url_field.setText(profile.base_url)
        self.model_field.setText(profile.default_model)
        self.organization_field.setText(profile.organization)
        self.project_field.setText(profile.project)
        self.timeout_field.setValue(profile.timeout_seconds)
        self.proxy_field.setText(profile.proxy)
        self.needs_key_box.setChecked(profile.needs_key)
        self.default_box.setChecked(profile.name == self._settings.default_profile)
        self.key_field.setText(self._pending_keys.get(profile.name, ""))
        self.test_result.clear()
        self._show_key_status(profile.name)

    def _show_key_status(self, name: str) -> None:
        if name in self._pending_keys:
            text = translate("SettingsDialog", "A new key will be saved in the system keychain.")
        elif name in self._deleted_keys:
            text = translate("SettingsDialog", "The key will be forgotten.")
        else:
            lookup = self.providers.lookup_for(self._settings.profile(name))
            text = {
                KeySource.ENVIRONMENT: translate(
                    "SettingsDialog", "OPENAI_API_KEY is set: it is used instead of a stored key."
                ),
                KeySource.KEYCHAIN: translate(
                    "SettingsDialog", "A key is stored in the system keychain."
                ),
                KeySource.SESSION: translate(
                    "SettingsDialog", "A key is kept for this session only (not saved)."
                ),
                KeySource.NONE: translate("SettingsDialog", "No key stored."),
            }[lookup.source]
            if lookup.problem:
                text = f"{text} {lookup.problem}"
        self.key_status.setText(text)

    def _commit_form(self) -> None:
        if self._current is None:
            return
        name = self.name_field.text().strip() or self._current
        profile = Profile(
            name=name,
            base_url=self.base_url_field.text().strip(),
            default_model=self.model_field.text().strip(),
            organization=self.organization_field.text().strip(),
            project=self.project_field.text().strip(),
            timeout_seconds=self.timeout_field.value(),
            proxy=self.proxy_field.text().strip(),
            needs_key=self.needs_key_box.isChecked(),
        )
        self._settings = self._settings.with_profile(profile, replacing=self._current)
        if self.default_box.isChecked():
            self._settings = replace(self._settings, default_profile=name)
        key = self.key_field.text().strip()
        if key:
            self._pending_keys[name] = key
            self._deleted_keys.discard(name)
        if name != self._current:
            if self._current in self._pending_keys:
                self._pending_keys[name] = self._pending_keys.pop(self._current)
            self._renamed[self._current] = name
            self._current = name
            row = self.profile_list.currentRow()
            self.profile_list.blockSignals(True)
            self.profile_list.item(row).setText(name)
            self.profile_list.blockSignals(False)

    def _add_profile(self) -> None:
        self._commit_form()
        preset = PRESETS[self.preset_picker.currentIndex()]
        existing = {p.name for p in self._settings.profiles}
        name, number = preset.name, 2
        while name in existing:
            name, number = f"{preset.name} {number}", number + 1
        profile = Profile(
            name=name,
            base_url=preset.base_url,
            default_model=preset.default_model,
            needs_key=preset.needs_key,
        )
        self._settings = self._settings.with_profile(profile)
        self._current = None
        self._fill_list()
        self.profile_list.setCurrentRow(self.profile_list.count() - 1)
        self._select(name)

    def _remove_profile(self) -> None:
        if self._current is None or len(self._settings.profiles) <= 1:
            return
        name = self._current
        self._settings = self._settings.without_profile(name)
        self._pending_keys.pop(name, None)
        self._deleted_keys.add(name)
        self._current = None
        self._fill_list()
        self.profile_list.setCurrentRow(0)
        self._select(self._settings.profiles[0].name)

    def _forget_key(self) -> None:
        if self._current is None:
            return
        self._pending_keys.pop(self._current, None)
        self.key_field.clear()
        self._deleted_keys.add(self._current)
        self._show_key_status(self._current)

    # --- test & save ------------------------------------------------------------------------

    def _test_connection(self) -> None:
        self._commit_form()
        if self._current is None:
            return
        profile = self._settings.profile(self._current)
        key = self._pending_keys.get(profile.name) or self.providers.lookup_for(profile).key
        self.test_result.setText(translate("SettingsDialog", "Testing…"))
        self.test_button.setEnabled(False)
        self._test_task = asyncio.ensure_future(self._run_test(profile, key))

    async def _run_test(self, profile: Profile, key: str | None) -> None:
        _ok, verdict = await self.controller.test_connection(profile, key)
        self.test_result.setText(verdict)
        self.test_button.setEnabled(True)

    def _save(self) -> None:
        self._commit_form()
        sequence = self.shortcut_field.keySequence().toString(
            QKeySequence.SequenceFormat.PortableText
        )
        if sequence:
            self._settings = replace(self._settings, quick_ask_shortcut=sequence)
        self._settings = replace(
            self._settings,
            quick_ask_prefill=self.prefill_box.isChecked(),
            close_to_tray=self.tray_box.isChecked(),
            language=str(self.language_box.currentData() or ""),
        )
        keys = self.providers.keys
        # Without a usable keychain nothing was stored there to rename or delete.
        for old, new in self._renamed.items():
            with contextlib.suppress(KeychainUnavailable):
                keys.rename(old, new)
        for name in self._deleted_keys:
            with contextlib.suppress(KeychainUnavailable):
                keys.delete(name)
        for name, key in self._pending_keys.items():
            save_key(self, keys, name, key)
        self._pending_keys.clear()
        self.providers.update(self._settings)
        self.settings_saved.emit()
        self.accept()

"""Settings → Tool servers (MCP): list, add, remove, enable and test servers, the tool timeout
and the step limit. Entries are kept in Claude Desktop's `mcpServers` shape (see mcp_tools)."""

from __future__ import annotations

import asyncio
import shlex
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_chat import tool_secrets
from desktop_chat.mcp_tools import ToolBox, server_from_json, servers_from_settings
from desktop_chat.tool_secrets import KEYCHAIN
from desktop_chat.ui.i18n import translate

if TYPE_CHECKING:
    from desktop_chat.controller import ChatController
    from desktop_chat.providers import Providers


class ToolServersDialog(QDialog):
    saved = Signal()

    def __init__(
        self, providers: Providers, controller: ChatController, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("toolServersDialog")
        self.setWindowTitle(translate("ToolServersDialog", "Tool servers (MCP)"))
        self.providers = providers
        self.controller = controller
        settings = providers.settings
        self.entries: dict[str, dict[str, Any]] = {
            name: dict(entry) for name, entry in settings.mcp_servers.items()
        }
        self._current: str | None = None
        # Values to move into the keychain on Save, by (server, variable); and the variables
        # held there when the dialog opened, so that Save frees those no longer used.
        self._pending_secrets: dict[tuple[str, str], str] = {}
        self._held_at_open = self._held()
        self._renamed: dict[str, str] = {}  # new name -> the name its secrets are kept under
        self._test_task: asyncio.Task[None] | None = None

        layout = QHBoxLayout(self)
        left = QVBoxLayout()
        self.server_list = QListWidget(self)
        self.server_list.setObjectName("toolServerList")
        self.server_list.setAccessibleName(
            translate("ToolServersDialog", "Tool servers; checked ones are enabled")
        )
        left.addWidget(self.server_list, 1)
        row = QHBoxLayout()
        add = QPushButton(translate("ToolServersDialog", "Add"), self)
        add.setObjectName("addToolServer")
        add.clicked.connect(self._add)
        remove = QPushButton(translate("ToolServersDialog", "Remove"), self)
        remove.setObjectName("removeToolServer")
        remove.clicked.connect(self._remove)
        row.addWidget(add)
        row.addWidget(remove)
        left.addLayout(row)
        layout.addLayout(left, 1)

        right = QVBoxLayout()
        form = QFormLayout()
        self.name_field = QLineEdit(self)
        self.name_field.setObjectName("toolServerName")
        self.kind = QComboBox(self)
        self.kind.setObjectName("toolServerKind")
        self.kind.addItems(
            [
                translate("ToolServersDialog", "Command (stdio)"),
                translate("ToolServersDialog", "URL (Streamable HTTP)"),
            ]
        )
        self.command_field = QLineEdit(self)
        self.command_field.setObjectName("toolServerCommand")
        self.command_field.setPlaceholderText("npx -y @modelcontextprotocol/server-filesystem ~/")
        self.url_field = QLineEdit(self)
        self.url_field.setObjectName("toolServerUrl")
        self.url_field.setPlaceholderText("https://example.com/mcp")
        self.env_field = QPlainTextEdit(self)
        self.env_field.setObjectName("toolServerEnv")
        self.env_field.setPlaceholderText(
            translate("ToolServersDialog", "NAME=value, one per line (never your API key)")
        )
        self.env_field.setFixedHeight(60)
        self.secrets_box = QCheckBox(
            translate("ToolServersDialog", "Keep the values in the keychain, not in settings.json"),
            self,
        )
        self.secrets_box.setObjectName("toolServerSecretsInKeychain")
        self.secrets_box.setToolTip(
            translate(
                "ToolServersDialog",
                "For tokens: settings.json then says ${keychain}, and the value is read from "
                "the keychain when the server starts",
            )
        )
        self.default_box = QCheckBox(translate("ToolServersDialog", "Use in new chats"), self)
        self.default_box.setObjectName("toolServerDefault")
        self.allow_field = QLineEdit(self)
        self.allow_field.setObjectName("toolServerAlwaysAllow")
        self.allow_field.setPlaceholderText(
            translate("ToolServersDialog", "tool names that run without asking, comma-separated")
        )
        form.addRow(translate("ToolServersDialog", "&Name"), self.name_field)
        form.addRow(translate("ToolServersDialog", "&Kind"), self.kind)
        form.addRow(translate("ToolServersDialog", "&Command"), self.command_field)
        form.addRow(translate("ToolServersDialog", "&URL"), self.url_field)
        form.addRow(translate("ToolServersDialog", "&Environment"), self.env_field)
        form.addRow("", self.secrets_box)
        form.addRow("", self.default_box)
        form.addRow(translate("ToolServersDialog", "&Always allowed"), self.allow_field)
        right.addLayout(form)
        test_row = QHBoxLayout()
        self.test_button = QPushButton(translate("ToolServersDialog", "Test"), self)
        self.test_button.setObjectName("testToolServer")
        self.test_button.clicked.connect(self._test)
        self.test_result = QLabel(self)
        self.test_result.setObjectName("toolServerTestResult")
        self.test_result.setTextFormat(Qt.TextFormat.PlainText)  # a server's words, as text
        self.test_result.setWordWrap(True)
        test_row.addWidget(self.test_button)
        test_row.addWidget(self.test_result, 1)
        right.addLayout(test_row)
        limits = QFormLayout()
        self.timeout = QDoubleSpinBox(self)
        self.timeout.setObjectName("toolTimeout")
        self.timeout.setRange(1, 3600)
        self.timeout.setSuffix(" s")
        self.timeout.setValue(settings.tool_timeout_seconds)
        self.step_limit = QSpinBox(self)
        self.step_limit.setObjectName("toolStepLimit")
        self.step_limit.setRange(1, 100)
        self.step_limit.setValue(settings.tool_step_limit)
        limits.addRow(translate("ToolServersDialog", "Tool &timeout"), self.timeout)
        limits.addRow(translate("ToolServersDialog", "&Steps per answer"), self.step_limit)
        right.addLayout(limits)
        right.addStretch(1)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        right.addWidget(buttons)
        layout.addLayout(right, 2)

        self.kind.currentIndexChanged.connect(self._show_kind)
        self.server_list.currentTextChanged.connect(self._select)
        self._fill()
        self.resize(720, 420)

    # --- the list ----------------------------------------------------------------------------

    def _fill(self, select: str | None = None) -> None:
        self.server_list.blockSignals(True)
        self.server_list.clear()
        for name, entry in self.entries.items():
            item = QListWidgetItem(name, self.server_list)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            disabled = entry.get("disabled") is True
            item.setCheckState(Qt.CheckState.Unchecked if disabled else Qt.CheckState.Checked)
        self.server_list.blockSignals(False)
        self._current = None
        names = list(self.entries)
        if names:
            self.server_list.setCurrentRow(names.index(select) if select in names else 0)
        else:
            self._show(None)

    def _select(self, name: str) -> None:
        self._commit()
        self._current = name or None
        self._show(self.entries.get(name))

    def _show(self, entry: dict[str, Any] | None) -> None:
        entry = entry or {}
        self.name_field.setText(self._current or "")
        url = str(entry.get("url") or "")
        self.kind.setCurrentIndex(1 if url else 0)
        command = [str(entry.get("command") or ""), *map(str, entry.get("args") or [])]
        self.command_field.setText(shlex.join(command) if command[0] else "")
        self.url_field.setText(url)
        env = entry.get("env") if isinstance(entry.get("env"), dict) else {}
        self.env_field.setPlainText("\n".join(f"{k}={v}" for k, v in env.items()))
        self.secrets_box.setChecked(KEYCHAIN in env.values())
        self.default_box.setChecked(entry.get("default") is True)
        self.allow_field.setText(", ".join(map(str, entry.get("alwaysAllow") or [])))
        self.test_result.clear()
        self._show_kind()

    def _show_kind(self) -> None:
        is_url = self.kind.currentIndex() == 1
        self.url_field.setEnabled(is_url)
        self.command_field.setEnabled(not is_url)
        self.env_field.setEnabled(not is_url)
        self.secrets_box.setEnabled(not is_url)

    def _form_entry(self, server: str = "") -> dict[str, Any]:
        entry: dict[str, Any] = {}
        if self.kind.currentIndex() == 1:
            entry["url"] = self.url_field.text().strip()
        else:
            try:
                words = shlex.split(self.command_field.text())
            except ValueError:
                words = self.command_field.text().split()
            entry["command"] = words[0] if words else ""
            entry["args"] = words[1:]
            env = {}
            for line in self.env_field.toPlainText().splitlines():
                name, sep, value = line.partition("=")
                if sep and name.strip():
                    env[name.strip()] = value
            if self.secrets_box.isChecked():
                for name, value in env.items():
                    if value and value != KEYCHAIN:
                        self._pending_secrets[(server, name)] = value
                        env[name] = KEYCHAIN
            if env:
                entry["env"] = env
        if self.default_box.isChecked():
            entry["default"] = True
        allowed = [t.strip() for t in self.allow_field.text().split(",") if t.strip()]
        if allowed:
            entry["alwaysAllow"] = allowed
        return entry

    def _commit(self) -> None:
        """The form into the entry being edited (renamed if its name changed)."""
        name = self._current
        if name is None or name not in self.entries:
            return
        entry = self._form_entry(name)
        if self.entries[name].get("disabled") is True:
            entry["disabled"] = True
        new_name = self.name_field.text().strip() or name
        if new_name != name and new_name not in self.entries:
            self.entries = {(new_name if k == name else k): v for k, v in self.entries.items()}
            self._current = new_name
            self._pending_secrets = {
                ((new_name if s == name else s), v): value
                for (s, v), value in self._pending_secrets.items()
            }
            self._renamed[new_name] = self._renamed.pop(name, name)
            name = new_name
        self.entries[name] = entry

    def _enabled_from_checks(self) -> None:
        for row in range(self.server_list.count()):
            item = self.server_list.item(row)
            entry = self.entries.get(item.text())
            if entry is None:
                continue
            if item.checkState() == Qt.CheckState.Checked:
                entry.pop("disabled", None)
            else:
                entry["disabled"] = True

    def _add(self) -> None:
        self._commit()
        name, number = "server", 1
        while name in self.entries:
            number += 1
            name = f"server {number}"
        self.entries[name] = {"command": "", "args": []}
        self._fill(select=name)
        self.name_field.setFocus()

    def _remove(self) -> None:
        if self._current in self.entries:
            del self.entries[self._current]
            self._current = None
            self._fill()

    # --- test and save -----------------------------------------------------------------------

    def _test(self) -> None:
        self._commit()
        name = self._current
        entry = dict(self.entries.get(name or "", {}))
        if isinstance(entry.get("env"), dict):  # values not in the keychain yet: as typed
            entry["env"] = {
                k: self._pending_secrets.get((name or "", k), v) for k, v in entry["env"].items()
            }
        server = server_from_json(name or "server", entry)
        if server is None:
            self.test_result.setText(
                translate("ToolServersDialog", "Give a command or a URL first.")
            )
            return
        self.test_result.setText(translate("ToolServersDialog", "Starting the server…"))
        self.test_button.setEnabled(False)
        self._test_task = asyncio.ensure_future(self._run_test(replace(server, disabled=False)))

    async def _run_test(self, server: Any) -> None:
        tools = self.controller.tools
        box = ToolBox(servers={server.name: server}, api_key=tools.api_key if tools else None)
        try:
            _ok, verdict = await box.test(server.name)
        finally:
            await box.close()
        self.test_result.setText(verdict)
        self.test_button.setEnabled(True)

    def _held(self) -> set[tuple[str, str]]:
        held = set()
        for server, entry in self.entries.items():
            env = entry.get("env") if isinstance(entry.get("env"), dict) else {}
            held |= {(server, name) for name, value in env.items() if value == KEYCHAIN}
        return held

    def _keep_secrets(self) -> bool:
        """Move the typed secrets into the keychain, follow renames, free what is no longer
        used. On failure nothing is lost: the values go back into the form, as typed."""
        try:
            for (server, name), value in self._pending_secrets.items():
                tool_secrets.store(server, name, value)
            for new, old in self._renamed.items():
                if new == old:
                    continue
                env = self.entries.get(new, {}).get("env") or {}
                for name in tool_secrets.held(env.items()):
                    value = tool_secrets.read(old, name)
                    if value is not None and (new, name) not in self._pending_secrets:
                        tool_secrets.store(new, name, value)
        except tool_secrets.SecretError as error:
            for (server, name), value in self._pending_secrets.items():
                if isinstance(self.entries.get(server, {}).get("env"), dict):
                    self.entries[server]["env"][name] = value
            self._pending_secrets.clear()
            self._fill(select=self._current)
            self.secrets_box.setChecked(False)
            QMessageBox.warning(self, "Tool servers", f"{error}\nThe values are back in the form.")
            return False
        kept = self._held()
        renamed_from = {(self._renamed.get(s, s), n) for s, n in kept}
        for server, name in self._held_at_open - kept - renamed_from:
            tool_secrets.delete(server, name)
        for new, old in self._renamed.items():
            if new != old:
                for name in tool_secrets.held((self.entries.get(new, {}).get("env") or {}).items()):
                    tool_secrets.delete(old, name)
        self._pending_secrets.clear()
        return True

    def _save(self) -> None:
        self._commit()
        self._enabled_from_checks()
        if (self._pending_secrets or self._renamed or self._held_at_open) and not (
            self._keep_secrets()
        ):
            return
        settings = replace(
            self.providers.settings,
            mcp_servers=self.entries,
            tool_timeout_seconds=self.timeout.value(),
            tool_step_limit=self.step_limit.value(),
        )
        self.providers.update(settings)
        tools = self.controller.tools
        if tools is not None:
            stale = tools.update(servers_from_settings(self.entries))
            tools.timeout_seconds = settings.tool_timeout_seconds
            tools.step_limit = settings.tool_step_limit
            if stale:
                tools.stop_later(stale)
        self.saved.emit()
        self.accept()

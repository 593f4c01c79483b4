"""Tools in a conversation tab: the Tools button (which servers this chat may use), the inline
approval prompt (Allow once / Always allow this tool in this chat / Deny), and the collapsible
blocks that show each call in the message view (tool, arguments, result: plain text, never
HTML). Wired into a tab by `install`, so the tab itself only gains one line.
"""

from __future__ import annotations

import html
import json
from typing import TYPE_CHECKING

from PySide6.QtGui import QColor, QFont, QTextBlockFormat, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QMenu, QToolButton

from desktop_chat.domain import Message, ToolCall
from desktop_chat.tool_loop import Decision
from desktop_chat.ui.i18n import QT_TRANSLATE_NOOP, translate
from desktop_chat.ui.notice import Notice

if TYPE_CHECKING:
    from collections.abc import Callable

    from desktop_chat.controller import ChatController
    from desktop_chat.ui.conversation_tab import ConversationTab

ARGUMENTS_SHOWN = 4000  # characters of a call's arguments shown in the view
RESULT_SHOWN = 8000
_STATUS_MARKS = {
    "ok": "✓",
    "error": QT_TRANSLATE_NOOP("tool_panel", "⚠ error"),
    "denied": QT_TRANSLATE_NOOP("tool_panel", "✕ denied"),
    "cancelled": QT_TRANSLATE_NOOP("tool_panel", "✕ cancelled"),
    "skipped": QT_TRANSLATE_NOOP("tool_panel", "… not run"),
    "": QT_TRANSLATE_NOOP("tool_panel", "… pending"),
}


def _pretty(arguments: str) -> str:
    try:
        return json.dumps(json.loads(arguments), indent=2, ensure_ascii=False)
    except ValueError:
        return arguments


def _clip(text: str, limit: int) -> str:
    length = len(text)
    if length <= limit:
        return text
    return text[:limit] + "\n… " + translate("tool_panel", "(%n characters)", "", length)


def call_key(message_id: str, position: int) -> str:
    return f"{message_id}:{position}"


def insert_tool_calls(
    cursor: QTextCursor, message: Message, opened: set[str], action_scheme: str, href: object
) -> None:
    """One line per call ("▸ Tool add ✓"), a link that opens it; open, its arguments and
    result follow as plain monospaced text. `href` quotes a value for the link."""
    mono = QTextCharFormat()
    mono.setFontFamilies(["monospace"])
    mono.setFontStyleHint(QFont.StyleHint.Monospace)
    grey = QTextCharFormat(mono)
    grey.setForeground(QColor("#808080"))
    for position, call in enumerate(message.tool_calls):
        key = call_key(message.id, position)
        open_ = key in opened
        mark = _STATUS_MARKS.get(call.status, call.status)
        mark = translate("tool_panel", mark) if mark else mark
        link = f"{action_scheme}:toolcall/{href(key)}"  # type: ignore[operator]
        cursor.insertHtml(
            f'<a href="{link}" style="text-decoration:none; color:#3a7bd5">'
            f"{'▾' if open_ else '▸'} "
            + translate("tool_panel", "Tool {name}").format(name=html.escape(call.name))
            + "</a>"
            f'<span style="color:#888888"> {html.escape(mark)}</span>'
        )
        cursor.insertBlock(QTextBlockFormat(), QTextCharFormat())
        if open_:
            cursor.insertText(translate("tool_panel", "Arguments\n"), grey)
            cursor.insertText(_clip(_pretty(call.arguments) or "{}", ARGUMENTS_SHOWN), mono)
            cursor.insertBlock(QTextBlockFormat(), QTextCharFormat())
            cursor.insertText(translate("tool_panel", "Result\n"), grey)
            result = (
                call.result if call.result is not None else translate("tool_panel", "(waiting)")
            )
            cursor.insertText(_clip(result, RESULT_SHOWN), mono)  # plain text: never markup
            cursor.insertBlock(QTextBlockFormat(), QTextCharFormat())


class ToolsButton(QToolButton):
    """The chat's tool servers, as a menu of check boxes (enabled servers from Settings)."""

    def __init__(self, tab: ConversationTab) -> None:
        super().__init__(tab)
        self.tab = tab
        self.setObjectName("toolsButton")
        self.setAccessibleName(translate("ToolsButton", "Tools for this chat"))
        self.setToolTip(
            translate("ToolsButton", "Which tool servers (MCP) the model may use in this chat")
        )
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setMenu(QMenu(self))
        self.menu().aboutToShow.connect(self.fill)
        self._problems: dict[str, str] = {}  # servers that could not start, and why
        tab.controller.tools_listed.connect(self._on_tools_listed)
        self.refresh()

    def _servers(self) -> tuple[list[str], list[str]]:
        controller = self.tab.controller
        tools = controller.tools
        enabled = tools.enabled() if tools is not None else []
        return enabled, controller.tool_servers_for(self.tab.conversation.id)

    def refresh(self) -> None:
        enabled, chosen = self._servers()
        self.setText(
            translate("ToolsButton", "Tools ({count})").format(count=len(chosen))
            if chosen
            else translate("ToolsButton", "Tools")
        )
        self.setVisible(bool(enabled))

    def fill(self) -> None:
        """A check box per server; under each chosen one, a check box per tool (its tools
        are listed once it has started: opening the menu starts it)."""
        menu = self.menu()
        menu.clear()
        enabled, chosen = self._servers()
        controller = self.tab.controller
        off = controller.chat_tools(self.tab.conversation.id).off if enabled else set()
        for name in enabled:
            action = menu.addAction(name)
            action.setCheckable(True)
            action.setChecked(name in chosen)
            action.toggled.connect(lambda on, server=name: self._toggle(server, on))
            if name not in chosen or controller.tools is None:
                continue
            known = controller.tools.known_tools(name)
            if known is None:
                menu.addAction(
                    "    "
                    + (self._problems.get(name) or translate("ToolsButton", "Listing its tools…"))
                ).setEnabled(False)
                if name not in self._problems:
                    controller.load_tools_of(name)
                continue
            for tool in known:
                item = menu.addAction(f"    {tool}")
                item.setObjectName(f"tool-{name}/{tool}")
                item.setCheckable(True)
                item.setChecked(f"{name}/{tool}" not in off)
                item.toggled.connect(
                    lambda on, server=name, t=tool: controller.set_tool_enabled(
                        self.tab.conversation.id, server, t, on
                    )
                )
        if not enabled:
            menu.addAction(
                translate("ToolsButton", "No tool servers: add them in Settings → Tools")
            ).setEnabled(False)

    def _on_tools_listed(self, server: str, problem: str) -> None:
        if problem:
            self._problems[server] = problem
        else:
            self._problems.pop(server, None)
        if self.menu().isVisible():
            self.fill()  # the tools are known now: show them in the open menu

    def _toggle(self, server: str, on: bool) -> None:
        _, chosen = self._servers()
        chosen = [s for s in chosen if s != server] + ([server] if on else [])
        self.tab.controller.set_tool_servers(self.tab.conversation.id, chosen)
        self.refresh()


class ApprovalPrompt:
    """The inline approval prompt for the chat `conversation_id()` names (a tab's, or Quick
    ask's): shown when one of its calls waits, hidden when answered or when the tools stop."""

    def __init__(
        self,
        controller: ChatController,
        notice: Notice,
        conversation_id: Callable[[], str | None],
    ) -> None:
        self.controller = controller
        self.notice = notice
        self._conversation_id = conversation_id
        self._dismiss_denies = False
        controller.tool_approval_needed.connect(self._on_needed)
        controller.tools_running.connect(self._on_running)

    def _mine(self, conversation_id: str) -> bool:
        return conversation_id == self._conversation_id()

    def _on_needed(self, conversation_id: str, call: ToolCall, server: str) -> None:
        if not self._mine(conversation_id):
            return
        arguments = _clip(_pretty(call.arguments) or "{}", 1200)
        self.notice.show_message(
            translate(
                "ApprovalPrompt", "The model wants to run the tool “{tool}” of {server}:"
            ).format(tool=call.name, server=server)
            + f"\n{arguments}",
            "warning",
            [
                (
                    translate("ApprovalPrompt", "Allow once"),
                    lambda: self._answer(Decision.ALLOW_ONCE),
                ),
                (
                    translate("ApprovalPrompt", "Always allow in this chat"),
                    lambda: self._answer(Decision.ALWAYS_IN_CHAT),
                ),
                (translate("ApprovalPrompt", "Deny"), lambda: self._answer(Decision.DENY)),
            ],
        )
        if not self._dismiss_denies:
            # Closing the prompt (✕) is a No, as with a browser's permission prompt; else
            # the chat would wait for an answer nobody can give any more.
            for button in self.notice.findChildren(QToolButton):
                if button.accessibleName() == translate("Notice", "Dismiss"):
                    button.clicked.connect(lambda: self._answer(Decision.DENY))
                    self._dismiss_denies = True

    def _answer(self, decision: Decision) -> None:
        self.notice.hide()
        conversation_id = self._conversation_id()
        if conversation_id is not None:
            self.controller.answer_tool_call(conversation_id, decision)

    def _on_running(self, conversation_id: str, running: bool) -> None:
        if self._mine(conversation_id) and not running:
            self.notice.hide()


class ToolsInTab:
    """What `install` adds to a tab, and the slots that keep it up to date."""

    def __init__(self, tab: ConversationTab) -> None:
        self.tab = tab
        self.button = ToolsButton(tab)
        tab.header.insertWidget(tab.header.indexOf(tab.add_message_button) + 1, self.button)
        self.approval = Notice("toolApproval", tab)
        layout = tab.column
        layout.insertWidget(layout.indexOf(tab.notice) + 1, self.approval)
        controller = tab.controller
        self.prompt = ApprovalPrompt(controller, self.approval, lambda: tab.conversation.id)
        controller.tool_calls_changed.connect(self._on_calls_changed)
        controller.tools_running.connect(self._on_running)
        controller.tool_notice.connect(self._on_notice)

    def _mine(self, conversation_id: str) -> bool:
        return conversation_id == self.tab.conversation.id

    def _on_calls_changed(self, conversation_id: str, message: Message) -> None:
        if self._mine(conversation_id):
            self.tab.message_view.replace_message(message)

    def _on_running(self, conversation_id: str, running: bool) -> None:
        if not self._mine(conversation_id):
            return
        self.tab._update_buttons()
        self.tab.activity_changed.emit()

    def _on_notice(self, conversation_id: str, text: str) -> None:
        if self._mine(conversation_id):
            self.tab.notice.show_message(text, "info")


def install(tab: ConversationTab) -> ToolsInTab:
    return ToolsInTab(tab)

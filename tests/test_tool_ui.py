"""Tools in the window: the Tools button, the inline approval prompt and the call blocks."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import fake_openai as fake
from mcp_helpers import SERVER_SCRIPT, calls_in, stdio_entry
from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QPushButton, QToolButton

from desktop_chat.mcp_tools import ToolBox, servers_from_settings
from desktop_chat.providers import Providers
from desktop_chat.settings import load
from desktop_chat.ui.conversation_tab import ConversationTab
from desktop_chat.ui.notice import Notice
from desktop_chat.ui.tools_dialog import ToolServersDialog


def _window(open_window, controller, log: Path) -> ConversationTab:
    entry = stdio_entry(log, default=True)
    controller.tools = ToolBox(servers=servers_from_settings({"calc": entry}))
    window = open_window(controller)
    tab = window.current_tab()
    assert tab is not None
    return tab


def test_approve_in_the_tab_then_the_call_shows_as_a_block(
    qtbot, open_window, controller, fake_openai, tmp_path
):
    log = tmp_path / "calls.jsonl"
    tab = _window(open_window, controller, log)
    tab.tools.button.refresh()
    assert tab.tools.button.isVisibleTo(tab) and tab.tools.button.text() == "Tools (1)"
    fake_openai.script(
        fake.tool_calls(fake.tool_call_deltas("echo", '{"text": "<b>not bold</b>"}', "c1")),
        fake.reply(["Echoed."]),
    )
    tab.composer.setPlainText("echo some html")
    tab.send()
    approval = tab.tools.approval
    qtbot.waitUntil(approval.isVisible, timeout=20_000)
    assert "echo" in approval.label.text() and "<b>not bold</b>" in approval.label.text()
    assert tab.stop_button.isEnabled(), "Stop works while a call waits"
    allow = approval.findChild(QPushButton, "toolApprovalAllowonceButton")
    allow.click()
    qtbot.waitUntil(lambda: not controller.is_streaming(tab.conversation.id), timeout=20_000)
    assert calls_in(log)[0]["arguments"] == {"text": "<b>not bold</b>"}
    assert not approval.isVisible()
    view = tab.message_view
    qtbot.waitUntil(lambda: "Echoed." in view.toPlainText(), timeout=5_000)
    assert "▸ Tool echo ✓" in view.toPlainText()
    calling = tab.conversation.messages[1]
    view._on_anchor(QUrl(f"action:toolcall/{calling.id}%3A0"))
    text = view.toPlainText()
    assert "Result\n<b>not bold</b>" in text, "the result is shown as text, not HTML"
    assert "<b>" not in view.toHtml().replace("&lt;b&gt;", "")


def test_deny_in_the_tab_and_the_tools_menu(qtbot, open_window, controller, fake_openai, tmp_path):
    log = tmp_path / "calls.jsonl"
    tab = _window(open_window, controller, log)
    fake_openai.script(
        fake.tool_calls(fake.tool_call_deltas("add", '{"a": 1, "b": 2}', "c1")), fake.reply()
    )
    tab.composer.setPlainText("add")
    tab.send()
    qtbot.waitUntil(tab.tools.approval.isVisible, timeout=20_000)
    dismiss = next(
        b for b in tab.tools.approval.findChildren(QToolButton) if b.accessibleName() == "Dismiss"
    )
    dismiss.click()  # closing the prompt denies the call
    qtbot.waitUntil(lambda: not controller.is_streaming(tab.conversation.id), timeout=20_000)
    assert calls_in(log) == []
    qtbot.waitUntil(lambda: "✕ denied" in tab.message_view.toPlainText(), timeout=5_000)
    menu = tab.tools.button.menu()
    tab.tools.button.fill()
    [action] = [a for a in menu.actions() if a.text() == "calc"]
    assert action.isChecked()
    action.setChecked(False)
    assert controller.tool_servers_for(tab.conversation.id) == []
    assert tab.tools.button.text() == "Tools"


def test_tool_servers_dialog_adds_tests_and_saves_a_server(qtbot, controller, tmp_path):

    settings_file = tmp_path / "settings.json"
    providers = Providers(settings_file=settings_file, environ={})
    controller.tools = ToolBox()
    dialog = ToolServersDialog(providers, controller)
    qtbot.addWidget(dialog)
    dialog._add()
    dialog.name_field.setText("calc")
    dialog.command_field.setText(shlex.join([sys.executable, SERVER_SCRIPT]))
    dialog.default_box.setChecked(True)
    dialog.allow_field.setText("add, echo")
    dialog._test()
    qtbot.waitUntil(lambda: dialog.test_result.text().startswith("OK"), timeout=20_000)
    assert "add" in dialog.test_result.text()
    dialog._save()
    saved = load(settings_file).mcp_servers
    assert saved == {
        "calc": {
            "command": sys.executable,
            "args": [SERVER_SCRIPT],
            "default": True,
            "alwaysAllow": ["add", "echo"],
        }
    }
    assert controller.tools.defaults() == ["calc"]
    assert controller.tools.always_allowed("calc", "add")


def test_quick_ask_uses_the_default_servers_and_asks_inline(
    qtbot, controller, fake_openai, tmp_path
):
    from desktop_chat.ui.quick_ask import QuickAskWindow

    log = tmp_path / "calls.jsonl"
    controller.tools = ToolBox(
        servers=servers_from_settings({"calc": stdio_entry(log, default=True)})
    )
    fake_openai.script(
        fake.tool_calls(fake.tool_call_deltas("add", '{"a": 2, "b": 2}', "c1")),
        fake.reply(["Four."]),
    )
    popup = QuickAskWindow(controller)
    qtbot.addWidget(popup)
    popup.present()
    popup.input.setText("2+2?")
    popup.ask()
    approval = popup.findChild(Notice, "quickAskToolApproval")
    qtbot.waitUntil(approval.isVisible, timeout=20_000)
    approval.findChild(QPushButton, "quickAskToolApprovalAllowonceButton").click()
    qtbot.waitUntil(lambda: "Four." in popup.answer.toPlainText(), timeout=20_000)
    assert calls_in(log)[0]["arguments"] == {"a": 2, "b": 2}
    assert not approval.isVisible()


def test_single_tools_can_be_turned_off_for_a_chat(
    qtbot, open_window, controller, fake_openai, tmp_path
):
    tab = _window(open_window, controller, tmp_path / "calls.jsonl")
    menu = tab.tools.button.menu()
    tab.tools.button.fill()  # the server has not started: opening the menu starts it
    assert any("Listing its tools" in a.text() for a in menu.actions())
    qtbot.waitUntil(lambda: controller.tools.known_tools("calc") is not None, timeout=20_000)
    tab.tools.button.fill()
    echo = next(a for a in menu.actions() if a.objectName() == "tool-calc/echo")
    assert echo.isCheckable() and echo.isChecked()
    echo.setChecked(False)
    fake_openai.script(fake.reply(["No tools needed."]))
    with qtbot.waitSignal(controller.finished, timeout=20_000):
        tab.composer.setPlainText("hello")
        tab.send()
    offered = [
        t["function"]["name"]
        for t in fake_openai.requests_to("/chat/completions")[-1].body["tools"]
    ]
    assert "echo" not in offered and "add" in offered
    tab.tools.button.fill()
    assert not next(a for a in menu.actions() if a.objectName() == "tool-calc/echo").isChecked()
    # Kept with the chat, and only for it.
    assert "calc/echo" in controller.chat_tools(tab.conversation.id).off
    other = controller.store.create_conversation(model="gpt-4")
    assert controller.chat_tools(other.id).off == set()

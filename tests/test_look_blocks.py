"""Code blocks and tables (issue 15): a code block is one box with a header bar (language,
Copy → "Copied"); tables have padded cells, a tinted header row and themed borders."""

from __future__ import annotations

from PySide6.QtCore import QUrl

from desktop_chat.domain import Message, Role, utc_now
from desktop_chat.render import render_markdown
from desktop_chat.ui import message_view
from desktop_chat.ui.message_view import MessageView

TABLE = "| a | b |\n|---|--:|\n| 1 | 2 |"


def test_code_block_has_a_header_bar_over_a_themed_background():
    light = render_markdown("```python\nx = 1\n```").html
    dark = render_markdown("```python\nx = 1\n```", dark=True).html
    assert 'bgcolor="#eaeef2"' in light and "#f6f8fa" in light and ">python<" in light
    assert 'bgcolor="#34352f"' in dark and "#272822" in dark
    assert "white-space:pre-wrap" in light  # long lines wrap inside the column


def test_tables_have_padding_a_header_row_and_themed_borders():
    light = render_markdown(TABLE).html
    dark = render_markdown(TABLE, dark=True).html
    assert 'cellpadding="6"' in light and "border-color:#d0d7de" in light
    assert light.count('<th bgcolor="#eaeef2"') == 2 and "text-align:right" in light
    assert "border-color:#4a4b44" in dark and '<th bgcolor="#34352f"' in dark


def test_copy_says_copied_for_a_moment(qtbot, monkeypatch):
    monkeypatch.setattr(message_view, "COPIED_MS", 50)
    view = MessageView()
    qtbot.addWidget(view)
    view.show_conversation(
        [Message("a1", "c", None, Role.ASSISTANT, "```bash\necho hi\n```", utc_now())]
    )
    assert "Copied" not in view.toPlainText()
    view.anchorClicked.emit(QUrl("action:copycode/a1:0"))
    assert "✓ Copied" in view.toPlainText()
    qtbot.waitUntil(lambda: "Copied" not in view.toPlainText(), timeout=3000)
    assert "Copy" in view.toPlainText()

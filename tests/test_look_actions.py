"""Per-message actions without clutter (issue 15): icon buttons with names for screen readers,
shown for the message under the pointer or holding the keyboard's cursor, and a context menu
that the Menu key opens; no permanent row of text links."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication, QMenu, QWidget

from desktop_chat.domain import Message, Role, utc_now
from desktop_chat.ui.message_view import MessageView


def _view(qtbot) -> MessageView:
    view = MessageView()
    qtbot.addWidget(view)
    view.resize(900, 600)
    view.show_conversation(
        [
            Message("u1", "c", None, Role.USER, "What is a monad?", utc_now()),
            Message(
                "a1",
                "c",
                "u1",
                Role.ASSISTANT,
                "A monoid in endofunctors.",
                utc_now(),
                model="test-model",
            ),
        ]
    )
    view.show()
    qtbot.waitExposed(view)
    return view


def _put_cursor_in(view: MessageView, text: str) -> None:
    cursor = view.textCursor()
    cursor.setPosition(view.document().find(text).selectionStart())
    view.setTextCursor(cursor)


def test_no_row_of_text_links_but_a_quiet_header(qtbot):
    view = _view(qtbot)
    text = view.toPlainText()
    for link in ("Copy", "Edit", "Regenerate", "Run from here", "Delete"):
        assert link not in text
    assert "test-model" in text


def test_keyboard_focus_shows_named_icon_buttons_for_that_message(qtbot):
    view = _view(qtbot)
    view.setFocus()
    qtbot.waitUntil(view.hasFocus)
    _put_cursor_in(view, "monoid")
    bar = view.findChild(QWidget, "messageActions")
    assert bar is not None and bar.isVisible() and bar.message_id == "a1"
    shown = {b.accessibleName(): b for b in bar.buttons.values() if b.isVisibleTo(bar)}
    assert {"Copy message", "Edit message", "Regenerate answer", "Delete message"} <= set(shown)
    assert all(b.toolTip() and not b.icon().isNull() for b in shown.values())
    assert "Run from this message" not in shown  # that one is the user's
    with qtbot.waitSignal(view.action_requested) as asked:
        qtbot.mouseClick(shown["Regenerate answer"], Qt.MouseButton.LeftButton)
    assert asked.args == ["regenerate", "a1"]
    _put_cursor_in(view, "monad")
    assert bar.message_id == "u1" and bar.buttons["rerun"].isVisibleTo(bar)


def test_the_pointer_shows_the_buttons_of_the_message_under_it(qtbot):
    view = _view(qtbot)
    cursor = QTextCursor(view.document())
    cursor.setPosition(view.document().find("monad").selectionStart())
    point = view.cursorRect(cursor).center()
    qtbot.mouseMove(view.viewport(), point)
    bar = view.findChild(QWidget, "messageActions")
    qtbot.waitUntil(lambda: bar.isVisible() and bar.message_id == "u1")


def test_the_menu_key_opens_the_actions_of_the_message_at_the_cursor(qtbot):
    view = _view(qtbot)
    view.setFocus()
    _put_cursor_in(view, "monoid")
    seen: list[str] = []

    def use_menu() -> None:
        menu = QApplication.activePopupWidget()
        assert isinstance(menu, QMenu)
        seen.extend(a.text() for a in menu.actions() if a.text())
        edit = next(a for a in menu.actions() if a.text() == "Edit…")
        menu.close()
        edit.trigger()

    QTimer.singleShot(200, use_menu)
    with qtbot.waitSignal(view.action_requested, timeout=3000) as asked:
        qtbot.keyClick(view, Qt.Key.Key_Menu)
    assert asked.args == ["edit", "a1"]
    for label in ("Copy", "Edit…", "Regenerate", "Move up", "Move down", "Delete"):
        assert label in seen


def test_a_view_without_actions_has_no_buttons(qtbot):
    view = MessageView(show_actions=False)
    qtbot.addWidget(view)
    assert view.findChild(QWidget, "messageActions") is None
    menu = view.message_menu(None)
    assert not any(a.objectName().startswith("messageAction-") for a in menu.actions())


def test_the_composer_grows_to_a_few_lines_and_names_its_shortcuts(qtbot):
    from desktop_chat.ui.composer import Composer

    composer = Composer()
    qtbot.addWidget(composer)
    composer.resize(500, 40)
    composer.show()
    one_line = composer.height()
    composer.setPlainText("one\ntwo\nthree\nfour")
    four_lines = composer.height()
    composer.setPlainText("\n".join(str(n) for n in range(30)))
    capped = composer.height()
    line = composer.fontMetrics().lineSpacing()
    assert four_lines - one_line == 3 * line
    assert capped - one_line == 7 * line  # eight lines at most, then it scrolls
    for shortcut in ("Enter", "Shift+Enter", "Esc"):
        assert shortcut in composer.placeholderText()

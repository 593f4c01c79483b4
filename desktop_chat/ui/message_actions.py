"""Per-message actions without clutter (issue 15): a small bar of icon buttons over the message
under the pointer (or holding the keyboard's text cursor), and the same actions, and more, in
a context menu (right click, the Menu key, Shift+F10).

No action is done here: each emits the view's `action_requested(action, message_id)`, as the
old text links did, so the tab handles them exactly as before.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QHBoxLayout, QMenu, QToolButton, QWidget

from desktop_chat.domain import Message, Role
from desktop_chat.ui import icons
from desktop_chat.ui.i18n import QT_TRANSLATE_NOOP, translate

# action, label (menu and tooltip), icon, accessible name
_ACTIONS: dict[str, tuple[str, str, str]] = {
    "copy": (
        QT_TRANSLATE_NOOP("MessageActionBar", "Copy"),
        "copy",
        QT_TRANSLATE_NOOP("MessageActionBar", "Copy message"),
    ),
    "edit": (
        QT_TRANSLATE_NOOP("MessageActionBar", "Edit…"),
        "edit",
        QT_TRANSLATE_NOOP("MessageActionBar", "Edit message"),
    ),
    "regenerate": (
        QT_TRANSLATE_NOOP("MessageActionBar", "Regenerate"),
        "regenerate",
        QT_TRANSLATE_NOOP("MessageActionBar", "Regenerate answer"),
    ),
    "rerun": (
        QT_TRANSLATE_NOOP("MessageActionBar", "Run from here"),
        "run",
        QT_TRANSLATE_NOOP("MessageActionBar", "Run from this message"),
    ),
    "request": (
        QT_TRANSLATE_NOOP("MessageActionBar", "Show request…"),
        "request",
        QT_TRANSLATE_NOOP("MessageActionBar", "Show the request"),
    ),
    "up": (
        QT_TRANSLATE_NOOP("MessageActionBar", "Move up"),
        "move-up",
        QT_TRANSLATE_NOOP("MessageActionBar", "Move message up"),
    ),
    "down": (
        QT_TRANSLATE_NOOP("MessageActionBar", "Move down"),
        "move-down",
        QT_TRANSLATE_NOOP("MessageActionBar", "Move message down"),
    ),
    "delete": (
        QT_TRANSLATE_NOOP("MessageActionBar", "Delete"),
        "delete",
        QT_TRANSLATE_NOOP("MessageActionBar", "Delete message"),
    ),
}
BAR_ACTIONS = ("copy", "edit", "regenerate", "rerun", "delete")  # the rest: in "More"


def actions_for(message: Message) -> list[str]:
    """Every action that applies to `message`, in menu order."""
    actions = ["copy", "edit"]
    if message.role is Role.ASSISTANT:
        actions.append("regenerate")
        if message.usage is not None:
            actions.append("request")
    elif message.role is Role.USER:
        actions.append("rerun")
    return [*actions, "up", "down", "delete"]


def accessible_name(action: str) -> str:
    return translate("MessageActionBar", _ACTIONS[action][2])


def fill_menu(menu: QMenu, message: Message, emit: Callable[[str, str], None]) -> None:
    """Add `message`'s actions to `menu` (after whatever it holds: Copy selection, ...)."""
    for action in actions_for(message):
        label, icon_name, _name = _ACTIONS[action]
        if action in ("up", "delete"):
            menu.addSeparator()
        item = menu.addAction(icons.icon(icon_name), translate("MessageActionBar", label))
        item.setObjectName(f"messageAction-{action}")
        item.triggered.connect(lambda _checked=False, a=action, m=message.id: emit(a, m))


class MessageActionBar(QWidget):
    """The hover bar: icon buttons for one message at a time; `show_for` moves it there."""

    def __init__(self, parent: QWidget, emit: Callable[[str, str], None]) -> None:
        super().__init__(parent)
        self.setObjectName("messageActions")
        self.setAccessibleName(translate("MessageActionBar", "Message actions"))
        self.setAutoFillBackground(True)
        self._emit = emit
        self.message_id = ""
        layout = QHBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(0)
        self.buttons: dict[str, QToolButton] = {}
        for action in (*BAR_ACTIONS, "more"):
            button = QToolButton(self)
            button.setObjectName(f"messageButton-{action}")
            button.setAutoRaise(True)
            button.setIconSize(QSize(16, 16))
            if action == "more":
                label = translate("MessageActionBar", "More actions…")
                icon_name = "more"
                name = translate("MessageActionBar", "More message actions")
                button.clicked.connect(self._show_more)
            else:
                label, icon_name, name = _ACTIONS[action]
                label, name = (
                    translate("MessageActionBar", label),
                    translate("MessageActionBar", name),
                )
                button.clicked.connect(lambda _checked=False, a=action: self._run(a))
            button.setToolTip(label.rstrip("…"))
            button.setAccessibleName(name)
            icons.set_icon(button, icon_name)
            layout.addWidget(button)
            self.buttons[action] = button
        self._message: Message | None = None
        self.hide()

    def show_for(self, message: Message) -> None:
        self._message = message
        self.message_id = message.id
        available = set(actions_for(message))
        for action, button in self.buttons.items():
            button.setVisible(action == "more" or action in available)
        self.adjustSize()
        self.show()
        self.raise_()

    def _run(self, action: str) -> None:
        if self.message_id:
            self._emit(action, self.message_id)

    def _show_more(self) -> None:
        if self._message is None:
            return
        menu = QMenu(self)
        menu.setObjectName("messageMenu")
        fill_menu(menu, self._message, self._emit)
        button = self.buttons["more"]
        menu.exec(button.mapToGlobal(button.rect().bottomLeft()))

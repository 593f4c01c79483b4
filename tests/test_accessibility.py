"""Every control a keyboard or screen-reader user can reach has a name to announce."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QLabel,
    QWidget,
)

from desktop_chat.ui.main_window import MainWindow
from desktop_chat.ui.quick_ask import QuickAskWindow


def spoken_name(widget: QWidget) -> str:
    """What a screen reader would say: the accessible name, a button's text, or the text of
    the label that is its buddy."""
    if widget.accessibleName():
        return widget.accessibleName()
    if isinstance(widget, QAbstractButton) and widget.text().replace("&", "").strip():
        return widget.text()
    window = widget.window()
    for label in window.findChildren(QLabel):
        if label.buddy() is widget and label.text().strip():
            return label.text()
    return ""


def unnamed_controls(root: QWidget) -> list[str]:
    missing = []
    for widget in root.findChildren(QWidget):
        reachable = widget.focusPolicy() != Qt.FocusPolicy.NoFocus and widget.isVisibleTo(root)
        if not reachable or isinstance(widget.parent(), QComboBox):
            continue  # a combo box's own line edit / list are announced through the combo
        if widget.objectName().startswith("qt_") or type(widget).__name__ in {
            "QScrollBar",
            "QTabBar",
        }:
            continue  # Qt's internal parts, named by Qt
        if not spoken_name(widget):
            missing.append(f"{type(widget).__name__} {widget.objectName()!r}")
    return missing


def test_main_window_controls_have_names(qtbot, controller):
    window = MainWindow(controller)
    window.restore_session()
    window.show()
    qtbot.waitExposed(window)
    tab = window.current_tab()
    tab.settings_button.setChecked(True)  # the parameters panel too
    QApplication.processEvents()
    try:
        assert unnamed_controls(window) == []
    finally:
        window.close()
        window.deleteLater()
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def test_quick_ask_controls_have_names(qtbot, controller):
    popup = QuickAskWindow(controller)
    qtbot.addWidget(popup)
    popup.present()
    assert unnamed_controls(popup) == []


def test_the_check_finds_an_unnamed_control(qtbot):
    from PySide6.QtWidgets import QLineEdit, QVBoxLayout

    root = QWidget()
    qtbot.addWidget(root)
    layout = QVBoxLayout(root)
    nameless = QLineEdit(root)
    nameless.setObjectName("nameless")
    layout.addWidget(nameless)
    root.show()
    assert unnamed_controls(root) == ["QLineEdit 'nameless'"]
    nameless.setAccessibleName("Something")
    assert unnamed_controls(root) == []

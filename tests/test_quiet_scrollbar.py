"""The message view's scroll bar repaints only when what it shows changes (a streamed frame
that leaves the handle where it was repaints the text, not the bar and the widgets behind it)."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from qt_fixtures import PaintCounter
from qt_fixtures import chain_message as message

from desktop_chat.domain import MessageStatus, Role
from desktop_chat.ui.message_view import MessageView
from desktop_chat.ui.quiet_scrollbar import QuietScrollBar


def settle(qtbot: QtBot) -> None:
    for _ in range(5):
        QApplication.processEvents()
        qtbot.wait(5)


def test_a_streamed_frame_that_leaves_the_handle_in_place_does_not_repaint_the_bar(
    qtbot: QtBot,
) -> None:
    view = MessageView()
    qtbot.addWidget(view)
    view.resize(600, 400)
    view.show()
    qtbot.waitExposed(view)
    long_text = "\n\n".join(f"paragraph {i} " + "word " * 120 for i in range(300))
    earlier = [message(0, Role.USER, "tell me"), message(1, Role.ASSISTANT, long_text)]
    view.show_conversation(earlier)
    view.begin_stream(message(2, Role.ASSISTANT, "", MessageStatus.STREAMING))
    settle(qtbot)
    bar = view.verticalScrollBar()
    assert isinstance(bar, QuietScrollBar)
    counter = PaintCounter()
    bar.installEventFilter(counter)
    viewport_counter = PaintCounter()
    view.viewport().installEventFilter(viewport_counter)
    maximum = bar.maximum()

    for _ in range(20):  # the handle is at its least length, at the bottom: it stays put
        view.append_delta("more words of the answer, " * 8 + "\n")
        settle(qtbot)

    assert bar.maximum() > maximum and bar.value() == bar.maximum()  # it did follow
    assert viewport_counter.count >= 20  # the text was painted at each frame
    assert counter.count == 0

    bar.setValue(bar.maximum() // 2)  # the reader scrolls: the handle moves, the bar repaints
    settle(qtbot)
    assert counter.count >= 1


def test_the_bar_paints_a_flat_handle_where_the_style_places_it(qtbot: QtBot) -> None:
    from PySide6.QtGui import QPalette
    from PySide6.QtWidgets import QStyle, QStyleOptionSlider

    bar = QuietScrollBar()
    qtbot.addWidget(bar)
    bar.resize(16, 400)
    bar.setRange(0, 1000)
    bar.setPageStep(400)
    bar.setValue(0)
    option = QStyleOptionSlider()
    bar.initStyleOption(option)
    handle = bar.style().subControlRect(
        QStyle.ComplexControl.CC_ScrollBar, option, QStyle.SubControl.SC_ScrollBarSlider, bar
    )
    image = bar.grab().toImage()
    base = bar.palette().color(QPalette.ColorRole.Base)
    inside = image.pixelColor(handle.center())
    below = image.pixelColor(handle.center().x(), handle.bottom() + 40)
    assert inside != base and below == base  # the handle on a flat groove
    bar.setValue(1000)  # the handle moves to the bottom, and is painted there
    moved = bar.grab().toImage()
    assert moved.pixelColor(handle.center()) == base
    assert moved.pixelColor(handle.center().x(), bar.height() - handle.height()) == inside

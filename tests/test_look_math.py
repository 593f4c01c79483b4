"""Math (issue 15): $…$, \\(…\\), $$…$$ and \\[…\\] typeset as images with matplotlib's mathtext,
imported only when a formula first appears; bad LaTeX shows as its source; money stays text."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from PySide6.QtGui import QTextCursor

from desktop_chat.domain import Message, Role, utc_now
from desktop_chat.math_render import formula_png
from desktop_chat.render import render_markdown
from desktop_chat.ui.message_view import MessageView


def answer(text: str) -> Message:
    return Message("a1", "c1", None, Role.ASSISTANT, text, utc_now())


@pytest.mark.parametrize(
    ("source", "formulas"),
    [
        (r"Energy $E = mc^2$ here", (("E = mc^2", False),)),
        (r"Inline \(a^2 + b^2\) too", (("a^2 + b^2", False),)),
        ("$$\\int_0^1 x\\,dx$$", (("\\int_0^1 x\\,dx", True),)),
        ("\\[\n\\sum_i i\n\\]", (("\\sum_i i", True),)),
        ("It costs $5 and $10, or $ 3 $.", ()),
        ("Between $3$4 and `$x$` in code", ()),
        ("```\n$x$\n```", ()),
    ],
)
def test_formulas_are_found_as_pandoc_finds_them(source, formulas):
    assert render_markdown(source).formulas == formulas


def test_a_formula_renders_to_an_image_and_keeps_its_source_for_copy(qtbot):
    view = MessageView()
    qtbot.addWidget(view)
    view.show_conversation([answer("Euler: $e^{i\\pi} + 1 = 0$.\n\n$$\\frac{a}{b}$$")])
    qtbot.waitUntil(lambda: view.toHtml().count('src="mathimg:') == 2, timeout=30_000)
    html = view.toHtml()
    assert html.count('src="mathimg:') == 2
    assert "e^{i\\pi}" not in html  # typeset, not shown as source ...
    text = view.toPlainText()
    assert "$e^{i\\pi} + 1 = 0$" in text and "$$\\frac{a}{b}$$" in text  # ... but copied as it
    cursor = view.textCursor()
    cursor.select(QTextCursor.SelectionType.Document)
    view.setTextCursor(cursor)
    assert "$e^{i\\pi} + 1 = 0$" in view.createMimeDataFromSelection().text()


def test_crisp_at_twice_the_pixel_ratio():
    one = formula_png("x^2", display=False, colour="#000000", point_size=10, dpi=96)
    two = formula_png("x^2", display=False, colour="#000000", point_size=10, dpi=192)
    assert one and two and len(two) > len(one)
    from PySide6.QtGui import QImage

    image = QImage.fromData(two)
    assert image.width() >= 2 * QImage.fromData(one).width() - 2
    assert image.pixelColor(0, 0).alpha() == 0  # transparent: right on a dark page too


def test_bad_latex_falls_back_to_its_source(qtbot):
    assert formula_png("\\frac{1}{", display=False, colour="#000", point_size=10, dpi=96) is None
    view = MessageView()
    qtbot.addWidget(view)
    view.show_conversation([answer("Broken: $\\frac{1}{$ and fine.")])
    assert "mathimg:" not in view.toHtml()
    assert "$\\frac{1}{$" in view.toPlainText()


def test_many_formulas_are_typeset_a_few_per_turn_and_the_window_keeps_answering(qtbot):
    from PySide6.QtCore import QTimer

    from desktop_chat.ui import message_view

    formula_png("y", display=False, colour="#000", point_size=10, dpi=96)  # matplotlib in
    view = MessageView()
    qtbot.addWidget(view)
    view.show()
    count = 120  # ~1 s of typesetting in all: more than one turn's budget
    text = " ".join(f"$a_{{{i}}} + b^{{{i}}}$" for i in range(count))
    ticks: list[float] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start(0)
    started = time.perf_counter()
    view.show_conversation([answer(text)])
    first_pass = time.perf_counter() - started
    shown_at_first = view.toHtml().count('src="mathimg:')
    qtbot.waitUntil(lambda: view.toHtml().count('src="mathimg:') == count, timeout=60_000)
    timer.stop()
    assert 0 < shown_at_first < count  # the rest showed as their source meanwhile
    assert first_pass < 10 * message_view.TYPESET_BUDGET_S + 0.5  # not all of them at once
    assert len(ticks) > 3  # other work ran between the turns


def test_a_hostile_number_of_formulas_leaves_the_extra_ones_as_source(qtbot, monkeypatch):
    from desktop_chat.ui import message_view

    monkeypatch.setattr(message_view, "MAX_FORMULAS", 5)  # 400 in the app: ~4 s of work
    view = MessageView()
    qtbot.addWidget(view)
    view.show_conversation([answer(" ".join(f"$x_{{{i}}}$" for i in range(8)))])
    qtbot.waitUntil(lambda: view.toHtml().count('src="mathimg:') == 5, timeout=30_000)
    qtbot.wait(100)
    assert view.toHtml().count('src="mathimg:') == 5 and not view._pending_math
    assert "$x_{7}$" in view.toPlainText()


def test_matplotlib_is_not_imported_by_a_window_without_formulas(tmp_path):
    code = r"""
import sys
from PySide6.QtWidgets import QApplication
app = QApplication([])
from desktop_chat.domain import Message, Role, utc_now
from desktop_chat.ui.message_view import MessageView
view = MessageView()
text = "# Title\n\nNo math, just $5 and $10.\n\n```python\nx = 1\n```\n\n"
text += "| a | b |\n|---|---|\n| 1 | 2 |"
view.show_conversation([Message("a", "c", None, Role.ASSISTANT, text, utc_now())])
view.show()
app.processEvents()
assert "matplotlib" not in sys.modules, "matplotlib imported without a formula"
view.show_conversation([Message("a", "c", None, Role.ASSISTANT, "$x^2$", utc_now())])
assert "$x^2$" in view.toPlainText()  # its source, while matplotlib is imported off the GUI thread
import time
deadline = time.monotonic() + 30
while "mathimg:" not in view.toHtml() and time.monotonic() < deadline:
    app.processEvents()
    time.sleep(0.01)
assert "matplotlib" in sys.modules and "mathimg:" in view.toHtml()
print("ok")
"""
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert done.stdout.strip().endswith("ok"), done.stderr[-2000:]

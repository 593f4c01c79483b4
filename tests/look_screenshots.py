"""Screenshots of the look (issue 15), for the README: not a test (no test_ file name); run

    QT_QPA_PLATFORM=offscreen [QT_SCALE_FACTOR=2] LOOK_THEME=light|dark LOOK_SHOTS=DIR \\
        python -m pytest -q -p no:cacheprovider tests/look_screenshots.py

It sends one prompt to the fake server, which answers with markdown, a table, code, math and a
long paragraph; then it points at the answer (so its action buttons show) and saves the window.
"""

from __future__ import annotations

import os
from pathlib import Path

import fake_openai as fake
from PySide6.QtCore import QPoint
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication

from desktop_chat.ui.theme import apply_theme

ANSWER = r"""## Compound interest, briefly

With a rate $r$ per period, a sum grows as $A = P(1 + r)^n$: **exponentially**, not linearly.
Prices such as $5 and $10 stay text. Continuously compounded, the limit is

$$A = P\,e^{rt} = \lim_{n\to\infty} P\left(1 + \frac{r}{n}\right)^{nt}$$

| Years | Simple (5 %) | Compound (5 %) |
|------:|-------------:|---------------:|
| 1     | 1,050        | 1,050          |
| 10    | 1,500        | 1,629          |
| 30    | 2,500        | 4,322          |

```python
def compound(principal: float, rate: float, years: int) -> float:
    # The balance after `years` of yearly compounding.
    return principal * (1 + rate) ** years
```

- Start early: time is the exponent.
- Mind fees: 1 % a year compounds *against* you.

""" + " ".join(
    ["A long paragraph streams without breaks that are not in the text, however long it grows;"] * 8
)


def test_screenshot(qtbot, open_window, controller, fake_openai):
    theme = os.environ.get("LOOK_THEME", "light")
    out = Path(os.environ.get("LOOK_SHOTS", "/tmp"))
    apply_theme(theme)
    try:
        words = ANSWER.split(" ")
        fake_openai.script(fake.reply([w + " " for w in words[:-1]] + [words[-1]]))
        window = open_window(controller)
        window.resize(1280, 860)
        tab = window.current_tab()
        tab.composer.setPlainText("How does compound interest work? Show the formula.")
        tab.send()
        qtbot.waitUntil(lambda: not tab.is_streaming, timeout=10_000)
        qtbot.wait(600)  # the highlighter's worker
        view = tab.message_view
        qtbot.waitUntil(lambda: view.toHtml().count('src="mathimg:') >= 3, timeout=20_000)
        tab.composer.setPlainText("And with monthly contributions?")
        view = tab.message_view
        cursor = QTextCursor(view.document())
        cursor.setPosition(view.document().find("Compound interest").selectionStart())
        point = view.cursorRect(cursor).center() + QPoint(200, 0)
        qtbot.mouseMove(view.viewport(), point)
        qtbot.wait(300)
        QApplication.processEvents()
        suffix = f"-{theme}" + ("-2x" if os.environ.get("QT_SCALE_FACTOR") == "2" else "")
        window.grab().save(str(out / f"look{suffix}.png"))
        # A long paragraph while it streams: no breaks that are not in the text.
        paragraph = " ".join(["Streaming along, one word after another, with no breaks;"] * 60)
        fake_openai.script(fake.reply([w + " " for w in paragraph.split(" ")], delay=0.004))
        tab.composer.setPlainText("Now one very long paragraph, please.")
        tab.send()
        qtbot.waitUntil(lambda: "another" in view.toPlainText()[-3000:], timeout=5_000)
        qtbot.wait(1200)
        window.grab().save(str(out / f"look-streaming{suffix}.png"))
        qtbot.waitUntil(lambda: not tab.is_streaming, timeout=20_000)
    finally:
        apply_theme("system")

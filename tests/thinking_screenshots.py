"""Screenshots of live thinking (issue 12), to look at: not a test (no test_ file name); run

    QT_QPA_PLATFORM=offscreen LOOK_THEME=light|dark LOOK_SHOTS=DIR \\
        python -m pytest -q -p no:cacheprovider tests/thinking_screenshots.py

The fake server thinks aloud for a few seconds, then answers; the window is saved while it
thinks, once the answer streams (the section folded), and with the section opened again.
"""

from __future__ import annotations

import os
from pathlib import Path

import fake_openai as fake
from PySide6.QtCore import QUrl

from desktop_chat.ui.theme import apply_theme

THOUGHT = (
    "The user wants the time for 120 km at 80 km/h. Time is distance over speed: "
    "120 / 80 = 1.5 hours, which is one hour and thirty minutes. Let me double-check: "
    "80 km in the first hour leaves 40 km, half of 80, so half an hour more. Yes, 1.5 h."
)
ANSWER = "It takes **1.5 hours** (1 h 30 min): time = distance ÷ speed = 120 km ÷ 80 km/h."


def test_screenshot(qtbot, open_window, controller, fake_openai):
    theme = os.environ.get("LOOK_THEME", "light")
    out = Path(os.environ.get("LOOK_SHOTS", "/tmp"))
    apply_theme(theme)
    try:
        thought = [w + " " for w in THOUGHT.split(" ")]
        answer = [w + " " for w in ANSWER.split(" ")]
        fake_openai.script(fake.reply(["<think>", *thought, "</think>", *answer], delay=0.06))
        window = open_window(controller)
        window.resize(1100, 720)
        tab = window.current_tab()
        tab.composer.setPlainText("How long does 120 km take at 80 km/h?")
        tab.send()
        view = tab.message_view
        qtbot.waitUntil(lambda: "Let me double-check" in view.toPlainText(), timeout=10_000)
        window.grab().save(str(out / f"thinking-live-{theme}.png"))
        qtbot.waitUntil(lambda: "distance ÷" in view.toPlainText(), timeout=10_000)
        window.grab().save(str(out / f"thinking-folded-{theme}.png"))
        qtbot.waitUntil(lambda: not tab.is_streaming, timeout=10_000)
        qtbot.wait(300)
        message_id = controller.store.get_conversation(tab.conversation.id).messages[-1].id
        view.anchorClicked.emit(QUrl(f"action:thinking/{message_id}"))
        window.grab().save(str(out / f"thinking-done-open-{theme}.png"))
    finally:
        apply_theme("system")

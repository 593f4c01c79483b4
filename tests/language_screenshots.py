"""Screenshots of the window in German, Chinese, Arabic, and English with an Arabic chat, to
look at: not a test (no test_ file name); run

    SHOT_LANG=de|zh_CN|ar|en QT_QPA_PLATFORM=offscreen \\
        python -m pytest -q -p no:cacheprovider tests/language_screenshots.py

Saves /tmp/shots/lang-<language>.png with the chat's parameters panel open.
"""

from __future__ import annotations

import os

import fake_openai as fake
from PySide6.QtCore import QLocale, Qt

from desktop_chat.ui import i18n

SAY = {
    "en": ("مرحبا، كيف حالك؟", ["بخير، شكرا! ", "وأنت؟"]),
    "de": ("Hallo", ["Hallo! ", "Wie kann ich helfen?"]),
    "zh_CN": ("你好", ["你好！", "有什么可以帮你？"]),
    "ar": ("مرحبا", ["مرحبا! ", "كيف يمكنني المساعدة؟"]),
}


def test_shot(qtbot, qapp, open_window, controller, fake_openai):
    lang = os.environ["SHOT_LANG"]
    i18n.install_translators(qapp, lang)
    try:
        prompt, answer = SAY[lang]
        fake_openai.script(fake.reply(answer))
        window = open_window(controller)
        window.resize(1100, 700)
        tab = window.current_tab()
        tab.composer.setPlainText(prompt)
        tab.send()
        qtbot.waitUntil(lambda: not tab.is_streaming, timeout=10_000)
        tab.settings_button.click()
        qtbot.wait(300)
        os.makedirs("/tmp/shots", exist_ok=True)
        window.grab().save(f"/tmp/shots/lang-{lang}.png")
    finally:
        i18n.remove_translators(qapp)
        QLocale.setDefault(QLocale.c())
        qapp.setLayoutDirection(Qt.LayoutDirection.LeftToRight)

"""Screenshots of the settings dialog in each language, to look for cut-off labels: not a
test (no test_ file name); run

    SHOT_LANG=de|zh_CN|en QT_QPA_PLATFORM=offscreen \\
        python -m pytest -q -p no:cacheprovider tests/settings_screenshots.py

Saves /tmp/shots/settings-<language>-<page>.png, one per page of the dialog, at the size
the dialog opens with.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtWidgets import QTabWidget
from test_i18n import language, providers  # noqa: F401 (fixtures)


def test_shot(qtbot, language, providers, make_controller):  # noqa: F811 (the imported fixtures)
    lang = os.environ.get("SHOT_LANG", "de")
    language(lang)
    from desktop_chat.ui.settings_dialog import SettingsDialog

    out = Path("/tmp/shots")
    out.mkdir(exist_ok=True)
    dialog = SettingsDialog(providers, make_controller(providers))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    pages = dialog.findChildren(QTabWidget)
    tabs = pages[0] if pages else None
    for index in range(tabs.count() if tabs is not None else 1):
        if tabs is not None:
            tabs.setCurrentIndex(index)
        qtbot.wait(100)
        dialog.grab().save(str(out / f"settings-{lang}-{index}.png"))

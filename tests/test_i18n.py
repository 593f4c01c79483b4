"""The UI speaks the user's language: every user-visible string of desktop_chat/ui goes through
Qt's translation system, the shipped translations are complete, counts take the language's
plural forms, numbers follow the locale, and right-to-left text and languages are laid out
right to left."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import keyring
import pytest
from keyring_fakes import MemoryKeyring
from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTabBar,
    QTextEdit,
    QWidget,
)

from desktop_chat import settings
from desktop_chat.credentials import KeyStore
from desktop_chat.domain import Message, Role, Usage
from desktop_chat.providers import Providers
from desktop_chat.ui import i18n
from desktop_chat.ui.i18n import translate

ROOT = Path(__file__).resolve().parent.parent
I18N = ROOT / "desktop_chat" / "resources" / "i18n"
SHIPPED = sorted(I18N.glob("desktop_chat_*.ts"))
PLACEHOLDER = re.compile(r"\{[a-z_]*\}|%n")
# Runs of three or more ASCII letters: what an English string left untranslated is made of
# (German words split at their umlauts the same way in the texts and in the vocabulary).
WORD = re.compile(r"[A-Za-z]{3,}")
# What stays as it is in every language: names, protocols, keys, technical terms.
ALLOWED_WORDS = {
    "Desktop", "Chat", "Chats", "OpenAI", "MCP", "JSON", "URL", "API", "HTTP", "Ollama",
    "Ctrl", "Shift", "Esc", "Enter", "Tab", "PgUp", "PgDown", "desktop", "chat", "gpt",
    "mini", "llama", "qwen", "sk-", "stdio", "curl", "Python", "Proxy", "Seed", "Top",
    "Streamable", "OPENAI", "KEY", "BASE", "response", "format", "type", "json", "object",
    "NAME", "npx", "modelcontextprotocol", "server", "filesystem", "https", "example", "com",
    "mcp", "http", "localhost", "Tok", "min", "quick", "ask",
    # Qt's own standard buttons, translated by its qtbase catalogue
    "Abbrechen", "Speichern", "Schlie", "Anwenden", "Hilfe",
}  # fmt: skip


def _messages(ts: Path) -> Iterator[tuple[str, str, ET.Element, list[str]]]:
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            assert translation is not None
            forms = [f.text or "" for f in translation.iter("numerusform")]
            yield (
                name,
                message.findtext("source") or "",
                translation,
                forms or [translation.text or ""],
            )


def _translations(ts: Path) -> set[str]:
    return {form for _c, _s, _t, forms in _messages(ts) for form in forms}


@pytest.fixture
def language(qapp: QApplication) -> Iterator[object]:
    """`language("de")` loads that translation (and locale) for the test; undone after."""
    before = QLocale()
    direction = qapp.layoutDirection()

    def load(code: str) -> None:
        i18n.install_translators(qapp, code)

    yield load
    i18n.remove_translators(qapp)
    QLocale.setDefault(before)
    qapp.setLayoutDirection(direction)


@pytest.fixture
def providers(tmp_path: Path) -> Iterator[Providers]:
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    yield Providers(KeyStore({}), tmp_path / "settings.json", {})
    keyring.set_keyring(previous)


def shown_texts(root: QWidget) -> dict[str, str]:
    """Every text a user can read in `root` and its children (shown or not yet): labels,
    buttons, actions (menus included), tooltips, placeholders, tab and window titles."""
    texts: dict[str, str] = {}

    def add(text: str, where: str) -> None:
        text = re.sub(r"<[^>]+>", "", text).strip()  # rich-text tooltips: their words only
        if text:
            texts.setdefault(text, where)

    widgets = [root, *root.findChildren(QWidget)]
    for widget in widgets:
        name = f"{type(widget).__name__}#{widget.objectName()}"
        add(widget.toolTip(), name + " tooltip")
        if widget.isWindow():
            add(widget.windowTitle(), name + " title")
        if isinstance(widget, QLabel) and widget.textFormat() != Qt.TextFormat.RichText:
            add(re.sub(r"<[^>]+>", "", widget.text()), name)
        elif isinstance(widget, QAbstractButton):
            add(widget.text(), name)
        elif isinstance(widget, QLineEdit | QPlainTextEdit | QTextEdit):
            add(widget.placeholderText(), name + " placeholder")
        elif isinstance(widget, QTabBar):
            for index in range(widget.count()):
                add(widget.tabText(index), name + " tab")
                add(widget.tabToolTip(index), name + " tab tooltip")
        for action in widget.actions():
            add(action.text(), f"{name} action {action.objectName()}")
            add(action.toolTip() if action.toolTip() != action.text().replace("&", "") else "", "")
            if action.menu() is not None:
                for item in action.menu().actions():
                    add(item.text(), f"{name} menu item {item.objectName()}")
    return texts


def untranslated(texts: dict[str, str], ts: Path) -> dict[str, str]:
    """The texts that read as English: a source string shown as it is though its translation
    differs, or words that no translation (nor the allow-list) has, i.e. a string that went
    around `translate` altogether."""
    sources = {s for _c, s, _t, forms in _messages(ts) if all(f != s for f in forms)}
    vocabulary = set(ALLOWED_WORDS)
    for text in _translations(ts):
        vocabulary.update(WORD.findall(text.replace("&", "")))
    plain_sources = {s.replace("&", "") for s in sources}
    found = {}
    for text, where in texts.items():
        plain = text.replace("&", "")
        foreign = [word for word in WORD.findall(plain) if word not in vocabulary]
        if plain in plain_sources or foreign:
            found[text] = where
    return found


# --- the shipped translations -------------------------------------------------------------


def test_german_and_chinese_are_shipped_compiled() -> None:
    for code in ("de", "zh_CN"):
        assert (I18N / f"desktop_chat_{code}.ts").is_file()
        qm = I18N / f"desktop_chat_{code}.qm"
        assert qm.is_file() and qm.stat().st_mtime >= 0 and qm.stat().st_size > 1000


@pytest.mark.parametrize("ts", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_every_entry_is_finished_and_keeps_its_placeholders(ts: Path) -> None:
    problems = []
    for context, source, translation, forms in _messages(ts):
        where = f"{context}: {source!r}"
        if translation.get("type") in ("unfinished", "vanished", "obsolete"):
            problems.append(f"{where} is {translation.get('type')}")
            continue
        wanted = sorted(PLACEHOLDER.findall(source))
        for form in forms:
            if not form:
                problems.append(f"{where} has an empty translation")
            elif sorted(PLACEHOLDER.findall(form)) != wanted:
                problems.append(f"{where}: placeholders {wanted} became {form!r}")
            # An accelerator (&x) stays one; a literal && may become a word ("und", "并"), never
            # a lone & (which would turn the next letter into an accelerator).
            if source.replace("&&", "").count("&") != form.replace("&&", "").count("&"):
                problems.append(f"{where}: accelerator lost or doubled in {form!r}")
    assert problems == []


def test_the_translations_are_up_to_date_with_the_code() -> None:
    """Each translate("Context", "text") literal in ui/ and app.py has its .ts entry, so a
    new string cannot ship untranslated because lupdate was not run."""
    import ast

    wanted = set()
    for path in [*(ROOT / "desktop_chat" / "ui").glob("*.py"), ROOT / "desktop_chat" / "app.py"]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", getattr(node.func, "attr", None))
                in ("translate", "QT_TRANSLATE_NOOP")
                and len(node.args) >= 2
                and all(isinstance(a, ast.Constant) for a in node.args[:2])
            ):
                wanted.add((node.args[0].value, node.args[1].value))
    for code in ("de", "zh_CN"):
        have = {(c, s) for c, s, _t, _f in _messages(I18N / f"desktop_chat_{code}.ts")}
        assert wanted - have == set(), f"run tools/build_translations.py ({code})"


# --- German ------------------------------------------------------------------------------


def test_the_main_window_speaks_german(language, open_window, controller) -> None:
    language("de")
    window = open_window(controller)
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus[:3] == ["&Datei", "&Ansicht", "&Hilfe"]
    tab = window.current_tab()
    assert tab.composer.placeholderText().startswith("Nachricht – Eingabe: senden")
    assert tab.send_button.toolTip() == "Senden (Eingabe)"
    assert window.tabs.tabText(window.tabs.currentIndex()).endswith("Neuer Chat")
    texts = shown_texts(window)
    assert "&Neuer Chat" in texts and "Chat &schließen" in texts
    assert untranslated(texts, I18N / "desktop_chat_de.ts") == {}


def test_the_settings_dialog_speaks_german(language, providers, make_controller) -> None:
    language("de")
    from desktop_chat.ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(providers, make_controller(providers))
    try:
        assert dialog.windowTitle() == "Einstellungen"
        assert dialog.test_button.text() == "Verbindung testen"
        texts = shown_texts(dialog)
        assert "Dieses Profil für neue Chats verwenden" in texts
        assert untranslated(texts, I18N / "desktop_chat_de.ts") == {}
    finally:
        dialog.deleteLater()


def test_the_quick_ask_window_speaks_german(language, qtbot, controller) -> None:
    language("de")
    from desktop_chat.ui.quick_ask import QuickAskWindow

    popup = QuickAskWindow(controller)
    qtbot.addWidget(popup)
    assert popup.input.placeholderText() == "Fragen Sie etwas – Eingabe: fragen, Esc: schließen"
    assert popup.copy_button.text() == "Antwort kopieren"
    assert untranslated(shown_texts(popup), I18N / "desktop_chat_de.ts") == {}


def test_the_check_catches_a_string_that_bypasses_translation(language, qtbot) -> None:
    """The acceptance check itself: an English string set without `translate` is found."""
    language("de")
    from PySide6.QtWidgets import QPushButton, QVBoxLayout

    box = QWidget()
    qtbot.addWidget(box)
    layout = QVBoxLayout(box)
    layout.addWidget(QPushButton(translate("CompareColumn", "Retry"), box))
    assert untranslated(shown_texts(box), I18N / "desktop_chat_de.ts") == {}
    layout.addWidget(QPushButton("Retry", box))  # a source string, shown untranslated
    layout.addWidget(QLabel("Export finished", box))  # a string lupdate never saw
    assert set(untranslated(shown_texts(box), I18N / "desktop_chat_de.ts")) == {
        "Retry",
        "Export finished",
    }


def test_counts_take_the_german_plural(language) -> None:
    language("de")
    assert translate("MainWindow", "%n chat(s)", "", 1) == "1 Chat"
    assert translate("MainWindow", "%n chat(s)", "", 5) == "5 Chats"
    assert translate("MainWindow", "Deleted %n conversation(s) for good.", "", 1) == (
        "1 Unterhaltung endgültig gelöscht."
    )
    assert translate("MainWindow", "Deleted %n conversation(s) for good.", "", 5) == (
        "5 Unterhaltungen endgültig gelöscht."
    )
    assert translate("MessageView", "Thinking (%n words)", "", 1) == "Gedanken (1 Wort)"


@pytest.mark.parametrize("code", ["en", "en_GB", "C"])
def test_counts_in_english_say_one_chat_and_two_chats(language, code) -> None:
    language(code)
    assert translate("MainWindow", "%n chat(s)", "", 1) == "1 chat"
    assert translate("MainWindow", "%n chat(s)", "", 2) == "2 chats"
    assert translate("MessageView", "Thinking (%n words)", "", 1) == "Thinking (1 word)"
    assert translate("MessageView", "Thinking (%n words)", "", 3) == "Thinking (3 words)"


def test_every_count_has_its_english_forms() -> None:
    """Each %n text in the code has its English singular and plural, so none shows "(s)"."""
    counts = {
        (c, s)
        for c, s, _t, _f in _messages(I18N / "desktop_chat_de.ts")
        if "%n" in s  # the de file holds every string of the code (checked above)
    }
    english = {(c, s): forms for c, s, _t, forms in _messages(I18N / "desktop_chat_en.ts")}
    assert counts and counts == set(english)
    for forms in english.values():
        assert len(forms) == 2 and all(f and "(s)" not in f for f in forms)


def _answer(content: str, usage: Usage | None = None) -> Message:
    return Message(
        id="m1",
        conversation_id="c1",
        parent_id=None,
        role=Role.ASSISTANT,
        content=content,
        created_at=datetime(2026, 3, 4, 14, 5, tzinfo=UTC),
        model="gpt-4o-mini",
        usage=usage,
    )


def test_numbers_in_the_usage_line_follow_the_locale(language, qtbot) -> None:
    from desktop_chat.ui.message_view import MessageView

    view = MessageView()
    qtbot.addWidget(view)
    usage = Usage(prompt_tokens=1234, completion_tokens=56789, first_token_ms=310)
    language("en_US")
    assert view.usage_text(_answer("Hi", usage)).startswith("1,234 + 56,789 tokens · 0.31 s")
    language("de")
    line = view.usage_text(_answer("Hallo", usage))
    assert line.startswith("1.234 + 56.789 Tokens · 0,31 s bis zum ersten Token"), line
    assert i18n.money(0.015) == "0,0150\u00a0$"
    assert i18n.compact_tokens(12_400) == "12,4k"


def test_dates_follow_the_locale(language) -> None:
    moment = datetime(2026, 3, 4, 14, 5, tzinfo=UTC).astimezone()
    language("de")
    shown = i18n.short_datetime(moment)
    assert shown.startswith("04.03.26") and moment.strftime("%H:%M") in shown
    language("en_US")
    assert i18n.short_datetime(moment).startswith("3/4/26")


# --- Chinese -----------------------------------------------------------------------------


def test_the_main_window_speaks_chinese(language, open_window, controller) -> None:
    language("zh_CN")
    window = open_window(controller)
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus[:3] == ["文件(&F)", "视图(&V)", "帮助(&H)"]
    tab = window.current_tab()
    assert tab.send_button.toolTip() == "发送 (Enter)"
    assert untranslated(shown_texts(window), I18N / "desktop_chat_zh_CN.ts") == {}


# --- right to left -----------------------------------------------------------------------


def _block_of(view: QTextEdit, text: str):
    block = view.document().begin()
    while block.isValid():
        if text in block.text():
            return block
        block = block.next()
    raise AssertionError(f"{text!r} is not shown")


@pytest.mark.parametrize("ui_language", ["en_US", "de"])
def test_a_message_in_arabic_is_right_aligned_whatever_the_ui_language(
    language, qtbot, ui_language
) -> None:
    from desktop_chat.ui.message_view import MessageView

    language(ui_language)
    view = MessageView()
    qtbot.addWidget(view)
    arabic = "مرحبا، كيف حالك اليوم؟"
    hebrew = "שלום, מה שלומך?"
    user = _answer(f"{arabic}\n\nسطر ثان").__class__(
        id="u1",
        conversation_id="c1",
        parent_id=None,
        role=Role.USER,
        content=f"{arabic}\n\nسطر ثان",
        created_at=datetime(2026, 3, 4, 14, 5, tzinfo=UTC),
    )
    view.show_conversation(
        [user, _answer(hebrew), _answer("An English answer, with مرحبا inside.")]
    )
    for text in (arabic, "سطر ثان", hebrew):
        block = _block_of(view, text)
        assert block.blockFormat().layoutDirection() == Qt.LayoutDirection.RightToLeft, text
        assert block.blockFormat().alignment() & Qt.AlignmentFlag.AlignRight, text
        # Absolute: in a right-to-left block a plain AlignRight would mean the left edge.
        assert block.blockFormat().alignment() & Qt.AlignmentFlag.AlignAbsolute, text
    view.resize(800, 600)
    view.show()
    qtbot.waitExposed(view)
    block = _block_of(view, arabic)
    line = block.layout().lineAt(0)
    # Drawn at the right of the column: it ends near the right edge, far from the left.
    assert line.naturalTextRect().right() > line.rect().right() - 5
    assert line.naturalTextRect().left() > line.rect().left() + 100
    english = _block_of(view, "An English answer")
    assert english.blockFormat().layoutDirection() != Qt.LayoutDirection.RightToLeft


def test_right_to_left_text_is_told_by_its_first_strong_character() -> None:
    from desktop_chat.ui.message_view import written_right_to_left

    assert written_right_to_left("مرحبا")
    assert written_right_to_left("  1. «שלום» world")
    assert written_right_to_left("```\n42\n``` مرحبا")
    assert not written_right_to_left("Hello مرحبا")
    assert not written_right_to_left("Grüße, مرحبا")
    assert not written_right_to_left("你好 مرحبا")
    assert not written_right_to_left("")


def _start(env: dict[str, str], code: str) -> str:
    environ = {k: v for k, v in os.environ.items() if k not in ("LANG", "LANGUAGE", "LC_ALL")}
    environ.update(QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT), **env)
    done = subprocess.run(
        [sys.executable, "-c", code], env=environ, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


_SHOW = """
import sys
from PySide6.QtWidgets import QApplication
from desktop_chat.ui import i18n
app = QApplication(sys.argv[:1])
i18n.install_translators(app, i18n.language_setting())
print(app.layoutDirection().name, i18n.translate("MainWindow", "&File"), i18n.number(1234))
"""


def test_with_lang_ar_the_layout_is_mirrored(tmp_path: Path) -> None:
    shown = _start({"LANG": "ar_EG.UTF-8", "XDG_CONFIG_HOME": str(tmp_path)}, _SHOW)
    assert shown.split()[0] == "RightToLeft", shown
    assert shown.split()[1] == "&File"  # no Arabic translation yet: English, mirrored
    shown = _start({"LANG": "he_IL.UTF-8", "XDG_CONFIG_HOME": str(tmp_path)}, _SHOW)
    assert shown.split()[0] == "RightToLeft", shown


def test_the_system_locale_chooses_the_language(tmp_path: Path) -> None:
    env = {"XDG_CONFIG_HOME": str(tmp_path)}
    assert _start({**env, "LANG": "de_DE.UTF-8"}, _SHOW) == "LeftToRight &Datei 1.234"
    assert _start({**env, "LANG": "zh_CN.UTF-8"}, _SHOW) == "LeftToRight 文件(&F) 1,234"
    assert _start({**env, "LANG": "en_US.UTF-8"}, _SHOW) == "LeftToRight &File 1,234"
    # LANGUAGE, the list of preferred languages, wins over LANG for the messages.
    shown = _start({**env, "LANG": "en_US.UTF-8", "LANGUAGE": "de:en"}, _SHOW)
    assert "&Datei" in shown


def test_the_language_setting_wins_over_the_system(tmp_path: Path) -> None:
    folder = tmp_path / "desktop-chat"
    folder.mkdir()
    (folder / "settings.json").write_text(json.dumps({"language": "zh_CN"}))
    env = {"XDG_CONFIG_HOME": str(tmp_path), "LANG": "de_DE.UTF-8"}
    assert _start(env, _SHOW).split()[1] == "文件(&F)"
    (folder / "settings.json").write_text(json.dumps({"language": "en"}))
    assert _start(env, _SHOW).split()[1] == "&File"
    (folder / "settings.json").write_text(json.dumps({"language": ""}))
    assert _start(env, _SHOW).split()[1] == "&Datei"
    (folder / "settings.json").write_text("{damaged")
    assert _start(env, _SHOW).split()[1] == "&Datei"  # unreadable: the system's


def test_the_language_setting_is_kept_and_chosen_in_settings(
    tmp_path: Path, providers, make_controller
) -> None:
    path = tmp_path / "s.json"
    settings.save(settings.Settings(language="de"), path)
    assert settings.load(path).language == "de"
    assert i18n.language_setting(path) == "de"
    assert settings.load(tmp_path / "missing.json").language == ""

    from desktop_chat.ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(providers, make_controller(providers))
    try:
        box = dialog.language_box
        assert box.currentData() == ""  # the system's, by default
        codes = [box.itemData(i) for i in range(box.count())]
        assert codes[:1] == [""] and {"de", "zh_CN", "en"} <= set(codes)
        box.setCurrentIndex(codes.index("zh_CN"))
        dialog._save()
        assert providers.settings.language == "zh_CN"
        assert settings.load(tmp_path / "settings.json").language == "zh_CN"
    finally:
        dialog.deleteLater()

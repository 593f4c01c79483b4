"""Translation: every user-visible string goes through `translate(context, text)`.

`translate` is Qt's `QCoreApplication.translate` by a name that `pyside6-lupdate` reads as
"context, source text" (context first), so the context never depends on which subclass a
method runs in (PySide's `self.tr` takes the class of `self`). Strings with a count use
`%n` and the `n` argument, which picks the language's plural form. Cheap to import: only
QtCore's QCoreApplication, never the `Qt` namespace (this is imported before the first paint).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication

if TYPE_CHECKING:
    from datetime import datetime  # annotations only: datetime stays off the pre-paint path
    from pathlib import Path

    from PySide6.QtCore import QLocale, QTranslator

# The languages shipped in resources/i18n, by their .qm name, each named in itself (the
# Settings dialog lists them); English is the source language and needs no file.
LANGUAGES = {"en": "English", "de": "Deutsch", "zh_CN": "简体中文"}


def translate(context: str, text: str, disambiguation: str | None = None, n: int = -1) -> str:
    """`text` in the UI language (as it is when no translation is loaded)."""
    return QCoreApplication.translate(context, text, disambiguation, n)


def number(value: int) -> str:
    """An integer with the locale's digit grouping: 1234 -> "1,234", "1.234" in German."""
    return _locale().toString(int(value))


def decimal(value: float, places: int) -> str:
    """A decimal with the locale's separators: 0.31 -> "0,31" in German."""
    return _locale().toString(float(value), "f", places)


def money(value: float) -> str:
    """A cost in US dollars as the locale writes money: "$0.0150", "0,0150 $" in German."""
    return _locale().toCurrencyString(float(value), "$", 4 if value < 1 else 2)


def _locale() -> QLocale:
    """The default locale; the C locale (LANG=C, or unset) writes numbers as US English does,
    as the app did before it followed the locale ("1,234", "$0.0150")."""
    from PySide6.QtCore import QLocale

    locale = QLocale()
    if locale.language() == QLocale.Language.C:
        return QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)
    return locale


def compact_tokens(count: int) -> str:
    """12400 -> "12.4k" ("12,4k" in German), 128000 -> "128k", 1047576 -> "1M"."""
    if count < 1000:
        return number(count)
    if count < 1_000_000:
        return _compact(count / 1000, "k")
    return _compact(count / 1_000_000, "M")


def _compact(value: float, unit: str) -> str:
    if value >= 100:
        return number(round(value)) + unit
    text = decimal(value, 1)
    zero = decimal(0, 1)  # "0.0" or "0,0": drop a trailing ".0"
    return (text[: -len(zero) + 1] if text.endswith(zero[1:]) else text) + unit


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:
    """Marks `text` for lupdate where it is defined; `translate(context, text)` shows it."""
    del context
    return text


def short_datetime(moment: datetime) -> str:
    """A date and time as the locale writes it briefly, in local time ("07.12.26 14:05")."""
    from PySide6.QtCore import QDate, QDateTime, QLocale, QTime

    local = moment.astimezone()
    if QLocale().language() == QLocale.Language.C:
        return f"{local:%Y-%m-%d %H:%M}"  # LANG=C: the ISO form the app showed before
    shown = QDateTime(
        QDate(local.year, local.month, local.day), QTime(local.hour, local.minute, local.second)
    )
    return QLocale().toString(shown, QLocale.FormatType.ShortFormat)


def short_time(moment: datetime) -> str:
    """A time of day as the locale writes it briefly, in local time ("14:05", "2:05 PM")."""
    from PySide6.QtCore import QLocale, QTime

    local = moment.astimezone()
    if QLocale().language() == QLocale.Language.C:
        return f"{local:%H:%M}"
    return QLocale().toString(QTime(local.hour, local.minute), QLocale.FormatType.ShortFormat)


# --- choosing and loading the language (called by app.py before the window is built) ------


def translations_dir() -> Path:
    """Where the compiled .qm files are (inside the package: installs need no build step)."""
    from desktop_chat.resources import resource_path

    return resource_path("i18n")


def chosen_locale(setting: str = "") -> QLocale:
    """The UI locale: the `language` setting when set, else the system's (LANG/LANGUAGE)."""
    from PySide6.QtCore import QLocale

    return QLocale(setting) if setting else QLocale.system()


def install_translators(app: QCoreApplication, setting: str = "") -> list[QTranslator]:
    """Load the app's translation (and Qt's own qtbase, for the standard buttons and dialogs)
    for the chosen language, make that locale the default (numbers, dates), and mirror the
    layout for a right-to-left language. Returns the translators (kept alive by `app` too).
    English loads only its plural forms ("1 chat", "2 chats"), also for the C locale."""
    from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator

    remove_translators(app)
    locale = chosen_locale(setting)
    QLocale.setDefault(locale)
    installed: list[QTranslator] = []
    ours = QTranslator(app)
    # Tries desktop_chat_de_DE, desktop_chat_de, ... following the locale's uiLanguages.
    found = ours.load(locale, "desktop_chat", "_", str(translations_dir()))
    if not found and locale.language() in (QLocale.Language.C, QLocale.Language.English):
        found = ours.load("desktop_chat_en", str(translations_dir()))  # LANG=C: no uiLanguages
    if found:
        app.installTranslator(ours)
        installed.append(ours)
    qt_folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    qt = QTranslator(app)
    if locale.language() != QLocale.Language.English and qt.load(locale, "qtbase", "_", qt_folder):
        app.installTranslator(qt)
        installed.append(qt)
    if is_right_to_left(locale) and hasattr(app, "setLayoutDirection"):
        # Qt mirrors by itself only when a loaded translation says so; without one (no
        # Arabic .qm yet) the locale decides. The `Qt` namespace only here: LTR starts skip it.
        from PySide6.QtCore import Qt

        app.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
    _installed.extend(installed)
    return installed


_installed: list[QTranslator] = []


def remove_translators(app: QCoreApplication) -> None:
    """Take out what `install_translators` put in (a new choice, or a test's cleanup)."""
    while _installed:
        translator = _installed.pop()
        app.removeTranslator(translator)
        translator.deleteLater()


_RTL_SCRIPTS = ("Arabic", "Hebrew", "Syriac", "Thaana", "Nko", "Adlam", "Mandaean", "Samaritan")


def is_right_to_left(locale: QLocale) -> bool:
    """Whether the locale writes right to left, judged by its script (QLocale's own enum:
    `textDirection()` would return one of the `Qt` namespace, built lazily and slowly)."""
    from PySide6.QtCore import QLocale

    script = locale.script()
    return any(script == getattr(QLocale.Script, f"{name}Script", None) for name in _RTL_SCRIPTS)


def language_setting(path: Path | None = None) -> str:
    """The `language` of settings.json, read on its own (cheap, before the first paint; the
    full settings load after it). Anything unreadable counts as "" (the system's)."""
    import json

    from desktop_chat import paths  # not the settings module: it costs ~20 ms before paint

    try:
        data = json.loads((path or paths.settings_path()).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ""
    value = data.get("language") if isinstance(data, dict) else None
    return value if isinstance(value, str) else ""


UNTITLED = "New chat"  # the title the controller and the store give a chat before it has one


def shown_title(title: str) -> str:
    """A chat's title as shown: the stored placeholder title in the UI language."""
    return translate("MainWindow", "New chat") if title == UNTITLED else title

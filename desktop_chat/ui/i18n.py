"""Translation: every user-visible string goes through `translate(context, text)`.

`translate` is Qt's `QCoreApplication.translate` by a name that `pyside6-lupdate` reads as
"context, source text" (context first), so the context never depends on which subclass a
method runs in (PySide's `self.tr` takes the class of `self`). Strings with a count use
`%n` and the `n` argument, which picks the language's plural form. Cheap to import: only
QtCore's QCoreApplication, never the `Qt` namespace (this is imported before the first paint).
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QCoreApplication


def translate(context: str, text: str, disambiguation: str | None = None, n: int = -1) -> str:
    """`text` in the UI language (as it is when no translation is loaded)."""
    return QCoreApplication.translate(context, text, disambiguation, n)


def number(value: int) -> str:
    """An integer with the locale's digit grouping: 1234 -> "1,234", "1.234" in German."""
    from PySide6.QtCore import QLocale

    return QLocale().toString(int(value))


def decimal(value: float, places: int) -> str:
    """A decimal with the locale's separators: 0.31 -> "0,31" in German."""
    from PySide6.QtCore import QLocale

    return QLocale().toString(float(value), "f", places)


def money(value: float) -> str:
    """A cost in US dollars as the locale writes money: "$0.0150", "0,0150 $" in German."""
    from PySide6.QtCore import QLocale

    return QLocale().toCurrencyString(float(value), "$", 4 if value < 1 else 2)


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
    shown = QDateTime(
        QDate(local.year, local.month, local.day), QTime(local.hour, local.minute, local.second)
    )
    return QLocale().toString(shown, QLocale.FormatType.ShortFormat)

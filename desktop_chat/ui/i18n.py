"""Translation: every user-visible string goes through `translate(context, text)`.

`translate` is Qt's `QCoreApplication.translate` by a name that `pyside6-lupdate` reads as
"context, source text" (context first), so the context never depends on which subclass a
method runs in (PySide's `self.tr` takes the class of `self`). Strings with a count use
`%n` and the `n` argument, which picks the language's plural form. Cheap to import: only
QtCore's QCoreApplication, never the `Qt` namespace (this is imported before the first paint).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def translate(context: str, text: str, disambiguation: str | None = None, n: int = -1) -> str:
    """`text` in the UI language (as it is when no translation is loaded)."""
    return QCoreApplication.translate(context, text, disambiguation, n)

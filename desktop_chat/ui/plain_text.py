"""Text that came from outside (titles, snippets, model output) shown where Qt would guess.

QToolTip, QLabel and QMessageBox render any string that "might be rich text" as HTML: a chat
titled `<img src="file:///…">` would load a file into a tooltip. Wrapped and escaped here, it
shows literally, line breaks kept.
"""

from __future__ import annotations

import html


def plain_tooltip(text: str) -> str:
    if not text:
        return ""
    return '<p style="white-space:pre-wrap">' + html.escape(text, quote=False) + "</p>"

"""Streaming costs the same for any text: an answer with no spaces (CJK, base64, minified
code) is not dearer than text of the same length and chunking (issue 19, case 4).

CPU time (process_time) of this process, compared within one test: a ratio, not a time limit.
"""

from __future__ import annotations

import time

from PySide6.QtWidgets import QApplication

from desktop_chat.domain import Message, MessageStatus, Role, utc_now
from desktop_chat.ui.message_view import LIVE_BLOCK_CHARS, MessageView

CHARS = 30_000
CHUNK = 6
FRAME_EVERY = 20  # chunks between repaints, about what a 60 fps stream of fast tokens gets


def _streaming_view(qtbot, show: bool = True) -> MessageView:
    view = MessageView()
    qtbot.addWidget(view)
    view.resize(860, 560)
    if show:
        view.show()
        qtbot.waitExposed(view)
    view.begin_stream(
        Message("a", "c", None, Role.ASSISTANT, "", utc_now(), status=MessageStatus.STREAMING)
    )
    return view


def _stream_cpu_seconds(qtbot, text: str) -> float:
    view = _streaming_view(qtbot)
    app = QApplication.instance()
    started = time.process_time()
    for number, start in enumerate(range(0, len(text), CHUNK)):
        view.append_delta(text[start : start + CHUNK])
        if number % FRAME_EVERY == 0:
            view.viewport().repaint()
            app.processEvents()
    view.viewport().repaint()
    app.processEvents()
    spent = time.process_time() - started
    shown = view.document().toPlainText().replace("\n", "").replace(" ", "")
    assert shown.endswith(text[-200:].replace(" ", ""))  # nothing lost at the block breaks
    return spent


def _prose(length: int) -> str:
    words = ("streaming", "answer", "model", "tokens", "quick", "window", "paragraph", "a")
    return " ".join(words[i % len(words)] for i in range(length // 3))[:length]


def test_an_answer_without_spaces_costs_no_more_than_prose(qtbot):
    _stream_cpu_seconds(qtbot, _prose(3000))  # warm up fonts and the layout engine
    spaced = min(_stream_cpu_seconds(qtbot, _prose(CHARS)) for _ in range(2))
    base64ish = ("aGVsbG8gd29ybGQ0123456789+/" * CHARS)[:CHARS]
    spaceless = min(_stream_cpu_seconds(qtbot, base64ish) for _ in range(2))
    assert spaceless < 2 * spaced, (spaceless, spaced)


def test_cjk_without_spaces_costs_no_more_than_cjk_with_spaces(qtbot):
    # CJK glyphs cost more to shape than Latin ones whatever the spacing: compare like with like.
    _stream_cpu_seconds(qtbot, "漢字 かな" * 300)
    spaced = _stream_cpu_seconds(qtbot, ("漢字かな 交じり文 " * CHARS)[: CHARS // 2])
    spaceless = _stream_cpu_seconds(qtbot, ("漢字かな交じり文" * CHARS)[: CHARS // 2])
    assert spaceless < 2 * spaced, (spaceless, spaced)


def test_spaceless_streaming_cost_grows_linearly(qtbot):
    text = "0123456789abcdef" * CHARS
    _stream_cpu_seconds(qtbot, text[:3000])
    half = _stream_cpu_seconds(qtbot, text[: CHARS // 2])
    whole = _stream_cpu_seconds(qtbot, text[:CHARS])
    assert whole < 3 * half, (whole, half)  # quadratic would be 4x


def test_a_spaceless_answer_is_split_into_bounded_live_blocks(qtbot):
    view = _streaming_view(qtbot, show=False)
    text = "x" * 20_000
    for start in range(0, len(text), CHUNK):
        view.append_delta(text[start : start + CHUNK])
    longest = 0
    block = view.document().begin()
    while block.isValid():
        longest = max(longest, block.length())
        block = block.next()
    assert longest <= LIVE_BLOCK_CHARS + CHUNK + 1
    assert view.document().toPlainText().count("x") == len(text)

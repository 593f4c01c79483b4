"""Split a leading <think>…</think> block off streamed content (DeepSeek-R1, Qwen3, gpt-oss
through servers that put thinking into the content). Pure; no Qt.

Only a block at the very start counts (after whitespace): a `<think>` later in an answer is
text the model wrote. A tag split across chunks is held back until it is whole.
"""

from __future__ import annotations

OPEN, CLOSE = "<think>", "</think>"


class ThinkSplitter:
    """feed(chunk) -> (reasoning, answer) text to show now.

    States: start (not yet known), thinking, after (</think> seen, no answer text yet), answer.
    """

    def __init__(self) -> None:
        self._state = "start"  # start -> thinking -> answer, or start -> answer
        self._held = ""

    @property
    def passthrough(self) -> bool:
        """True once everything further is answer text (the fast path)."""
        return self._state == "answer" and not self._held

    def feed(self, chunk: str) -> tuple[str, str]:
        if self._state == "after":  # the blank lines between </think> and the answer go
            chunk = chunk.lstrip()
            if not chunk:
                return "", ""
            self._state = "answer"
        if self._state == "answer":
            held, self._held = self._held, ""
            return "", held + chunk
        text = self._held + chunk
        self._held = ""
        if self._state == "start":
            stripped = text.lstrip()
            if not stripped or (len(stripped) < len(OPEN) and OPEN.startswith(stripped)):
                self._held = text  # not yet known
                return "", ""
            if not stripped.startswith(OPEN):
                self._state = "answer"
                return "", text
            self._state = "thinking"
            text = stripped[len(OPEN) :]
        end = text.find(CLOSE)
        if end >= 0:
            answer = text[end + len(CLOSE) :].lstrip()
            self._state = "answer" if answer else "after"
            return text[:end], answer
        keep = _partial_suffix(text, CLOSE)
        self._held = text[len(text) - keep :] if keep else ""
        return text[: len(text) - keep], ""

    def finish(self) -> tuple[str, str]:
        """What is still held when the stream ends."""
        held, self._held = self._held, ""
        if self._state == "thinking":
            return held, ""
        return "", held


def _partial_suffix(text: str, tag: str) -> int:
    """How many characters at the end of `text` could begin `tag`."""
    for size in range(min(len(tag) - 1, len(text)), 0, -1):
        if tag.startswith(text[-size:]):
            return size
    return 0

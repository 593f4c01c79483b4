"""Split a leading <think>…</think> block off streamed content (DeepSeek-R1, Qwen3, gpt-oss
through servers that put thinking into the content). Pure; no Qt.

Only a block at the very start counts (after whitespace): a `<think>` later in an answer is
text the model wrote. A tag split across chunks is held back until it is whole.

Qwen3's chat template (through llama.cpp and others) puts the opening `<think>` in the prompt,
so the content starts with the thinking itself and only a lone `</think>` shows where it ends.
Such text has already been shown as answer when the tag comes: `recast` then tells the
consumer to drop the answer it has, and the thinking (all of it) follows as reasoning.
"""

from __future__ import annotations

OPEN, CLOSE = "<think>", "</think>"
RECAST_WITHIN = 100_000  # characters of answer in which a lone </think> still recasts it


class ThinkSplitter:
    """feed(chunk) -> (reasoning, answer) text to show now.

    States: start (not yet known), thinking, after (</think> seen, no answer text yet), answer.
    """

    def __init__(self) -> None:
        self._state = "start"  # start -> thinking -> answer, or start -> unsure -> answer
        self._held = ""
        self._shown: list[str] = []  # unsure: the answer so far, in case a </think> recasts it
        self._shown_length = 0
        self._tail = ""  # the last characters shown, where a </think> may have begun
        self.recast = False  # set by the feed() that found a lone </think>

    @property
    def passthrough(self) -> bool:
        """True once everything further is answer text (the fast path)."""
        return self._state == "answer" and not self._held

    def feed(self, chunk: str) -> tuple[str, str]:
        self.recast = False
        if self._state == "unsure":
            return self._feed_unsure(chunk)
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
                self._state = "unsure"
                return self._feed_unsure(text)
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

    def _feed_unsure(self, chunk: str) -> tuple[str, str]:
        """Answer text that a lone </think> may yet turn into thinking."""
        tail = self._tail
        # Most chunks hold no "<" and follow a tail without one: no tag can end in them.
        at = (tail + chunk).find(CLOSE) if tail or "<" in chunk else -1
        if at >= 0:
            whole = "".join(self._shown) + chunk
            at += len(whole) - len(chunk) - len(tail)
            thought = whole[:at]
            if OPEN not in thought:  # a model writing about the tags is not thinking
                self._shown.clear()
                answer = whole[at + len(CLOSE) :].lstrip()
                self._state = "answer" if answer else "after"
                self.recast = True
                return thought, answer
        self._shown.append(chunk)
        self._shown_length += len(chunk)
        last = (tail + chunk)[-(len(CLOSE) - 1) :]
        self._tail = last if "<" in last else ""  # where a </think> may have begun
        if self._shown_length > RECAST_WITHIN:
            self._state = "answer"
            self._shown.clear()
        return "", chunk

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

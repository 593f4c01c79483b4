"""What a model can do (reasoning, images, tools) and how much context it takes.

A dated table of well-known models, like the price table: the user can correct or extend it
in settings.json (`"capabilities": {"my-model": {"vision": true, "context": 32768}}`, null
removes a row). Ids are matched loosely, since servers spell the same model many ways:
`openai/gpt-4o`, `gpt-4o-2024-08-06`, `qwen3:8b` and `Qwen3-32B-GGUF` all find their family.
A model the table does not know has no marks: never a guess. No Qt.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

CAPABILITIES_AS_OF = "2026-12-01"  # the vendors' published model cards, on that day


@dataclass(frozen=True, slots=True)
class Capabilities:
    reasoning: bool = False
    vision: bool = False
    tools: bool = False
    context_window: int | None = None  # tokens, prompt and answer together

    def marks(self) -> list[str]:
        """Short words for the model list, e.g. ['reasoning', 'vision', '128k']."""
        words = [
            name
            for name, has in (
                ("reasoning", self.reasoning),
                ("vision", self.vision),
                ("tools", self.tools),
            )
            if has
        ]
        if self.context_window:
            words.append(format_tokens(self.context_window))
        return words


def _row(flags: str, context: int | None) -> Capabilities:
    return Capabilities("r" in flags, "v" in flags, "t" in flags, context)


# family: r = reasoning, v = vision (image input), t = tools; context window in tokens
DEFAULT_CAPABILITIES: dict[str, Capabilities] = {
    "gpt-3.5-turbo": _row("t", 16_385),
    "gpt-3.5-turbo-instruct": _row("", 4_096),
    "gpt-4": _row("t", 8_192),
    "gpt-4-32k": _row("t", 32_768),
    "gpt-4-turbo": _row("vt", 128_000),
    "gpt-4-turbo-preview": _row("t", 128_000),
    "gpt-4-0125-preview": _row("t", 128_000),
    "gpt-4-1106-preview": _row("t", 128_000),
    "gpt-4o": _row("vt", 128_000),
    "gpt-4o-mini": _row("vt", 128_000),
    "chatgpt-4o-latest": _row("v", 128_000),
    "gpt-4.1": _row("vt", 1_047_576),
    "gpt-4.1-mini": _row("vt", 1_047_576),
    "gpt-4.1-nano": _row("vt", 1_047_576),
    "gpt-4.5-preview": _row("vt", 128_000),
    "o1": _row("rvt", 200_000),
    "o1-mini": _row("r", 128_000),
    "o1-preview": _row("r", 128_000),
    "o1-pro": _row("rvt", 200_000),
    "o3": _row("rvt", 200_000),
    "o3-mini": _row("rt", 200_000),
    "o3-pro": _row("rvt", 200_000),
    "o4-mini": _row("rvt", 200_000),
    "gpt-5": _row("rvt", 400_000),
    "gpt-5-mini": _row("rvt", 400_000),
    "gpt-5-nano": _row("rvt", 400_000),
    "gpt-5-chat-latest": _row("vt", 128_000),
    "gpt-5.1": _row("rvt", 400_000),
    "gpt-oss-20b": _row("rt", 131_072),
    "gpt-oss-120b": _row("rt", 131_072),
    "deepseek-chat": _row("t", 128_000),
    "deepseek-reasoner": _row("r", 128_000),
    "deepseek-r1": _row("r", 128_000),
    "deepseek-v3": _row("t", 128_000),
    "qwen3": _row("rt", 32_768),
    "qwq": _row("r", 131_072),
    "qwen2.5": _row("t", 32_768),
    "qwen2.5-vl": _row("v", 128_000),
    "llama3.1": _row("t", 131_072),
    "llama3.2": _row("t", 131_072),
    "llama3.2-vision": _row("v", 131_072),
    "llama3.3": _row("t", 131_072),
    "llama-3.1": _row("t", 131_072),
    "llama-3.3": _row("t", 131_072),
    "llama4": _row("vt", 1_048_576),
    "gemma3": _row("v", 131_072),
    "llava": _row("v", 4_096),
    "mistral": _row("t", 32_768),
    "mistral-small": _row("vt", 131_072),
    "mistral-large": _row("t", 131_072),
    "claude-3.5-sonnet": _row("vt", 200_000),
    "claude-3.7-sonnet": _row("rvt", 200_000),
    "claude-sonnet-4": _row("rvt", 200_000),
    "claude-sonnet-4.5": _row("rvt", 200_000),
    "claude-opus-4": _row("rvt", 200_000),
    "claude-opus-4.1": _row("rvt", 200_000),
    "claude-haiku-4.5": _row("rvt", 200_000),
    "gemini-2.0-flash": _row("vt", 1_048_576),
    "gemini-2.5-flash": _row("rvt", 1_048_576),
    "gemini-2.5-pro": _row("rvt", 1_048_576),
}

# What separates a family from the rest of an id: a date, a size, a quantisation, a tag.
_SUFFIX_START = "-:_@ "
_DATED = re.compile(r"-\d{4}-\d{2}-\d{2}$|-\d{4}$")


def capability_table(overrides: Mapping[str, object] | None = None) -> dict[str, Capabilities]:
    """The shipped table with the user's rows on top; a malformed row is ignored."""
    table = dict(DEFAULT_CAPABILITIES)
    for model, value in (overrides or {}).items():
        key = model.strip().lower()
        if value is None:
            table.pop(key, None)
        elif isinstance(value, Mapping):
            base = table.get(key, Capabilities())
            context = value.get("context", base.context_window)
            if not (context is None or (isinstance(context, int) and context > 0)):
                context = base.context_window
            table[key] = Capabilities(
                reasoning=_flag(value, "reasoning", base.reasoning),
                vision=_flag(value, "vision", base.vision),
                tools=_flag(value, "tools", base.tools),
                context_window=context if not isinstance(context, bool) else base.context_window,
            )
    return table


def _flag(value: Mapping[str, object], name: str, default: bool) -> bool:
    flag = value.get(name, default)
    return flag if isinstance(flag, bool) else default


def capabilities_of(model: str, table: Mapping[str, Capabilities]) -> Capabilities | None:
    """The row for `model`: its own id first, then the longest family its id begins with."""
    name = model.strip().lower()
    if name in table:
        return table[name]
    name = name.rsplit("/", 1)[-1]  # openai/gpt-4o, models/gemini-2.5-pro
    name = name.removesuffix(".gguf")
    if name in table:
        return table[name]
    undated = _DATED.sub("", name)
    if undated in table:
        return table[undated]
    best = ""
    for family in table:
        if (
            len(family) > len(best)
            and name.startswith(family)
            and (len(name) == len(family) or name[len(family)] in _SUFFIX_START)
        ):
            best = family
    return table[best] if best else None


def format_tokens(count: int) -> str:
    """12400 -> '12.4k', 128000 -> '128k', 1047576 -> '1M'."""
    if count < 1000:
        return str(count)
    if count < 1_000_000:
        value = count / 1000
        return f"{value:.1f}k".replace(".0k", "k") if value < 100 else f"{round(value)}k"
    value = count / 1_000_000
    return f"{value:.1f}M".replace(".0M", "M")

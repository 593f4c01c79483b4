"""Which listed models are chat models, and which to pick when the default is not listed.

`/v1/models` on the real OpenAI API mixes embeddings, speech, image and moderation models with
chat models; the picker shows chat models only. Patterns, not a closed list: an unknown id (any
local model) counts as a chat model. No Qt, no openai.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

_NOT_CHAT = re.compile(
    r"(?:^|[/:_.-])(?:text-embedding|embedding|embed|tts|whisper|transcribe|dall-e|gpt-image|"
    r"image|moderation|omni-moderation|davinci-002|babbage-002|realtime|audio|search-preview|"
    r"sora|rerank|clip)(?:$|[/:_.-])",
    re.IGNORECASE,
)
# A new chat on a server that does not list the profile's default: the first of these that is
# listed, before falling back to the first chat model listed.
PREFERRED_FALLBACKS = (
    "gpt-4o-mini",
    "gpt-4.1-mini",
    "gpt-5-mini",
    "gpt-4o",
    "gpt-4.1",
    "gpt-4-turbo",
    "gpt-4",
    "gpt-3.5-turbo",
)


def is_chat_model(model_id: str) -> bool:
    return not _NOT_CHAT.search(model_id)


def chat_models(ids: Iterable[str]) -> list[str]:
    """The chat models among `ids`, in their order; all of them if none looks like one (a
    server whose ids we cannot read is not left with an empty picker)."""
    listed = list(ids)
    chat = [model for model in listed if is_chat_model(model)]
    return chat or listed


def fallback_model(ids: Sequence[str]) -> str | None:
    """A sensible chat model from the list: a known good one, else the first chat model."""
    chat = chat_models(ids)
    listed = set(chat)
    for preferred in PREFERRED_FALLBACKS:
        if preferred in listed:
            return preferred
    return chat[0] if chat else None

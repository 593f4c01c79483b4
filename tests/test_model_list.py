"""The picker lists chat models; the fallback for a missing default is a sensible chat model,
not the alphabetically first id (issue 12, model list)."""

from __future__ import annotations

import pytest

from desktop_chat.model_list import chat_models, fallback_model, is_chat_model

# What the real /v1/models returns, in part (sorted, as the client sorts it).
OPENAI_LIST = [
    "babbage-002",
    "chatgpt-4o-latest",
    "dall-e-2",
    "dall-e-3",
    "davinci-002",
    "gpt-3.5-turbo",
    "gpt-4o",
    "gpt-4o-audio-preview",
    "gpt-4o-mini",
    "gpt-4o-mini-tts",
    "gpt-4o-realtime-preview",
    "gpt-4o-transcribe",
    "gpt-image-1",
    "gpt-5-mini",
    "o3-mini",
    "omni-moderation-latest",
    "text-embedding-3-large",
    "text-embedding-ada-002",
    "tts-1",
    "whisper-1",
]


def test_non_chat_models_are_hidden():
    assert chat_models(OPENAI_LIST) == [
        "chatgpt-4o-latest",
        "gpt-3.5-turbo",
        "gpt-4o",
        "gpt-4o-mini",
        "gpt-5-mini",
        "o3-mini",
    ]


@pytest.mark.parametrize(
    "model", ["llama3.1:8b", "qwen3:30b-a3b", "anthropic/claude-sonnet-4", "deepseek-r1", "phi4"]
)
def test_unknown_and_local_models_are_chat_models(model):
    assert is_chat_model(model)


@pytest.mark.parametrize(
    "model", ["nomic-embed-text", "mxbai-embed-large:latest", "jina/rerank-v2"]
)
def test_local_embedding_models_are_not(model):
    assert not is_chat_model(model)


def test_the_fallback_is_a_sensible_chat_model():
    assert fallback_model(OPENAI_LIST) == "gpt-4o-mini"  # not babbage-002
    assert fallback_model(["nomic-embed-text", "llama3.1:8b"]) == "llama3.1:8b"
    assert fallback_model(["only-embedding-model-embed"]) == "only-embedding-model-embed"
    assert fallback_model([]) is None


def test_a_new_chat_on_the_openai_list_gets_a_chat_model(qtbot, controller, fake_openai):
    fake_openai.set_models(OPENAI_LIST)
    with qtbot.waitSignal(controller.models_loaded, timeout=10_000) as loaded:
        controller.load_models()
    models, from_server = loaded.args
    assert from_server and "whisper-1" not in models and "gpt-4o" in models
    assert controller.preferred_model() in ("gpt-4o-mini", controller.config.default_model)

"""`desktop-chat models [QUERY] [--all]`: one chat model id per line, filtered by words."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from cli_helpers import AppProfile
from fake_openai import FakeOpenAIServer

KEY = "sk-test-models-0123456789"
LISTED = [
    "gpt-4o",
    "gpt-4o-mini-tts",
    "openai/gpt-5-mini",
    "anthropic/claude-sonnet-4",
    "text-embedding-3-small",
    "whisper-1",
]


@pytest.fixture
def profile(tmp_path: Path) -> AppProfile:
    return AppProfile(tmp_path)


@pytest.fixture
def api_env(fake_openai: FakeOpenAIServer) -> dict[str, str]:
    fake_openai.set_models(LISTED)
    return {
        "OPENAI_API_KEY": KEY,
        "OPENAI_BASE_URL": fake_openai.base_url,
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }


def test_models_lists_chat_models_one_per_line(profile, api_env):
    result = profile.run("models", env=api_env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == sorted(
        ["gpt-4o", "openai/gpt-5-mini", "anthropic/claude-sonnet-4"]
    )


def test_models_all_lists_every_model(profile, api_env):
    result = profile.run("models", "--all", env=api_env)
    assert result.stdout.splitlines() == sorted(LISTED)


def test_every_word_of_the_query_must_match(profile, api_env):
    assert profile.run("models", "gpt", "5", "mini", env=api_env).stdout == "openai/gpt-5-mini\n"
    assert profile.run("models", "CLAUDE", env=api_env).stdout == "anthropic/claude-sonnet-4\n"
    nothing = profile.run("models", "llama", env=api_env)
    assert nothing.returncode == 1 and nothing.stdout == ""


def test_a_failing_model_list_is_one_line(profile, api_env):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**api_env, "OPENAI_BASE_URL": f"http://127.0.0.1:{port}/v1"}
    result = profile.run("models", env=env)
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr

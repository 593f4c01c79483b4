"""`desktop-chat ask -m A -m B` and the export of compared turns, as real subprocesses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_helpers import AppProfile
from fake_openai import FakeOpenAIServer, error, reply, slow

from desktop_chat import exchange
from desktop_chat.domain import MessageStatus, Role

KEY = "sk-cli-COMPARE-1a2b3c4d5e6f"


@pytest.fixture
def profile(tmp_path: Path) -> AppProfile:
    return AppProfile(tmp_path / "profile")


@pytest.fixture
def api_env(fake_openai: FakeOpenAIServer) -> dict[str, str]:
    return {
        "OPENAI_BASE_URL": fake_openai.base_url,
        "OPENAI_API_KEY": KEY,
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }


def test_ask_two_models_prints_both_in_order_and_saves_one_conversation(
    profile, api_env, fake_openai
):
    # The second model is quicker, yet its answer is printed second, under its own header.
    fake_openai.script_model("model-a", slow(["slow ", "answer"], delay=0.4))
    # Its first chunk waits too, so the two requests overlap however the connections race.
    fake_openai.script_model("model-b", reply(["quick answer"], first_delay=0.25))
    result = profile.run("ask", "-m", "model-a", "-m", "model-b", "Who wins?", env=api_env)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "== model-a ==\nslow answer\n== model-b ==\nquick answer\n"
    requests = fake_openai.requests_to("/chat/completions")
    assert sorted(r.body["model"] for r in requests) == ["model-a", "model-b"]
    assert max(r.started_at for r in requests) < min(r.finished_at or 0 for r in requests)
    assert profile.counts() == (1, 3)
    with profile.store() as store:
        (conversation_id,) = store.conversation_ids()
        conversation = store.get_conversation(conversation_id)
        assert [m.content for m in conversation.messages] == ["Who wins?", "slow answer"]
        shown = conversation.messages[-1]
        answers = [store.get_message(i) for i in store.siblings(shown.id)]
        assert [(a.model, a.content) for a in answers] == [
            ("model-a", "slow answer"),
            ("model-b", "quick answer"),
        ]
        assert all(a.compare_group == shown.compare_group is not None for a in answers)
        assert all(a.usage is not None and a.usage.completion_tokens > 0 for a in answers)


def test_ask_compare_exits_non_zero_when_one_model_fails_and_keeps_the_other(
    profile, api_env, fake_openai
):
    fake_openai.script_model("broken", error(500, "Boom", sticky=True))
    fake_openai.script_model("fine", reply(["still here"]))
    result = profile.run("ask", "-m", "broken", "-m", "fine", "Well?", env=api_env)
    assert result.returncode == 1
    assert result.stdout == "== broken ==\n== fine ==\nstill here\n"
    assert "broken:" in result.stderr and KEY not in result.stderr
    with profile.store() as store:
        (conversation_id,) = store.conversation_ids()
        messages = store.get_conversation(conversation_id).messages
        assert [(m.role, m.content, m.model) for m in messages] == [
            (Role.USER, "Well?", None),
            (Role.ASSISTANT, "still here", "fine"),
        ]
        assert messages[-1].sibling_count == 1  # the failure was not stored
        assert messages[-1].status is MessageStatus.COMPLETE


def test_export_marks_the_compared_turn_and_all_branches_lists_the_alternatives(
    profile, api_env, fake_openai, tmp_path
):
    fake_openai.script_model("model-a", reply(["answer A"]))
    fake_openai.script_model("model-b", reply(["answer B"]))
    assert profile.run("ask", "-m", "model-a", "-m", "model-b", "Q", env=api_env).returncode == 0
    plain = profile.run("export", env=api_env)
    assert plain.returncode == 0, plain.stderr
    (conversation,) = json.loads(plain.stdout)["conversations"]
    user, answer = conversation["messages"]
    assert "compared" not in user
    assert answer["compared"] is True and answer["content"] == "answer A"
    assert answer["usage"]["completion_tokens"] > 0
    assert "alternatives" not in answer  # only with --all-branches
    full = profile.run("export", "--all-branches", env=api_env)
    assert full.returncode == 0, full.stderr
    (conversation,) = json.loads(full.stdout)["conversations"]
    answer = conversation["messages"][1]
    assert [(a["model"], a["content"], a["compared"]) for a in answer["alternatives"]] == [
        ("model-b", "answer B", True)
    ]
    # Both import: the new fields are optional, and the active branch comes back.
    for text in (plain.stdout, full.stdout):
        (imported,) = exchange.parse(text)
        assert [m.content for m in imported.messages] == ["Q", "answer A"]


def test_an_export_without_the_new_fields_still_imports():
    old = {
        "format": "desktop-chat/1",
        "conversations": [
            {
                "id": "c1",
                "title": "Old",
                "created_at": "2024-01-01T00:00:00Z",
                "updated_at": "2024-01-01T00:00:00Z",
                "model": "gpt-4",
                "messages": [
                    {
                        "id": "m1",
                        "role": "user",
                        "content": "hi",
                        "created_at": "2024-01-01T00:00:00Z",
                    },
                    {
                        "id": "m2",
                        "role": "assistant",
                        "content": "hello",
                        "created_at": "2024-01-01T00:00:01Z",
                        "model": "gpt-4",
                        "status": "complete",
                    },
                ],
            }
        ],
    }
    (imported,) = exchange.parse(json.dumps(old))
    assert [m.content for m in imported.messages] == ["hi", "hello"]

"""Side-by-side comparison against real local servers: concurrency, failures, Stop, choosing."""

from __future__ import annotations

import time
from collections.abc import Callable

import fake_openai as fake
from fake_openai import FakeOpenAIServer
from qt_fixtures import TEST_KEY

from desktop_chat.api import ProviderConfig
from desktop_chat.compare import Contender
from desktop_chat.controller import ChatController
from desktop_chat.domain import MessageStatus, Role, request_history


def _wait_all(qtbot, controller: ChatController, conversation_id: str, timeout: int = 15_000):
    qtbot.waitUntil(lambda: not controller.is_streaming(conversation_id), timeout=timeout)


def test_two_models_answer_concurrently_each_stored_as_an_alternative(
    qtbot, controller, fake_openai
):
    fake_openai.script_model("model-a", fake.slow(["A1 ", "A2 ", "A3"], delay=0.3))
    fake_openai.script_model("model-b", fake.slow(["B1 ", "B2 ", "B3"], delay=0.3))
    conversation = controller.store.create_conversation(model="model-a")
    comparison = controller.compare.send(
        conversation.id, "Which is best?", [Contender("model-a"), Contender("model-b")]
    )
    assert comparison is not None
    assert controller.is_streaming(conversation.id)
    assert controller.send(conversation.id, "not now") is None  # one turn at a time
    _wait_all(qtbot, controller, conversation.id)
    requests = fake_openai.requests_to("/chat/completions")
    assert sorted(r.body["model"] for r in requests) == ["model-a", "model-b"]
    # Both were running at once: each started before the other ended.
    assert max(r.started_at for r in requests) < min(r.finished_at or 0 for r in requests)
    answers = [column.final for column in comparison.columns]
    assert [a.content for a in answers] == ["A1 A2 A3", "B1 B2 B3"]
    stored = [controller.store.get_message(a.id) for a in answers]
    assert [m.model for m in stored] == ["model-a", "model-b"]
    assert all(m.status is MessageStatus.COMPLETE for m in stored)
    assert all(m.usage is not None and m.usage.completion_tokens > 0 for m in stored)
    assert all(m.usage.first_token_ms is not None for m in stored)
    assert len({m.compare_group for m in stored}) == 1 and stored[0].compare_group
    assert stored[0].sibling_count == 2
    # Until one is chosen, the first model's answer is the active branch.
    branch = controller.store.get_conversation(conversation.id).messages
    assert [(m.role, m.content) for m in branch] == [
        (Role.USER, "Which is best?"),
        (Role.ASSISTANT, "A1 A2 A3"),
    ]


def test_four_models_a_slow_one_does_not_delay_the_others_first_tokens(
    qtbot, controller, fake_openai
):
    fake_openai.script_model("slow", fake.reply(["late"], first_delay=2.5))
    for name in ("fast-1", "fast-2", "fast-3"):
        fake_openai.script_model(name, fake.slow([f"{name} ", "done"], delay=0.2))
    conversation = controller.store.create_conversation(model="slow")
    finished_at: dict[int, float] = {}
    controller.compare.column_finished.connect(
        lambda cid, index: finished_at.setdefault(index, time.monotonic())
    )
    contenders = [Contender(name) for name in ("slow", "fast-1", "fast-2", "fast-3")]
    began = time.monotonic()
    comparison = controller.compare.send(conversation.id, "go", contenders)
    assert comparison is not None
    _wait_all(qtbot, controller, conversation.id)
    finals = [column.final for column in comparison.columns]
    assert [f.content for f in finals] == ["late", "fast-1 done", "fast-2 done", "fast-3 done"]
    for index in (1, 2, 3):
        assert finals[index].usage.first_token_ms < 1500
        assert finished_at[index] - began < 2.0  # done before the slow one said anything
    assert finals[0].usage.first_token_ms >= 2400
    requests = fake_openai.requests_to("/chat/completions")
    assert len(requests) == 4
    assert max(r.started_at for r in requests) < min(r.finished_at or 0 for r in requests)


def test_one_failure_leaves_the_others_complete_and_retry_answers_in_that_column(
    qtbot, controller, fake_openai
):
    fake_openai.script_model("broken", fake.error(500, "Boom"))
    fake_openai.script_model("fine", fake.slow(["all ", "good"], delay=0.2))
    conversation = controller.store.create_conversation(model="fine")
    comparison = controller.compare.send(
        conversation.id, "try", [Contender("fine"), Contender("broken")]
    )
    _wait_all(qtbot, controller, conversation.id)
    fine, broken = comparison.columns
    assert fine.final.content == "all good" and fine.error is None
    assert broken.error is not None and broken.message is None and broken.final is None
    assert TEST_KEY not in str(broken.error)
    prompt = comparison.prompt
    kept = [controller.store.get_message(i) for i in controller.store.siblings(fine.message.id)]
    assert [m.model for m in kept] == ["fine"]  # errors are never stored as messages
    assert controller.store.get_conversation(conversation.id).messages[-1].content == "all good"
    controller.compare.retry(conversation.id, 1)
    _wait_all(qtbot, controller, conversation.id)
    assert comparison.columns[1].final.content == "Hello from the test server."
    assert comparison.columns[1].final.parent_id == prompt.id
    assert len(controller.store.siblings(fine.message.id)) == 2


def test_stop_one_column_then_stop_all(qtbot, controller, fake_openai):
    for name in ("m1", "m2", "m3"):
        fake_openai.script_model(name, fake.slow(["a ", "b ", "c ", "d ", "e ", "f "], delay=0.3))
    conversation = controller.store.create_conversation(model="m1")
    comparison = controller.compare.send(
        conversation.id, "count", [Contender("m1"), Contender("m2"), Contender("m3")]
    )
    qtbot.waitUntil(
        lambda: all("a" in controller.compare.live_text(c) for c in comparison.columns),
        timeout=5_000,
    )
    controller.compare.stop(conversation.id, 1)
    qtbot.waitUntil(lambda: not comparison.columns[1].streaming, timeout=5_000)
    assert comparison.columns[0].streaming and comparison.columns[2].streaming
    controller.stop(conversation.id)  # what Esc does: every column
    _wait_all(qtbot, controller, conversation.id, timeout=5_000)
    for column in comparison.columns:
        assert column.final.status is MessageStatus.INTERRUPTED
        assert "f" not in column.final.content
        assert controller.store.get_message(column.final.id).status is MessageStatus.INTERRUPTED


def test_each_contender_uses_its_own_profile(
    qtbot, make_controller: Callable[..., ChatController], fake_openai
):
    with FakeOpenAIServer(models=["local-llama"]) as local:
        local.set_default(fake.reply(["from ", "local"]))

        def resolve(profile: str) -> ProviderConfig:
            server = local if profile == "Local" else fake_openai
            return ProviderConfig(
                base_url=server.base_url, api_key=TEST_KEY, max_retries=0, timeout_seconds=5.0
            )

        controller = make_controller(resolve)
        conversation = controller.store.create_conversation(model="test-model")
        comparison = controller.compare.send(
            conversation.id,
            "hello",
            [Contender("test-model"), Contender("local-llama", "Local")],
        )
        _wait_all(qtbot, controller, conversation.id)
        assert [c.final.content for c in comparison.columns] == [
            "Hello from the test server.",
            "from local",
        ]
        assert [r.body["model"] for r in local.requests_to("/chat/completions")] == ["local-llama"]
        stored = controller.store.get_message(comparison.columns[1].final.id)
        assert (stored.model, stored.profile) == ("local-llama", "Local")


def test_continue_with_this_switches_the_branch_and_the_next_turn_sends_only_that_answer(
    qtbot, controller, fake_openai
):
    fake_openai.script_model("model-a", fake.reply(["answer A"]))
    fake_openai.script_model("model-b", fake.reply(["answer B"]))
    conversation = controller.store.create_conversation(model="model-a")
    comparison = controller.compare.send(
        conversation.id, "compare", [Contender("model-a"), Contender("model-b", "Other")]
    )
    _wait_all(qtbot, controller, conversation.id)
    chosen = comparison.columns[1].final
    controller.compare.continue_with(chosen.id)
    saved = controller.store.get_conversation(conversation.id)
    assert [m.content for m in saved.messages] == ["compare", "answer B"]
    assert saved.messages[-1].sibling_count == 2  # the other answer stays as an alternative
    assert (saved.model, saved.profile) == ("model-b", "Other")
    assert controller.compare.comparison(conversation.id) is None
    assert [t.content for t in request_history(saved)] == ["compare", "answer B"]
    with qtbot.waitSignal(controller.finished, timeout=10_000):
        controller.send(conversation.id, "and then?")
    sent = fake_openai.requests_to("/chat/completions")[-1].body
    assert sent["model"] == "model-b"
    assert sent["messages"] == [
        {"role": "user", "content": "compare"},
        {"role": "assistant", "content": "answer B"},
        {"role": "user", "content": "and then?"},
    ]


def test_compare_again_on_a_compared_turn_adds_answers_under_the_same_prompt(
    qtbot, controller, fake_openai
):
    conversation = controller.store.create_conversation(model="test-model")
    first = controller.compare.send(
        conversation.id, "again", [Contender("test-model"), Contender("gpt-4")]
    )
    _wait_all(qtbot, controller, conversation.id)
    second = controller.compare.compare_again(
        first.prompt.id, [Contender("test-model"), Contender("gpt-4")]
    )
    assert second is not None and second.group != first.group
    _wait_all(qtbot, controller, conversation.id)
    siblings = controller.store.siblings(first.columns[0].final.id)
    assert len(siblings) == 4

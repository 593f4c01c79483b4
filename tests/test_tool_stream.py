"""Streamed tool calls: assembled from the local server's deltas, in every dialect seen."""

from __future__ import annotations

import asyncio
import json

import fake_openai as fake
import pytest
from qt_fixtures import TEST_KEY

from desktop_chat.api import ChatClient, ProviderConfig, turn_json
from desktop_chat.domain import (
    ChatTurn,
    Parameters,
    Role,
    StreamFinished,
    ToolCall,
    ToolCallDelta,
    ToolCallsReady,
)
from desktop_chat.tool_stream import ToolCallAssembler

TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "add",
            "description": "Add two integers.",
            "parameters": {"type": "object", "properties": {"a": {"type": "integer"}}},
        },
    }
]


def _collect(server: fake.FakeOpenAIServer) -> list[object]:
    async def run() -> list[object]:
        config = ProviderConfig(base_url=server.base_url, api_key=TEST_KEY, max_retries=0)
        client = ChatClient(config)
        try:
            stream = client.stream_chat(
                "test-model", [ChatTurn(Role.USER, "2+3?")], Parameters(), TOOLS
            )
            return [event async for event in stream]
        finally:
            await client.close()

    return asyncio.run(run())


def _calls(events: list[object]) -> tuple[ToolCall, ...]:
    ready = [e for e in events if isinstance(e, ToolCallsReady)]
    assert len(ready) == 1
    return ready[0].calls


def test_openai_style_deltas_are_assembled_and_tools_are_sent(fake_openai):
    fake_openai.script(fake.tool_calls(fake.tool_call_deltas("add", '{"a": 2, "b": 3}')))
    events = _collect(fake_openai)
    assert _calls(events) == (ToolCall("call_1", "add", '{"a": 2, "b": 3}'),)
    assert isinstance(events[-1], StreamFinished)
    assert events[-1].finish_reason == "tool_calls"
    assert any(isinstance(e, ToolCallDelta) and e.name == "add" for e in events)
    assert fake_openai.requests_to("/chat/completions")[0].body["tools"] == TOOLS


def test_missing_index_and_id_only_in_the_first_delta(fake_openai):
    # Gemini leaves the index out; Ollama sends the id once.
    fake_openai.script(
        fake.tool_calls(
            [
                [{"id": "g1", "function": {"name": "add", "arguments": '{"a":'}}],
                [{"function": {"arguments": " 2}"}}],
                [{"id": "g2", "function": {"name": "echo", "arguments": ""}}],
                [{"function": {"arguments": '{"text": "hi"}'}}],
            ]
        )
    )
    calls = _calls(_collect(fake_openai))
    assert [(c.id, c.name, json.loads(c.arguments)) for c in calls] == [
        ("g1", "add", {"a": 2}),
        ("g2", "echo", {"text": "hi"}),
    ]


def test_no_id_at_all_gets_one_made_up_and_two_calls_in_one_delta(fake_openai):
    fake_openai.script(
        fake.tool_calls(
            [
                [
                    {"index": 0, "function": {"name": "add", "arguments": '{"a": 1}'}},
                    {"index": 1, "function": {"name": "add", "arguments": '{"a": 2}'}},
                ]
            ]
        )
    )
    calls = _calls(_collect(fake_openai))
    assert [json.loads(c.arguments) for c in calls] == [{"a": 1}, {"a": 2}]
    assert all(c.id.startswith("call_") for c in calls)
    assert calls[0].id != calls[1].id


def test_several_calls_in_one_delta_without_index_or_id(fake_openai):
    fake_openai.script(
        fake.tool_calls(
            [
                [
                    {"function": {"name": "add", "arguments": '{"a": 1}'}},
                    {"function": {"name": "echo", "arguments": '{"text": "x"}'}},
                ]
            ]
        )
    )
    calls = _calls(_collect(fake_openai))
    assert [c.name for c in calls] == ["add", "echo"]


def test_a_plain_answer_has_no_tool_calls_event(fake_openai):
    events = _collect(fake_openai)
    assert not any(isinstance(e, ToolCallsReady) for e in events)


@pytest.mark.parametrize(
    ("model", "sent"), [("deepseek-reasoner", True), ("gpt-4", False), ("qwen3", False)]
)
def test_reasoning_goes_back_with_tool_calls_only_to_deepseek(model, sent):
    turn = ChatTurn(Role.ASSISTANT, "", (ToolCall("c1", "add", "{}"),), reasoning="hmm")
    message = turn_json(turn, model)
    assert message["content"] is None
    assert message["tool_calls"][0]["function"] == {"name": "add", "arguments": "{}"}
    assert ("reasoning_content" in message) is sent


def test_assembler_keeps_one_call_when_the_id_repeats_without_index():
    assembler = ToolCallAssembler()
    assembler.feed(None, "x", "add", '{"a"')
    assembler.feed(None, "x", None, ": 1}")
    assert assembler.calls() == (ToolCall("x", "add", '{"a": 1}'),)

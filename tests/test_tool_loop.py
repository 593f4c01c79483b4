"""The tool loop in the controller: the local server streams tool calls, a real MCP server
(tests/mcp_test_server.py, stdio) runs them, and the follow-up requests are checked."""

from __future__ import annotations

import json
import time
from pathlib import Path

import fake_openai as fake
import pytest
from mcp_helpers import calls_in, process_gone, stdio_entry

from desktop_chat.domain import Role, ToolCall
from desktop_chat.mcp_tools import ToolBox, servers_from_settings
from desktop_chat.tool_loop import CANCELLED, DENIED, Decision


@pytest.fixture
def log(tmp_path: Path) -> Path:
    return tmp_path / "calls.jsonl"


def _tools(controller, log: Path, **settings: object) -> str:
    entry = stdio_entry(log, **settings.pop("entry", {}))  # type: ignore[arg-type]
    controller.tools = ToolBox(servers=servers_from_settings({"t": entry}), **settings)
    conversation = controller.store.create_conversation(model="test-model")
    controller.set_tool_servers(conversation.id, ["t"])
    return conversation.id


def _allow(decision: Decision = Decision.ALLOW_ONCE, asked: list[ToolCall] | None = None):
    async def approve(conversation_id: str, call: ToolCall, server: str) -> Decision:
        if asked is not None:
            asked.append(call)
        return decision

    return approve


def _run(qtbot, controller, fake_openai, conversation_id: str, prompt: str, requests: int) -> None:
    controller.send(conversation_id, prompt)
    qtbot.waitUntil(
        lambda: (
            len(fake_openai.requests_to("/chat/completions")) >= requests
            and not controller.is_streaming(conversation_id)
        ),
        timeout=20_000,
    )


def test_a_tool_call_runs_and_its_result_goes_back_with_the_call_id(
    qtbot, controller, fake_openai, log
):
    conversation_id = _tools(controller, log)
    asked: list[ToolCall] = []
    controller.approver = _allow(asked=asked)
    fake_openai.script(
        fake.tool_calls(fake.tool_call_deltas("add", '{"a": 20, "b": 22}', "call_abc", pieces=4)),
        fake.reply(["It is ", "42."]),
    )
    _run(qtbot, controller, fake_openai, conversation_id, "What is 20+22?", 2)
    first, follow_up = fake_openai.requests_to("/chat/completions")
    assert [t["function"]["name"] for t in first.body["tools"]] >= ["add"]
    assert calls_in(log)[0]["arguments"] == {"a": 20, "b": 22}, "the tool really ran"
    assert [c.name for c in asked] == ["add"]
    messages = follow_up.body["messages"]
    assert messages[-2] == {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {
                "id": "call_abc",
                "type": "function",
                "function": {"name": "add", "arguments": '{"a": 20, "b": 22}'},
            }
        ],
    }
    assert messages[-1] == {"role": "tool", "content": "42", "tool_call_id": "call_abc"}
    saved = controller.store.get_conversation(conversation_id).messages
    assert [m.role for m in saved] == [Role.USER, Role.ASSISTANT, Role.ASSISTANT]
    assert saved[1].tool_calls[0].result == "42" and saved[1].tool_calls[0].status == "ok"
    assert saved[2].content == "It is 42."


def test_a_denied_call_is_reported_to_the_model(qtbot, controller, fake_openai, log):
    conversation_id = _tools(controller, log)
    controller.approver = _allow(Decision.DENY)
    fake_openai.script(
        fake.tool_calls(fake.tool_call_deltas("echo", '{"text": "x"}', "c1")),
        fake.reply(["OK, I will not."]),
    )
    _run(qtbot, controller, fake_openai, conversation_id, "echo x", 2)
    assert calls_in(log) == [], "a denied tool never runs"
    tool_message = fake_openai.requests_to("/chat/completions")[1].body["messages"][-1]
    assert tool_message == {"role": "tool", "content": DENIED, "tool_call_id": "c1"}


def test_approval_through_the_signal_and_always_allow_in_this_chat(
    qtbot, controller, fake_openai, log
):
    conversation_id = _tools(controller, log)
    prompts: list[str] = []

    def on_needed(cid: str, call: ToolCall, server: str) -> None:
        prompts.append(call.name)
        controller.answer_tool_call(cid, Decision.ALWAYS_IN_CHAT)

    controller.tool_approval_needed.connect(on_needed)
    fake_openai.script(
        fake.tool_calls(fake.tool_call_deltas("echo", '{"text": "one"}', "c1")),
        fake.tool_calls(fake.tool_call_deltas("echo", '{"text": "two"}', "c2")),
        fake.reply(["done"]),
    )
    _run(qtbot, controller, fake_openai, conversation_id, "twice", 3)
    assert prompts == ["echo"], "asked once, then allowed for this chat"
    assert [c["arguments"]["text"] for c in calls_in(log)] == ["one", "two"]


def test_always_allowed_in_settings_needs_no_approval(qtbot, controller, fake_openai, log):
    conversation_id = _tools(controller, log, entry={"alwaysAllow": ["echo"]})
    controller.approver = _allow(Decision.DENY)  # would deny, if it were asked
    fake_openai.script(
        fake.tool_calls(fake.tool_call_deltas("echo", '{"text": "free"}', "c1")), fake.reply()
    )
    _run(qtbot, controller, fake_openai, conversation_id, "go", 2)
    assert [c["tool"] for c in calls_in(log)] == ["echo"]


def test_two_calls_in_one_answer_both_answered_in_order(qtbot, controller, fake_openai, log):
    conversation_id = _tools(controller, log)
    controller.approver = _allow()
    fake_openai.script(
        fake.tool_calls(
            [
                [
                    {"index": 0, "id": "a", "function": {"name": "add", "arguments": '{"a":1,'}},
                    {"index": 1, "id": "b", "function": {"name": "echo", "arguments": ""}},
                ],
                [{"index": 0, "function": {"arguments": '"b":2}'}}],
                [{"index": 1, "function": {"arguments": '{"text":"hi"}'}}],
            ]
        ),
        fake.reply(["3 and hi"]),
    )
    _run(qtbot, controller, fake_openai, conversation_id, "both", 2)
    messages = fake_openai.requests_to("/chat/completions")[1].body["messages"]
    assert [m["role"] for m in messages] == ["user", "assistant", "tool", "tool"]
    assert [(m["tool_call_id"], m["content"]) for m in messages[2:]] == [("a", "3"), ("b", "hi")]


def test_a_crashing_server_becomes_an_error_result_and_the_chat_goes_on(
    qtbot, controller, fake_openai, log
):
    conversation_id = _tools(controller, log)
    controller.approver = _allow()
    fake_openai.script(
        fake.tool_calls(fake.tool_call_deltas("crash", "{}", "c1")),
        fake.reply(["The tool crashed."]),
    )
    _run(qtbot, controller, fake_openai, conversation_id, "crash it", 2)
    result = fake_openai.requests_to("/chat/completions")[1].body["messages"][-1]
    assert result["tool_call_id"] == "c1"
    assert result["content"].startswith("Error: the tool server “t” stopped during the call")
    last = controller.store.get_conversation(conversation_id).messages[-1]
    assert last.content == "The tool crashed."


def test_a_hanging_tool_times_out(qtbot, controller, fake_openai, log):
    conversation_id = _tools(controller, log, timeout_seconds=0.5)
    controller.approver = _allow()
    fake_openai.script(
        fake.tool_calls(fake.tool_call_deltas("sleep", '{"seconds": 30}', "c1")), fake.reply()
    )
    started = time.monotonic()
    _run(qtbot, controller, fake_openai, conversation_id, "wait", 2)
    assert time.monotonic() - started < 15
    result = fake_openai.requests_to("/chat/completions")[1].body["messages"][-1]
    assert result["content"] == "Error: the tool did not answer within 0.5 s."


def test_stop_mid_loop_cancels_the_call_and_the_loop(qtbot, controller, fake_openai, log):
    conversation_id = _tools(controller, log)
    controller.approver = _allow()
    fake_openai.script(
        fake.tool_calls(fake.tool_call_deltas("sleep", '{"seconds": 30}', "c1")), fake.reply()
    )
    controller.send(conversation_id, "wait")
    qtbot.waitUntil(lambda: len(calls_in(log)) == 1, timeout=20_000)
    assert controller.is_streaming(conversation_id)
    controller.stop(conversation_id)
    qtbot.waitUntil(lambda: not controller.is_streaming(conversation_id), timeout=5_000)
    qtbot.wait(300)
    assert len(fake_openai.requests_to("/chat/completions")) == 1, "no next request after Stop"
    answer = controller.store.get_conversation(conversation_id).messages[-1]
    assert answer.tool_calls[0].result == CANCELLED
    assert answer.tool_calls[0].status == "cancelled"


def test_the_step_limit_ends_the_loop_with_a_notice(qtbot, controller, fake_openai, log):
    conversation_id = _tools(controller, log, step_limit=2)
    controller.approver = _allow()
    notices: list[str] = []
    controller.tool_notice.connect(lambda cid, text: notices.append(text))
    loop = fake.tool_calls(fake.tool_call_deltas("echo", '{"text": "again"}', "c"))
    fake_openai.script(loop, loop, loop, fake.reply())
    _run(qtbot, controller, fake_openai, conversation_id, "loop", 3)
    qtbot.wait(300)
    assert len(fake_openai.requests_to("/chat/completions")) == 3
    assert len(calls_in(log)) == 2
    assert any("Stopped after 2 tool steps" in n for n in notices)
    last = controller.store.get_conversation(conversation_id).messages[-1]
    assert last.tool_calls[0].status == "skipped"


def test_history_of_a_tool_chat_is_valid_for_the_next_prompt_and_quit_leaves_no_process(
    qtbot, controller, fake_openai, log
):
    conversation_id = _tools(controller, log)
    controller.approver = _allow()
    fake_openai.script(
        fake.tool_calls(fake.tool_call_deltas("add", '{"a": 1, "b": 1}', "c1")),
        fake.reply(["2"]),
        fake.reply(["bye"]),
    )
    _run(qtbot, controller, fake_openai, conversation_id, "1+1", 2)
    _run(qtbot, controller, fake_openai, conversation_id, "thanks", 3)
    roles = [m["role"] for m in fake_openai.requests_to("/chat/completions")[2].body["messages"]]
    assert roles == ["user", "assistant", "tool", "assistant", "user"]
    pid = calls_in(log)[0]["pid"]
    import asyncio

    done = asyncio.ensure_future(controller.shutdown())
    qtbot.waitUntil(done.done, timeout=15_000)
    qtbot.waitUntil(lambda: process_gone(pid), timeout=5_000)


def test_without_servers_no_tools_are_sent(qtbot, controller, fake_openai):
    controller.tools = ToolBox()
    conversation = controller.store.create_conversation(model="test-model")
    with qtbot.waitSignal(controller.finished, timeout=10_000):
        controller.send(conversation.id, "hi")
    assert "tools" not in fake_openai.requests_to("/chat/completions")[0].body
    assert json.loads(json.dumps(controller.chat_tools(conversation.id).servers)) == []

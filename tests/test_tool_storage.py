"""Tool calls in the history: stored on the answer, sent back in the API's order, exported as
`tool_calls` + `tool` messages, imported back; older exports and databases still work."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from desktop_chat import exchange, migrations
from desktop_chat.domain import Role, ToolCall, request_history
from desktop_chat.store import ConversationStore

CALLS = (
    ToolCall("call_1", "add", '{"a": 1, "b": 2}', "3", "ok"),
    ToolCall(
        "call_2", "echo", '{"text": "<b>hi</b>"}', "The user denied this tool call.", "denied"
    ),
)


def _tool_chat(store: ConversationStore) -> str:
    conversation = store.create_conversation(model="test-model", system_prompt="Be brief.")
    user = store.add_message(conversation.id, None, Role.USER, "1+2, and echo")
    calling = store.add_message(conversation.id, user.id, Role.ASSISTANT, "Let me see.")
    store.set_tool_calls(calling.id, CALLS)
    store.add_message(conversation.id, calling.id, Role.ASSISTANT, "3, and no echo.")
    return conversation.id


def test_tool_calls_are_stored_and_the_history_has_the_api_order(tmp_path: Path):
    store = ConversationStore(tmp_path / "h.sqlite3")
    conversation_id = _tool_chat(store)
    store.close()
    reopened = ConversationStore(tmp_path / "h.sqlite3")
    conversation = reopened.get_conversation(conversation_id)
    assert conversation.messages[1].tool_calls == CALLS
    turns = request_history(conversation)
    assert [(t.role, t.tool_call_id) for t in turns] == [
        (Role.SYSTEM, None),
        (Role.USER, None),
        (Role.ASSISTANT, None),
        (Role.TOOL, "call_1"),
        (Role.TOOL, "call_2"),
        (Role.ASSISTANT, None),
    ]
    assert turns[3].content == "3"
    reopened.close()


def test_export_and_import_round_trip(tmp_path: Path):
    store = ConversationStore(tmp_path / "a.sqlite3")
    conversation_id = _tool_chat(store)
    text = exchange.to_json([store.get_conversation(conversation_id)])
    messages = json.loads(text)["conversations"][0]["messages"]
    assert [m["role"] for m in messages] == ["user", "assistant", "tool", "tool", "assistant"]
    assert messages[1]["tool_calls"][0] == {
        "id": "call_1",
        "type": "function",
        "function": {"name": "add", "arguments": '{"a": 1, "b": 2}'},
    }
    assert messages[2]["tool_call_id"] == "call_1" and messages[2]["content"] == "3"
    other = ConversationStore(tmp_path / "b.sqlite3")
    assert other.import_conversations(exchange.parse(text)) == (1, 3)
    imported = other.get_conversation(conversation_id)
    assert imported.messages[1].tool_calls == CALLS
    assert [m.content for m in imported.messages] == [
        "1+2, and echo",
        "Let me see.",
        "3, and no echo.",
    ]
    markdown = exchange.to_markdown([imported])
    assert "*Tool call* `add`" in markdown
    store.close()
    other.close()


def test_an_older_export_without_tools_still_imports(tmp_path: Path):
    old = {
        "format": "desktop-chat/1",
        "conversations": [
            {
                "id": "c1",
                "title": "Old",
                "created_at": "2025-01-01T00:00:00Z",
                "updated_at": "2025-01-01T00:00:00Z",
                "model": "gpt-4",
                "messages": [
                    {
                        "id": "m1",
                        "role": "user",
                        "content": "hi",
                        "created_at": "2025-01-01T00:00:00Z",
                    },
                    {
                        "id": "m2",
                        "role": "assistant",
                        "content": "yo",
                        "created_at": "2025-01-01T00:00:01Z",
                    },
                ],
            }
        ],
    }
    store = ConversationStore(tmp_path / "c.sqlite3")
    assert store.import_conversations(exchange.parse(json.dumps(old))) == (1, 2)
    assert store.get_conversation("c1").messages[1].tool_calls == ()
    store.close()


def test_a_tool_message_without_its_call_is_refused():
    bad = {
        "format": "desktop-chat/1",
        "conversations": [
            {
                "id": "c1",
                "title": "Bad",
                "created_at": "2025-01-01T00:00:00Z",
                "updated_at": "2025-01-01T00:00:00Z",
                "model": "gpt-4",
                "messages": [
                    {
                        "id": "t",
                        "role": "tool",
                        "tool_call_id": "nope",
                        "content": "x",
                        "created_at": "2025-01-01T00:00:00Z",
                    },
                ],
            }
        ],
    }
    try:
        exchange.parse(json.dumps(bad))
    except exchange.ImportFormatError as error:
        assert "nope" in str(error)
    else:
        raise AssertionError("accepted a tool result without a call")


def test_the_migration_adds_tool_calls_to_an_existing_database(tmp_path: Path):
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as db:
        adds_tool_calls = next(
            number
            for number, steps in enumerate(migrations.MIGRATIONS)
            if any("ADD COLUMN tool_calls" in step for step in steps)
        )
        migrations.migrate(db, target=adds_tool_calls)  # the version just before it
        columns = {row[1] for row in db.execute("PRAGMA table_info(messages)")}
        assert "tool_calls" not in columns
    db.close()
    store = ConversationStore(path)
    conversation_id = _tool_chat(store)
    assert store.get_conversation(conversation_id).messages[1].tool_calls == CALLS
    store.close()


def test_tool_calls_and_results_are_searchable(tmp_path: Path):
    store = ConversationStore(tmp_path / "s.sqlite3")
    conversation = store.create_conversation(model="test-model")
    user = store.add_message(conversation.id, None, Role.USER, "look it up")
    calling = store.add_message(conversation.id, user.id, Role.ASSISTANT, "")
    store.set_tool_calls(calling.id, (ToolCall("c1", "lookup", "{}", "zebrafish facts", "ok"),))
    hits = store.search("zebrafish")
    assert [(h.conversation_id, h.message_id) for h in hits] == [(conversation.id, calling.id)]
    assert "[zebrafish]" in hits[0].snippet
    store.set_tool_calls(calling.id, (ToolCall("c1", "lookup", "{}", "axolotl", "ok"),))
    assert store.search("zebrafish") == []
    assert len(store.search("axolotl")) == 1
    store.delete_message(calling.id)
    assert store.search("axolotl") == []
    store.close()

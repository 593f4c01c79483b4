"""The real `desktop-chat ask/export/import` commands, run as subprocesses.

Each test gets a private profile (HOME and XDG_*_HOME in a temp dir) and, for `ask`, a
`FakeOpenAIServer` in a thread of this process that the subprocess reaches over loopback
(OPENAI_BASE_URL). The history database is then checked with `ConversationStore`, and row
counts are read with plain sqlite3.
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cli_helpers import AppProfile, files_containing, one_line
from fake_openai import FakeOpenAIServer, echo, error, reply

from desktop_chat.domain import MessageStatus, Role

KEY = "sk-cli-EXCHANGE-9f8e7d6c5b4a"
KEY_TAIL = "9f8e7d6c5b4a"  # what a partial echo of the key (sk-cli-EX****5b4a) could still show
FIXTURES = Path(__file__).parent / "fixtures"
CHATGPT_EXPORT = FIXTURES / "chatgpt_conversations.json"

ISO_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$")
CONVERSATION_KEYS = {
    "id",
    "title",
    "created_at",
    "updated_at",
    "model",
    "system_prompt",
    "mode",  # "chat" or "completion": an optional addition to desktop-chat/1
    "parameters",  # sampling parameters that were set (absent ones are server defaults)
    "messages",
}
MESSAGE_KEYS = {"id", "role", "content", "created_at", "model", "status"}


@pytest.fixture
def profile(tmp_path: Path) -> AppProfile:
    return AppProfile(tmp_path / "profile")


@pytest.fixture
def api_env(fake_openai: FakeOpenAIServer) -> dict[str, str]:
    """The fake server and a recognisable key; a keychain that is never consulted."""
    return {
        "OPENAI_BASE_URL": fake_openai.base_url,
        "OPENAI_API_KEY": KEY,
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }


def chat_requests(server: FakeOpenAIServer) -> list[Any]:
    return server.requests_to("/chat/completions")


def assistant_rows(profile: AppProfile) -> int:
    import sqlite3

    connection = sqlite3.connect(f"file:{profile.database}?mode=ro", uri=True)
    try:
        row = connection.execute("SELECT COUNT(*) FROM messages WHERE role = 'assistant'")
        return int(row.fetchone()[0])
    finally:
        connection.close()


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- ask ------------------------------------------------------------------------------------


def test_ask_streams_the_answer_to_stdout_and_saves_the_exchange(
    profile: AppProfile, fake_openai: FakeOpenAIServer, api_env: dict[str, str]
) -> None:
    fake_openai.script(reply(["The answer", " is", " four."]))

    result = profile.run("ask", "What is two plus two?", env=api_env)

    assert result.returncode == 0, result.stderr
    assert result.stdout == "The answer is four.\n"
    assert result.stderr == ""
    (request,) = chat_requests(fake_openai)
    assert request.body["stream"] is True
    assert request.body["model"] == "gpt-4"  # the server lists it, so it is the default
    assert request.messages == [{"role": "user", "content": "What is two plus two?"}]
    assert request.headers["authorization"] == f"Bearer {KEY}"
    with profile.store() as store:
        (summary,) = store.list_conversations()
        conversation = store.get_conversation(summary.id)
    assert conversation.title == "What is two plus two?"
    assert [(m.role, m.content, m.status) for m in conversation.messages] == [
        (Role.USER, "What is two plus two?", MessageStatus.COMPLETE),
        (Role.ASSISTANT, "The answer is four.", MessageStatus.COMPLETE),
    ]
    assert conversation.messages[1].model == "gpt-4"


@pytest.mark.parametrize("args", [("-",), ()], ids=["dash", "piped"])
def test_ask_reads_the_prompt_from_stdin(
    profile: AppProfile,
    fake_openai: FakeOpenAIServer,
    api_env: dict[str, str],
    args: tuple[str, ...],
) -> None:
    prompt = "Summarise this:\nline one\nline two"

    result = profile.run("ask", *args, "--model", "test-model", input=prompt + "\n", env=api_env)

    assert result.returncode == 0, result.stderr
    assert result.stdout == "Hello from the test server.\n"
    (request,) = chat_requests(fake_openai)
    assert request.body["model"] == "test-model"
    assert request.messages[-1]["role"] == "user"
    assert request.messages[-1]["content"].rstrip("\n") == prompt
    with profile.store() as store:
        conversation = store.get_conversation(store.conversation_ids()[0])
    assert conversation.messages[0].content.rstrip("\n") == prompt
    assert conversation.title == "Summarise this: line one line two"


def test_ask_continue_appends_to_the_most_recent_conversation_with_the_whole_history(
    profile: AppProfile, fake_openai: FakeOpenAIServer, api_env: dict[str, str]
) -> None:
    fake_openai.set_default(echo())
    assert profile.run("ask", "an older question", env=api_env).returncode == 0
    assert profile.run("ask", "the recent question", env=api_env).returncode == 0

    result = profile.run("ask", "--continue", "a follow-up", env=api_env)
    again = profile.run("ask", "-c", "and one more", env=api_env)

    assert result.returncode == 0, result.stderr
    assert result.stdout == "You said: a follow-up\n"
    assert again.returncode == 0, again.stderr
    requests = chat_requests(fake_openai)
    assert requests[2].messages == [
        {"role": "user", "content": "the recent question"},
        {"role": "assistant", "content": "You said: the recent question"},
        {"role": "user", "content": "a follow-up"},
    ]
    assert [m["content"] for m in requests[3].messages] == [
        "the recent question",
        "You said: the recent question",
        "a follow-up",
        "You said: a follow-up",
        "and one more",
    ]
    with profile.store() as store:
        recent, older = (store.get_conversation(s.id) for s in store.list_conversations())
    assert recent.title == "the recent question"
    assert [m.content for m in recent.messages] == [
        "the recent question",
        "You said: the recent question",
        "a follow-up",
        "You said: a follow-up",
        "and one more",
        "You said: and one more",
    ]
    assert all(m.status is MessageStatus.COMPLETE for m in recent.messages)
    assert [m.content for m in older.messages] == [
        "an older question",
        "You said: an older question",
    ]


def test_ask_system_sends_a_system_message_first(
    profile: AppProfile, fake_openai: FakeOpenAIServer, api_env: dict[str, str]
) -> None:
    result = profile.run("ask", "--system", "Answer in French.", "Hello", env=api_env)
    follow_up = profile.run("ask", "--continue", "And goodbye?", env=api_env)

    assert result.returncode == 0, result.stderr
    assert follow_up.returncode == 0, follow_up.stderr
    first, second = chat_requests(fake_openai)
    assert first.messages == [
        {"role": "system", "content": "Answer in French."},
        {"role": "user", "content": "Hello"},
    ]
    assert second.messages[0] == {"role": "system", "content": "Answer in French."}
    assert [m["role"] for m in second.messages] == ["system", "user", "assistant", "user"]
    with profile.store() as store:
        conversation = store.get_conversation(store.conversation_ids()[0])
    assert conversation.system_prompt == "Answer in French."
    assert [m.role for m in conversation.messages] == [Role.USER, Role.ASSISTANT] * 2


@pytest.mark.parametrize(
    ("status", "message", "expected"),
    [
        (
            401,
            # OpenAI echoes the key it was given (masked); a proxy may echo all of it.
            f"Incorrect API key provided: {KEY} (sk-cli-EX{'*' * 12}{KEY_TAIL}). You can find "
            "your API key at https://platform.openai.com/account/api-keys.",
            "rejected the API key (401)",
        ),
        (500, f"The upstream failed while using key {KEY}.", "server had a problem (500)"),
    ],
    ids=["401", "500"],
)
def test_ask_http_error_exits_with_one_line_without_the_key_and_stores_no_answer(
    profile: AppProfile,
    fake_openai: FakeOpenAIServer,
    api_env: dict[str, str],
    status: int,
    message: str,
    expected: str,
) -> None:
    # retry-after-ms keeps the SDK's automatic retries of a 500 fast.
    fake_openai.script(error(status, message, headers={"retry-after-ms": "5"}, sticky=True))

    result = profile.run("ask", "Will this work?", env=api_env)

    assert result.returncode == 1
    assert result.stdout == ""
    line = one_line(result.stderr)
    assert line.startswith("desktop-chat: ")
    assert expected in line
    assert "Traceback" not in result.stderr
    for needle in (KEY, KEY_TAIL):
        assert needle not in result.stderr
        assert needle not in result.stdout
    assert files_containing([profile.root], KEY_TAIL) == []
    assert assistant_rows(profile) == 0
    with profile.store() as store:
        (conversation,) = (store.get_conversation(i) for i in store.conversation_ids())
    assert [m.role for m in conversation.messages] == [Role.USER]


def test_ask_connection_refused_exits_non_zero(profile: AppProfile) -> None:
    env = {
        "OPENAI_BASE_URL": f"http://127.0.0.1:{closed_port()}/v1",
        "OPENAI_API_KEY": KEY,
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }

    result = profile.run("ask", "--model", "test-model", "Anyone there?", env=env)

    assert result.returncode == 1
    assert result.stdout == ""
    line = one_line(result.stderr)
    assert "Could not connect to the server" in line
    assert KEY not in result.stderr
    assert assistant_rows(profile) == 0


@pytest.mark.parametrize("stdin", ["", "  \n\n"], ids=["empty", "blank"])
def test_ask_without_a_prompt_is_a_usage_error(
    profile: AppProfile, fake_openai: FakeOpenAIServer, api_env: dict[str, str], stdin: str
) -> None:
    result = profile.run("ask", input=stdin, env=api_env)

    assert result.returncode == 2
    assert result.stdout == ""
    assert "prompt" in one_line(result.stderr)
    assert fake_openai.requests == []
    assert profile.counts() == (0, 0)


# --- export ---------------------------------------------------------------------------------


@dataclass
class History:
    branched: str  # a conversation whose second user message was edited
    other: str
    trashed: str
    active: list[str]  # message ids of the branched conversation's active branch
    inactive: list[str]  # the alternative it replaced


@pytest.fixture
def history(profile: AppProfile) -> History:
    with profile.store() as store:
        c = store.create_conversation(
            title="Branches, café ☕", model="test-model", system_prompt="Be brief."
        )
        u1 = store.add_message(c.id, None, Role.USER, "First question")
        a1 = store.add_message(c.id, u1.id, Role.ASSISTANT, "First answer", model="test-model")
        u2 = store.add_message(c.id, a1.id, Role.USER, "Original follow-up")
        a2 = store.add_message(c.id, u2.id, Role.ASSISTANT, "Original answer", model="x")
        u2b = store.add_message(c.id, a1.id, Role.USER, "Edited follow-up ☕")
        a2b = store.add_message(
            c.id,
            u2b.id,
            Role.ASSISTANT,
            "Partial answ",
            model="test-model",
            status=MessageStatus.INTERRUPTED,
        )
        other = store.create_conversation(title="Other chat", model="gpt-4")
        ou = store.add_message(other.id, None, Role.USER, "Hi")
        store.add_message(other.id, ou.id, Role.ASSISTANT, "Hello!", model="gpt-4")
        trashed = store.create_conversation(title="Thrown away")
        store.add_message(trashed.id, None, Role.USER, "bye")
        store.trash_conversation(trashed.id)
        assert [m.id for m in store.get_conversation(c.id).messages] == [
            u1.id,
            a1.id,
            u2b.id,
            a2b.id,
        ]
    return History(c.id, other.id, trashed.id, [u1.id, a1.id, u2b.id, a2b.id], [u2.id, a2.id])


def test_export_json_matches_the_documented_format(profile: AppProfile, history: History) -> None:
    result = profile.run("export")

    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    document = json.loads(result.stdout)
    assert set(document) == {"format", "conversations"}
    assert document["format"] == "desktop-chat/1"
    conversations = document["conversations"]
    assert [c["id"] for c in conversations] == [history.branched, history.other]
    with profile.store() as store:
        for exported in conversations:
            assert set(exported) == CONVERSATION_KEYS
            stored = store.get_conversation(exported["id"])
            assert exported["title"] == stored.title
            assert exported["model"] == stored.model
            assert exported["system_prompt"] == stored.system_prompt
            for name in ("created_at", "updated_at"):
                assert ISO_UTC.match(exported[name]), exported[name]
                assert datetime.fromisoformat(exported[name]) == getattr(stored, name)
            assert len(exported["messages"]) == len(stored.messages)
            for message, expected in zip(exported["messages"], stored.messages, strict=True):
                assert set(message) == MESSAGE_KEYS
                assert ISO_UTC.match(message["created_at"]), message["created_at"]
                assert datetime.fromisoformat(message["created_at"]) == expected.created_at
                assert message["id"] == expected.id
                assert message["role"] == expected.role.value
                assert message["content"] == expected.content
                assert message["model"] == expected.model
                assert message["status"] == expected.status.value
    branched = conversations[0]
    assert [m["id"] for m in branched["messages"]] == history.active
    assert [(m["role"], m["content"], m["status"], m["model"]) for m in branched["messages"]] == [
        ("user", "First question", "complete", None),
        ("assistant", "First answer", "complete", "test-model"),
        ("user", "Edited follow-up ☕", "complete", None),
        ("assistant", "Partial answ", "interrupted", "test-model"),
    ]
    assert branched["system_prompt"] == "Be brief."
    for hidden in history.inactive:
        assert hidden not in result.stdout
    assert "Original follow-up" not in result.stdout
    assert "Thrown away" not in result.stdout
    assert "café ☕" in result.stdout  # UTF-8 as is, not \u escapes


def test_export_follows_the_selected_branch(profile: AppProfile, history: History) -> None:
    with profile.store() as store:
        store.select_branch(history.inactive[0])

    result = profile.run("export", "--conversation", history.branched)

    assert result.returncode == 0, result.stderr
    (conversation,) = json.loads(result.stdout)["conversations"]
    assert [m["id"] for m in conversation["messages"]] == history.active[:2] + history.inactive


def test_export_one_conversation_by_id(profile: AppProfile, history: History) -> None:
    result = profile.run("export", "--conversation", history.other)

    assert result.returncode == 0, result.stderr
    (conversation,) = json.loads(result.stdout)["conversations"]
    assert conversation["id"] == history.other
    assert [m["content"] for m in conversation["messages"]] == ["Hi", "Hello!"]


def test_export_unknown_conversation_fails(profile: AppProfile, history: History) -> None:
    result = profile.run("export", "--conversation", "no-such-conversation")

    assert result.returncode == 1
    assert result.stdout == ""
    assert "no-such-conversation" in one_line(result.stderr)


def test_export_markdown(profile: AppProfile, history: History) -> None:
    result = profile.run("export", "--format", "markdown")

    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert text.startswith("# Branches, café ☕\n")
    assert re.search(r"^\*\d{4}-\d{2}-\d{2}T[^ ]+Z · test-model\*$", text, re.MULTILINE)
    expected_order = [
        "**System**\n\nBe brief.\n",
        "**You**\n\nFirst question\n",
        "**Assistant**\n\nFirst answer\n",
        "**You**\n\nEdited follow-up ☕\n",
        "**Assistant** (interrupted)\n\nPartial answ\n",
        "# Other chat\n",
        "**You**\n\nHi\n",
        "**Assistant**\n\nHello!\n",
    ]
    positions = [text.find(part) for part in expected_order]
    assert -1 not in positions, [p for p, i in zip(expected_order, positions, strict=True) if i < 0]
    assert positions == sorted(positions)
    assert "Original" not in text
    assert "Thrown away" not in text


def test_export_output_file(profile: AppProfile, history: History, tmp_path: Path) -> None:
    to_stdout = profile.run("export").stdout
    target = tmp_path / "export.json"
    markdown = tmp_path / "export.md"

    result = profile.run("export", "-o", str(target))
    as_markdown = profile.run("export", "--format", "markdown", "--output", str(markdown))
    unwritable = profile.run("export", "-o", str(tmp_path / "no-such-dir" / "x.json"))

    assert result.returncode == 0, result.stderr
    assert (result.stdout, result.stderr) == ("", "")
    assert target.read_text(encoding="utf-8") == to_stdout
    assert as_markdown.returncode == 0
    assert markdown.read_text(encoding="utf-8").startswith("# Branches, café ☕\n")
    assert unwritable.returncode == 1
    assert "cannot write" in one_line(unwritable.stderr)


def test_export_of_an_empty_history(profile: AppProfile) -> None:
    result = profile.run("export")

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"format": "desktop-chat/1", "conversations": []}


# --- import: our own format -----------------------------------------------------------------


def test_round_trip_into_a_fresh_profile_is_identical(
    profile: AppProfile, history: History, tmp_path: Path
) -> None:
    exported = tmp_path / "history.json"
    assert profile.run("export", "-o", str(exported)).returncode == 0
    fresh = AppProfile(tmp_path / "fresh")

    first = fresh.run("import", str(exported))
    again = fresh.run("export")

    assert first.returncode == 0, first.stderr
    assert first.stdout == ("Imported 2 new conversations and 6 new messages from 2 in the file.\n")
    assert again.returncode == 0, again.stderr
    assert again.stdout == exported.read_text(encoding="utf-8")
    assert fresh.counts() == (2, 6)
    with fresh.store() as store:
        branched = store.get_conversation(history.branched)
    assert [m.id for m in branched.messages] == history.active
    assert [m.parent_id for m in branched.messages] == [None, *history.active[:-1]]


def test_importing_the_same_file_twice_adds_nothing(
    profile: AppProfile, history: History, tmp_path: Path
) -> None:
    exported = tmp_path / "history.json"
    assert profile.run("export", "-o", str(exported)).returncode == 0
    fresh = AppProfile(tmp_path / "fresh")
    assert fresh.run("import", str(exported)).returncode == 0
    counts = fresh.counts()

    second = fresh.run("import", str(exported))
    into_the_source = profile.run("import", str(exported))

    assert second.returncode == 0, second.stderr
    assert second.stdout.startswith("Imported 0 new conversations and 0 new messages")
    assert fresh.counts() == counts
    assert into_the_source.returncode == 0
    assert into_the_source.stdout.startswith("Imported 0 new conversations and 0 new messages")
    assert fresh.run("export").stdout == exported.read_text(encoding="utf-8")


# --- import: ChatGPT export -----------------------------------------------------------------

PIRATE = "6571f3d2-0c4e-8001-9a3b-1f2e3d4c5b6a"
TEA = "6571f3d2-0c4e-8001-9a3b-222222222222"


def node(n: int) -> str:
    return f"9d0c1b2a-0000-4000-8000-{n:012d}"


def check_chatgpt_import(profile: AppProfile) -> None:
    assert profile.counts() == (2, 8)  # 6 kept in the pirate chat (2 branches), 2 in the other
    with profile.store() as store:
        assert store.conversation_ids() == [PIRATE, TEA]
        pirate = store.get_conversation(PIRATE)
        assert pirate.title == "Weather, like a pirate"
        assert pirate.created_at == datetime.fromtimestamp(1700000000.25, UTC)
        assert pirate.updated_at == datetime.fromtimestamp(1700000500.75, UTC)
        assert pirate.system_prompt == "Talk like a pirate."  # the hidden empty one is skipped
        assert pirate.model == "gpt-4o"
        # The active branch follows current_node (the first alternative, not the newest).
        assert [(m.id, m.role, m.content) for m in pirate.messages] == [
            (node(3), Role.USER, "What's the weather in Lisbon?"),
            (node(5), Role.ASSISTANT, "Arr, 'tis sunny and 21 degrees in Lisbon."),
            (node(6), Role.USER, "Thanks!"),
            (node(7), Role.ASSISTANT, "Fair winds, matey."),
        ]
        first, answer, thanks, _ = pirate.messages
        assert first.parent_id is None
        assert first.created_at == datetime.fromtimestamp(1700000010.5, UTC)
        assert answer.parent_id == node(3)  # the tool node between them is skipped
        assert answer.model == "gpt-4o"
        assert (thanks.sibling_index, thanks.sibling_count) == (0, 2)
        assert store.siblings(node(6)) == [node(6), node(8)]
        assert all(m.status is MessageStatus.COMPLETE for m in pirate.messages)

        tea = store.get_conversation(TEA)
        assert [(m.role, m.content) for m in tea.messages] == [
            (Role.USER, "Write a haiku about this tea."),
            (
                Role.ASSISTANT,
                "Steam curls from the cup\nGreen leaves unfold in silence\nThe kettle sighs twice",
            ),
        ]
        # A message without create_time gets the conversation's.
        assert tea.messages[0].created_at == datetime.fromtimestamp(1700100000, UTC)
        assert tea.model == "gpt-4"

        # The other alternative is really there and can be shown.
        store.select_branch(node(8))
        edited = store.get_conversation(PIRATE)
    assert [m.content for m in edited.messages] == [
        "What's the weather in Lisbon?",
        "Arr, 'tis sunny and 21 degrees in Lisbon.",
        "Thanks! And tomorrow?",
        "Tomorrow brings rain, says the sky.",
    ]
    assert (edited.messages[2].sibling_index, edited.messages[2].sibling_count) == (1, 2)


def test_import_chatgpt_conversations_json(profile: AppProfile, tmp_path: Path) -> None:
    source = tmp_path / "conversations.json"
    shutil.copy(CHATGPT_EXPORT, source)

    result = profile.run("import", str(source))

    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "Imported 2 new conversations and 8 new messages from 2 in the file.\n"
    )
    assert result.stderr == ""
    check_chatgpt_import(profile)
    # ... and nothing of the tool output or the hidden system node became a message.
    export = profile.run("export").stdout
    assert "TOOL OUTPUT" not in export
    assert '"role": "system"' not in export


def test_import_chatgpt_zip_export(profile: AppProfile, tmp_path: Path) -> None:
    archive = tmp_path / "chatgpt-export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("chatgpt-export-2024-05-01/chat.html", "<html></html>")
        zf.writestr("chatgpt-export-2024-05-01/user.json", '{"id": "user-1"}')
        zf.write(CHATGPT_EXPORT, "chatgpt-export-2024-05-01/conversations.json")
        zf.writestr("chatgpt-export-2024-05-01/file-abc123.png", b"\x89PNG\r\n")

    result = profile.run("import", str(archive))
    plain_json = profile.run("import", str(CHATGPT_EXPORT))

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Imported 2 new conversations and 8 new messages")
    assert plain_json.stdout.startswith("Imported 0 new conversations and 0 new messages")
    check_chatgpt_import(profile)


def test_import_chatgpt_skips_an_assistant_tool_call(profile: AppProfile, tmp_path: Path) -> None:
    """An assistant message addressed to a tool (recipient != "all", content_type "code") is
    the model calling Python or the browser, not an answer, as the tool's output is not."""

    def message(role: str, content: dict[str, Any], recipient: str = "all") -> dict[str, Any]:
        return {"author": {"role": role}, "content": content, "recipient": recipient}

    nodes = [
        ("root", None, None),
        ("u", "root", message("user", {"content_type": "text", "parts": ["What is 2**10?"]})),
        (
            "call",
            "u",
            message("assistant", {"content_type": "code", "text": "print(2**10)"}, "python"),
        ),
        ("out", "call", message("tool", {"content_type": "execution_output", "text": "1024"})),
        ("a", "out", message("assistant", {"content_type": "text", "parts": ["It is 1024."]})),
    ]
    mapping = {}
    for index, (name, parent, body) in enumerate(nodes):
        if body is not None:
            body = {"id": name, "create_time": 1700000000 + index, **body}
        children = [n for n, p, _ in nodes if p == name]
        mapping[name] = {"id": name, "message": body, "parent": parent, "children": children}
    conversation = {
        "title": "Code interpreter",
        "create_time": 1700000000,
        "update_time": 1700000009,
        "mapping": mapping,
        "current_node": "a",
        "conversation_id": "code-interpreter-chat",
    }
    source = tmp_path / "conversations.json"
    source.write_text(json.dumps([conversation]), encoding="utf-8")

    result = profile.run("import", str(source))

    assert result.returncode == 0, result.stderr
    with profile.store() as store:
        imported = store.get_conversation("code-interpreter-chat")
    assert [(m.role, m.content) for m in imported.messages] == [
        (Role.USER, "What is 2**10?"),
        (Role.ASSISTANT, "It is 1024."),
    ]


# --- import: malformed files are rejected whole ---------------------------------------------


def our_document() -> dict[str, Any]:
    """A valid desktop-chat/1 file with two conversations the test profile does not have."""

    def conversation(n: int) -> dict[str, Any]:
        return {
            "id": f"import-test-{n}",
            "title": f"Imported {n}",
            "created_at": f"2024-01-0{n}T10:00:00Z",
            "updated_at": f"2024-01-0{n}T10:05:00.500000Z",
            "model": "gpt-4",
            "system_prompt": "",
            "messages": [
                {
                    "id": f"import-test-{n}-u",
                    "role": "user",
                    "content": "Hello",
                    "created_at": f"2024-01-0{n}T10:00:01Z",
                    "model": None,
                    "status": "complete",
                },
                {
                    "id": f"import-test-{n}-a",
                    "role": "assistant",
                    "content": "Hi!",
                    "created_at": f"2024-01-0{n}T10:00:02+02:00",
                    "model": "gpt-4",
                    "status": "complete",
                },
            ],
        }

    return {"format": "desktop-chat/1", "conversations": [conversation(1), conversation(2)]}


def without_message_id() -> dict[str, Any]:
    document = our_document()
    del document["conversations"][1]["messages"][1]["id"]
    return document


def with_created_at(value: object) -> dict[str, Any]:
    document = our_document()
    document["conversations"][1]["messages"][0]["created_at"] = value
    return document


def chatgpt_with_bad_time() -> list[dict[str, Any]]:
    conversations = json.loads(CHATGPT_EXPORT.read_text(encoding="utf-8"))
    conversations[0]["conversation_id"] = conversations[0]["id"] = "a-new-one"
    conversations[1]["conversation_id"] = conversations[1]["id"] = "another-new-one"
    conversations[1]["create_time"] = "last Tuesday"
    return conversations


def zipped(name: str | None, data: bytes = b"") -> bytes:
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        if name is not None:
            zf.writestr(name, data)
    return buffer.getvalue()


def as_json(value: object) -> bytes:
    return json.dumps(value).encode()


MALFORMED = [
    pytest.param(
        "conversations.json",
        b'{"format": "desktop-chat/1", "conversations": [',
        "not valid JSON",
        id="not-json",
    ),
    pytest.param(
        "future.json",
        as_json({**our_document(), "format": "desktop-chat/2"}),
        "format 'desktop-chat/2' is not supported",
        id="wrong-format",
    ),
    pytest.param(
        "no-id.json",
        as_json(without_message_id()),
        "conversations[1].messages[1].id must be a non-empty string",
        id="message-without-id",
    ),
    pytest.param(
        "bad-time.json",
        as_json(with_created_at("yesterday at noon")),
        "conversations[1].messages[0].created_at is not an ISO-8601 time",
        id="bad-time",
    ),
    pytest.param(
        "conversations.json",
        as_json(chatgpt_with_bad_time()),
        "conversation 2: create_time is not an ISO-8601 time: 'last Tuesday'",
        id="chatgpt-bad-time",
    ),
    pytest.param("export.zip", zipped(None), "has no conversations.json", id="empty-zip"),
    pytest.param(
        "export.zip",
        zipped("export/conversations.json", b"[{"),
        "not valid JSON",
        id="zip-with-broken-json",
    ),
    pytest.param(
        "notes.json",
        as_json({"hello": "world"}),
        "neither a desktop-chat export nor a ChatGPT conversations.json",
        id="unknown-json",
    ),
    pytest.param(
        "huge-time.json",
        as_json(with_created_at(1e20)),
        "conversations[1].messages[0].created_at",
        id="time-out-of-range",
    ),
]


@pytest.mark.parametrize(("name", "data", "problem"), MALFORMED)
def test_malformed_file_is_rejected_whole_with_a_message(
    profile: AppProfile, tmp_path: Path, name: str, data: bytes, problem: str
) -> None:
    assert profile.run("import", str(CHATGPT_EXPORT)).returncode == 0
    before = profile.counts()
    with profile.store() as store:
        ids_before = store.conversation_ids()
    source = tmp_path / "incoming" / name
    source.parent.mkdir()
    source.write_bytes(data)

    result = profile.run("import", str(source))

    assert "Traceback" not in result.stderr
    assert result.returncode == 1
    assert result.stdout == ""
    line = one_line(result.stderr)
    assert line.startswith(f"desktop-chat: nothing imported: {name}: "), line
    assert problem in line
    assert profile.counts() == before
    with profile.store() as store:
        assert store.conversation_ids() == ids_before


def test_import_of_a_missing_file_fails(profile: AppProfile, tmp_path: Path) -> None:
    result = profile.run("import", str(tmp_path / "nowhere.json"))

    assert result.returncode == 1
    assert "nowhere.json: cannot be read" in one_line(result.stderr)
    assert profile.counts() == (0, 0)

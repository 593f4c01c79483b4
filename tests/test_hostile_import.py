"""Hostile import files and a damaged database (issue 19): nothing hangs, crashes or mixes chats.

Each case was reproduced on the old code: a ChatGPT node that is its own parent imported and then
hung every read of that chat; a two-node cycle ended in sqlite3.IntegrityError; a deep JSON array
ended in RecursionError; an import reusing another chat's message ids showed that chat's messages.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cli_helpers import AppProfile, one_line
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop_chat import exchange
from desktop_chat.domain import Role
from desktop_chat.exchange import ImportFormatError
from desktop_chat.files import write_private_atomically
from desktop_chat.store import ConversationStore

# --- helpers --------------------------------------------------------------------------------


@pytest.fixture
def memory_store() -> Iterator[ConversationStore]:
    store = ConversationStore()
    yield store
    store.close()


@pytest.fixture
def profile(tmp_path: Path) -> AppProfile:
    return AppProfile(tmp_path / "profile")


def turn(node_id: str, role: str, text: str, parent: str | None, *children: str) -> dict[str, Any]:
    return {
        "id": node_id,
        "parent": parent,
        "children": list(children),
        "message": {
            "id": node_id,
            "author": {"role": role},
            "content": {"content_type": "text", "parts": [text]},
            "create_time": 1700000000,
        },
    }


def chatgpt(mapping: dict[str, Any], current: str | None = None, cid: str = "c1") -> bytes:
    conversation = {
        "conversation_id": cid,
        "title": "Hostile",
        "create_time": 1700000000,
        "mapping": mapping,
        "current_node": current,
    }
    return json.dumps([conversation]).encode()


def parent_links_are_a_forest(store: ConversationStore) -> bool:
    """Read the raw parent links (as another program would) and walk each one up to a root."""
    parents = dict(store._db.execute("SELECT id, parent_id FROM messages").fetchall())
    for start in parents:
        seen = set()
        node = start
        while node is not None:
            if node in seen:
                return False
            seen.add(node)
            node = parents.get(node)
    return True


def seeded(store: ConversationStore) -> tuple[str, str]:
    """A chat that was there before the import, and its export (to check it is unchanged)."""
    chat = store.create_conversation(title="Mine")
    first = store.add_message(chat.id, None, Role.USER, "my question")
    store.add_message(chat.id, first.id, Role.ASSISTANT, "my answer")
    return chat.id, exchange.to_json([store.get_conversation(chat.id)])


# --- parent cycles --------------------------------------------------------------------------


def test_a_node_that_is_its_own_parent_becomes_a_root_and_the_chat_opens(
    memory_store: ConversationStore,
) -> None:
    mapping = {
        "root": {"id": "root", "parent": None, "children": ["u"], "message": None},
        "u": turn("u", "user", "Hello", "u", "a"),  # names itself as its parent
        "a": turn("a", "assistant", "Hi!", "u"),
    }
    imported = exchange.parse(chatgpt(mapping, current="a"))
    memory_store.import_conversations(imported)

    started = time.monotonic()
    conversation = memory_store.get_conversation("c1")
    assert time.monotonic() - started < 2
    assert [(m.id, m.parent_id) for m in conversation.messages] == [("u", None), ("a", "u")]
    assert parent_links_are_a_forest(memory_store)


def test_a_two_node_parent_cycle_is_cut_and_imports_without_an_integrity_error(
    memory_store: ConversationStore,
) -> None:
    mapping = {
        "root": {"id": "root", "parent": None, "children": ["x"], "message": None},
        "x": turn("x", "user", "Question", "y", "y"),
        "y": turn("y", "assistant", "Answer", "x", "x"),
    }
    imported = exchange.parse(chatgpt(mapping, current="y"))
    added = memory_store.import_conversations(imported)

    assert added == (1, 2)
    conversation = memory_store.get_conversation("c1")
    assert [m.content for m in conversation.messages] == ["Question", "Answer"]
    assert parent_links_are_a_forest(memory_store)


def test_a_long_cycle_without_any_root_still_imports(memory_store: ConversationStore) -> None:
    names = [f"n{i}" for i in range(50)]
    mapping = {
        name: turn(name, "user" if i % 2 == 0 else "assistant", f"t{i}", names[i - 1])
        for i, name in enumerate(names)
    }
    imported = exchange.parse(chatgpt(mapping, current="n49"))
    memory_store.import_conversations(imported)

    assert len(memory_store.get_conversation("c1").messages) == 50
    assert parent_links_are_a_forest(memory_store)


# --- limits ---------------------------------------------------------------------------------


def test_a_100000_deep_array_is_refused_with_a_message() -> None:
    with pytest.raises(ImportFormatError, match="nested too deeply"):
        exchange.parse("[" * 100_000 + "]" * 100_000, "deep.json")


def test_nan_and_infinity_are_not_json(memory_store: ConversationStore) -> None:
    for text in ('{"format": "desktop-chat/1", "conversations": NaN}', "[1e999]"):
        with pytest.raises(ImportFormatError, match="not valid JSON"):
            exchange.parse(text)


def zip_with(path: Path, member: str, data: bytes) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(member, data)
    return path


def test_an_oversize_zip_member_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(exchange, "MAX_MEMBER_BYTES", 1000)
    archive = zip_with(tmp_path / "export.zip", "x/conversations.json", b"[" + b" " * 5000 + b"]")

    with pytest.raises(ImportFormatError) as raised:
        exchange.load_file(archive)

    assert str(raised.value).startswith("export.zip: its x/conversations.json is larger than")


def test_a_zip_member_within_the_limit_imports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(exchange, "MAX_MEMBER_BYTES", 10_000)
    archive = zip_with(tmp_path / "export.zip", "conversations.json", b"[" + b" " * 5000 + b"]")

    assert exchange.load_file(archive) == []


def test_an_oversize_plain_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(exchange, "MAX_FILE_BYTES", 100)
    source = tmp_path / "conversations.json"
    source.write_bytes(b"[" + b" " * 200 + b"]")

    with pytest.raises(ImportFormatError, match=r"conversations\.json: the file is larger than"):
        exchange.load_file(source)


def test_an_encrypted_zip_member_is_an_import_error_not_a_traceback(tmp_path: Path) -> None:
    archive = zip_with(tmp_path / "export.zip", "conversations.json", b"[]")
    data = bytearray(archive.read_bytes())
    # Mark the member encrypted (general-purpose flag bit 0) in both of its headers, as a
    # password-protected zip would: zipfile then asks for a password.
    data[6] |= 0x1
    data[data.index(b"PK\x01\x02") + 8] |= 0x1
    archive.write_bytes(bytes(data))

    with pytest.raises(ImportFormatError, match=r"^export\.zip: the archive cannot be unpacked"):
        exchange.load_file(archive)


# --- ids another chat owns ------------------------------------------------------------------


def test_ids_another_chat_owns_get_new_ids_and_the_other_chat_is_unchanged(
    memory_store: ConversationStore,
) -> None:
    mine, before = seeded(memory_store)
    taken = [m.id for m in memory_store.get_conversation(mine).messages]
    document = {
        "format": "desktop-chat/1",
        "conversations": [
            {
                "id": "theirs",
                "title": "Theirs",
                "created_at": "2024-01-01T10:00:00Z",
                "updated_at": "2024-01-01T10:00:00Z",
                "model": "gpt-4",
                "messages": [
                    {"id": taken[0], "role": "user", "content": "their question",
                     "created_at": "2024-01-01T10:00:01Z"},
                    {"id": taken[1], "role": "assistant", "content": "their answer",
                     "created_at": "2024-01-01T10:00:02Z"},
                ],
            }
        ],
    }  # fmt: skip
    raw = json.dumps(document)

    first = memory_store.import_conversations(exchange.parse(raw))
    again = memory_store.import_conversations(exchange.parse(raw))

    assert first == (1, 2)
    assert again == (0, 0)  # importing the same file again still adds nothing
    assert exchange.to_json([memory_store.get_conversation(mine)]) == before
    theirs = memory_store.get_conversation("theirs")
    assert [m.content for m in theirs.messages] == ["their question", "their answer"]
    assert not {m.id for m in theirs.messages} & set(taken)
    assert theirs.messages[1].parent_id == theirs.messages[0].id
    assert memory_store.siblings(theirs.messages[0].id) == [theirs.messages[0].id]


def test_an_id_repeated_inside_the_file_is_two_messages(memory_store: ConversationStore) -> None:
    mapping = {
        "root": {"id": "root", "parent": None, "children": ["u"], "message": None},
        "u": turn("u", "user", "Question", "root", "a"),
        "a": turn("a", "assistant", "Answer", "u"),
    }
    mapping["a"]["message"]["id"] = "u"  # the answer's message claims the question's id
    raw = chatgpt(mapping, current="a")

    assert memory_store.import_conversations(exchange.parse(raw)) == (1, 2)
    assert memory_store.import_conversations(exchange.parse(raw)) == (0, 0)
    conversation = memory_store.get_conversation("c1")
    assert [m.content for m in conversation.messages] == ["Question", "Answer"]


def test_a_repeated_id_in_our_format_keeps_the_order(memory_store: ConversationStore) -> None:
    messages = [
        {"id": "same", "role": role, "content": text, "created_at": "2024-01-01T10:00:00Z"}
        for role, text in (("user", "one"), ("assistant", "two"), ("user", "three"))
    ]
    document = {
        "format": "desktop-chat/1",
        "conversations": [
            {
                "id": "c",
                "title": "t",
                "created_at": "2024-01-01T10:00:00Z",
                "updated_at": "2024-01-01T10:00:00Z",
                "messages": messages,
            }
        ],
    }
    raw = json.dumps(document)

    assert memory_store.import_conversations(exchange.parse(raw)) == (1, 3)
    assert memory_store.import_conversations(exchange.parse(raw)) == (0, 0)
    assert [m.content for m in memory_store.get_conversation("c").messages] == [
        "one",
        "two",
        "three",
    ]
    assert parent_links_are_a_forest(memory_store)


# --- a damaged database ---------------------------------------------------------------------


def damage(path: Path) -> tuple[str, str]:
    """Two chats whose parent links were broken by hand: a self-parent and a 2-cycle."""
    store = ConversationStore(path)
    try:
        one = store.create_conversation(title="Self")
        a = store.add_message(one.id, None, Role.USER, "self-parent")
        two = store.create_conversation(title="Cycle")
        b = store.add_message(two.id, None, Role.USER, "b")
        c = store.add_message(two.id, b.id, Role.ASSISTANT, "c")
    finally:
        store.close()
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("UPDATE messages SET parent_id = id WHERE id = ?", (a.id,))
        connection.execute("UPDATE messages SET parent_id = ? WHERE id = ?", (c.id, b.id))
    finally:
        connection.close()
    return one.id, two.id


def test_a_damaged_database_cannot_hang_reading_a_chat(tmp_path: Path) -> None:
    self_parent, cycle = damage(tmp_path / "history.sqlite3")
    store = ConversationStore(tmp_path / "history.sqlite3")
    try:
        started = time.monotonic()
        assert [m.content for m in store.get_conversation(self_parent).messages] == ["self-parent"]
        assert [m.content for m in store.get_conversation(cycle).messages] == ["b", "c"]
        tip = store.get_conversation(cycle).messages[0].id
        store.select_branch(tip)  # descends the cycle: must end
        assert len(store.get_conversation(cycle).messages) == 2
        assert time.monotonic() - started < 5
    finally:
        store.close()


def test_export_after_damage_finishes(profile: AppProfile) -> None:
    damage(profile.database)

    result = profile.run("export", timeout=30)

    assert result.returncode == 0, result.stderr
    exported = json.loads(result.stdout)
    assert sorted(c["title"] for c in exported["conversations"]) == ["Cycle", "Self"]


# --- the command line -----------------------------------------------------------------------


def test_cli_import_of_a_deep_array_prints_one_line_and_fails(
    profile: AppProfile, tmp_path: Path
) -> None:
    source = tmp_path / "deep.json"
    source.write_text("[" * 100_000 + "]" * 100_000)

    result = profile.run("import", str(source))

    assert result.returncode == 1
    assert result.stdout == ""
    line = one_line(result.stderr)
    assert line == "desktop-chat: nothing imported: deep.json: the JSON is nested too deeply"
    assert profile.counts() == (0, 0)


def test_cli_import_of_a_cyclic_chatgpt_file_succeeds_and_export_finishes(
    profile: AppProfile, tmp_path: Path
) -> None:
    mapping = {
        "x": turn("x", "user", "Question", "y", "y"),
        "y": turn("y", "assistant", "Answer", "x", "x"),
        "z": turn("z", "user", "Alone", "z"),
    }
    source = tmp_path / "conversations.json"
    source.write_bytes(chatgpt(mapping, current="y"))

    imported = profile.run("import", str(source))
    exported = profile.run("export", timeout=30)

    assert imported.returncode == 0, imported.stderr
    assert imported.stdout == (
        "Imported 1 new conversation and 3 new messages from 1 in the file.\n"
    )
    assert exported.returncode == 0, exported.stderr


def test_cli_failure_names_a_file_with_a_newline_on_one_line(
    profile: AppProfile, tmp_path: Path
) -> None:
    source = tmp_path / "bad\nname.json"
    source.write_text("{")

    result = profile.run("import", str(source))

    assert result.returncode == 1
    assert one_line(result.stderr).startswith("desktop-chat: nothing imported: bad\\nname.json: ")


def test_cli_export_file_is_private_and_replaces_the_old_one(
    profile: AppProfile, tmp_path: Path
) -> None:
    with profile.store() as store:
        chat = store.create_conversation(title="Private")
        store.add_message(chat.id, None, Role.USER, "secret plans")
    target = tmp_path / "out" / "export.json"
    target.parent.mkdir()
    target.write_text("old")
    target.chmod(0o644)

    result = profile.run("export", "-o", str(target))

    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert json.loads(target.read_text())["format"] == "desktop-chat/1"
    assert os.listdir(target.parent) == ["export.json"]  # no temp file left behind


def test_a_failed_write_leaves_the_old_file_and_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "export.md"
    target.write_text("old export")

    with pytest.raises(UnicodeEncodeError):
        write_private_atomically(target, "half \ud800 written")

    assert target.read_text() == "old export"
    assert os.listdir(tmp_path) == ["export.md"]


def test_a_new_export_file_is_private(tmp_path: Path) -> None:
    target = tmp_path / "new.json"
    write_private_atomically(target, "{}\n")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_text() == "{}\n"


# --- search takes any text ------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    ["\x00", "a\x00b", '"', '""', "*", "AND", "NEAR(", "OR NOT", "col:", "^", "\x01\x1f", "\ud800",
     "日本語", "naïve café", "((", "-"],
)  # fmt: skip
def test_search_accepts_any_text(memory_store: ConversationStore, query: str) -> None:
    chat = memory_store.create_conversation(title="Search me")
    memory_store.add_message(chat.id, None, Role.USER, "a b naïve café 日本語 AND NEAR")
    assert isinstance(memory_store.search(query), list)


def test_search_with_a_nul_finds_the_words_around_it(memory_store: ConversationStore) -> None:
    chat = memory_store.create_conversation(title="t")
    memory_store.add_message(chat.id, None, Role.USER, "pelican harbour")
    hits = memory_store.search("pelican\x00harb")
    assert [hit.conversation_id for hit in hits] == [chat.id]


# --- property tests: any JSON-ish input imports or is refused, quickly --------------------


def mostly(valid: st.SearchStrategy[Any], junk: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """`valid` nine times in ten, else `junk`: enough junk to hit every check, enough valid
    input to get past them into the tree and the store."""
    # sampled_from, not integers(0, 9): Hypothesis favours an integer range's ends.
    choice = st.sampled_from([True] * 5 + [False] + [True] * 4)
    return choice.flatmap(lambda is_valid: valid if is_valid else junk)


node_names = st.sampled_from([f"n{i}" for i in range(12)] + ["", "root"])
texts = st.text(max_size=20)
json_scalars = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
) | texts


@st.composite
def chatgpt_documents(draw: st.DrawFn) -> list[Any]:
    """Random mapping trees: parents and children that may point anywhere (themselves, each
    other in cycles, nowhere), message ids that repeat, and now and then junk."""
    names = draw(st.lists(node_names, min_size=1, max_size=12, unique=True))
    link = mostly(st.sampled_from([*names, "missing"]) | st.none(), json_scalars)
    message = st.fixed_dictionaries(
        {
            "id": mostly(st.sampled_from([*names, "dup", "mine"]), json_scalars),
            "author": st.fixed_dictionaries(
                {"role": mostly(st.sampled_from(["user", "assistant", "system"]), json_scalars)}
            ),
            "content": st.fixed_dictionaries(
                {
                    "content_type": mostly(st.just("text"), st.sampled_from(["code", None])),
                    "parts": st.lists(mostly(st.text(min_size=1), json_scalars), max_size=3),
                }
            ),
        },
        optional={
            "create_time": mostly(st.integers(0, 2_000_000_000), json_scalars),
            "recipient": mostly(st.just("all"), st.just("python")),
            "metadata": st.fixed_dictionaries({"model_slug": json_scalars}),
        },
    )
    mapping: dict[str, Any] = {}
    for name in names:
        node: dict[str, Any] = {
            "parent": draw(link),
            "children": draw(st.lists(link, max_size=4)),
            "message": draw(mostly(message, st.none())),
        }
        mapping[name] = draw(mostly(st.just(node), json_scalars))
    conversation = {
        "conversation_id": draw(mostly(st.sampled_from(["c1", "c2"]), json_scalars)),
        "title": draw(texts | json_scalars),
        "create_time": draw(mostly(st.sampled_from([1700000000, "2024-01-01T00:00:00Z"]), texts)),
        "mapping": mapping,
        "current_node": draw(link),
    }
    return draw(st.lists(st.just(conversation), min_size=1, max_size=2))


@st.composite
def our_documents(draw: st.DrawFn, taken: list[str]) -> dict[str, Any]:
    """Random desktop-chat/1 documents, some of whose ids are another chat's or repeat."""
    ids = mostly(st.sampled_from([*taken, "m1", "m2", "m3"]), json_scalars)
    stamps = mostly(
        st.sampled_from(["2024-01-01T10:00:00Z", "2024-01-01T10:00:00+05:00", 1e9]),
        st.sampled_from(["x", 1e20, None]),
    )
    message = st.fixed_dictionaries(
        {
            "id": ids,
            "role": mostly(st.sampled_from(["user", "assistant", "system"]), json_scalars),
            "content": mostly(texts, json_scalars),
            "created_at": stamps,
        },
        optional={
            "status": mostly(
                st.sampled_from(["complete", "streaming", "error", "interrupted"]), json_scalars
            )
        },
    )
    conversation = st.fixed_dictionaries(
        {
            "id": mostly(st.sampled_from(["c1", "c2", "mine"]), json_scalars),
            "title": texts,
            "created_at": stamps,
            "updated_at": stamps,
            "messages": st.lists(message, max_size=6),
        },
        optional={
            "model": mostly(st.just("gpt-4o"), json_scalars),
            "mode": st.sampled_from(["chat", "completion", 1]),
            "parameters": st.dictionaries(
                st.sampled_from(["temperature", "max_tokens", "stop", "seed"]),
                json_scalars | st.lists(json_scalars, max_size=2),
            ),
        },
    )
    return {"format": "desktop-chat/1", "conversations": draw(st.lists(conversation, max_size=3))}


PROPERTY = settings(max_examples=200, deadline=800, suppress_health_check=[HealthCheck.too_slow])


def check_imports_or_refuses(raw: bytes) -> None:
    """Into a store holding a chat of its own: the import either succeeds, leaving every chat
    readable and that chat unchanged, or is refused whole with an ImportFormatError."""
    store = ConversationStore()
    try:
        mine, before = seeded(store)
        counts = store._db.execute("SELECT COUNT(*) FROM messages").fetchone()[0]
        try:
            conversations = exchange.parse(raw, "property.json")
        except ImportFormatError as error:
            assert "\n" not in str(error)
            return
        store.import_conversations(conversations)
        assert parent_links_are_a_forest(store)
        for conversation_id in store.conversation_ids():
            shown = store.get_conversation(conversation_id).messages
            # Each chat shows only its own messages, never another chat's.
            assert {m.conversation_id for m in shown} <= {conversation_id}
            for message in shown:
                store.select_branch(message.id)
        assert exchange.to_json([store.get_conversation(mine)]) == before
        total = store._db.execute("SELECT COUNT(*) FROM messages").fetchone()[0]
        imported = sum(len(c.messages) for c in conversations)
        assert counts <= total <= counts + imported
    finally:
        store.close()


@PROPERTY
@given(chatgpt_documents())
def test_any_chatgpt_mapping_imports_or_is_refused(document: list[Any]) -> None:
    check_imports_or_refuses(json.dumps(document).encode())


@PROPERTY
@given(st.data())
def test_any_desktop_chat_document_imports_or_is_refused(data: st.DataObject) -> None:
    # The ids of the seeded chat are random; ask for some that look like them and some that are.
    store = ConversationStore()
    try:
        _, before = seeded(store)
        taken = [m["id"] for m in json.loads(before)["conversations"][0]["messages"]]
    finally:
        store.close()
    document = data.draw(our_documents([*taken, "fixed"]))
    check_imports_or_refuses(json.dumps(document).encode())


def test_property_helper_sees_an_id_owned_by_the_seeded_chat() -> None:
    """The seeded chat's ids are fresh each time: re-use them in a file, explicitly."""
    store = ConversationStore()
    try:
        mine, before = seeded(store)
        document = json.loads(before)
        document["conversations"][0]["id"] = "someone-else"
        document["conversations"][0]["messages"][0]["content"] = "changed"
        store.import_conversations(exchange.parse(json.dumps(document)))
        assert exchange.to_json([store.get_conversation(mine)]) == before
        other = store.get_conversation("someone-else")
        assert other.messages[0].content == "changed"
    finally:
        store.close()

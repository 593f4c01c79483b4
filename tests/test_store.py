"""ConversationStore and migrations against real SQLite files; domain helpers used by the store.

Every schema version the app ever released is built with the real migrations, filled with plain
SQL as that version's app would have written it, and opened with today's store.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import sqlite3
import stat
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from desktop_chat import migrations
from desktop_chat.domain import (
    ChatTurn,
    Conversation,
    Message,
    MessageStatus,
    Parameters,
    Role,
    request_history,
    title_from_prompt,
    utc_now,
)
from desktop_chat.migrations import LATEST_VERSION, NewerDatabaseError, backup_path, migrate
from desktop_chat.store import ConversationStore, StoreError, _known_failure

# --- helpers --------------------------------------------------------------------------------


@contextlib.contextmanager
def plain(path: Path, *, read_only: bool = False) -> Iterator[sqlite3.Connection]:
    """A plain sqlite3 connection, as another program (or an older app) would open the file."""
    target = f"file:{path}?mode=ro" if read_only else f"file:{path}"
    connection = sqlite3.connect(target, uri=True, isolation_level=None)
    try:
        yield connection
    finally:
        connection.close()


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def fts_consistent(path: Path) -> bool:
    """FTS5's own check that both indexes match their content tables exactly."""
    with plain(path) as db:
        for table in ("messages_fts", "conversations_fts"):
            try:
                db.execute(f"INSERT INTO {table}({table}, rank) VALUES ('integrity-check', 1)")
            except sqlite3.DatabaseError:
                return False
    return True


def stamp(minutes: int) -> str:
    """A timestamp as the app stores it (ISO 8601, UTC, microseconds)."""
    moment = datetime(2023, 5, 1, 12, 0, tzinfo=UTC) + timedelta(minutes=minutes)
    return moment.isoformat(timespec="microseconds")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def contents(conversation: Conversation) -> list[str]:
    return [m.content for m in conversation.messages]


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "history.sqlite3"


# --- a blank database -----------------------------------------------------------------------


def test_blank_database_gets_the_latest_schema_private_wal_and_foreign_keys(tmp_path):
    path = tmp_path / "config" / "desktop-chat" / "history.sqlite3"
    store = ConversationStore(path)
    try:
        assert path.parent.is_dir()
        assert mode_of(path.parent) == 0o700
        assert mode_of(path) == 0o600
        store.create_conversation(title="first")  # makes SQLite write the WAL
        with plain(path) as db:
            assert migrations.schema_version(db) == LATEST_VERSION
            assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master")}
        assert {
            "conversations",
            "messages",
            "app_state",
            "messages_fts",
            "conversations_fts",
        } <= tables
        wal = path.with_name(path.name + "-wal")
        assert wal.exists() and mode_of(wal) == 0o600
        assert not list(tmp_path.rglob("*.bak")), "nothing to back up in a new database"
        assert store.integrity_ok()
        # Foreign keys are enforced on the store's own connection: an orphan is refused.
        with pytest.raises(sqlite3.IntegrityError):
            store.add_message("no-such-conversation", None, Role.USER, "orphan")
        with pytest.raises(sqlite3.IntegrityError):
            conversation = store.create_conversation()
            store.add_message(conversation.id, "no-such-parent", Role.USER, "orphan")
    finally:
        store.close()


def test_in_memory_store_has_the_latest_schema_and_no_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    store = ConversationStore()
    try:
        assert store.path is None
        conversation = store.create_conversation(title="in memory")
        store.add_message(conversation.id, None, Role.USER, "hello memory")
        assert [h.conversation_id for h in store.search("memory")] == [conversation.id] * 2
        assert list(tmp_path.iterdir()) == []
    finally:
        store.close()


def test_reopening_a_current_database_keeps_data_and_writes_no_backup(db_path):
    store = ConversationStore(db_path)
    conversation = store.create_conversation(title="kept")
    store.add_message(conversation.id, None, Role.USER, "still here")
    store.close()
    store = ConversationStore(db_path)
    try:
        assert contents(store.get_conversation(conversation.id)) == ["still here"]
        assert not list(db_path.parent.glob("*.bak"))
    finally:
        store.close()


# --- migrations from every older version ----------------------------------------------------


def build_database(path: Path, version: int) -> None:
    with plain(path) as db:
        assert migrate(db, target=version) == 0
        assert migrations.schema_version(db) == version


def seed_old_database(path: Path) -> dict[str, str]:
    """Representative rows, written with plain SQL using only the columns of schema 1.

    Conversation "quantum" (pinned, with settings) holds a tree: q1 -> a1 -> q2, and a1b, a
    regenerated answer to q1 that is the current tip. Conversation "draft" holds a prompt and an
    answer a crash left 'streaming'. Where the schema already has a trash, "gone" is trashed.
    """
    ids = {
        "quantum": "c-quantum",
        "draft": "c-draft",
        "gone": "c-gone",
        "q1": "m-q1",
        "a1": "m-a1",
        "q2": "m-q2",
        "a1b": "m-a1b",
        "dq": "m-dq",
        "da": "m-da",
        "gq": "m-gq",
    }
    parameters = json.dumps({"temperature": 0.5, "max_tokens": 300, "stop": ["END", "\n\n"]})
    with plain(path) as db:
        columns = {row[1] for row in db.execute("PRAGMA table_info(conversations)")}
        db.execute("BEGIN")
        conversations = [
            ("quantum", "Quantum physics notes", 1, 40, "gpt-4", "Be precise.", parameters, 1),
            ("draft", "Draft letter", 2, 30, "gpt-3.5-turbo", "", "{}", 0),
        ]
        if "deleted_at" in columns:
            conversations.append(("gone", "Old trashed chat", 3, 50, "gpt-4", "", "{}", 0))
        for key, title, created, updated, model, system, params, pinned in conversations:
            db.execute(
                "INSERT INTO conversations (id, title, created_at, updated_at, model, "
                "system_prompt, parameters, pinned) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (ids[key], title, stamp(created), stamp(updated), model, system, params, pinned),
            )
        messages = [
            ("q1", "quantum", None, "user", "explain entanglement to a zebra", 10, None),
            ("a1", "quantum", "q1", "assistant", "spooky action at a distance", 11, "gpt-4"),
            ("q2", "quantum", "a1", "user", "and the xylophone analogy?", 12, None),
            ("a1b", "quantum", "q1", "assistant", "correlated outcomes, no signal", 13, "gpt-4"),
            ("dq", "draft", None, "user", "write a letter to my landlord", 20, None),
            ("da", "draft", "dq", "assistant", "Dear landlord, regarding the", 21, "gpt-3.5"),
        ]
        if "deleted_at" in columns:
            messages.append(("gq", "gone", None, "user", "trashedword lives here", 30, None))
        for key, conversation, parent, role, text, created, model in messages:
            status = "streaming" if key == "da" else "complete"  # "da": cut short by a crash
            db.execute(
                "INSERT INTO messages (id, conversation_id, parent_id, role, content, "
                "created_at, model, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    ids[key],
                    ids[conversation],
                    ids[parent] if parent else None,
                    role,
                    text,
                    stamp(created),
                    model,
                    status,
                ),
            )
        tips = [("quantum", "a1b"), ("draft", "da")]
        if "deleted_at" in columns:
            tips.append(("gone", "gq"))
        for conversation, tip in tips:
            db.execute(
                "UPDATE conversations SET current_message_id = ? WHERE id = ?",
                (ids[tip], ids[conversation]),
            )
        if "deleted_at" in columns:
            db.execute(
                "UPDATE conversations SET deleted_at = ? WHERE id = ?", (stamp(60), ids["gone"])
            )
        db.execute("INSERT INTO app_state (key, value) VALUES ('open_tabs', '[\"c-quantum\"]')")
        db.execute("COMMIT")
    return ids


def test_a_version_0_file_is_brought_to_the_latest_schema_without_a_backup(db_path):
    with plain(db_path) as db:  # an empty file: what a first start finds
        assert migrations.schema_version(db) == 0
    store = ConversationStore(db_path)
    try:
        with plain(db_path) as db:
            assert migrations.schema_version(db) == LATEST_VERSION
        assert not list(db_path.parent.glob("*.bak"))
        assert store.list_conversations() == []
    finally:
        store.close()


@pytest.mark.parametrize("version", range(LATEST_VERSION))
def test_migrating_from_every_older_version_keeps_the_data_and_backs_it_up(db_path, version):
    build_database(db_path, version)
    if version == 0:
        # No tables yet, so no data can exist; the upgrade itself is still checked.
        ids: dict[str, str] = {}
    else:
        ids = seed_old_database(db_path)
    before = {}
    if ids:
        with plain(db_path) as db:
            before = dict(db.execute("SELECT id, content FROM messages").fetchall())

    store = ConversationStore(db_path)
    try:
        with plain(db_path) as db:
            assert migrations.schema_version(db) == LATEST_VERSION
            assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.integrity_ok()
        assert fts_consistent(db_path)
        backup = backup_path(db_path, version)
        if version == 0:
            assert not backup.exists()
            assert store.list_conversations() == []
            return

        # The data is intact.
        with plain(db_path) as db:
            assert dict(db.execute("SELECT id, content FROM messages").fetchall()) == before
        assert [s.id for s in store.list_conversations()] == [ids["quantum"], ids["draft"]]
        quantum = store.get_conversation(ids["quantum"])
        assert quantum.title == "Quantum physics notes"
        assert quantum.pinned and quantum.model == "gpt-4"
        assert quantum.system_prompt == "Be precise."
        assert quantum.parameters == Parameters(
            temperature=0.5, max_tokens=300, stop=("END", "\n\n")
        )
        assert quantum.created_at == datetime.fromisoformat(stamp(1))
        assert quantum.updated_at == datetime.fromisoformat(stamp(40))
        assert [m.id for m in quantum.messages] == [ids["q1"], ids["a1b"]]
        assert (quantum.messages[1].sibling_index, quantum.messages[1].sibling_count) == (1, 2)
        assert quantum.messages[1].parent_id == ids["q1"]
        store.select_branch(ids["a1"])
        assert [m.id for m in store.get_conversation(ids["quantum"]).messages] == [
            ids["q1"],
            ids["a1"],
            ids["q2"],
        ]
        draft = store.get_conversation(ids["draft"])
        assert contents(draft) == ["write a letter to my landlord", "Dear landlord, regarding the"]
        assert draft.messages[1].status is MessageStatus.INTERRUPTED  # left streaming by a crash
        assert draft.messages[1].model == "gpt-3.5"
        assert store.get_state("open_tabs") == '["c-quantum"]'
        if version >= 2:  # the schema had a trash: the trashed chat stays trashed
            assert not store.has_conversation(ids["gone"])
            assert store.get_conversation(ids["gone"]).title == "Old trashed chat"

        # Full-text search finds the old text, in messages and in titles, not in the trash.
        (hit,) = store.search("zebra")
        assert (hit.conversation_id, hit.message_id) == (ids["quantum"], ids["q1"])
        assert "[zebra]" in hit.snippet
        assert store.search("landlord")[0].conversation_id == ids["draft"]
        hits = store.search("quantum")
        assert hits[0].message_id is None and hits[0].snippet == "[Quantum] physics notes"
        assert store.search("trashedword") == []

        # The copy taken before upgrading opens at the old version, with the old data.
        assert backup.exists()
        assert backup.parent == db_path.parent
        assert mode_of(backup) == 0o600
        with plain(backup, read_only=True) as old:
            assert migrations.schema_version(old) == version
            assert dict(old.execute("SELECT id, content FROM messages").fetchall()) == before
            assert old.execute(
                "SELECT status FROM messages WHERE id = ?", (ids["da"],)
            ).fetchone() == ("streaming",)
            assert old.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        store.close()


def test_migrate_reports_the_version_found_and_the_backup(tmp_path):
    path = tmp_path / "h.sqlite3"
    build_database(path, 1)
    seed_old_database(path)
    backups: list[Path] = []
    with plain(path) as db:
        assert migrate(db, path, on_backup=backups.append) == 1
        assert migrations.schema_version(db) == LATEST_VERSION
        assert migrate(db, path, on_backup=backups.append) == LATEST_VERSION  # nothing to do
    assert backups == [backup_path(path, 1)]
    assert backup_path(path, 1).name == f"h.sqlite3.before-v{LATEST_VERSION}-from-v1.bak"


def test_a_failed_migration_step_leaves_the_previous_version(db_path):
    build_database(db_path, 1)
    ids = seed_old_database(db_path)
    with plain(db_path) as db:  # something in the way of migration 2
        db.execute("CREATE TABLE messages_fts (x)")
    # The history that cannot be migrated is moved aside as it was, and a new one started.
    store = ConversationStore(db_path)
    moved = store.moved_aside
    store.close()
    assert moved is not None and moved.name.startswith("history.damaged-")
    with plain(moved) as db:
        assert migrations.schema_version(db) == 1
        columns = {row[1] for row in db.execute("PRAGMA table_info(conversations)")}
        assert "deleted_at" not in columns  # the ALTER TABLE of step 2 was rolled back
        assert db.execute("SELECT COUNT(*) FROM messages").fetchone()[0] == 6
        assert db.execute(
            "SELECT title FROM conversations WHERE id = ?", (ids["draft"],)
        ).fetchone() == ("Draft letter",)
    assert backup_path(db_path, 1).exists()


@pytest.mark.parametrize("journal_mode", ["delete", "wal"])
def test_a_database_from_a_newer_app_is_refused_and_left_byte_identical(db_path, journal_mode):
    with plain(db_path) as db:
        db.execute(f"PRAGMA journal_mode = {journal_mode}")
        db.execute("CREATE TABLE future (x TEXT)")
        db.execute("INSERT INTO future VALUES ('from the future')")
        db.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    digest = sha256(db_path)
    files = sorted(p.name for p in db_path.parent.iterdir())
    with pytest.raises(NewerDatabaseError, match=f"schema {LATEST_VERSION + 1}"):
        ConversationStore(db_path)
    assert sha256(db_path) == digest
    assert sorted(p.name for p in db_path.parent.iterdir()) == files  # no backup, WAL, SHM
    with plain(db_path, read_only=True) as db:
        assert migrations.schema_version(db) == LATEST_VERSION + 1


# --- conversations --------------------------------------------------------------------------


def test_conversation_create_get_update_round_trip(db_path):
    parameters = Parameters(
        temperature=0.7,
        top_p=0.9,
        max_tokens=256,
        presence_penalty=-0.5,
        frequency_penalty=1.5,
        stop=("END", "\n\nUser:", '"quoted"'),
    )
    store = ConversationStore(db_path)
    created = store.create_conversation(
        title="Trip", model="gpt-4-turbo-preview", system_prompt="Be terse.", parameters=parameters
    )
    assert created.created_at == created.updated_at
    assert created.created_at.tzinfo is not None
    fetched = store.get_conversation(created.id)
    assert fetched == created
    assert store.has_conversation(created.id)

    updated = store.update_conversation(
        created.id,
        title="Trip to Lisbon",
        model="gpt-3.5-turbo",
        system_prompt="Answer in Portuguese.",
        parameters=Parameters(temperature=0.0, stop=("STOP",)),
        pinned=True,
    )
    assert updated.title == "Trip to Lisbon"
    assert updated.model == "gpt-3.5-turbo"
    assert updated.system_prompt == "Answer in Portuguese."
    assert updated.parameters == Parameters(temperature=0.0, stop=("STOP",))
    assert updated.pinned is True
    # Only the fields given change; no fields at all changes nothing.
    assert store.update_conversation(created.id, pinned=False).title == "Trip to Lisbon"
    assert store.update_conversation(created.id) == store.get_conversation(created.id)
    store.close()

    store = ConversationStore(db_path)  # persisted, not just cached
    try:
        again = store.get_conversation(created.id)
        assert (again.title, again.model, again.system_prompt, again.pinned) == (
            "Trip to Lisbon",
            "gpt-3.5-turbo",
            "Answer in Portuguese.",
            False,
        )
        assert again.parameters == Parameters(temperature=0.0, stop=("STOP",))
        store.update_conversation(created.id, parameters=parameters)
        assert store.get_conversation(created.id).parameters == parameters
    finally:
        store.close()
    with plain(db_path, read_only=True) as db:
        (raw,) = db.execute("SELECT parameters FROM conversations").fetchone()
    assert json.loads(raw) == {
        "temperature": 0.7,
        "top_p": 0.9,
        "max_tokens": 256,
        "presence_penalty": -0.5,
        "frequency_penalty": 1.5,
        "stop": ["END", "\n\nUser:", '"quoted"'],
    }


def test_default_parameters_are_stored_as_nothing_set(store, db_path):
    conversation = store.create_conversation()
    assert conversation.title == "New chat"
    assert conversation.parameters == Parameters()
    with plain(db_path, read_only=True) as db:
        (raw,) = db.execute("SELECT parameters FROM conversations").fetchone()
    assert json.loads(raw) == {}


def test_unknown_conversation_raises_key_error(store):
    with pytest.raises(KeyError):
        store.get_conversation("missing")
    assert not store.has_conversation("missing")


def test_list_puts_pinned_first_then_newest_activity(store):
    oldest = store.create_conversation(title="oldest")
    middle = store.create_conversation(title="middle")
    newest = store.create_conversation(title="newest")

    def order() -> list[str]:
        return [s.title for s in store.list_conversations()]

    assert order() == ["newest", "middle", "oldest"]
    store.add_message(oldest.id, None, Role.USER, "new activity")  # bumps updated_at
    assert order() == ["oldest", "newest", "middle"]
    store.update_conversation(middle.id, pinned=True)
    assert order() == ["middle", "oldest", "newest"]
    store.update_conversation(newest.id, pinned=True)
    assert order() == ["newest", "middle", "oldest"]  # pinned among themselves: by activity
    summaries = store.list_conversations()
    assert [s.pinned for s in summaries] == [True, True, False]
    assert summaries[2].updated_at == store.get_conversation(oldest.id).updated_at
    assert [s.title for s in store.list_conversations(limit=1, offset=1)] == ["middle"]
    store.update_conversation(newest.id, pinned=False)
    store.update_conversation(middle.id, pinned=False)
    assert order() == ["oldest", "newest", "middle"]


# --- messages -------------------------------------------------------------------------------


def test_add_message_makes_the_tip_and_builds_the_active_branch(store):
    conversation = store.create_conversation(model="test-model")
    q1 = store.add_message(conversation.id, None, Role.USER, "first question")
    a1 = store.add_message(
        conversation.id, q1.id, Role.ASSISTANT, "first answer", model="test-model"
    )
    q2 = store.add_message(conversation.id, a1.id, Role.USER, "second question")
    loaded = store.get_conversation(conversation.id)
    assert [m.id for m in loaded.messages] == [q1.id, a1.id, q2.id]
    assert [m.parent_id for m in loaded.messages] == [None, q1.id, a1.id]
    assert [m.role for m in loaded.messages] == [Role.USER, Role.ASSISTANT, Role.USER]
    assert loaded.last_message == q2
    assert loaded.messages[1].model == "test-model"
    assert loaded.messages[0].model is None
    assert all(m.status is MessageStatus.COMPLETE for m in loaded.messages)
    assert loaded.updated_at == q2.created_at > conversation.updated_at
    assert store.get_message(a1.id) == loaded.messages[1]


def test_siblings_branches_and_select_branch(store):
    conversation = store.create_conversation()
    q = store.add_message(conversation.id, None, Role.USER, "q")
    a1 = store.add_message(conversation.id, q.id, Role.ASSISTANT, "a1")
    follow = store.add_message(conversation.id, a1.id, Role.USER, "follow-up")
    a2 = store.add_message(conversation.id, q.id, Role.ASSISTANT, "a2")  # regenerated
    a3 = store.add_message(conversation.id, q.id, Role.ASSISTANT, "a3")  # and again
    q_edit = store.add_message(conversation.id, None, Role.USER, "q, edited")  # a second root

    assert store.siblings(a2.id) == [a1.id, a2.id, a3.id]
    assert store.siblings(q.id) == [q.id, q_edit.id]
    assert contents(store.get_conversation(conversation.id)) == ["q, edited"]
    assert (store.get_message(q_edit.id).sibling_index, q_edit.sibling_count) == (1, 2)

    store.select_branch(a3.id)
    branch = store.get_conversation(conversation.id).messages
    assert contents(store.get_conversation(conversation.id)) == ["q", "a3"]
    assert [(m.sibling_index, m.sibling_count) for m in branch] == [(0, 2), (2, 3)]

    store.select_branch(a1.id)  # follows down to the end of that alternative
    branch = store.get_conversation(conversation.id).messages
    assert [m.id for m in branch] == [q.id, a1.id, follow.id]
    assert [(m.sibling_index, m.sibling_count) for m in branch] == [(0, 2), (0, 3), (0, 1)]
    assert (store.get_message(a2.id).sibling_index, store.get_message(a2.id).sibling_count) == (
        1,
        3,
    )

    store.select_branch(q_edit.id)
    assert contents(store.get_conversation(conversation.id)) == ["q, edited"]
    for unknown in (store.select_branch, store.siblings, store.get_message):
        with pytest.raises(KeyError):
            unknown("missing")


def test_branches_of_one_conversation_ignore_other_conversations(store):
    first = store.create_conversation()
    second = store.create_conversation()
    store.add_message(first.id, None, Role.USER, "root of first")
    only = store.add_message(second.id, None, Role.USER, "root of second")
    assert store.siblings(only.id) == [only.id]
    assert store.get_conversation(second.id).messages[0].sibling_count == 1


def test_delete_message_moves_the_tip_back_and_removes_what_follows(store, db_path):
    conversation = store.create_conversation()
    q1 = store.add_message(conversation.id, None, Role.USER, "q1 alpha")
    a1 = store.add_message(conversation.id, q1.id, Role.ASSISTANT, "a1 bravo")
    q2 = store.add_message(conversation.id, a1.id, Role.USER, "q2 charlie")
    a2 = store.add_message(conversation.id, q2.id, Role.ASSISTANT, "a2 delta")

    store.delete_message(a2.id)
    assert contents(store.get_conversation(conversation.id)) == [
        "q1 alpha",
        "a1 bravo",
        "q2 charlie",
    ]
    with pytest.raises(KeyError):
        store.get_message(a2.id)

    store.delete_message(a1.id)  # takes q2 with it
    assert contents(store.get_conversation(conversation.id)) == ["q1 alpha"]
    with pytest.raises(KeyError):
        store.get_message(q2.id)
    assert store.search("charlie") == [] and store.search("bravo") == []
    assert fts_consistent(db_path)

    other_root = store.add_message(conversation.id, None, Role.USER, "other root")
    store.delete_message(other_root.id)  # a root: the tip goes to the remaining root
    assert contents(store.get_conversation(conversation.id)) == ["q1 alpha"]
    store.delete_message(q1.id)
    assert store.get_conversation(conversation.id).messages == ()
    store.delete_message("missing")  # nothing to do, no error


def test_update_message_changes_text_status_and_the_search_index(store, db_path):
    conversation = store.create_conversation()
    q = store.add_message(conversation.id, None, Role.USER, "question")
    answer = store.add_message(
        conversation.id, q.id, Role.ASSISTANT, "", status=MessageStatus.STREAMING
    )
    store.update_message(answer.id, "partial aardvark")
    assert store.get_message(answer.id).status is MessageStatus.STREAMING
    assert store.search("aardvark")[0].message_id == answer.id
    store.update_message(answer.id, "final bonobo", MessageStatus.COMPLETE)
    saved = store.get_message(answer.id)
    assert (saved.content, saved.status) == ("final bonobo", MessageStatus.COMPLETE)
    assert store.search("aardvark") == []
    assert store.search("bonobo")[0].message_id == answer.id
    assert fts_consistent(db_path)


def test_recover_interrupted_marks_streaming_answers(db_path):
    store = ConversationStore(db_path)
    conversation = store.create_conversation()
    q = store.add_message(conversation.id, None, Role.USER, "q")
    answer = store.add_message(
        conversation.id, q.id, Role.ASSISTANT, "half an", status=MessageStatus.STREAMING
    )
    failed = store.add_message(
        conversation.id, q.id, Role.ASSISTANT, "x", status=MessageStatus.ERROR
    )
    assert store.recover_interrupted() == 1
    assert store.get_message(answer.id).status is MessageStatus.INTERRUPTED
    assert store.get_message(answer.id).content == "half an"
    assert store.get_message(failed.id).status is MessageStatus.ERROR
    assert store.get_message(q.id).status is MessageStatus.COMPLETE
    assert store.recover_interrupted() == 0

    # Opening the store does it: an answer left streaming when the app died.
    crashed = store.add_message(
        conversation.id, q.id, Role.ASSISTANT, "cut", status=MessageStatus.STREAMING
    )
    store.close()
    store = ConversationStore(db_path)
    try:
        assert store.get_message(crashed.id).status is MessageStatus.INTERRUPTED
    finally:
        store.close()


# --- trash ----------------------------------------------------------------------------------


def test_trash_hides_restore_brings_back(store):
    kept = store.create_conversation(title="kept chat")
    binned = store.create_conversation(title="binned chat")
    store.add_message(binned.id, None, Role.USER, "wombat facts")
    store.trash_conversation(binned.id)
    assert [s.id for s in store.list_conversations()] == [kept.id]
    assert not store.has_conversation(binned.id)
    assert store.search("wombat") == [] and store.search("binned") == []
    assert contents(store.get_conversation(binned.id)) == ["wombat facts"]  # still there

    store.restore_conversation(binned.id)
    assert {s.id for s in store.list_conversations()} == {kept.id, binned.id}
    assert store.has_conversation(binned.id)
    assert [h.conversation_id for h in store.search("wombat")] == [binned.id]


def test_empty_trash_deletes_only_trashed_and_only_older_ones(store, db_path):
    kept = store.create_conversation(title="kept")
    early = store.create_conversation(title="early")
    late = store.create_conversation(title="late")
    for conversation in (kept, early, late):
        q = store.add_message(conversation.id, None, Role.USER, f"{conversation.title} koala")
        store.add_message(conversation.id, q.id, Role.ASSISTANT, "reply")
    store.trash_conversation(early.id)
    cutoff = utc_now()
    store.trash_conversation(late.id)

    assert store.empty_trash(older_than=cutoff - timedelta(days=1)) == 0
    assert store.empty_trash(older_than=cutoff) == 1
    with pytest.raises(KeyError):
        store.get_conversation(early.id)
    assert store.get_conversation(late.id).title == "late"
    assert store.empty_trash() == 1
    with pytest.raises(KeyError):
        store.get_conversation(late.id)
    assert store.empty_trash() == 0
    assert [s.id for s in store.list_conversations()] == [kept.id]
    with plain(db_path, read_only=True) as db:
        left = db.execute("SELECT DISTINCT conversation_id FROM messages").fetchall()
    assert left == [(kept.id,)]  # messages went with their conversations
    assert fts_consistent(db_path)
    assert [h.conversation_id for h in store.search("koala")] == [kept.id]


# --- search ---------------------------------------------------------------------------------


def test_search_ranks_a_title_hit_first_and_marks_matches(store):
    body = store.create_conversation(title="Memory safety")
    store.add_message(
        body.id, None, Role.USER, "lifetimes lifetimes: how do lifetimes and borrows relate?"
    )
    titled = store.create_conversation(title="Rust lifetimes")
    store.add_message(titled.id, None, Role.USER, "a question about traits")

    hits = store.search("lifetimes")
    assert [(h.conversation_id, h.message_id is None) for h in hits] == [
        (titled.id, True),
        (body.id, False),
    ]
    assert hits[0].snippet == "Rust [lifetimes]"
    assert hits[0].title == "Rust lifetimes"
    assert "[lifetimes]" in hits[1].snippet and hits[1].title == "Memory safety"


def test_search_matches_prefixes_all_words_case_and_accents(store):
    conversation = store.create_conversation(title="Notes")
    message = store.add_message(conversation.id, None, Role.USER, "The quick brown fox at the Café")
    (hit,) = store.search("bro")
    assert hit.message_id == message.id
    assert "[brown]" in hit.snippet
    assert len(store.search("QUICK fox")) == 1
    assert store.search("quick zebra") == []  # every word must match
    assert len(store.search("cafe")) == 1
    assert store.search("") == [] and store.search("   \t") == []
    for i in range(5):
        store.add_message(conversation.id, None, Role.USER, f"repeat fox {i}")
    assert len(store.search("fox", limit=3)) == 3


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '""',
        '"unbalanced',
        "*",
        "fox*",
        "AND",
        "OR",
        "NOT",
        "NEAR(fox brown)",
        "-",
        "-fox",
        ":",
        "title:fox",
        "content:fox",
        "^fox",
        "(",
        ")",
        "+",
        "'",
        "\\",
        "{content}",
        "fox AND",
        "a OR b NOT c",
        "…",
        "%_",
        "-:-",
        '" OR "1"="1',
    ],
)
def test_search_never_raises_on_special_characters(store, query):
    conversation = store.create_conversation(title="Operators")
    store.add_message(conversation.id, None, Role.USER, "the brown fox and the hound")
    hits = store.search(query)
    assert isinstance(hits, list)
    assert all(h.conversation_id == conversation.id for h in hits)


@pytest.mark.parametrize("query", ['"fox"', "-fox", "fox*", "fox:", "(fox)", "AND", "and"])
def test_search_operators_are_taken_as_plain_words(store, query):
    conversation = store.create_conversation(title="Operators")
    message = store.add_message(conversation.id, None, Role.USER, "the brown fox and the hound")
    assert [h.message_id for h in store.search(query)] == [message.id]


# --- app state ------------------------------------------------------------------------------


def test_app_state_get_set_and_persist(db_path):
    store = ConversationStore(db_path)
    assert store.get_state("tabs") is None
    assert store.get_state("tabs", "[]") == "[]"
    store.set_state("tabs", '["a"]')
    store.set_state("tabs", '["a", "b"]')  # overwrite
    store.set_state("draft:a", "")
    assert store.get_state("tabs") == '["a", "b"]'
    assert store.get_state("draft:a", "default") == ""
    store.close()
    store = ConversationStore(db_path)
    try:
        assert store.get_state("tabs") == '["a", "b"]'
    finally:
        store.close()


# --- known failures -------------------------------------------------------------------------


def test_a_locked_database_raises_a_plain_store_error_and_recovers(store, db_path):
    conversation = store.create_conversation()
    with plain(db_path) as other:
        other.execute("PRAGMA busy_timeout = 0")
        other.execute("BEGIN EXCLUSIVE")
        store._db.execute("PRAGMA busy_timeout = 100")  # fail fast instead of after 3 s
        with pytest.raises(StoreError) as raised:
            store.add_message(conversation.id, None, Role.USER, "blocked")
        assert str(raised.value) == "The history database is busy (locked by another program)."
        assert isinstance(raised.value.__cause__, sqlite3.OperationalError)
        with pytest.raises(StoreError, match="busy"):
            store.set_state("k", "v")
        assert not store._db.in_transaction
        other.execute("ROLLBACK")
    # Nothing half-written, and the store works again once the lock is gone.
    assert store.get_conversation(conversation.id).messages == ()
    store.add_message(conversation.id, None, Role.USER, "now it works")
    assert contents(store.get_conversation(conversation.id)) == ["now it works"]


def test_a_read_only_database_raises_a_plain_store_error(store):
    conversation = store.create_conversation(title="before")
    store._db.execute("PRAGMA query_only = ON")  # as if the file could not be written
    with pytest.raises(StoreError) as raised:
        store.update_conversation(conversation.id, title="after")
    assert str(raised.value) == (
        "The history database is read-only: the history could not be saved."
    )
    assert not store._db.in_transaction
    store._db.execute("PRAGMA query_only = OFF")
    assert store.get_conversation(conversation.id).title == "before"


def test_a_full_disk_raises_a_plain_store_error_and_rolls_back(store):
    conversation = store.create_conversation()
    (pages,) = store._db.execute("PRAGMA page_count").fetchone()
    store._db.execute(f"PRAGMA max_page_count = {pages}")  # no room to grow
    with pytest.raises(StoreError) as raised:
        store.add_message(conversation.id, None, Role.USER, "x" * 200_000)
    assert str(raised.value) == "The disk is full: the history could not be saved."
    assert not store._db.in_transaction
    store._db.execute("PRAGMA max_page_count = 1073741823")
    assert store.get_conversation(conversation.id).messages == ()
    assert store.integrity_ok()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("database is locked", "busy"),
        ("database table is locked", "busy"),
        ("database or disk is full", "disk is full"),
        ("attempt to write a readonly database", "read-only"),
        ("disk I/O error", "disk reported an error"),
        ("no such table: messages", None),
        ('near "x": syntax error', None),
    ],
)
def test_known_failures_are_told_apart_from_bugs(text, expected):
    known = _known_failure(sqlite3.OperationalError(text))
    if expected is None:
        assert known is None
    else:
        assert isinstance(known, StoreError) and expected in str(known)


# --- domain helpers the store relies on -----------------------------------------------------


def _message(mid: str, role: Role, content: str, parent: str | None = None) -> Message:
    return Message(
        id=mid,
        conversation_id="c",
        parent_id=parent,
        role=role,
        content=content,
        created_at=datetime(2024, 1, 1, tzinfo=UTC),
    )


def _conversation(system_prompt: str, *messages: Message) -> Conversation:
    now = datetime(2024, 1, 1, tzinfo=UTC)
    return Conversation(
        id="c",
        title="t",
        created_at=now,
        updated_at=now,
        system_prompt=system_prompt,
        messages=messages,
    )


def test_request_history_has_the_system_prompt_then_the_branch():
    q1 = _message("q1", Role.USER, "hi")
    a1 = _message("a1", Role.ASSISTANT, "hello", "q1")
    q2 = _message("q2", Role.USER, "how are you?", "a1")
    conversation = _conversation("Be brief.", q1, a1, q2)
    assert request_history(conversation) == [
        ChatTurn(Role.SYSTEM, "Be brief."),
        ChatTurn(Role.USER, "hi"),
        ChatTurn(Role.ASSISTANT, "hello"),
        ChatTurn(Role.USER, "how are you?"),
    ]
    # `upto` stops at, and includes, that message (regenerate / resend).
    assert request_history(conversation, upto=q1) == [
        ChatTurn(Role.SYSTEM, "Be brief."),
        ChatTurn(Role.USER, "hi"),
    ]


def test_request_history_leaves_out_blank_system_prompts_and_empty_answers():
    q1 = _message("q1", Role.USER, "hi")
    empty = _message("a1", Role.ASSISTANT, "", "q1")  # an answer that never started
    q2 = _message("q2", Role.USER, "", "a1")  # an empty prompt is still a turn
    conversation = _conversation("  \n ", q1, empty, q2)
    assert request_history(conversation) == [
        ChatTurn(Role.USER, "hi"),
        ChatTurn(Role.USER, ""),
    ]
    assert request_history(_conversation("")) == []


def test_parameters_send_only_what_is_set():
    assert Parameters().as_request_kwargs() == {}
    assert Parameters(temperature=0.0, max_tokens=0).as_request_kwargs() == {
        "temperature": 0.0,
        "max_tokens": 0,
    }
    full = Parameters(
        temperature=1.2,
        top_p=0.5,
        max_tokens=64,
        presence_penalty=0.1,
        frequency_penalty=-0.2,
        stop=("END", "###"),
    )
    kwargs = full.as_request_kwargs()
    assert kwargs == {
        "temperature": 1.2,
        "top_p": 0.5,
        "max_tokens": 64,
        "presence_penalty": 0.1,
        "frequency_penalty": -0.2,
        "stop": ["END", "###"],
    }
    assert isinstance(kwargs["stop"], list)
    assert Parameters.from_dict(kwargs) == full
    assert Parameters.from_dict(json.loads(json.dumps(full.to_dict()))) == full


def test_parameters_from_dict_ignores_missing_and_malformed_values():
    assert Parameters.from_dict({}) == Parameters()
    parsed = Parameters.from_dict(
        {
            "temperature": 1,
            "top_p": "high",
            "max_tokens": 100.0,
            "presence_penalty": None,
            "stop": "END",
            "unknown": 3,
        }
    )
    assert parsed == Parameters(temperature=1.0, max_tokens=100)
    assert isinstance(parsed.temperature, float) and isinstance(parsed.max_tokens, int)
    assert "top_p" not in parsed.as_request_kwargs()
    assert Parameters.from_dict({"stop": [1, "x"]}).stop == ("1", "x")


def test_title_from_prompt():
    assert title_from_prompt("  Hello\n\tthere   world ") == "Hello there world"
    assert title_from_prompt("") == "New chat"
    assert title_from_prompt(" \n ") == "New chat"
    exact = "x" * 48
    assert title_from_prompt(exact) == exact
    long_prompt = "Please explain the difference between processes and threads in detail"
    title = title_from_prompt(long_prompt)
    assert title.endswith("…")
    stem = title[:-1]
    assert len(stem) <= 48
    assert long_prompt.startswith(stem)
    assert long_prompt[len(stem)] == " "  # cut between words, not inside one
    assert title_from_prompt("a" * 100) == "a" * 48 + "…"  # one long word is cut hard
    assert title_from_prompt("one two three four", limit=9) == "one two…"


def test_a_word_in_very_many_messages_lists_the_newest_first(tmp_path, monkeypatch):
    from desktop_chat import store as store_module

    monkeypatch.setattr(store_module, "RANK_AT_MOST", 5)
    conversations = ConversationStore(tmp_path / "many.sqlite3")
    conversation = conversations.create_conversation("Plenty")
    parent = None
    for number in range(12):
        parent = conversations.add_message(
            conversation.id, parent.id if parent else None, Role.USER, f"common word {number}"
        )
    hits = conversations.search("common", limit=3)
    assert [h.snippet for h in hits] == [
        "[common] word 11",
        "[common] word 10",
        "[common] word 9",
    ]
    rare = conversations.search("word 3")
    assert rare and "3" in rare[0].snippet  # few hits: ranked as usual
    conversations.close()


def test_changed_elsewhere_sees_other_connections_not_our_own(tmp_path):
    """How the window learns that `desktop-chat ask` saved a chat: SQLite's data_version moves
    for commits of other connections only."""
    path = tmp_path / "history.sqlite3"
    ours = ConversationStore(path)
    other = ConversationStore(path)
    try:
        assert ours.changed_elsewhere() is False
        ours.create_conversation(model="gpt-4")
        assert ours.changed_elsewhere() is False  # our own commit
        other.create_conversation(model="gpt-4")
        assert ours.changed_elsewhere() is True
        assert ours.changed_elsewhere() is False  # once
    finally:
        other.close()
        ours.close()


# --- damaged histories ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "damage", [os.urandom(4096), b"not a database, just some notes\n" * 40], ids=["random", "text"]
)
def test_a_file_that_is_not_a_database_is_moved_aside_and_a_new_history_started(db_path, damage):
    db_path.write_bytes(damage)
    (db_path.parent / "history.sqlite3-wal").write_bytes(b"wal bytes")
    store = ConversationStore(db_path)  # the old code raised sqlite3.DatabaseError here
    try:
        moved = store.moved_aside
        assert moved is not None and moved.parent == db_path.parent
        assert re.fullmatch(r"history\.damaged-\d{8}T\d{6}Z\.sqlite3", moved.name)
        assert moved.read_bytes() == damage  # moved, byte for byte, never deleted
        assert moved.with_name(moved.name + "-wal").read_bytes() == b"wal bytes"
        assert store.conversation_ids() == []
        store.create_conversation(title="new life")  # the new history works
    finally:
        store.close()
    assert ConversationStore(db_path).moved_aside is None  # the next start finds it sound


def test_recover_from_copies_the_readable_chats_of_a_damaged_history(tmp_path):
    old = ConversationStore(tmp_path / "old.sqlite3")
    conversation = old.create_conversation(title="Keep me")
    question = old.add_message(conversation.id, None, Role.USER, "question")
    old.add_message(conversation.id, question.id, Role.ASSISTANT, "answer")
    old.close()
    store = ConversationStore(tmp_path / "history.sqlite3")
    try:
        assert store.recover_from(tmp_path / "old.sqlite3") == (1, 2)
        assert store.recover_from(tmp_path / "old.sqlite3") == (0, 0)  # nothing twice
        recovered = store.get_conversation(conversation.id)
        assert recovered.title == "Keep me"
        assert contents(recovered) == ["question", "answer"]
        assert store.search("answer")  # the full-text index knows the recovered text
        garbage = tmp_path / "garbage.sqlite3"
        garbage.write_bytes(os.urandom(4096))
        assert store.recover_from(garbage) == (0, 0)
    finally:
        store.close()


def test_a_data_directory_that_cannot_be_made_is_a_plain_store_error(tmp_path):
    (tmp_path / "data").write_text("a file where the directory should be")  # as root too
    with pytest.raises(StoreError, match="Cannot create the history database in"):
        ConversationStore(tmp_path / "data" / "history.sqlite3")

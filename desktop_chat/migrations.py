"""Numbered schema migrations, applied in order and recorded with `PRAGMA user_version`.

Each migration is a list of SQL statements that takes the schema from version N-1 to N. A
migration, once released, is never edited: a change is a new migration. The runner takes a
copy of the database file before it upgrades one that already holds data, and refuses a
database written by a newer version of the app rather than touching it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    # 1: conversations and a tree of messages (parent_id), so edits keep alternatives.
    (
        """
        CREATE TABLE conversations (
            id TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            model TEXT NOT NULL,
            system_prompt TEXT NOT NULL DEFAULT '',
            parameters TEXT NOT NULL DEFAULT '{}',
            pinned INTEGER NOT NULL DEFAULT 0,
            current_message_id TEXT
        )
        """,
        """
        CREATE TABLE messages (
            id TEXT PRIMARY KEY,
            conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
            parent_id TEXT REFERENCES messages(id) ON DELETE CASCADE,
            role TEXT NOT NULL CHECK (role IN ('system', 'user', 'assistant')),
            content TEXT NOT NULL,
            created_at TEXT NOT NULL,
            model TEXT,
            status TEXT NOT NULL
        )
        """,
        "CREATE INDEX messages_by_conversation ON messages(conversation_id, created_at)",
        "CREATE INDEX messages_by_parent ON messages(parent_id)",
        "CREATE TABLE app_state (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    ),
    # 2: soft delete (trash) and full-text search over message text and titles.
    (
        "ALTER TABLE conversations ADD COLUMN deleted_at TEXT",
        "CREATE INDEX conversations_by_activity ON conversations(pinned DESC, updated_at DESC)",
        """
        CREATE VIRTUAL TABLE messages_fts USING fts5(
            content, content='messages', content_rowid='rowid', tokenize='unicode61'
        )
        """,
        """
        CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
            INSERT INTO messages_fts(rowid, content) VALUES (new.rowid, new.content);
        END
        """,
        """
        CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
            INSERT INTO messages_fts(messages_fts, rowid, content)
            VALUES ('delete', old.rowid, old.content);
        END
        """,
        """
        CREATE TRIGGER messages_fts_update AFTER UPDATE OF content ON messages BEGIN
            INSERT INTO messages_fts(messages_fts, rowid, content)
            VALUES ('delete', old.rowid, old.content);
            INSERT INTO messages_fts(rowid, content) VALUES (new.rowid, new.content);
        END
        """,
        "INSERT INTO messages_fts(rowid, content) SELECT rowid, content FROM messages",
        """
        CREATE VIRTUAL TABLE conversations_fts USING fts5(
            title, content='conversations', content_rowid='rowid', tokenize='unicode61'
        )
        """,
        """
        CREATE TRIGGER conversations_fts_insert AFTER INSERT ON conversations BEGIN
            INSERT INTO conversations_fts(rowid, title) VALUES (new.rowid, new.title);
        END
        """,
        """
        CREATE TRIGGER conversations_fts_delete AFTER DELETE ON conversations BEGIN
            INSERT INTO conversations_fts(conversations_fts, rowid, title)
            VALUES ('delete', old.rowid, old.title);
        END
        """,
        """
        CREATE TRIGGER conversations_fts_update AFTER UPDATE OF title ON conversations BEGIN
            INSERT INTO conversations_fts(conversations_fts, rowid, title)
            VALUES ('delete', old.rowid, old.title);
            INSERT INTO conversations_fts(rowid, title) VALUES (new.rowid, new.title);
        END
        """,
        "INSERT INTO conversations_fts(rowid, title) SELECT rowid, title FROM conversations",
    ),
    # 3: each conversation remembers its provider profile ('' = the default profile).
    ("ALTER TABLE conversations ADD COLUMN profile TEXT NOT NULL DEFAULT ''",),
    # 4: Completion mode, and per-answer usage, timing and the exact request sent.
    (
        "ALTER TABLE conversations ADD COLUMN mode TEXT NOT NULL DEFAULT 'chat'",
        "ALTER TABLE messages ADD COLUMN prompt_tokens INTEGER",
        "ALTER TABLE messages ADD COLUMN completion_tokens INTEGER",
        "ALTER TABLE messages ADD COLUMN usage_estimated INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE messages ADD COLUMN first_token_ms INTEGER",
        "ALTER TABLE messages ADD COLUMN duration_ms INTEGER",
        "ALTER TABLE messages ADD COLUMN request_json TEXT",
    ),
    # 5: indexes for big histories: siblings within a conversation, and the answers a crash
    # left streaming (checked at every start).
    (
        "CREATE INDEX messages_by_conversation_parent ON messages(conversation_id, parent_id)",
        "CREATE INDEX messages_streaming ON messages(status) WHERE status = 'streaming'",
    ),
    # 6: a reasoning model's thinking, kept apart from its answer (never sent back).
    ("ALTER TABLE messages ADD COLUMN reasoning TEXT NOT NULL DEFAULT ''",),
    # 7: how many of an answer's tokens went to thinking (completion_tokens_details).
    ("ALTER TABLE messages ADD COLUMN reasoning_tokens INTEGER",),
    # 8: tools: an assistant's tool calls with their results, as JSON on the assistant message
    # ([{"id", "name", "arguments", "result", "status"}]). Results are not messages of their
    # own: the role CHECK of migration 1 cannot be altered, and the API's order (the calls,
    # then one `tool` message per call) is rebuilt from this on every request and export.
    # The calls' names, arguments and results are searchable (their own index: the
    # messages_fts index is of `content` alone).
    (
        "ALTER TABLE messages ADD COLUMN tool_calls TEXT NOT NULL DEFAULT ''",
        """
        CREATE VIRTUAL TABLE tool_calls_fts USING fts5(
            tool_calls, content='messages', content_rowid='rowid', tokenize='unicode61'
        )
        """,
        """
        CREATE TRIGGER tool_calls_fts_insert AFTER INSERT ON messages
        WHEN new.tool_calls != '' BEGIN
            INSERT INTO tool_calls_fts(rowid, tool_calls) VALUES (new.rowid, new.tool_calls);
        END
        """,
        """
        CREATE TRIGGER tool_calls_fts_delete AFTER DELETE ON messages
        WHEN old.tool_calls != '' BEGIN
            INSERT INTO tool_calls_fts(tool_calls_fts, rowid, tool_calls)
            VALUES ('delete', old.rowid, old.tool_calls);
        END
        """,
        """
        CREATE TRIGGER tool_calls_fts_update AFTER UPDATE OF tool_calls ON messages BEGIN
            INSERT INTO tool_calls_fts(tool_calls_fts, rowid, tool_calls)
            SELECT 'delete', old.rowid, old.tool_calls WHERE old.tool_calls != '';
            INSERT INTO tool_calls_fts(rowid, tool_calls)
            SELECT new.rowid, new.tool_calls WHERE new.tool_calls != '';
        END
        """,
    ),
    # 9: side-by-side comparison: each answer's own profile (NULL: the conversation's), and
    # the comparison it belongs to (answers of one compared turn share the id).
    (
        "ALTER TABLE messages ADD COLUMN profile TEXT",
        "ALTER TABLE messages ADD COLUMN compare_group TEXT",
    ),
    # 10: how long the model thought before it answered ("Thought for 12 s").
    ("ALTER TABLE messages ADD COLUMN thinking_ms INTEGER",),
    # 11: attachments. Their bytes are content-addressed (`blobs`, by SHA-256: the same image
    # twice is kept once); each message lists its files in order. A blob no attachment uses
    # any more is deleted with its last use (a conversation deleted for good cascades here).
    # Names and documents' text are searchable (their own index, like tool calls').
    (
        """
        CREATE TABLE blobs (
            sha256 TEXT PRIMARY KEY,
            data BLOB NOT NULL,
            mime TEXT NOT NULL,
            size INTEGER NOT NULL
        )
        """,
        """
        CREATE TABLE message_attachments (
            message_id TEXT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            sha256 TEXT NOT NULL,
            name TEXT NOT NULL,
            kind TEXT NOT NULL,
            text TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (message_id, position)
        )
        """,
        "CREATE INDEX message_attachments_by_blob ON message_attachments(sha256)",
        """
        CREATE TRIGGER message_attachments_free_blob AFTER DELETE ON message_attachments
        BEGIN
            DELETE FROM blobs WHERE sha256 = old.sha256
                AND NOT EXISTS (SELECT 1 FROM message_attachments WHERE sha256 = old.sha256);
        END
        """,
        """
        CREATE VIRTUAL TABLE attachments_fts USING fts5(
            name, text, content='message_attachments', content_rowid='rowid',
            tokenize='unicode61'
        )
        """,
        """
        CREATE TRIGGER attachments_fts_insert AFTER INSERT ON message_attachments BEGIN
            INSERT INTO attachments_fts(rowid, name, text) VALUES (new.rowid, new.name, new.text);
        END
        """,
        """
        CREATE TRIGGER attachments_fts_delete AFTER DELETE ON message_attachments BEGIN
            INSERT INTO attachments_fts(attachments_fts, rowid, name, text)
            VALUES ('delete', old.rowid, old.name, old.text);
        END
        """,
    ),
)

LATEST_VERSION = len(MIGRATIONS)


class NewerDatabaseError(Exception):
    """The database was written by a newer version of the app; it is left untouched."""


def schema_version(connection: sqlite3.Connection) -> int:
    return int(connection.execute("PRAGMA user_version").fetchone()[0])


def backup_path(database: Path, version: int) -> Path:
    return database.with_name(f"{database.name}.before-v{LATEST_VERSION}-from-v{version}.bak")


def migrate(
    connection: sqlite3.Connection,
    database: Path | None = None,
    target: int = LATEST_VERSION,
    on_backup: Callable[[Path], None] | None = None,
) -> int:
    """Bring the schema to `target`; return the version found before migrating."""
    found = schema_version(connection)
    if found > LATEST_VERSION:
        raise NewerDatabaseError(
            f"This history was written by a newer version of desktop-chat (schema {found}; "
            f"this version knows up to {LATEST_VERSION}). Update the app to open it; "
            "the file was not changed."
        )
    if found >= target:
        return found
    if found > 0 and database is not None:
        destination = backup_path(database, found)
        with sqlite3.connect(destination) as copy:
            connection.backup(copy)
        copy.close()
        destination.chmod(0o600)
        if on_backup is not None:
            on_backup(destination)
    for version in range(found + 1, target + 1):
        # One transaction per step: a failure leaves the database at the previous version.
        with connection:
            connection.execute("BEGIN")
            for statement in MIGRATIONS[version - 1]:
                connection.execute(statement)
            connection.execute(f"PRAGMA user_version = {version:d}")
    return found

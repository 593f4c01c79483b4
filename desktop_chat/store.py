"""ConversationStore: the one place that speaks SQL.

Owns the SQLite database (WAL, foreign keys, file readable by the user only), every statement
run against it, and the translation of rows into domain values. It never imports Qt or openai.
Database failures the user can act on (disk full, locked, read-only) become `StoreError` with a
plain message; anything else is a bug and propagates.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_chat.domain import (
    DEFAULT_MODEL,
    Attachment,
    AttachmentKind,
    Conversation,
    Message,
    MessageStatus,
    Mode,
    Parameters,
    Role,
    ToolCall,
    Usage,
    utc_now,
)
from desktop_chat.migrations import migrate

if TYPE_CHECKING:
    from desktop_chat.exchange import ImportedConversation

MEMORY = ":memory:"
RANK_AT_MOST = 2000  # message hits ranked by relevance; past this, newest first
# The longest chain of messages a query follows: far past any real chat, and a bound on the
# walk even in a database damaged by hand or by an old bug (a parent cycle).
MAX_BRANCH_DEPTH = 100_000


class StoreError(Exception):
    """A database failure the user can do something about; the text says what."""


@dataclass(frozen=True, slots=True)
class ConversationSummary:
    id: str
    title: str
    updated_at: datetime
    pinned: bool
    model: str


@dataclass(frozen=True, slots=True)
class SearchHit:
    conversation_id: str
    message_id: str | None
    title: str
    snippet: str


def new_id() -> str:
    """128 random bits as 32 hex digits, like uuid4().hex (the uuid module would pull in
    platform and subprocess at start-up)."""
    return os.urandom(16).hex()


def _time(value: datetime) -> str:
    return value.isoformat(timespec="microseconds")


def _known_failure(error: sqlite3.OperationalError) -> StoreError | None:
    text = str(error).lower()
    if "locked" in text or "busy" in text:
        return StoreError("The history database is busy (locked by another program).")
    if "disk is full" in text or "database or disk is full" in text:
        return StoreError("The disk is full: the history could not be saved.")
    if "readonly" in text or "read-only" in text:
        return StoreError("The history database is read-only: the history could not be saved.")
    if "disk i/o" in text:
        return StoreError("The disk reported an error while saving the history.")
    return None


def _readable_rows(path: Path) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """The conversations and messages rows SQLite can still read in `path`, opened read-only;
    reading stops at the first damaged page of a table and keeps what came before."""
    found = _readable_tables(path, ("conversations", "messages"))
    return found["conversations"], found["messages"]


def _readable_tables(path: Path, tables: Sequence[str]) -> dict[str, list[dict[str, object]]]:
    found: dict[str, list[dict[str, object]]] = {table: [] for table in tables}
    source = _open_read_only(path)
    if source is None:
        return found
    try:
        for table, rows in found.items():
            try:
                cursor = source.execute(f"SELECT * FROM {table}")
                names = [column[0] for column in cursor.description]
                while batch := cursor.fetchmany(500):
                    rows.extend(dict(zip(names, values, strict=True)) for values in batch)
            except sqlite3.Error:
                continue  # not a database, no such table, or a damaged page: keep what we have
    finally:
        source.close()
    return found


def _open_read_only(path: Path) -> sqlite3.Connection | None:
    """`path` opened read-only: with its WAL if SQLite can use it, else the main file alone."""
    for options in ("mode=ro", "mode=ro&immutable=1"):
        try:
            connection = sqlite3.connect(f"file:{path}?{options}", uri=True)
        except sqlite3.Error:
            continue
        try:
            connection.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        except sqlite3.Error:
            connection.close()
            continue
        return connection
    return None


def _rebuild_with_sqlite_cli(damaged: Path, scratch: Path) -> Path | None:
    """`sqlite3 damaged .recover | sqlite3 rebuilt`: SQLite's own salvage, which also reads
    pages a plain SELECT gives up on. None if it fails."""
    import subprocess

    rebuilt = scratch / "rebuilt.sqlite3"
    try:
        dump = subprocess.run(
            ["sqlite3", "-readonly", str(damaged), ".recover"],
            capture_output=True,
            timeout=120,
            check=False,
        )
        subprocess.run(
            ["sqlite3", str(rebuilt)], input=dump.stdout, capture_output=True, timeout=120
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return rebuilt if rebuilt.exists() else None


def _is_damage(error: sqlite3.DatabaseError) -> bool:
    """True for a file that is not (or no longer) a usable database — not a database at all,
    corrupt, or failing its migration — but never for a busy, read-only or full one."""
    if isinstance(error, sqlite3.OperationalError):
        return _known_failure(error) is None  # e.g. a migration that meets a foreign schema
    return error.sqlite_errorcode in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)


_CONVERSATION_COLUMNS = (
    "id, title, created_at, updated_at, model, system_prompt, parameters, pinned, "
    "current_message_id, profile, mode"
)


class ConversationStore:
    """Conversations and their message trees; the active branch is what the user sees."""

    def __init__(self, path: Path | str = MEMORY) -> None:
        """Open (or create) the history. A file SQLite cannot read as a database is moved
        aside, never deleted, and a new history started: `moved_aside` then names the old
        file's new path. Raises StoreError when the directory or the file cannot be used
        (read-only, full), NewerDatabaseError for a newer app's history (left untouched)."""
        self.path = Path(path) if path != MEMORY else None
        self.moved_aside: Path | None = None
        self._db = self._open()
        self._data_version = self._read_data_version()

    def _open(self) -> sqlite3.Connection:
        if self.path is not None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                if not self.path.exists():
                    # Create the file with owner-only permissions before SQLite writes a byte.
                    os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600))
            except OSError as error:
                raise StoreError(
                    f"Cannot create the history database in {self.path.parent}: "
                    f"{error.strerror or error}."
                ) from error
        db = sqlite3.connect(
            str(self.path) if self.path else MEMORY, isolation_level=None, check_same_thread=False
        )
        try:
            db.row_factory = sqlite3.Row
            db.execute("PRAGMA foreign_keys = ON")
            db.execute("PRAGMA busy_timeout = 3000")
            # Before switching to WAL (which rewrites the file header): a database from a newer
            # version of the app must be refused without changing a byte of it.
            migrate(db, self.path)
            if self.path is not None:
                db.execute("PRAGMA journal_mode = WAL")
                # NORMAL in WAL mode: a commit survives an app crash; only power loss can undo
                # the last one, an acceptable trade for not syncing on every streamed second.
                db.execute("PRAGMA synchronous = NORMAL")
            self._db = db
            self.recover_interrupted()
        except sqlite3.DatabaseError as error:
            known = _known_failure(error) if isinstance(error, sqlite3.OperationalError) else None
            first_try = self.path is not None and not self.moved_aside
            if known is None and first_try and _is_damage(error):
                # Moved while still open: closing would delete a -wal SQLite cannot use.
                try:
                    self.moved_aside = self._move_aside(error)
                finally:
                    db.close()
                return self._open()  # a new, empty history
            db.close()
            if known is None:
                raise
            raise known from error
        except BaseException:
            db.close()
            raise
        return db

    def _move_aside(self, error: sqlite3.DatabaseError) -> Path:
        """Rename the damaged file (and its -wal/-shm) to history.damaged-<UTC time>.sqlite3
        beside it; the user can recover from it (`recover_from`) or delete it."""
        from desktop_chat.damage import free_name, stamp

        assert self.path is not None
        target = free_name(
            self.path.with_name(f"{self.path.stem}.damaged-{stamp()}{self.path.suffix}")
        )
        try:
            for suffix in ("-wal", "-shm", ""):  # the main file last: it is what names the set
                companion = self.path.with_name(self.path.name + suffix)
                if companion.exists():
                    os.replace(companion, target.with_name(target.name + suffix))
        except OSError as moving:
            raise StoreError(
                f"The history database {self.path} is damaged ({error}) and could not be moved "
                f"aside: {moving.strerror or moving}."
            ) from moving
        return target

    def _read_data_version(self) -> int:
        return int(self._db.execute("PRAGMA data_version").fetchone()[0])

    def changed_elsewhere(self) -> bool:
        """True (once) if another connection — `desktop-chat ask`, another tool — committed
        a change since the last call. SQLite's data_version ignores our own commits."""
        try:
            version = self._read_data_version()
        except sqlite3.Error:  # busy or gone: ask again next time
            return False
        changed, self._data_version = version != self._data_version, version
        return changed

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self._db.execute("PRAGMA optimize")
        self._db.close()

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        try:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
        except sqlite3.OperationalError as error:
            known = _known_failure(error)
            if known is None:
                raise
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise known from error

    # --- conversations ------------------------------------------------------------------

    def create_conversation(
        self,
        title: str = "New chat",
        model: str = DEFAULT_MODEL,
        system_prompt: str = "",
        parameters: Parameters | None = None,
        profile: str = "",
        mode: Mode = Mode.CHAT,
    ) -> Conversation:
        now = utc_now()
        conversation = Conversation(
            id=new_id(),
            title=title,
            created_at=now,
            updated_at=now,
            model=model,
            system_prompt=system_prompt,
            parameters=parameters or Parameters(),
            profile=profile,
            mode=mode,
        )
        with self._transaction() as db:
            db.execute(
                "INSERT INTO conversations (id, title, created_at, updated_at, model, "
                "system_prompt, parameters, profile, mode) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    conversation.id,
                    conversation.title,
                    _time(now),
                    _time(now),
                    model,
                    system_prompt,
                    json.dumps(conversation.parameters.to_dict()),
                    profile,
                    mode.value,
                ),
            )
        return conversation

    def get_conversation(self, conversation_id: str, with_messages: bool = True) -> Conversation:
        """The conversation; `with_messages=False` skips its messages (a tab that is laid out
        later loads them then)."""
        row = self._db.execute(
            f"SELECT {_CONVERSATION_COLUMNS} FROM conversations WHERE id = ?",
            (conversation_id,),
        ).fetchone()
        if row is None:
            raise KeyError(conversation_id)
        return self._conversation_from_row(row, with_messages)

    def has_conversation(self, conversation_id: str) -> bool:
        row = self._db.execute(
            "SELECT 1 FROM conversations WHERE id = ? AND deleted_at IS NULL", (conversation_id,)
        ).fetchone()
        return row is not None

    def update_conversation(
        self,
        conversation_id: str,
        *,
        title: str | None = None,
        model: str | None = None,
        system_prompt: str | None = None,
        parameters: Parameters | None = None,
        pinned: bool | None = None,
        profile: str | None = None,
        mode: Mode | None = None,
    ) -> Conversation:
        changes: dict[str, object] = {}
        if title is not None:
            changes["title"] = title
        if model is not None:
            changes["model"] = model
        if system_prompt is not None:
            changes["system_prompt"] = system_prompt
        if parameters is not None:
            changes["parameters"] = json.dumps(parameters.to_dict())
        if pinned is not None:
            changes["pinned"] = int(pinned)
        if profile is not None:
            changes["profile"] = profile
        if mode is not None:
            changes["mode"] = mode.value
        if changes:
            # Column names come from the fixed set above, never from input.
            assignments = ", ".join(f"{column} = ?" for column in changes)
            with self._transaction() as db:
                db.execute(
                    f"UPDATE conversations SET {assignments} WHERE id = ?",
                    (*changes.values(), conversation_id),
                )
        return self.get_conversation(conversation_id)

    def count_conversations(self) -> int:
        return int(
            self._db.execute(
                "SELECT COUNT(*) FROM conversations WHERE deleted_at IS NULL"
            ).fetchone()[0]
        )

    def list_conversations(self, limit: int = 200, offset: int = 0) -> list[ConversationSummary]:
        rows = self._db.execute(
            "SELECT id, title, updated_at, pinned, model FROM conversations "
            "WHERE deleted_at IS NULL ORDER BY pinned DESC, updated_at DESC LIMIT ? OFFSET ?",
            (limit, offset),
        ).fetchall()
        return [
            ConversationSummary(
                id=row["id"],
                title=row["title"],
                updated_at=datetime.fromisoformat(row["updated_at"]),
                pinned=bool(row["pinned"]),
                model=row["model"],
            )
            for row in rows
        ]

    def trash_conversation(self, conversation_id: str) -> None:
        with self._transaction() as db:
            db.execute(
                "UPDATE conversations SET deleted_at = ? WHERE id = ?",
                (_time(utc_now()), conversation_id),
            )

    def restore_conversation(self, conversation_id: str) -> None:
        with self._transaction() as db:
            db.execute(
                "UPDATE conversations SET deleted_at = NULL WHERE id = ?", (conversation_id,)
            )

    def empty_trash(self, older_than: datetime | None = None) -> int:
        with self._transaction() as db:
            if older_than is None:
                cursor = db.execute("DELETE FROM conversations WHERE deleted_at IS NOT NULL")
            else:
                cursor = db.execute(
                    "DELETE FROM conversations WHERE deleted_at IS NOT NULL AND deleted_at < ?",
                    (_time(older_than),),
                )
            return cursor.rowcount

    # --- messages -----------------------------------------------------------------------

    def add_message(
        self,
        conversation_id: str,
        parent_id: str | None,
        role: Role,
        content: str,
        *,
        model: str | None = None,
        status: MessageStatus = MessageStatus.COMPLETE,
        attachments: Sequence[Attachment] = (),
    ) -> Message:
        """Append a message under `parent_id` and make it the tip of the active branch."""
        now = utc_now()
        message_id = new_id()
        with self._transaction() as db:
            db.execute(
                "INSERT INTO messages (id, conversation_id, parent_id, role, content, created_at,"
                " model, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    message_id,
                    conversation_id,
                    parent_id,
                    role.value,
                    content,
                    _time(now),
                    model,
                    status.value,
                ),
            )
            _insert_attachments(db, message_id, attachments)
            db.execute(
                "UPDATE conversations SET current_message_id = ?, updated_at = ? WHERE id = ?",
                (message_id, _time(now), conversation_id),
            )
        return self.get_message(message_id)

    def attachments_of(self, message_ids: Sequence[str]) -> dict[str, tuple[Attachment, ...]]:
        """The attachments of these messages, each message's in order, bytes included."""
        found: dict[str, list[Attachment]] = {}
        ids = list(dict.fromkeys(message_ids))
        for start in range(0, len(ids), 500):  # bounded by SQLite's variable limit
            chunk = ids[start : start + 500]
            rows = self._db.execute(
                "SELECT a.message_id, a.name, a.kind, a.text, a.sha256, b.mime, b.size, b.data "
                "FROM message_attachments a JOIN blobs b ON b.sha256 = a.sha256 "
                f"WHERE a.message_id IN ({','.join('?' * len(chunk))}) "
                "ORDER BY a.message_id, a.position",
                chunk,
            ).fetchall()
            for r in rows:
                kind = r["kind"] if r["kind"] in AttachmentKind._value2member_map_ else "document"
                found.setdefault(r["message_id"], []).append(
                    Attachment(
                        name=r["name"],
                        mime_type=r["mime"],
                        sha256=r["sha256"],
                        size=int(r["size"]),
                        kind=AttachmentKind(kind),
                        text=r["text"] or "",
                        data=bytes(r["data"]),
                    )
                )
        return {key: tuple(value) for key, value in found.items()}

    def blob_count(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM blobs").fetchone()[0])

    def get_message(self, message_id: str) -> Message:
        row = self._db.execute("SELECT * FROM messages WHERE id = ?", (message_id,)).fetchone()
        if row is None:
            raise KeyError(message_id)
        index, count = self._sibling_position(row)
        attachments = self.attachments_of([message_id]).get(message_id, ())
        return self._message_from_row(row, index, count, attachments)

    def update_message(
        self,
        message_id: str,
        content: str,
        status: MessageStatus | None = None,
        reasoning: str | None = None,
    ) -> None:
        with self._transaction() as db:
            db.execute(
                "UPDATE messages SET content = ?, status = coalesce(?, status), "
                "reasoning = coalesce(?, reasoning) WHERE id = ?",
                (content, status.value if status else None, reasoning, message_id),
            )

    def set_tool_calls(self, message_id: str, calls: Sequence[ToolCall]) -> None:
        """An assistant message's tool calls, with the results known so far."""
        data = json.dumps([call.to_dict() for call in calls], ensure_ascii=False) if calls else ""
        with self._transaction() as db:
            db.execute("UPDATE messages SET tool_calls = ? WHERE id = ?", (data, message_id))

    def replace_tail(
        self,
        conversation_id: str,
        keep: int,
        tail: Sequence[tuple[Role, str, str | None, MessageStatus]],
        attachments: Sequence[Sequence[Attachment]] = (),
    ) -> None:
        """Playground-style rewrite of the active branch after its first `keep` messages:
        the new tail (role, content, model, status) is written as a new branch and shown; the
        old one stays as an alternative, so nothing is lost."""
        branch = self.get_conversation(conversation_id).messages
        parent = branch[keep - 1].id if keep > 0 else None
        now = utc_now()
        with self._transaction() as db:
            for offset, (role, content, model, status) in enumerate(tail):
                message_id = new_id()
                db.execute(
                    "INSERT INTO messages (id, conversation_id, parent_id, role, content, "
                    "created_at, model, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        message_id,
                        conversation_id,
                        parent,
                        role.value,
                        content,
                        _time(now + timedelta(microseconds=offset)),
                        model,
                        status.value,
                    ),
                )
                if offset < len(attachments):  # each rewritten message keeps its files
                    _insert_attachments(db, message_id, attachments[offset])
                parent = message_id
            db.execute(
                "UPDATE conversations SET current_message_id = ?, updated_at = ? WHERE id = ?",
                (parent, _time(now), conversation_id),
            )

    def record_answer_details(
        self, message_id: str, usage: Usage | None, request: dict[str, object] | None
    ) -> None:
        """Tokens, timing and the exact request body of an answer (the body never holds a
        key: the key travels in a header, which is not recorded)."""
        with self._transaction() as db:
            db.execute(
                "UPDATE messages SET prompt_tokens = ?, completion_tokens = ?, "
                "usage_estimated = ?, first_token_ms = ?, duration_ms = ?, request_json = ?, "
                "reasoning_tokens = ?, thinking_ms = ? WHERE id = ?",
                (
                    usage.prompt_tokens if usage else None,
                    usage.completion_tokens if usage else None,
                    int(usage.estimated) if usage else 0,
                    usage.first_token_ms if usage else None,
                    usage.duration_ms if usage else None,
                    json.dumps(_without_image_data(request)) if request is not None else None,
                    usage.reasoning_tokens if usage else None,
                    usage.thinking_ms if usage else None,
                    message_id,
                ),
            )

    def mark_compared(self, message_id: str, profile: str, group: str) -> None:
        """An answer of a side-by-side comparison: its own profile and its comparison."""
        with self._transaction() as db:
            db.execute(
                "UPDATE messages SET profile = ?, compare_group = ? WHERE id = ?",
                (profile, group, message_id),
            )

    def request_of(self, message_id: str) -> dict[str, object] | None:
        row = self._db.execute(
            "SELECT request_json FROM messages WHERE id = ?", (message_id,)
        ).fetchone()
        if row is None or row["request_json"] is None:
            return None
        value = json.loads(row["request_json"])
        return value if isinstance(value, dict) else None

    def delete_message(self, message_id: str) -> None:
        """Remove a message (and what follows it); the tip moves back to its parent."""
        row = self._db.execute(
            "SELECT conversation_id, parent_id FROM messages WHERE id = ?", (message_id,)
        ).fetchone()
        if row is None:
            return
        with self._transaction() as db:
            db.execute("DELETE FROM messages WHERE id = ?", (message_id,))
            tip = row["parent_id"] or self._latest_root(row["conversation_id"])
            db.execute(
                "UPDATE conversations SET current_message_id = ? WHERE id = ?",
                (tip, row["conversation_id"]),
            )

    def select_branch(self, message_id: str) -> None:
        """Show the alternative that holds `message_id`: follow its newest descendants."""
        leaf = self._newest_deepest_descendant(message_id)
        conversation = self._db.execute(
            "SELECT conversation_id FROM messages WHERE id = ?", (message_id,)
        ).fetchone()
        if leaf is None or conversation is None:
            raise KeyError(message_id)
        with self._transaction() as db:
            db.execute(
                "UPDATE conversations SET current_message_id = ? WHERE id = ?",
                (leaf, conversation["conversation_id"]),
            )

    def _newest_deepest_descendant(self, message_id: str) -> str | None:
        """The deepest descendant of a message (the newest of equals), or the message itself.
        UNION drops a row met again, so a cycle in a damaged database cannot loop; the depths
        are counted here, breadth first, each message once."""
        rows = self._db.execute(
            """
            WITH RECURSIVE descend(id, parent_id, created_at) AS (
                SELECT id, parent_id, created_at FROM messages WHERE id = ?
                UNION
                SELECT m.id, m.parent_id, m.created_at FROM messages m
                JOIN descend d ON m.parent_id = d.id
                LIMIT ?
            )
            SELECT id, parent_id, created_at FROM descend
            """,
            (message_id, MAX_BRANCH_DEPTH * 10),
        ).fetchall()
        if not rows:
            return None
        children: dict[str, list[sqlite3.Row]] = {}
        created: dict[str, str] = {}
        for row in rows:
            created[row["id"]] = row["created_at"]
            if row["id"] != message_id and row["parent_id"] is not None:
                children.setdefault(row["parent_id"], []).append(row)
        best = (0, created.get(message_id, ""), message_id)
        seen = {message_id}
        level = [message_id]
        depth = 0
        while level and depth < MAX_BRANCH_DEPTH:
            depth += 1
            below = [
                r["id"] for node in level for r in children.get(node, ()) if r["id"] not in seen
            ]
            seen.update(below)
            for node in below:
                best = max(best, (depth, created[node], node))
            level = below
        return best[2]

    def siblings(self, message_id: str) -> list[str]:
        row = self._db.execute(
            "SELECT conversation_id, parent_id FROM messages WHERE id = ?", (message_id,)
        ).fetchone()
        if row is None:
            raise KeyError(message_id)
        rows = self._db.execute(
            "SELECT id FROM messages WHERE conversation_id = ? AND parent_id IS ? "
            "ORDER BY created_at, rowid",
            (row["conversation_id"], row["parent_id"]),
        ).fetchall()
        return [r["id"] for r in rows]

    def recover_interrupted(self) -> int:
        """Answers left 'streaming' by a crash are partial: mark them interrupted."""
        with self._transaction() as db:
            cursor = db.execute(
                "UPDATE messages SET status = ? WHERE status = ?",
                (MessageStatus.INTERRUPTED.value, MessageStatus.STREAMING.value),
            )
            return cursor.rowcount

    # --- search ---------------------------------------------------------------------------

    def search(self, query: str, limit: int = 50) -> list[SearchHit]:
        match = _fts_query(query)
        if not match:
            return []
        # Each table is ranked and cut on its own, so snippets are made only for the hits
        # that are shown; a title hit weighs more than a message hit.
        titles = self._db.execute(
            """
            SELECT c.id AS conversation_id, NULL AS message_id, c.title AS title,
                   highlight(conversations_fts, 0, '[', ']') AS snippet,
                   conversations_fts.rank - 5.0 AS score
            FROM conversations_fts JOIN conversations c ON c.rowid = conversations_fts.rowid
            WHERE conversations_fts MATCH ? AND c.deleted_at IS NULL
            ORDER BY conversations_fts.rank LIMIT ?
            """,
            (match, limit),
        ).fetchall()
        hits = self._db.execute(
            "SELECT count(*) FROM (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ? "
            "LIMIT ?)",
            (match, RANK_AT_MOST + 1),
        ).fetchone()[0]
        # Ranking scores every hit; a word found in tens of thousands of messages ranks them
        # all alike anyway, so then the newest come first and the query stays fast.
        by_rank = hits <= RANK_AT_MOST
        order = "messages_fts.rank" if by_rank else "messages_fts.rowid DESC"
        messages = self._db.execute(
            f"""
            SELECT c.id AS conversation_id, m.id AS message_id, c.title AS title,
                   snippet(messages_fts, 0, '[', ']', '…', 12) AS snippet,
                   {"messages_fts.rank" if by_rank else "0.0"} AS score
            FROM messages_fts
            JOIN messages m ON m.rowid = messages_fts.rowid
            JOIN conversations c ON c.id = m.conversation_id
            WHERE messages_fts MATCH ? AND c.deleted_at IS NULL
            ORDER BY {order} LIMIT ?
            """,
            (match, limit),
        ).fetchall()
        tool_results = self._db.execute(
            """
            SELECT c.id AS conversation_id, m.id AS message_id, c.title AS title,
                   snippet(tool_calls_fts, 0, '[', ']', '…', 12) AS snippet,
                   tool_calls_fts.rank AS score
            FROM tool_calls_fts
            JOIN messages m ON m.rowid = tool_calls_fts.rowid
            JOIN conversations c ON c.id = m.conversation_id
            WHERE tool_calls_fts MATCH ? AND c.deleted_at IS NULL
            ORDER BY tool_calls_fts.rank LIMIT ?
            """,
            (match, limit),
        ).fetchall()
        documents = self._db.execute(
            """
            SELECT c.id AS conversation_id, m.id AS message_id, c.title AS title,
                   snippet(attachments_fts, -1, '[', ']', '…', 12) AS snippet,
                   attachments_fts.rank AS score
            FROM attachments_fts
            JOIN message_attachments a ON a.rowid = attachments_fts.rowid
            JOIN messages m ON m.id = a.message_id
            JOIN conversations c ON c.id = m.conversation_id
            WHERE attachments_fts MATCH ? AND c.deleted_at IS NULL
            ORDER BY attachments_fts.rank LIMIT ?
            """,
            (match, limit),
        ).fetchall()
        rows = sorted([*titles, *messages, *tool_results, *documents], key=lambda r: r["score"])[
            :limit
        ]
        return [
            SearchHit(r["conversation_id"], r["message_id"], r["title"], r["snippet"]) for r in rows
        ]

    # --- app state (open tabs, drafts, geometry) -------------------------------------------

    def set_draft_attachments(
        self, conversation_id: str, attachments: Sequence[Attachment]
    ) -> None:
        """The files of a chat's unsent draft, kept across restarts (none: forgotten)."""
        import base64

        key = f"draft_attachments:{conversation_id}"
        if not attachments:
            with self._transaction() as db:
                db.execute("DELETE FROM app_state WHERE key = ?", (key,))
            return
        entries = [
            {
                "name": a.name,
                "mime_type": a.mime_type,
                "kind": a.kind.value,
                "text": a.text,
                "data": base64.b64encode(a.data).decode("ascii"),
            }
            for a in attachments
        ]
        self.set_state(key, json.dumps(entries, ensure_ascii=False))

    def draft_attachments(self, conversation_id: str) -> tuple[Attachment, ...]:
        import base64
        import binascii

        raw = self.get_state(f"draft_attachments:{conversation_id}")
        try:
            entries = json.loads(raw) if raw else []
        except ValueError:
            return ()
        found = []
        for entry in entries if isinstance(entries, list) else []:
            try:
                found.append(
                    Attachment.of(
                        str(entry["name"]),
                        str(entry["mime_type"]),
                        base64.b64decode(entry["data"], validate=True),
                        AttachmentKind(entry["kind"]),
                        str(entry.get("text") or ""),
                    )
                )
            except (KeyError, TypeError, ValueError, binascii.Error):
                continue
        return tuple(found)

    def get_state(self, key: str, default: str | None = None) -> str | None:
        row = self._db.execute("SELECT value FROM app_state WHERE key = ?", (key,)).fetchone()
        return row["value"] if row else default

    def set_state(self, key: str, value: str) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT INTO app_state (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    def integrity_ok(self) -> bool:
        return self._db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    # --- recovery -------------------------------------------------------------------------

    def recover_from(self, damaged: Path) -> tuple[int, int]:
        """Copy the chats still readable in a damaged history (one `moved_aside`) into this
        one; ids already here are skipped, so running it twice adds nothing. With the sqlite3
        command-line tool on PATH, its `.recover` first rebuilds what it can of the file;
        without it (or if that fails) the rows are read from the file as it is. A message
        whose parent was lost becomes the first of its chat. Returns (chats, messages) added;
        the damaged file is only read."""
        import shutil
        import tempfile

        with tempfile.TemporaryDirectory(prefix="desktop-chat-recover-") as scratch:
            rebuilt = (
                _rebuild_with_sqlite_cli(damaged, Path(scratch))
                if shutil.which("sqlite3")
                else None
            )
            source = rebuilt
            conversations, messages = _readable_rows(rebuilt) if rebuilt else ([], [])
            if not conversations:
                source = damaged
                conversations, messages = _readable_rows(damaged)
            files = _readable_tables(source or damaged, ("blobs", "message_attachments"))
        added = self._insert_recovered(conversations, messages)
        self._insert_recovered_files(files["blobs"], files["message_attachments"])
        return added

    def _insert_recovered_files(
        self, blobs: list[dict[str, object]], attachments: list[dict[str, object]]
    ) -> None:
        """The recovered messages' files, where both the list entry and the bytes survived
        (and the bytes still match their SHA-256)."""
        import hashlib

        good = {}
        for row in blobs:
            data = row.get("data")
            if isinstance(data, bytes) and hashlib.sha256(data).hexdigest() == row.get("sha256"):
                good[row["sha256"]] = row
        with self._transaction() as db:
            for row in attachments:
                blob = good.get(row.get("sha256"))  # type: ignore[arg-type]
                exists = db.execute(
                    "SELECT 1 FROM messages WHERE id = ?", (row.get("message_id"),)
                ).fetchone()
                if blob is None or exists is None or not isinstance(row.get("position"), int):
                    continue
                db.execute(
                    "INSERT OR IGNORE INTO blobs (sha256, data, mime, size) VALUES (?, ?, ?, ?)",
                    (blob["sha256"], blob["data"], blob.get("mime") or "", len(blob["data"])),
                )
                db.execute(
                    "INSERT OR IGNORE INTO message_attachments "
                    "(message_id, position, sha256, name, kind, text) VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        row.get("message_id"),
                        row.get("position"),
                        blob["sha256"],
                        row.get("name") or "file",
                        row.get("kind") or "document",
                        row.get("text") or "",
                    ),
                )

    def _insert_recovered(
        self, conversations: list[dict[str, object]], messages: list[dict[str, object]]
    ) -> tuple[int, int]:
        ours = {
            table: [row[1] for row in self._db.execute(f"PRAGMA table_info({table})")]
            for table in ("conversations", "messages")
        }
        added_conversations = added_messages = 0
        with self._transaction() as db:

            def insert(table: str, row: dict[str, object]) -> int:
                columns = [c for c in ours[table] if c in row]
                if "id" not in columns:  # another program's table of the same name
                    return 0
                try:
                    cursor = db.execute(
                        f"INSERT OR IGNORE INTO {table} ({', '.join(columns)}) "
                        f"VALUES ({', '.join('?' for _ in columns)})",
                        [row[c] for c in columns],
                    )
                except sqlite3.IntegrityError:  # a damaged row (a required value lost)
                    return 0
                return cursor.rowcount

            for row in conversations:
                added_conversations += insert("conversations", row)
            present = {r[0] for r in db.execute("SELECT id FROM conversations")}
            waiting = [m for m in messages if m.get("conversation_id") in present]
            readable = {m.get("id") for m in waiting}
            inserted: set[object] = set()
            # Parents before children (the foreign key); an orphan's parent is gone for good.
            while waiting:
                ready = [
                    m
                    for m in waiting
                    if m.get("parent_id") is None
                    or m["parent_id"] in inserted
                    or m["parent_id"] not in readable
                ]
                if not ready:  # a cycle, which only damage makes: break it
                    ready = waiting[:1]
                for message in ready:
                    if message.get("parent_id") is not None and message["parent_id"] not in (
                        inserted
                    ):
                        known = db.execute(
                            "SELECT 1 FROM messages WHERE id = ?", (message["parent_id"],)
                        ).fetchone()
                        message = {**message, "parent_id": message["parent_id"] if known else None}
                    added_messages += insert("messages", message)
                    inserted.add(message.get("id"))
                done = {id(m) for m in ready}
                waiting = [m for m in waiting if id(m) not in done]
            # A chat whose shown answer was lost shows its newest message instead.
            db.execute(
                "UPDATE conversations SET current_message_id = (SELECT id FROM messages m "
                "WHERE m.conversation_id = conversations.id ORDER BY created_at DESC LIMIT 1) "
                "WHERE current_message_id IS NULL OR current_message_id NOT IN "
                "(SELECT id FROM messages)"
            )
        return added_conversations, added_messages

    # --- import / export ------------------------------------------------------------------

    def most_recent_conversation_id(self) -> str | None:
        """The chat with the latest activity, pinned or not (for `ask --continue`)."""
        row = self._db.execute(
            "SELECT id FROM conversations WHERE deleted_at IS NULL ORDER BY updated_at DESC LIMIT 1"
        ).fetchone()
        return row["id"] if row else None

    def conversation_ids(self) -> list[str]:
        rows = self._db.execute(
            "SELECT id FROM conversations WHERE deleted_at IS NULL ORDER BY created_at"
        ).fetchall()
        return [row["id"] for row in rows]

    def import_conversations(
        self, conversations: Sequence[ImportedConversation]
    ) -> tuple[int, int]:
        """Merge imported conversations: new ones and new messages are added, nothing is
        overwritten, and the whole batch is one transaction (all or nothing).

        A message id already stored in the same conversation is that message (so importing a
        file again adds nothing). An id another chat owns, or one the file repeats, is given
        another id, and the links to it follow, so an import never changes or mixes into
        another chat. A message's parent must come before it in the file, else it becomes a
        root: the stored links can never form a cycle.
        Returns (conversations added, messages added)."""
        added_conversations = added_messages = 0
        with self._transaction() as db:
            for conversation in conversations:
                exists = db.execute(
                    "SELECT 1 FROM conversations WHERE id = ?", (conversation.id,)
                ).fetchone()
                if exists is None:
                    db.execute(
                        "INSERT INTO conversations (id, title, created_at, updated_at, model, "
                        "system_prompt, parameters, mode) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        (
                            conversation.id,
                            conversation.title,
                            _time(conversation.created_at),
                            _time(conversation.updated_at),
                            conversation.model,
                            conversation.system_prompt,
                            json.dumps(dict(conversation.parameters)),
                            conversation.mode.value,
                        ),
                    )
                    added_conversations += 1
                # The id each message of the file was stored under, in file order; a parent
                # is looked up here, so it refers to the latest earlier message of that id.
                stored_as: dict[str, str] = {}
                occurrences: dict[str, int] = {}
                for message in conversation.messages:
                    occurrence = occurrences.get(message.id, 0)
                    occurrences[message.id] = occurrence + 1
                    stored_id, is_new = self._import_id(conversation.id, message.id, occurrence)
                    parent = stored_as.get(message.parent_id) if message.parent_id else None
                    stored_as[message.id] = stored_id
                    if not is_new:
                        continue
                    db.execute(
                        "INSERT INTO messages (id, conversation_id, parent_id, role, "
                        "content, created_at, model, status, reasoning, tool_calls) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (
                            stored_id,
                            conversation.id,
                            parent,
                            message.role.value,
                            message.content,
                            _time(message.created_at),
                            message.model,
                            message.status.value,
                            message.reasoning,
                            json.dumps([c.to_dict() for c in message.tool_calls])
                            if message.tool_calls
                            else "",
                        ),
                    )
                    _insert_attachments(db, stored_id, message.attachments)
                    added_messages += 1
                current = conversation.current_message_id
                if exists is None and current and current in stored_as:
                    db.execute(
                        "UPDATE conversations SET current_message_id = ? WHERE id = ?",
                        (stored_as[current], conversation.id),
                    )
        return added_conversations, added_messages

    def _import_id(self, conversation_id: str, wanted: str, occurrence: int) -> tuple[str, bool]:
        """The id to store an imported message under, and whether it is new (not yet stored).

        The first occurrence keeps its id unless another chat owns it; a repeat, or an id
        owned elsewhere, gets one derived from the conversation, the id and the occurrence,
        the same on every import, so importing the file again still adds nothing."""
        candidates = [wanted] if occurrence == 0 else []
        candidates.append(_derived_id(conversation_id, wanted, occurrence))
        for candidate in candidates:
            row = self._db.execute(
                "SELECT conversation_id FROM messages WHERE id = ?", (candidate,)
            ).fetchone()
            if row is None:
                return candidate, True
            if row["conversation_id"] == conversation_id:
                return candidate, False
        return new_id(), True  # the derived id is taken elsewhere too: someone made it so

    # --- rows -> domain -------------------------------------------------------------------

    def _conversation_from_row(self, row: sqlite3.Row, with_messages: bool = True) -> Conversation:
        return Conversation(
            id=row["id"],
            title=row["title"],
            created_at=datetime.fromisoformat(row["created_at"]),
            updated_at=datetime.fromisoformat(row["updated_at"]),
            model=row["model"],
            system_prompt=row["system_prompt"],
            parameters=Parameters.from_dict(json.loads(row["parameters"] or "{}")),
            pinned=bool(row["pinned"]),
            messages=tuple(self._active_branch(row["current_message_id"])) if with_messages else (),
            profile=row["profile"],
            mode=Mode(row["mode"]) if row["mode"] in Mode._value2member_map_ else Mode.CHAT,
        )

    def _active_branch(self, tip_id: str | None) -> Sequence[Message]:
        if tip_id is None:
            return ()
        # UNION (not UNION ALL) drops an id met again, so a parent cycle in a damaged database
        # ends the walk instead of looping, and the LIMIT bounds any chain.
        rows = self._db.execute(
            """
            WITH RECURSIVE branch(id) AS (
                SELECT ?
                UNION
                -- a scalar step: one primary-key lookup per level, never a scan
                SELECT (SELECT parent_id FROM messages WHERE id = b.id)
                FROM branch b WHERE b.id IS NOT NULL
                LIMIT ?
            )
            SELECT m.*,
                (SELECT COUNT(*) FROM messages s WHERE s.conversation_id = m.conversation_id
                    AND s.parent_id IS m.parent_id) AS sibling_count,
                (SELECT COUNT(*) FROM messages s WHERE s.conversation_id = m.conversation_id
                    AND s.parent_id IS m.parent_id AND s.rowid < m.rowid) AS sibling_index
            FROM branch b JOIN messages m ON m.id = b.id
            """,
            (tip_id, MAX_BRANCH_DEPTH + 1),
        ).fetchall()
        by_id = {r["id"]: r for r in rows}
        # Root first: follow the parents from the tip, stopping where the walk above stopped.
        chain: list[sqlite3.Row] = []
        seen: set[str] = set()
        node: str | None = tip_id
        while node is not None and node in by_id and node not in seen:
            seen.add(node)
            chain.append(by_id[node])
            node = by_id[node]["parent_id"]
        chain.reverse()
        files = self.attachments_of([r["id"] for r in chain if r["role"] == Role.USER.value])
        return [
            self._message_from_row(
                r, r["sibling_index"], r["sibling_count"], files.get(r["id"], ())
            )
            for r in chain
        ]

    def _sibling_position(self, row: sqlite3.Row) -> tuple[int, int]:
        counts = self._db.execute(
            "SELECT COUNT(*) AS n, SUM(rowid < (SELECT rowid FROM messages WHERE id = ?)) AS i "
            "FROM messages WHERE conversation_id = ? AND parent_id IS ?",
            (row["id"], row["conversation_id"], row["parent_id"]),
        ).fetchone()
        return int(counts["i"] or 0), int(counts["n"] or 1)

    def _latest_root(self, conversation_id: str) -> str | None:
        row = self._db.execute(
            "SELECT id FROM messages WHERE conversation_id = ? AND parent_id IS NULL "
            "ORDER BY rowid DESC LIMIT 1",
            (conversation_id,),
        ).fetchone()
        return row["id"] if row else None

    @staticmethod
    def _message_from_row(
        row: sqlite3.Row, index: int, count: int, attachments: tuple[Attachment, ...] = ()
    ) -> Message:
        usage = None
        if row["prompt_tokens"] is not None or row["completion_tokens"] is not None:
            usage = Usage(
                prompt_tokens=row["prompt_tokens"] or 0,
                completion_tokens=row["completion_tokens"] or 0,
                estimated=bool(row["usage_estimated"]),
                first_token_ms=row["first_token_ms"],
                duration_ms=row["duration_ms"],
                reasoning_tokens=row["reasoning_tokens"],
                thinking_ms=row["thinking_ms"],
            )
        return Message(
            id=row["id"],
            conversation_id=row["conversation_id"],
            parent_id=row["parent_id"],
            role=Role(row["role"]),
            content=row["content"],
            created_at=datetime.fromisoformat(row["created_at"]),
            model=row["model"],
            status=MessageStatus(row["status"]),
            sibling_index=index,
            sibling_count=count,
            usage=usage,
            reasoning=row["reasoning"] or "",
            tool_calls=_tool_calls_from(row["tool_calls"]),
            profile=row["profile"],
            compare_group=row["compare_group"],
            attachments=attachments,
        )


def _without_image_data(request: dict[str, object]) -> dict[str, object]:
    """The recorded request with each image's base64 replaced by a short note naming its
    bytes (SHA-256): the images are in `blobs` already, and every later turn sends them again,
    so recording them whole would store each image once per later answer."""
    import base64
    import binascii
    import hashlib

    messages = request.get("messages")
    if not isinstance(messages, list) or "image_url" not in json.dumps(messages):
        return request
    compact = []
    for message in messages:
        content = message.get("content") if isinstance(message, dict) else None
        if isinstance(content, list):
            parts = []
            for part in content:
                url = part.get("image_url", {}).get("url") if isinstance(part, dict) else None
                if isinstance(url, str) and url.startswith("data:") and "," in url:
                    head, _, data = url.partition(",")
                    try:
                        digest = hashlib.sha256(base64.b64decode(data)).hexdigest()
                    except (binascii.Error, ValueError):
                        digest = "unreadable"
                    note = f"{head},<{len(data)} base64 characters: attachment sha256 {digest}>"
                    part = {**part, "image_url": {**part["image_url"], "url": note}}
                parts.append(part)
            message = {**message, "content": parts}
        compact.append(message)
    return {**request, "messages": compact}


def _insert_attachments(
    db: sqlite3.Connection, message_id: str, attachments: Sequence[Attachment]
) -> None:
    """A message's files: each distinct content stored once, then the message's list."""
    for position, attachment in enumerate(attachments):
        db.execute(
            "INSERT INTO blobs (sha256, data, mime, size) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(sha256) DO NOTHING",
            (attachment.sha256, attachment.data, attachment.mime_type, len(attachment.data)),
        )
        db.execute(
            "INSERT INTO message_attachments (message_id, position, sha256, name, kind, text) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (
                message_id,
                position,
                attachment.sha256,
                attachment.name,
                attachment.kind.value,
                attachment.text,
            ),
        )


def _tool_calls_from(text: str | None) -> tuple[ToolCall, ...]:
    if not text:
        return ()
    try:
        data = json.loads(text)
    except ValueError:
        return ()
    if not isinstance(data, list):
        return ()
    return tuple(call for call in map(ToolCall.from_dict, data) if call is not None)


def _fts_query(text: str) -> str:
    """Turn what the user typed into a safe FTS5 query: every word, as a quoted prefix.
    Whatever was typed or pasted: FTS5 ends a string at NUL, and a lone surrogate cannot be
    encoded, so NUL separates words and the surrogate is dropped."""
    text = text.replace("\x00", " ").encode("utf-8", "ignore").decode("utf-8")
    words = [w.replace('"', '""') for w in text.split() if w.strip()]
    return " ".join(f'"{w}"*' for w in words)


def _derived_id(conversation_id: str, message_id: str, occurrence: int) -> str:
    """A stable replacement for an imported message id that is taken: 32 hex digits, like
    new_id(), from the conversation, the id and which occurrence of it in the file."""
    import hashlib  # only imports need it; keep it off the start-up path

    seed = f"{conversation_id}\x00{message_id}\x00{occurrence}".encode("utf-8", "surrogatepass")
    return hashlib.sha256(seed).hexdigest()[:32]

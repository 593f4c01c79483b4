"""Export and import formats: our versioned JSON, Markdown, and the ChatGPT data export.

Pure functions between domain values and text; no Qt, no SQL. Parsing validates everything
before anything is written, so a malformed file is rejected whole, with a message that names
the part that is wrong.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from desktop_chat.domain import Conversation, MessageStatus, Mode, Parameters, Role

FORMAT = "desktop-chat/1"


class ImportFormatError(ValueError):
    """The file is not something we can import; the text says which part is wrong."""


@dataclass(frozen=True, slots=True)
class ImportedMessage:
    id: str
    parent_id: str | None
    role: Role
    content: str
    created_at: datetime
    model: str | None = None
    status: MessageStatus = MessageStatus.COMPLETE


@dataclass(frozen=True, slots=True)
class ImportedConversation:
    id: str
    title: str
    created_at: datetime
    updated_at: datetime
    model: str
    system_prompt: str = ""
    messages: tuple[ImportedMessage, ...] = ()  # parents before children
    current_message_id: str | None = None
    parameters: Mapping[str, object] = field(default_factory=dict)
    mode: Mode = Mode.CHAT


# --- export ----------------------------------------------------------------------------------


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def to_json(conversations: Iterable[Conversation]) -> str:
    document = {
        "format": FORMAT,
        "conversations": [
            {
                "id": c.id,
                "title": c.title,
                "created_at": _iso(c.created_at),
                "updated_at": _iso(c.updated_at),
                "model": c.model,
                "system_prompt": c.system_prompt,
                "mode": c.mode.value,
                "parameters": c.parameters.to_dict(),
                "messages": [
                    {
                        "id": m.id,
                        "role": m.role.value,
                        "content": m.content,
                        "created_at": _iso(m.created_at),
                        "model": m.model,
                        "status": m.status.value,
                    }
                    for m in c.messages
                ],
            }
            for c in conversations
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def to_markdown(conversations: Iterable[Conversation]) -> str:
    out: list[str] = []
    for conversation in conversations:
        out.append(f"# {conversation.title}\n")
        mode = " · completion mode" if conversation.mode is Mode.COMPLETION else ""
        out.append(f"*{_iso(conversation.created_at)} · {conversation.model}{mode}*\n")
        if conversation.system_prompt:
            out.append(f"**System**\n\n{conversation.system_prompt}\n")
        for message in conversation.messages:
            label = {Role.USER: "You", Role.ASSISTANT: "Assistant", Role.SYSTEM: "System"}
            note = "" if message.status is MessageStatus.COMPLETE else f" ({message.status})"
            out.append(f"**{label[message.role]}**{note}\n\n{message.content}\n")
        out.append("---\n")
    return "\n".join(out)


# --- import ----------------------------------------------------------------------------------


def load_file(path: Path) -> list[ImportedConversation]:
    """Our JSON export, a ChatGPT `conversations.json`, or the ChatGPT .zip that holds it."""
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                names = [
                    n for n in archive.namelist() if n.rsplit("/", 1)[-1] == "conversations.json"
                ]
                if not names:
                    raise ImportFormatError(f"{path.name}: the archive has no conversations.json")
                raw = archive.read(names[0])
        else:
            raw = path.read_bytes()
    except OSError as error:
        raise ImportFormatError(f"{path.name}: cannot be read ({error.strerror})") from error
    except zipfile.BadZipFile as error:
        raise ImportFormatError(f"{path.name}: damaged zip archive") from error
    return parse(raw, path.name)


def parse(raw: bytes | str, name: str = "file") -> list[ImportedConversation]:
    try:
        data = json.load(io.BytesIO(raw) if isinstance(raw, bytes) else io.StringIO(raw))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ImportFormatError(f"{name}: not valid JSON ({error})") from error
    if isinstance(data, dict) and data.get("format") == FORMAT:
        return _parse_ours(data, name)
    if isinstance(data, dict) and "format" in data:
        raise ImportFormatError(
            f"{name}: format {data['format']!r} is not supported (expected {FORMAT!r})"
        )
    if isinstance(data, list) and all(isinstance(c, dict) and "mapping" in c for c in data):
        return [_parse_chatgpt(c, f"{name}: conversation {i + 1}") for i, c in enumerate(data)]
    raise ImportFormatError(
        f"{name}: neither a desktop-chat export nor a ChatGPT conversations.json"
    )


def _text(value: Any, where: str, allow_empty: bool = True) -> str:
    if not isinstance(value, str) or (not allow_empty and not value):
        raise ImportFormatError(
            f"{where} must be a {'non-empty ' if not allow_empty else ''}string"
        )
    return value


def _time(value: Any, where: str) -> datetime:
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(float(value), UTC)
        except (OverflowError, OSError, ValueError) as error:
            raise ImportFormatError(f"{where} is not a valid time: {value!r}") from error
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError as error:
            raise ImportFormatError(f"{where} is not an ISO-8601 time: {value!r}") from error
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    raise ImportFormatError(f"{where} is missing or not a time")


def _parse_ours(data: Mapping[str, Any], name: str) -> list[ImportedConversation]:
    conversations = data.get("conversations")
    if not isinstance(conversations, list):
        raise ImportFormatError(f"{name}: 'conversations' must be a list")
    result = []
    for index, item in enumerate(conversations):
        where = f"{name}: conversations[{index}]"
        if not isinstance(item, dict):
            raise ImportFormatError(f"{where} must be an object")
        messages_data = item.get("messages")
        if not isinstance(messages_data, list):
            raise ImportFormatError(f"{where}.messages must be a list")
        messages: list[ImportedMessage] = []
        for position, message in enumerate(messages_data):
            at = f"{where}.messages[{position}]"
            if not isinstance(message, dict):
                raise ImportFormatError(f"{at} must be an object")
            try:
                role = Role(message.get("role"))
                status = MessageStatus(message.get("status", "complete"))
            except ValueError as error:
                raise ImportFormatError(f"{at}: {error}") from error
            if status is MessageStatus.STREAMING:
                status = MessageStatus.INTERRUPTED
            model = message.get("model")
            messages.append(
                ImportedMessage(
                    id=_text(message.get("id"), f"{at}.id", allow_empty=False),
                    parent_id=messages[-1].id if messages else None,
                    role=role,
                    content=_text(message.get("content"), f"{at}.content"),
                    created_at=_time(message.get("created_at"), f"{at}.created_at"),
                    model=model if isinstance(model, str) else None,
                    status=status,
                )
            )
        result.append(
            ImportedConversation(
                id=_text(item.get("id"), f"{where}.id", allow_empty=False),
                title=_text(item.get("title"), f"{where}.title"),
                created_at=_time(item.get("created_at"), f"{where}.created_at"),
                updated_at=_time(item.get("updated_at"), f"{where}.updated_at"),
                model=_text(item.get("model") or "gpt-4", f"{where}.model"),
                system_prompt=_text(item.get("system_prompt") or "", f"{where}.system_prompt"),
                messages=tuple(messages),
                current_message_id=messages[-1].id if messages else None,
                mode=Mode.COMPLETION if item.get("mode") == "completion" else Mode.CHAT,
                parameters=Parameters.from_dict(item["parameters"]).to_dict()
                if isinstance(item.get("parameters"), dict)
                else {},
            )
        )
    return result


def _chatgpt_text(content: Any) -> str:
    if not isinstance(content, dict):
        return ""
    parts = content.get("parts")
    if isinstance(parts, list):
        return "\n".join(p for p in parts if isinstance(p, str))
    text = content.get("text")
    return text if isinstance(text, str) else ""


def _parse_chatgpt(data: Mapping[str, Any], where: str) -> ImportedConversation:
    mapping = data.get("mapping")
    if not isinstance(mapping, dict) or not mapping:
        raise ImportFormatError(f"{where}: 'mapping' must be a non-empty object")
    conversation_id = data.get("conversation_id") or data.get("id")
    conversation_id = _text(conversation_id, f"{where}: conversation_id", allow_empty=False)
    created = _time(data.get("create_time"), f"{where}: create_time")
    updated = (
        _time(data.get("update_time"), f"{where}: update_time")
        if data.get("update_time") is not None
        else created
    )
    kept: dict[str, ImportedMessage] = {}
    system_prompt = ""
    model: str | None = None

    def kept_ancestor(node_id: Any) -> str | None:
        seen: set[str] = set()
        while isinstance(node_id, str) and node_id in mapping and node_id not in seen:
            seen.add(node_id)
            if node_id in kept:
                return node_id
            node = mapping[node_id]
            node_id = node.get("parent") if isinstance(node, dict) else None
        return None

    # Walk from the roots so parents are kept before their children.
    order: list[str] = []
    roots = [k for k, v in mapping.items() if isinstance(v, dict) and not v.get("parent")]
    if not roots:
        raise ImportFormatError(f"{where}: the message tree has no root")
    stack = list(reversed(roots))
    visited: set[str] = set()
    while stack:
        node_id = stack.pop()
        if node_id in visited or node_id not in mapping:
            continue
        visited.add(node_id)
        order.append(node_id)
        node = mapping[node_id]
        children = node.get("children") if isinstance(node, dict) else None
        if isinstance(children, list):
            stack.extend(reversed([c for c in children if isinstance(c, str)]))
    for node_id in order:
        node = mapping[node_id]
        if not isinstance(node, dict):
            raise ImportFormatError(f"{where}: node {node_id!r} must be an object")
        message = node.get("message")
        if not isinstance(message, dict):
            continue
        author = message.get("author")
        role_name = author.get("role") if isinstance(author, dict) else None
        content = message.get("content")
        content_type = content.get("content_type") if isinstance(content, dict) else None
        recipient = message.get("recipient", "all")
        if recipient != "all" or content_type not in (None, "text", "multimodal_text"):
            continue  # tool calls (code for the python tool, browsing) are not chat turns
        text = _chatgpt_text(message.get("content"))
        if role_name == "system":
            if text.strip() and not system_prompt:
                system_prompt = text
            continue
        if role_name not in ("user", "assistant") or not text.strip():
            continue  # tool calls, hidden context, empty placeholders
        metadata = message.get("metadata")
        slug = metadata.get("model_slug") if isinstance(metadata, dict) else None
        if isinstance(slug, str):
            model = model or slug
        stamp = message.get("create_time")
        kept[node_id] = ImportedMessage(
            id=_text(message.get("id") or node_id, f"{where}: message id", allow_empty=False),
            parent_id=None,  # filled below, once ids are known
            role=Role(role_name),
            content=text,
            created_at=_time(stamp, f"{where}: create_time") if stamp is not None else created,
            model=slug if isinstance(slug, str) else None,
        )
    messages: list[ImportedMessage] = []
    for node_id, message in kept.items():
        parent_node = mapping[node_id].get("parent")
        parent = kept_ancestor(parent_node)
        messages.append(
            ImportedMessage(
                id=message.id,
                parent_id=kept[parent].id if parent else None,
                role=message.role,
                content=message.content,
                created_at=message.created_at,
                model=message.model,
                status=message.status,
            )
        )
    current = kept_ancestor(data.get("current_node"))
    if current is None and messages:
        current = next(reversed(kept))
    title = data.get("title")
    return ImportedConversation(
        id=conversation_id,
        title=title if isinstance(title, str) and title.strip() else "Imported chat",
        created_at=created,
        updated_at=updated,
        model=model or "gpt-4",
        system_prompt=system_prompt,
        messages=tuple(messages),
        current_message_id=kept[current].id if current else None,
    )

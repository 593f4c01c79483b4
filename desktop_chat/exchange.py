"""Export and import formats: our versioned JSON, Markdown, and the ChatGPT data export.

Pure functions between domain values and text; no Qt, no SQL. Parsing validates everything
before anything is written, so a malformed file is rejected whole, with a message that names
the part that is wrong.
"""

from __future__ import annotations

import io
import json
import math
import os
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from desktop_chat.domain import (
    Attachment,
    AttachmentKind,
    Conversation,
    Message,
    MessageStatus,
    Mode,
    Parameters,
    Role,
    ToolCall,
    human_size,
    image_mime_type,
)

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
    reasoning: str = ""
    tool_calls: tuple[ToolCall, ...] = ()  # an assistant's calls, with their results
    attachments: tuple[Attachment, ...] = ()  # a prompt's files


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


def _compare_fields(message: Message) -> dict[str, object]:
    """Optional fields of an answer from a side-by-side comparison (issue 17)."""
    if message.compare_group is None:
        return {}
    fields: dict[str, object] = {"compared": True}
    if message.profile:
        fields["profile"] = message.profile
    if (usage := message.usage) is not None:
        fields["usage"] = {
            "prompt_tokens": usage.prompt_tokens,
            "completion_tokens": usage.completion_tokens,
            "estimated": usage.estimated,
            "first_token_ms": usage.first_token_ms,
            "duration_ms": usage.duration_ms,
        }
    return fields


def _message_json(message: Message) -> dict[str, object]:
    return {
        "id": message.id,
        "role": message.role.value,
        "content": message.content,
        "created_at": _iso(message.created_at),
        "model": message.model,
        "status": message.status.value,
        **({"reasoning": message.reasoning} if message.reasoning else {}),
        **_compare_fields(message),
        **(
            {"attachments": [_attachment_json(a) for a in message.attachments]}
            if message.attachments
            else {}
        ),
    }


def _attachment_json(attachment: Attachment) -> dict[str, object]:
    import base64

    entry: dict[str, object] = {
        "name": attachment.name,
        "mime_type": attachment.mime_type,
        "kind": attachment.kind.value,
        "data": base64.b64encode(attachment.data).decode("ascii"),
    }
    if attachment.kind is AttachmentKind.DOCUMENT:
        entry["text"] = attachment.text
    return entry


def _imported_attachments(value: Any, at: str) -> tuple[Attachment, ...]:
    """The optional `attachments` of a message (older exports have none)."""
    import base64
    import binascii

    if value is None:
        return ()
    if not isinstance(value, list):
        raise ImportFormatError(f"{at}.attachments must be a list")
    found = []
    for position, item in enumerate(value):
        where = f"{at}.attachments[{position}]"
        if not isinstance(item, dict):
            raise ImportFormatError(f"{where} must be an object")
        kind = item.get("kind")
        if kind not in AttachmentKind._value2member_map_:
            raise ImportFormatError(f"{where}.kind must be 'image' or 'document'")
        try:
            data = base64.b64decode(_text(item.get("data"), f"{where}.data"), validate=True)
        except (binascii.Error, ValueError) as error:
            raise ImportFormatError(f"{where}.data is not base64") from error
        found.append(
            Attachment.of(
                _text(item.get("name"), f"{where}.name", allow_empty=False),
                _text(item.get("mime_type"), f"{where}.mime_type", allow_empty=False),
                data,
                AttachmentKind(kind),
                _text(item.get("text") or "", f"{where}.text"),
            )
        )
    return tuple(found)


def to_json(
    conversations: Iterable[Conversation],
    alternatives: Callable[[Message], Sequence[Message]] | None = None,
) -> str:
    """The active branch of each conversation; with `alternatives` (--all-branches), each
    message that has other versions also lists them (optional field "alternatives")."""

    def message_entries(message: Message) -> list[dict[str, Any]]:
        entries = _message_entries(message)
        if alternatives is not None and message.sibling_count > 1:
            entries[0]["alternatives"] = [_message_json(o) for o in alternatives(message)]
        return entries

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
                "messages": [entry for m in c.messages for entry in message_entries(m)],
            }
            for c in conversations
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _message_entries(m: Message) -> list[dict[str, Any]]:
    """A message as exported; an assistant's tool calls go as the API has them: `tool_calls`
    on the message, then one `tool` message per call with its `tool_call_id`."""
    entry: dict[str, Any] = _message_json(m)
    if not m.tool_calls:
        return [entry]
    entry["tool_calls"] = [
        {"id": c.id, "type": "function", "function": {"name": c.name, "arguments": c.arguments}}
        for c in m.tool_calls
    ]
    results = [
        {
            "id": f"{m.id}.{position}",
            "role": Role.TOOL.value,
            "tool_call_id": c.id,
            "name": c.name,
            "content": c.result or "",
            "tool_status": c.status or "",
            "created_at": _iso(m.created_at),
        }
        for position, c in enumerate(m.tool_calls)
        if c.result is not None
    ]
    return [entry, *results]


def _imported_tool_calls(value: Any, at: str) -> tuple[ToolCall, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise ImportFormatError(f"{at}.tool_calls must be a list")
    calls = []
    for position, item in enumerate(value):
        where = f"{at}.tool_calls[{position}]"
        function = item.get("function") if isinstance(item, dict) else None
        if not isinstance(function, dict):
            raise ImportFormatError(f"{where} must be an object with a function")
        calls.append(
            ToolCall(
                id=_text(item.get("id"), f"{where}.id", allow_empty=False),
                name=_text(function.get("name"), f"{where}.function.name", allow_empty=False),
                arguments=_text(function.get("arguments") or "", f"{where}.function.arguments"),
            )
        )
    return tuple(calls)


def _answer_call(messages: list[ImportedMessage], message: Mapping[str, Any], at: str) -> None:
    """A `tool` message of the file: the result of a call of an assistant message before."""
    call_id = _text(message.get("tool_call_id"), f"{at}.tool_call_id", allow_empty=False)
    content = _text(message.get("content") or "", f"{at}.content")
    status = message.get("tool_status")
    status = status if isinstance(status, str) else ""
    for index in range(len(messages) - 1, -1, -1):
        owner = messages[index]
        if any(call.id == call_id for call in owner.tool_calls):
            calls = tuple(
                call.answered(content, status or "ok") if call.id == call_id else call
                for call in owner.tool_calls
            )
            messages[index] = replace(owner, tool_calls=calls)
            return
    raise ImportFormatError(f"{at}: no earlier assistant message made the call {call_id!r}")


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
            thinking = ""
            if message.reasoning.strip():
                quoted = "\n".join(f"> {line}" for line in message.reasoning.strip().split("\n"))
                thinking = f"<details><summary>Thinking</summary>\n\n{quoted}\n\n</details>\n\n"
            tools = "".join(
                f"\n*Tool call* `{call.name}` `{call.arguments}`\n\n"
                f"~~~~text\n{call.result or ''}\n~~~~\n"
                for call in message.tool_calls
            )
            role = label.get(message.role, message.role.value)
            files = "".join(f"\n- 📎 {a.name} ({human_size(a.size)})" for a in message.attachments)
            files = f"\n*Attachments*\n{files}\n" if files else ""
            out.append(f"**{role}**{note}\n\n{thinking}{message.content}\n{files}{tools}")
        out.append("---\n")
    return "\n".join(out)


# --- import ----------------------------------------------------------------------------------


# Far above any real export (ChatGPT's reach several hundred MB), far below what would take
# the machine down: a bigger file, or a zip member that claims or turns out to be bigger, is
# refused before it is read whole. Module constants, so tests can lower them.
MAX_FILE_BYTES = 2 * 1024**3
MAX_MEMBER_BYTES = 2 * 1024**3
_READ_CHUNK = 1024 * 1024


def load_file(path: Path) -> list[ImportedConversation]:
    """Our JSON export, a ChatGPT `conversations.json`, or the ChatGPT .zip that holds it
    (whose images come along with the prompts that showed them)."""
    try:
        if not zipfile.is_zipfile(path):
            return parse(_read_bounded(path), path.name)
        with zipfile.ZipFile(path) as archive:
            raw = _read_zip_member(archive, path.name)
            return parse(raw, path.name, files=_ArchiveImages(archive))
    except OSError as error:
        reason = error.strerror or str(error)
        raise ImportFormatError(f"{path.name}: cannot be read ({reason})") from error
    except (zipfile.BadZipFile, EOFError, zlib.error) as error:
        raise ImportFormatError(f"{path.name}: damaged zip archive") from error
    except (NotImplementedError, RuntimeError) as error:
        # An encrypted member or a compression method zipfile does not know.
        raise ImportFormatError(f"{path.name}: the archive cannot be unpacked ({error})") from error


def _too_big(name: str, what: str, limit: int) -> ImportFormatError:
    return ImportFormatError(f"{name}: {what} is larger than the import limit of {limit:,} bytes")


def _read_bounded(path: Path) -> bytes:
    with path.open("rb") as file:
        if os.fstat(file.fileno()).st_size > MAX_FILE_BYTES:
            raise _too_big(path.name, "the file", MAX_FILE_BYTES)
        raw = file.read(MAX_FILE_BYTES + 1)  # a file that grows while we read is still capped
    if len(raw) > MAX_FILE_BYTES:
        raise _too_big(path.name, "the file", MAX_FILE_BYTES)
    return raw


def _read_zip_member(archive: zipfile.ZipFile, name: str) -> bytes:
    members = [
        info
        for info in archive.infolist()
        if info.filename.rsplit("/", 1)[-1] == "conversations.json" and not info.is_dir()
    ]
    if not members:
        raise ImportFormatError(f"{name}: the archive has no conversations.json")
    data = _read_capped(archive, members[0], MAX_MEMBER_BYTES)
    if data is None:
        raise _too_big(name, f"its {members[0].filename}", MAX_MEMBER_BYTES)
    return data


def _read_capped(archive: zipfile.ZipFile, member: zipfile.ZipInfo, limit: int) -> bytes | None:
    """The member's bytes, or None when it is bigger than `limit`: its declared size is
    checked first, then what really comes out is counted (the declared size may lie)."""
    if member.file_size > limit:
        return None
    chunks: list[bytes] = []
    total = 0
    with archive.open(member) as stream:
        while chunk := stream.read(_READ_CHUNK):
            total += len(chunk)
            if total > limit:
                return None
            chunks.append(chunk)
    return b"".join(chunks)


# An image in a ChatGPT archive bigger than this is left out (its message is kept): no real
# screenshot or photo comes near it. The images are held in memory until the import is
# written, so past a total the rest are left out too.
MAX_IMAGE_BYTES = 64 * 1024**2
MAX_IMAGES_TOTAL_BYTES = 1024**3

# ChatGPT names an archived file after its id, then (sometimes) a dash and the upload's name:
# `file-AbC123-photo.png`, `file_00000000a1b2-9f2c….png`, in any folder of the archive.
_FILE_ID = re.compile(r"(file[-_][A-Za-z0-9]+)")


class _ArchiveImages:
    """The images of a ChatGPT export archive, found by the file id of an asset pointer."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self._archive = archive
        self._members: dict[str, zipfile.ZipInfo] = {}
        self._read: dict[str, Attachment | None] = {}  # by member: an image shown twice
        self._total = 0
        for info in archive.infolist():
            base = info.filename.rsplit("/", 1)[-1]
            found = _FILE_ID.match(base)
            if found and not info.is_dir():
                self._members.setdefault(found.group(1), info)

    def __call__(self, asset_pointer: str) -> Attachment | None:
        """The image behind `file-service://file-XYZ` or `sediment://file_XYZ`; None when the
        archive does not hold it, or holds something too big, damaged or not an image."""
        found = _FILE_ID.fullmatch(asset_pointer.rsplit("/", 1)[-1])
        member = self._members.get(found.group(1)) if found else None
        if member is None:
            return None
        if member.filename not in self._read:
            self._read[member.filename] = self._image(member)
        return self._read[member.filename]

    def _image(self, member: zipfile.ZipInfo) -> Attachment | None:
        limit = min(MAX_IMAGE_BYTES, MAX_IMAGES_TOTAL_BYTES - self._total)
        try:
            data = _read_capped(self._archive, member, limit)
        except (OSError, zipfile.BadZipFile, EOFError, zlib.error, NotImplementedError):
            return None  # one damaged image does not cost the whole import
        mime_type = image_mime_type(data) if data else None
        if data is None or mime_type is None:
            return None
        self._total += len(data)
        name = member.filename.rsplit("/", 1)[-1]
        return Attachment.of(name, mime_type, data, AttachmentKind.IMAGE)


# What the import can ask for the image behind a ChatGPT asset pointer.
ImageLookup = Callable[[str], Attachment | None]


def _no_images(asset_pointer: str) -> Attachment | None:
    return None


def parse(
    raw: bytes | str, name: str = "file", files: ImageLookup = _no_images
) -> list[ImportedConversation]:
    try:
        data = json.load(
            io.BytesIO(raw) if isinstance(raw, bytes) else io.StringIO(raw),
            parse_constant=_no_constant,
            parse_float=_finite_float,
        )
    except RecursionError as error:
        raise ImportFormatError(f"{name}: the JSON is nested too deeply") from error
    except (ValueError, UnicodeDecodeError) as error:  # JSONDecodeError, a 5000-digit number
        raise ImportFormatError(f"{name}: not valid JSON ({_first_line(error)})") from error
    try:
        return _parse_document(data, name, files)
    except RecursionError as error:  # nested just below json's limit, then walked deeper
        raise ImportFormatError(f"{name}: the JSON is nested too deeply") from error


def _parse_document(data: Any, name: str, files: ImageLookup) -> list[ImportedConversation]:
    if isinstance(data, dict) and data.get("format") == FORMAT:
        return _parse_ours(data, name)
    if isinstance(data, dict) and "format" in data:
        raise ImportFormatError(
            f"{name}: format {_short(data['format'])} is not supported (expected {FORMAT!r})"
        )
    if isinstance(data, list) and all(isinstance(c, dict) and "mapping" in c for c in data):
        return [
            _parse_chatgpt(c, f"{name}: conversation {i + 1}", files) for i, c in enumerate(data)
        ]
    raise ImportFormatError(
        f"{name}: neither a desktop-chat export nor a ChatGPT conversations.json"
    )


def _no_constant(value: str) -> Any:
    # Python's json accepts NaN and Infinity, which JSON does not (and int() of them fails).
    raise ValueError(f"{value} is not a JSON number")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"the number {text[:40]} is out of range")
    return value


def _first_line(error: BaseException) -> str:
    lines = str(error).splitlines()
    return lines[0] if lines else type(error).__name__


def _short(value: Any, limit: int = 60) -> str:
    """A value for an error message: repr'd (so one line) and cut to a readable length."""
    if isinstance(value, str | int | float | bool) or value is None:
        text = repr(value)
    else:
        text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[: limit - 1] + "…"


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
            raise ImportFormatError(f"{where} is not a valid time: {_short(value)}") from error
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError as error:
            raise ImportFormatError(f"{where} is not an ISO-8601 time: {_short(value)}") from error
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
            if message.get("role") == Role.TOOL.value:
                _answer_call(messages, message, at)
                continue
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
                    reasoning=_text(message.get("reasoning") or "", f"{at}.reasoning"),
                    tool_calls=_imported_tool_calls(message.get("tool_calls"), at)
                    if role is Role.ASSISTANT
                    else (),
                    attachments=_imported_attachments(message.get("attachments"), at),
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


def _chatgpt_image_pointers(content: Any) -> list[str]:
    """The asset pointers of the images in a multimodal message, in order."""
    parts = content.get("parts") if isinstance(content, dict) else None
    if not isinstance(parts, list):
        return []
    return [
        part["asset_pointer"]
        for part in parts
        if isinstance(part, dict)
        and part.get("content_type") == "image_asset_pointer"
        and isinstance(part.get("asset_pointer"), str)
    ]


# The text of a prompt that showed only images none of which the export holds: the turn is
# kept (the answer refers to it), and says what is missing.
MISSING_IMAGE_TEXT = "(an image that is not in the export)"


def _parse_chatgpt(
    data: Mapping[str, Any], where: str, files: ImageLookup = _no_images
) -> ImportedConversation:
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
    for node_id, node in mapping.items():
        if not isinstance(node, dict):
            raise ImportFormatError(f"{where}: node {_short(node_id)} must be an object")
    parents = _tree_parents(mapping)
    order = _parents_first(mapping, parents)
    kept: dict[str, ImportedMessage] = {}
    used_ids: set[str] = set()
    system_prompt = ""
    model: str | None = None
    for node_id in order:
        message = mapping[node_id].get("message")
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
        pointers = _chatgpt_image_pointers(content) if role_name == "user" else []
        if role_name not in ("user", "assistant") or not (text.strip() or pointers):
            continue  # tool calls, hidden context, empty placeholders
        images = tuple(image for image in map(files, pointers) if image is not None)
        if not text.strip() and not images:
            text = MISSING_IMAGE_TEXT
        metadata = message.get("metadata")
        slug = metadata.get("model_slug") if isinstance(metadata, dict) else None
        if isinstance(slug, str):
            model = model or slug
        stamp = message.get("create_time")
        message_id = _unique_id(
            _text(message.get("id") or node_id, f"{where}: message id", allow_empty=False),
            node_id,
            used_ids,
        )
        kept[node_id] = ImportedMessage(
            id=message_id,
            parent_id=None,  # filled below, once ids are known
            role=Role(role_name),
            content=text,
            created_at=_time(stamp, f"{where}: create_time") if stamp is not None else created,
            model=slug if isinstance(slug, str) else None,
            attachments=images,
        )
    # The nearest kept node at or above each node (the tool calls and hidden nodes between
    # two turns are skipped); one pass, parents first, so a hostile tree costs linear time.
    nearest_kept: dict[str, str | None] = {}
    for node_id in order:
        parent = parents[node_id]
        above = nearest_kept[parent] if parent is not None else None
        nearest_kept[node_id] = node_id if node_id in kept else above
    messages: list[ImportedMessage] = []
    for node_id, message in kept.items():
        parent_node = parents[node_id]
        parent = nearest_kept[parent_node] if parent_node is not None else None
        messages.append(
            ImportedMessage(
                id=message.id,
                parent_id=kept[parent].id if parent is not None else None,
                role=message.role,
                content=message.content,
                created_at=message.created_at,
                model=message.model,
                status=message.status,
                attachments=message.attachments,
            )
        )
    current_node = data.get("current_node")
    current = nearest_kept.get(current_node) if isinstance(current_node, str) else None
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
        current_message_id=kept[current].id if current is not None else None,
    )


def _tree_parents(mapping: Mapping[str, Any]) -> dict[str, str | None]:
    """Each node's parent, made into a forest: a parent that is missing, not a node or the node
    itself makes the node a root, and a cycle of parent links is cut (one member becomes a
    root), so nothing downstream can loop."""
    parents: dict[str, str | None] = {}
    for node_id, node in mapping.items():
        parent = node.get("parent")
        valid = isinstance(parent, str) and parent != node_id and parent in mapping
        parents[node_id] = parent if valid else None
    position = {node_id: index for index, node_id in enumerate(mapping)}
    settled: set[str] = set()  # nodes whose walk up is known to end at a root
    for start in mapping:
        path: list[str] = []
        on_path: set[str] = set()
        node_id: str | None = start
        while node_id is not None and node_id not in settled:
            if node_id in on_path:
                # A cycle: the member that comes first in the file becomes a root (exports
                # list parents before children), which cuts the cycle's one link out of it.
                cycle = path[path.index(node_id) :]
                parents[min(cycle, key=position.__getitem__)] = None
                break
            path.append(node_id)
            on_path.add(node_id)
            node_id = parents[node_id]
        settled.update(path)
    return parents


def _parents_first(mapping: Mapping[str, Any], parents: Mapping[str, str | None]) -> list[str]:
    """All nodes, depth first from the roots, each parent before its children. Siblings keep
    the order of their parent's `children` list (the order ChatGPT shows the alternatives in);
    a child the list leaves out comes after those it names."""
    children: dict[str | None, list[str]] = {}
    for node_id, parent in parents.items():
        children.setdefault(parent, []).append(node_id)
    for parent, kids in children.items():
        listed = mapping[parent].get("children") if parent is not None else None
        if isinstance(listed, list) and len(kids) > 1:
            position: dict[str, int] = {}
            for index, child in enumerate(listed):
                if isinstance(child, str):
                    position.setdefault(child, index)
            kids.sort(key=lambda kid: position.get(kid, len(listed)))  # stable for the rest
    order: list[str] = []
    stack = list(reversed(children.get(None, [])))
    while stack:
        node_id = stack.pop()
        order.append(node_id)
        stack.extend(reversed(children.get(node_id, [])))
    return order


def _unique_id(wanted: str, node_id: str, used: set[str]) -> str:
    """The message's id, unless an earlier message of the conversation has it: then one made
    from the node's key, the same on every import (so importing the file again adds nothing)."""
    candidate = wanted if wanted not in used else node_id
    suffix = 1
    while candidate in used:
        suffix += 1
        candidate = f"{node_id}~{suffix}"
    used.add(candidate)
    return candidate

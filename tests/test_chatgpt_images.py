"""Images brought along from a ChatGPT data export `.zip`.

A prompt that showed images has `multimodal_text` content whose parts point at files
(`file-service://file-XYZ`, newer exports `sediment://file_XYZ`); the archive holds them,
named after the id, in any folder. The real `desktop-chat import` command is run on an
archive built here, and the store is read back.
"""

from __future__ import annotations

import json
import sqlite3
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Any

import pytest
from cli_helpers import AppProfile

from desktop_chat import exchange
from desktop_chat.domain import AttachmentKind, Role


def png(width: int, height: int) -> bytes:
    """A real (grey) PNG, made without Qt."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


PNG = png(40, 20)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) + b"\xff\xd9"


def image_part(pointer: str) -> dict[str, Any]:
    return {"content_type": "image_asset_pointer", "asset_pointer": pointer, "size_bytes": 1}


def conversation(conversation_id: str, turns: list[tuple[str, list[Any]]]) -> dict[str, Any]:
    """A linear ChatGPT conversation: (role, parts) per turn, under a root node."""
    mapping: dict[str, Any] = {"root": {"id": "root", "message": None, "parent": None}}
    parent = "root"
    for index, (role, parts) in enumerate(turns):
        node_id = f"{conversation_id}-{index}"
        content_type = "multimodal_text" if any(isinstance(p, dict) for p in parts) else "text"
        mapping[node_id] = {
            "id": node_id,
            "parent": parent,
            "message": {
                "id": node_id,
                "author": {"role": role},
                "create_time": 1700000000 + index,
                "content": {"content_type": content_type, "parts": parts},
                "recipient": "all",
            },
        }
        mapping[parent].setdefault("children", []).append(node_id)
        parent = node_id
    return {
        "title": f"Chat {conversation_id}",
        "create_time": 1700000000,
        "update_time": 1700000100,
        "mapping": mapping,
        "current_node": parent,
        "conversation_id": conversation_id,
    }


def archive(path: Path, conversations: list[Any], files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("export/conversations.json", json.dumps(conversations))
        for name, data in files.items():
            zf.writestr(name, data)
    return path


@pytest.fixture
def profile(tmp_path: Path) -> AppProfile:
    return AppProfile(tmp_path / "profile")


def test_images_of_the_archive_come_with_their_prompts_byte_identical(
    profile: AppProfile, tmp_path: Path
) -> None:
    chats = [
        conversation(
            "c1",
            [
                (
                    "user",
                    [
                        image_part("file-service://file-AbC123"),
                        "What is in this picture?",
                        image_part("sediment://file_00000000deadbeef"),
                    ],
                ),
                ("assistant", ["A grey square and a photo."]),
                ("user", [image_part("file-service://file-AbC123")]),  # the same one again
                ("assistant", ["The square again."]),
            ],
        )
    ]
    path = archive(
        tmp_path / "export.zip",
        chats,
        {
            "export/file-AbC123-square.png": PNG,
            # newer exports keep uploads in a folder per user
            "export/user-42/file_00000000deadbeef-1c9e7a.jpg": JPEG,
            "export/file-Other-unrelated.png": png(5, 5),
        },
    )

    result = profile.run("import", str(path))

    assert result.returncode == 0, result.stderr
    with profile.store() as store:
        chat = store.get_conversation("c1")
        first, _, again, _ = chat.messages
        assert first.content == "What is in this picture?"
        assert [(a.name, a.mime_type, a.kind, a.data) for a in first.attachments] == [
            ("file-AbC123-square.png", "image/png", AttachmentKind.IMAGE, PNG),
            ("file_00000000deadbeef-1c9e7a.jpg", "image/jpeg", AttachmentKind.IMAGE, JPEG),
        ]
        # An image-only prompt is a turn of its own (it was dropped before), and the same
        # picture shown twice is stored once.
        assert again.role is Role.USER and again.content == ""
        assert [a.data for a in again.attachments] == [PNG]
    connection = sqlite3.connect(f"file:{profile.database}?mode=ro", uri=True)
    try:
        assert connection.execute("SELECT COUNT(*) FROM blobs").fetchone()[0] == 2
    finally:
        connection.close()

    # And they go on in our export, base64, as any attachment.
    exported = json.loads(profile.run("export").stdout)
    files = exported["conversations"][0]["messages"][0]["attachments"]
    assert [f["name"] for f in files] == [
        "file-AbC123-square.png",
        "file_00000000deadbeef-1c9e7a.jpg",
    ]


def test_a_missing_damaged_or_oversize_image_is_left_out_and_the_message_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(exchange, "MAX_IMAGE_BYTES", len(PNG) + 10)
    chats = [
        conversation(
            "c2",
            [
                ("user", ["Look:", image_part("file-service://file-NotThere")]),
                ("assistant", ["I cannot see it."]),
                ("user", [image_part("file-service://file-NotThere")]),
                ("assistant", ["Still nothing."]),
                ("user", ["Text file?", image_part("file-service://file-Text1")]),
                ("user", ["Huge?", image_part("file-service://file-Huge1")]),
                ("user", ["Fits.", image_part("file-service://file-Fits1")]),
            ],
        )
    ]
    path = archive(
        tmp_path / "export.zip",
        chats,
        {
            "file-Text1-notes.png": b"not an image at all",  # the name says PNG; the bytes do not
            "file-Huge1.png": png(300, 300) + b"\x00" * 100_000,
            "file-Fits1.png": PNG,
        },
    )

    (chat,) = exchange.load_file(path)

    contents = [(m.role, m.content, [a.name for a in m.attachments]) for m in chat.messages]
    assert contents == [
        (Role.USER, "Look:", []),
        (Role.ASSISTANT, "I cannot see it.", []),
        # nothing to show and no text: the turn stays, saying what is missing
        (Role.USER, exchange.MISSING_IMAGE_TEXT, []),
        (Role.ASSISTANT, "Still nothing.", []),
        (Role.USER, "Text file?", []),
        (Role.USER, "Huge?", []),
        (Role.USER, "Fits.", ["file-Fits1.png"]),
    ]


def test_a_plain_conversations_json_keeps_image_only_prompts_as_turns(tmp_path: Path) -> None:
    path = tmp_path / "conversations.json"
    path.write_text(
        json.dumps(
            [
                conversation(
                    "c3",
                    [("user", [image_part("file-service://file-X1")]), ("assistant", ["A cat."])],
                )
            ]
        )
    )

    (chat,) = exchange.load_file(path)

    assert [(m.role, m.content) for m in chat.messages] == [
        (Role.USER, exchange.MISSING_IMAGE_TEXT),
        (Role.ASSISTANT, "A cat."),
    ]
    assert chat.messages[1].parent_id == chat.messages[0].id

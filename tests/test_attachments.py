"""Attachments (issue 13): preparing files, storing them, sending them, exporting them."""

from __future__ import annotations

import base64
import json
import sqlite3
from pathlib import Path

import fake_openai as fake
import pytest
from PySide6.QtGui import QColor, QImage

from desktop_chat import exchange
from desktop_chat.attachments import AttachmentError, attachment_from_image, load_attachment
from desktop_chat.domain import AttachmentKind, ErrorKind, Parameters, Role
from desktop_chat.migrations import MIGRATIONS, migrate
from desktop_chat.store import ConversationStore


def image_file(path: Path, width: int, height: int, fmt: str = "PNG") -> Path:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor(200, 30, 90))
    assert image.save(str(path), fmt)
    return path


def minimal_pdf(text: str) -> bytes:
    """A one-page PDF written by hand: Helvetica, one line of text."""
    stream = f"BT /F1 24 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def decoded_image(url: str) -> QImage:
    assert url.startswith("data:image/")
    header, _, payload = url.partition(",")
    assert header.endswith(";base64")
    image = QImage.fromData(base64.b64decode(payload))
    assert not image.isNull()
    return image


# --- preparing files ---------------------------------------------------------------------------


def test_a_big_image_is_scaled_to_2048_keeping_its_aspect(tmp_path):
    attachment = load_attachment(image_file(tmp_path / "wide.png", 4000, 1000))
    assert attachment.kind is AttachmentKind.IMAGE
    image = decoded_image(attachment.data_url())
    assert (image.width(), image.height()) == (2048, 512)
    assert attachment.mime_type == "image/png"  # a flat colour stays a small PNG


def test_a_small_image_keeps_its_size_and_jpeg_becomes_png_or_jpeg(tmp_path):
    attachment = load_attachment(image_file(tmp_path / "photo.jpg", 300, 200, "JPEG"))
    image = decoded_image(attachment.data_url())
    assert (image.width(), image.height()) == (300, 200)


def test_a_noisy_big_image_is_sent_as_jpeg(tmp_path):
    import random

    rng = random.Random(1)
    image = QImage(1500, 1500, QImage.Format.Format_RGB32)
    for y in range(0, 1500, 2):
        for x in range(0, 1500, 2):
            image.setPixel(x, y, rng.getrandbits(24))
    attachment = attachment_from_image(image, "noise.png")
    assert attachment.mime_type == "image/jpeg"
    assert attachment.name == "noise.jpg"
    assert decoded_image(attachment.data_url()).width() == 1500


def test_text_documents_utf8_and_cp1252(tmp_path):
    utf8 = tmp_path / "notes.md"
    utf8.write_text("# Überschrift\nnaïve café", "utf-8")
    doc = load_attachment(utf8)
    assert doc.kind is AttachmentKind.DOCUMENT
    assert doc.mime_type == "text/markdown"
    assert doc.text == "# Überschrift\nnaïve café"
    legacy = tmp_path / "old.txt"
    legacy.write_bytes("price: 5 € – café".encode("cp1252"))
    assert load_attachment(legacy).text == "price: 5 € – café"


def test_pdf_text_is_extracted(tmp_path):
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(minimal_pdf("Quarterly zebra figures"))
    doc = load_attachment(pdf)
    assert doc.mime_type == "application/pdf"
    assert "Quarterly zebra figures" in doc.text


def test_refused_files_say_which_file_and_why(tmp_path):
    binary = tmp_path / "program.bin"
    binary.write_bytes(b"\x7fELF\x00\x00\x01binary")
    with pytest.raises(AttachmentError, match=r"program\.bin.*binary"):
        load_attachment(binary)
    big = tmp_path / "big.txt"
    big.write_text("x" * 201, "utf-8")
    with pytest.raises(AttachmentError, match=r"big\.txt.*too long"):
        load_attachment(big, text_limit=200)
    assert load_attachment(big, text_limit=201).text == "x" * 201
    with pytest.raises(AttachmentError, match=r"missing\.txt"):
        load_attachment(tmp_path / "missing.txt")
    empty_pdf = tmp_path / "scan.pdf"
    empty_pdf.write_bytes(minimal_pdf(""))
    with pytest.raises(AttachmentError, match=r"scan\.pdf.*no text"):
        load_attachment(empty_pdf)
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    with pytest.raises(AttachmentError, match=r"broken\.png"):
        load_attachment(broken)


# --- storage -----------------------------------------------------------------------------------


def test_same_image_twice_is_one_blob_freed_with_its_last_conversation(tmp_path):
    picture = load_attachment(image_file(tmp_path / "a.png", 40, 30))
    store = ConversationStore(tmp_path / "h.sqlite3")
    first = store.create_conversation(model="m")
    second = store.create_conversation(model="m")
    store.add_message(first.id, None, Role.USER, "one", attachments=(picture, picture))
    store.add_message(second.id, None, Role.USER, "two", attachments=(picture,))
    assert store.blob_count() == 1
    loaded = store.get_conversation(first.id).messages[0].attachments
    assert [a.data for a in loaded] == [picture.data, picture.data]
    assert loaded[0] == picture
    store.trash_conversation(first.id)
    store.empty_trash()
    assert store.blob_count() == 1  # the second chat still uses it
    store.trash_conversation(second.id)
    store.empty_trash()
    assert store.blob_count() == 0
    store.close()


def test_document_text_is_searchable(tmp_path):
    doc = tmp_path / "plan.txt"
    doc.write_text("the aardvark migration plan", "utf-8")
    store = ConversationStore()
    chat = store.create_conversation(model="m")
    message = store.add_message(
        chat.id, None, Role.USER, "see file", attachments=(load_attachment(doc),)
    )
    hits = store.search("aardvark")
    assert [(h.conversation_id, h.message_id) for h in hits] == [(chat.id, message.id)]
    assert "aardvark" in hits[0].snippet


def test_migration_from_10_to_11_keeps_data(tmp_path):
    path = tmp_path / "old.sqlite3"
    db = sqlite3.connect(path)
    migrate(db, None, target=10)
    db.execute(
        "INSERT INTO conversations (id, title, created_at, updated_at, model) "
        "VALUES ('c1', 'Old chat', '2024-01-01T00:00:00+00:00', '2024-01-01T00:00:00+00:00', 'm')"
    )
    db.execute(
        "INSERT INTO messages (id, conversation_id, role, content, created_at, status) "
        "VALUES ('m1', 'c1', 'user', 'kept words', '2024-01-01T00:00:00+00:00', 'complete')"
    )
    db.execute("UPDATE conversations SET current_message_id = 'm1'")
    db.commit()
    db.close()
    assert len(MIGRATIONS) == 11
    store = ConversationStore(path)
    chat = store.get_conversation("c1")
    assert [(m.content, m.attachments) for m in chat.messages] == [("kept words", ())]
    assert store.search("kept")[0].message_id == "m1"
    store.close()
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == 11


# --- sending -----------------------------------------------------------------------------------


def test_request_carries_text_then_each_attachment_and_later_turns_keep_the_image(
    qtbot, controller, fake_openai, tmp_path
):
    picture = load_attachment(image_file(tmp_path / "wide.png", 4000, 1000))
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(minimal_pdf("Quarterly zebra figures"))
    document = load_attachment(pdf)
    chat = controller.store.create_conversation(
        model="vision-model", parameters=Parameters(image_detail="high")
    )
    with qtbot.waitSignal(controller.finished, timeout=10_000):
        controller.send(chat.id, "What is this?", (document, picture))
    body = fake_openai.requests_to("/chat/completions")[0].body
    parts = body["messages"][0]["content"]
    assert [p["type"] for p in parts] == ["text", "text", "image_url"]
    assert parts[0] == {"type": "text", "text": "What is this?"}
    assert parts[1]["text"].startswith("report.pdf\n```")
    assert "Quarterly zebra figures" in parts[1]["text"]
    assert parts[2]["image_url"]["detail"] == "high"
    image = decoded_image(parts[2]["image_url"]["url"])
    assert max(image.width(), image.height()) <= 2048
    assert image.width() == 4 * image.height()

    with qtbot.waitSignal(controller.finished, timeout=10_000):
        controller.send(chat.id, "And now?")
    later = fake_openai.requests_to("/chat/completions")[1].body["messages"]
    assert [m["role"] for m in later] == ["user", "assistant", "user"]
    assert later[0]["content"] == parts  # the earlier image goes again
    assert later[2] == {"role": "user", "content": "And now?"}


def test_a_text_only_model_refusing_images_is_told_plainly_and_can_leave_them_out(
    qtbot, controller, fake_openai, tmp_path
):
    picture = load_attachment(image_file(tmp_path / "a.png", 50, 50))
    chat = controller.store.create_conversation(model="text-model")
    fake_openai.script(
        fake.error(400, "Invalid content type. image_url is only supported by certain models.")
    )
    with qtbot.waitSignal(controller.failed, timeout=10_000) as failed:
        controller.send(chat.id, "look", (picture,))
    error = failed.args[1]
    assert error.kind is ErrorKind.IMAGES_NOT_SUPPORTED
    assert "does not accept images" in error.message
    assert "vision" in error.hint
    kept = controller.store.get_conversation(chat.id).messages
    assert [m.attachments for m in kept] == [(picture,)]  # the prompt and its file stay

    controller.store.update_conversation(chat.id, parameters=Parameters(omit_earlier_images=True))
    with qtbot.waitSignal(controller.finished, timeout=10_000):
        controller.send(chat.id, "describe in words")
    sent = fake_openai.requests_to("/chat/completions")[-1].body["messages"]
    assert "image_url" not in json.dumps(sent)
    assert sent[-1] == {"role": "user", "content": "describe in words"}


# --- export / import ---------------------------------------------------------------------------


def test_export_import_round_trip_is_byte_identical(tmp_path):
    picture = load_attachment(image_file(tmp_path / "a.png", 64, 48))
    doc_path = tmp_path / "data.csv"
    doc_path.write_text("a,b\n1,2\n", "utf-8")
    document = load_attachment(doc_path)
    source = ConversationStore()
    chat = source.create_conversation(model="m")
    source.add_message(chat.id, None, Role.USER, "files", attachments=(picture, document))
    exported = exchange.to_json([source.get_conversation(chat.id)])
    entry = json.loads(exported)["conversations"][0]["messages"][0]
    assert [a["name"] for a in entry["attachments"]] == ["a.png", "data.csv"]
    assert entry["attachments"][1]["text"] == "a,b\n1,2\n"
    assert "attachments" in exchange.to_markdown([source.get_conversation(chat.id)]).lower()

    target = ConversationStore()
    target.import_conversations(exchange.parse(exported))
    again = target.get_conversation(chat.id).messages[0].attachments
    assert [(a.data, a.sha256, a.name, a.kind, a.text) for a in again] == [
        (a.data, a.sha256, a.name, a.kind, a.text) for a in (picture, document)
    ]
    # an export from before attachments still imports
    old = json.loads(exported)
    del old["conversations"][0]["messages"][0]["attachments"]
    assert exchange.parse(json.dumps(old))[0].messages[0].attachments == ()


def test_moving_or_editing_a_prompt_keeps_its_files(controller, tmp_path):
    picture = load_attachment(image_file(tmp_path / "a.png", 20, 20))
    store = controller.store
    chat = store.create_conversation(model="m")
    first = store.add_message(chat.id, None, Role.USER, "with picture", attachments=(picture,))
    store.add_message(chat.id, first.id, Role.USER, "plain")
    controller.move_message(first.id, +1)
    moved = store.get_conversation(chat.id).messages
    assert [(m.content, m.attachments) for m in moved] == [
        ("plain", ()),
        ("with picture", (picture,)),
    ]
    assert store.blob_count() == 1


def test_the_recorded_request_names_images_instead_of_repeating_them(
    qtbot, controller, fake_openai, tmp_path
):
    picture = load_attachment(image_file(tmp_path / "a.png", 300, 300))
    chat = controller.store.create_conversation(model="vision-model")
    with qtbot.waitSignal(controller.finished, timeout=10_000) as finished:
        controller.send(chat.id, "see", (picture,))
    recorded = controller.store.request_of(finished.args[1].id)
    url = recorded["messages"][0]["content"][1]["image_url"]["url"]
    assert url.startswith("data:image/png;base64,<") and picture.sha256 in url
    sent = fake_openai.requests_to("/chat/completions")[0].body
    assert sent["messages"][0]["content"][1]["image_url"]["url"] == picture.data_url()


def test_recovery_from_a_moved_aside_history_keeps_the_files(tmp_path):
    picture = load_attachment(image_file(tmp_path / "a.png", 20, 10))
    old = ConversationStore(tmp_path / "old.sqlite3")
    chat = old.create_conversation(model="m")
    old.add_message(chat.id, None, Role.USER, "pic", attachments=(picture,))
    old.close()
    fresh = ConversationStore(tmp_path / "new.sqlite3")
    assert fresh.recover_from(tmp_path / "old.sqlite3") == (1, 1)
    assert fresh.get_conversation(chat.id).messages[0].attachments == (picture,)
    assert fresh.recover_from(tmp_path / "old.sqlite3") == (0, 0)
    assert fresh.blob_count() == 1
    fresh.close()


def test_the_context_estimate_counts_attachments(tmp_path):
    from desktop_chat.domain import (
        IMAGE_TOKENS,
        Conversation,
        Message,
        request_history,
        utc_now,
    )

    picture = load_attachment(image_file(tmp_path / "a.png", 20, 10))
    doc_path = tmp_path / "long.txt"
    doc_path.write_text("word " * 4000, "utf-8")
    document = load_attachment(doc_path)
    store = ConversationStore()
    chat = store.create_conversation(model="m")
    store.add_message(chat.id, None, Role.USER, "hi", attachments=(picture, document))
    (turn,) = request_history(store.get_conversation(chat.id))
    assert turn.estimated_tokens() >= IMAGE_TOKENS + 4000
    plain = Message("x", chat.id, None, Role.USER, "hi", utc_now())
    bare = request_history(Conversation(chat.id, "t", utc_now(), utc_now(), messages=(plain,)))
    assert bare[0].estimated_tokens() < 10

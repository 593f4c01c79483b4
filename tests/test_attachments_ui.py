"""Attachments in the window: paste an image, chips, send, thumbnails, the image viewer."""

from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path

import fake_openai as fake
import pytest
from PySide6.QtCore import QMimeData, Qt, QUrl
from PySide6.QtGui import QColor, QImage, QTextDocument
from PySide6.QtWidgets import QApplication, QFrame, QLabel, QToolButton, QWidget

from desktop_chat.controller import ChatController
from desktop_chat.ui.main_window import MainWindow


@pytest.fixture
def window(
    open_window: Callable[[ChatController], MainWindow], controller: ChatController
) -> MainWindow:
    return open_window(controller)


def picture(width: int = 120, height: int = 60) -> QImage:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor(10, 120, 200))
    return image


def paste_image(tab, image: QImage) -> None:
    mime = QMimeData()
    mime.setImageData(image)
    QApplication.clipboard().setMimeData(mime)
    tab.composer.setFocus()
    tab.composer.paste()


def test_paste_makes_a_chip_remove_drops_it_send_shows_a_thumbnail(qtbot, window, fake_openai):
    tab = window.current_tab()
    chips = tab.findChild(QWidget, "attachmentChips")
    assert chips is not None and not chips.isVisible()
    paste_image(tab, picture())
    assert tab.composer.toPlainText() == ""  # an image, not text
    assert len(chips.chips()) == 1 and chips.isVisible()
    paste_image(tab, picture(30, 30))
    assert len(chips.chips()) == 2
    remove = chips.chips()[1].findChild(QToolButton, "removeAttachment")
    qtbot.mouseClick(remove, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(chips.chips()) == 1)
    assert [a.size for a in tab.pending_attachments] == [len(tab.pending_attachments[0].data)]
    assert QImage.fromData(tab.pending_attachments[0].data).width() == 120  # the kept one

    tab.composer.setPlainText("what colour?")
    with qtbot.waitSignal(tab.controller.finished, timeout=10_000):
        tab.send()
    assert not chips.isVisible() and tab.pending_attachments == []
    parts = fake_openai.requests_to("/chat/completions")[0].body["messages"][0]["content"]
    assert [p["type"] for p in parts] == ["text", "image_url"]
    qtbot.waitUntil(lambda: len(tab.message_view.messages) == 2)
    sent = tab.message_view.messages[0]
    assert len(sent.attachments) == 1
    name = f"attachment:{sent.attachments[0].sha256}/160"
    resource = tab.message_view.document().resource(
        QTextDocument.ResourceType.ImageResource, QUrl(name)
    )
    assert isinstance(resource, QImage) and resource.width() == 120
    assert name in tab.message_view.toHtml() or name in tab.message_view.document().toHtml()

    # the thumbnail is a link to the viewer: follow it as a click does
    html_text = tab.message_view.document().toHtml()
    assert f"action:image/{sent.id}:0" in html_text
    tab.message_view.anchorClicked.emit(QUrl(f"action:image/{sent.id}:0"))
    viewers = [w for w in QApplication.topLevelWidgets() if w.objectName() == "imageViewer"]
    assert len(viewers) == 1 and viewers[0].isVisible()
    assert (viewers[0].image.width(), viewers[0].image.height()) == (120, 60)
    viewers[0].close()


def test_dropped_files_attach_and_bad_ones_are_named(qtbot, window, tmp_path: Path, fake_openai):
    tab = window.current_tab()
    tab.composer.setPlainText("my draft")
    good = tmp_path / "notes.txt"
    good.write_text("hello", "utf-8")
    bad = tmp_path / "blob.bin"
    bad.write_bytes(b"\x00\x01\x02")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(good)), QUrl.fromLocalFile(str(bad))])
    assert tab.composer.canInsertFromMimeData(mime)
    tab.composer.insertFromMimeData(mime)
    assert [a.name for a in tab.pending_attachments] == ["notes.txt"]
    chip = tab.attachment_chips.chips()[0]
    assert "notes.txt" in chip.findChildren(QWidget, "attachmentChipLabel")[0].text()
    assert isinstance(chip, QFrame)
    assert tab.notice.isVisible()
    shown = " ".join(label.text() for label in tab.notice.findChildren(QLabel))
    assert "blob.bin" in shown and "binary" in shown
    assert tab.composer.toPlainText() == "my draft"  # the draft is kept
    assert fake_openai.requests_to("/chat/completions") == []  # nothing was sent

    # dropped on the conversation, too
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QDropEvent

    other = tmp_path / "more.md"
    other.write_text("# more", "utf-8")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(other))])
    drop = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    # Qt delivers a Drop only during a real drag (a window-system one), which offscreen tests
    # cannot start: the view is handed the event as Qt would hand it.
    tab.message_view.dropEvent(drop)
    assert drop.isAccepted()
    assert [a.name for a in tab.pending_attachments] == ["notes.txt", "more.md"]


def test_draft_attachments_survive_a_restart(qtbot, window, open_window, controller):
    tab = window.current_tab()
    tab.composer.setPlainText("about this picture")
    paste_image(tab, picture(80, 40))
    kept = tab.pending_attachments
    window.save_session()

    restored = open_window(controller)
    again = restored.current_tab()
    assert again.conversation_id == tab.conversation_id
    assert again.composer.toPlainText() == "about this picture"
    assert again.pending_attachments == kept
    assert len(again.attachment_chips.chips()) == 1

    again.attachment_chips.clear()
    restored.save_session()
    assert controller.store.draft_attachments(tab.conversation_id) == ()


def test_quick_ask_takes_a_pasted_image(qtbot, controller, fake_openai):
    from desktop_chat.ui.quick_ask import QuickAskWindow

    popup = QuickAskWindow(controller)
    qtbot.addWidget(popup)
    popup.show()
    qtbot.waitExposed(popup)
    mime = QMimeData()
    mime.setImageData(picture(64, 32))
    QApplication.clipboard().setMimeData(mime)
    popup.input.setFocus()
    qtbot.keyClick(popup.input, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert len(popup.pending) == 1 and popup.input.text() == ""
    assert popup.attachments_label.isVisible()
    popup.input.setText("what is it?")
    with qtbot.waitSignal(controller.finished, timeout=10_000):
        popup.ask()
    parts = fake_openai.requests_to("/chat/completions")[0].body["messages"][0]["content"]
    assert [p["type"] for p in parts] == ["text", "image_url"]
    image = QImage.fromData(base64.b64decode(parts[1]["image_url"]["url"][22:]))
    assert (image.width(), image.height()) == (64, 32)
    assert popup.pending == [] and not popup.attachments_label.isVisible()
    popup.close()


def test_image_refusal_notice_leaves_earlier_images_out_in_one_click(qtbot, window, fake_openai):
    import fake_openai as fake
    from PySide6.QtWidgets import QCheckBox, QPushButton

    tab = window.current_tab()
    fake_openai.script(fake.error(400, "This model does not support image input."))
    paste_image(tab, picture())
    tab.composer.setPlainText("look")
    with qtbot.waitSignal(tab.controller.failed, timeout=10_000):
        tab.send()
    qtbot.waitUntil(tab.notice.isVisible)
    shown = " ".join(label.text() for label in tab.notice.findChildren(QLabel))
    assert "does not accept images" in shown and "vision" in shown
    button = tab.notice.findChild(QPushButton, "chatNoticeLeaveearlierimagesoutButton")
    assert button is not None
    button.click()
    saved = tab.controller.store.get_conversation(tab.conversation_id)
    assert saved.parameters.omit_earlier_images is True
    tab.settings_button.setChecked(True)  # the panel, built now, shows the saved setting
    assert tab.findChild(QCheckBox, "omitEarlierImages").isChecked()
    assert len(saved.messages[0].attachments) == 1  # the prompt and its image stay

    tab.composer.setPlainText("in words, then")
    with qtbot.waitSignal(tab.controller.finished, timeout=10_000):
        tab.send()
    last = fake_openai.requests_to("/chat/completions")[-1].body["messages"]
    assert "image_url" not in str(last)


def test_the_viewer_fits_the_image_and_a_double_click_shows_it_at_full_size(qtbot):
    from desktop_chat.attachments import attachment_from_image
    from desktop_chat.ui.attachment_view import ImageViewer

    image = QImage(1800, 600, QImage.Format.Format_RGB32)
    image.fill(QColor("#336699"))
    viewer = ImageViewer(attachment_from_image(image, "wide.png"))
    qtbot.addWidget(viewer)
    viewer.resize(600, 400)
    viewer.show()
    qtbot.waitExposed(viewer)
    shown = viewer.image_label.pixmap()
    area = viewer.scroll.viewport().size()
    assert shown.width() <= area.width() and shown.height() <= area.height()
    assert abs(shown.width() / shown.height() - 3.0) < 0.05  # the shape kept
    qtbot.mouseDClick(viewer, Qt.MouseButton.LeftButton)
    assert (viewer.image_label.pixmap().width(), viewer.image_label.pixmap().height()) == (
        1800,
        600,
    )
    qtbot.keyClick(viewer, Qt.Key.Key_1)
    assert viewer.image_label.pixmap().width() <= viewer.scroll.viewport().width()


def noisy_png(width: int, height: int, seed: int) -> bytes:
    """A PNG too big to decode on the GUI thread (random pixels do not compress)."""
    import random

    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    rng = random.Random(seed)
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor(200, 30, 30))
    for y in range(0, height, 2):
        for x in range(0, width, 3):
            image.setPixel(x, y, rng.getrandbits(24))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def test_a_big_image_shows_a_placeholder_of_its_size_then_its_thumbnail(qtbot):
    """Opening a chat of many photos must not decode them on the GUI thread: a placeholder
    of the thumbnail's size first (so the layout does not jump), the picture when a worker
    has decoded it, and from the cache at once when laid out again."""
    from datetime import UTC, datetime

    from desktop_chat.domain import Attachment, AttachmentKind, Message, Role
    from desktop_chat.ui import attachment_view
    from desktop_chat.ui.message_view import MessageView

    data = noisy_png(900, 600, seed=7)
    assert len(data) > attachment_view.SMALL_IMAGE_BYTES
    photo = Attachment.of("photo.png", "image/png", data, AttachmentKind.IMAGE)
    message = Message(
        id="m1",
        conversation_id="c1",
        parent_id=None,
        role=Role.USER,
        content="look",
        created_at=datetime.now(UTC),
        attachments=(photo,),
    )
    view = MessageView()
    qtbot.addWidget(view)
    view.resize(700, 500)
    view.show()
    name = QUrl(attachment_view.resource_name(photo))

    def shown() -> QImage:
        resource = view.document().resource(QTextDocument.ResourceType.ImageResource, name)
        assert isinstance(resource, QImage)
        return resource

    view.show_conversation([message])
    placeholder = shown()
    assert (placeholder.width(), placeholder.height()) == (160, 106)  # 900x600 fitted to 160
    assert QColor.fromRgba(placeholder.pixel(80, 50)).alpha() < 255  # the soft grey
    assert 'width="160" height="106"' in view.document().toHtml()

    qtbot.waitUntil(lambda: QColor(shown().pixel(1, 1)).red() > 150, timeout=5000)
    assert (shown().width(), shown().height()) == (160, 106)

    view.show_conversation([message])  # laid out again: straight from the cache
    assert QColor(shown().pixel(1, 1)).red() > 150


def test_compared_models_each_see_the_attached_image(qtbot, window, fake_openai):
    tab = window.current_tab()
    window.resize(1300, 800)
    tab.model_picker.setCurrentText("vision-a")
    fake_openai.script_model("vision-a", fake.reply(["Blue."]))
    fake_openai.script_model("vision-b", fake.reply(["Also blue."]))
    tab.compare_bar.add("vision-b")
    paste_image(tab, picture())
    tab.composer.setPlainText("what colour?")
    tab.send()
    assert tab.pending_attachments == [] and tab.composer.toPlainText() == ""
    qtbot.waitUntil(
        lambda: not tab.controller.compare.is_running(tab.conversation.id), timeout=10_000
    )
    asked = {
        r.body["model"]: r.body["messages"][-1]["content"]
        for r in fake_openai.requests_to("/chat/completions")
    }
    assert set(asked) == {"vision-a", "vision-b"}
    for parts in asked.values():
        assert [p["type"] for p in parts] == ["text", "image_url"]
    prompt = tab.controller.store.get_conversation(tab.conversation.id).messages[0]
    assert [a.kind.value for a in prompt.attachments] == ["image"]

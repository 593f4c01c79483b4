"""A conversation remembers its profile: the picker switches server, key and model list."""

from __future__ import annotations

import pytest
import shiboken6
from fake_openai import FakeOpenAIServer
from profile_fixtures import two_profiles
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication

from desktop_chat.ui.main_window import MainWindow


@pytest.fixture
def second_server():
    with FakeOpenAIServer(models=("llama3", "qwen2")) as server:
        yield server


@pytest.fixture
def providers(tmp_path, fake_openai, second_server):
    with two_profiles(tmp_path, fake_openai, second_server) as made:
        yield made


def test_switching_a_chat_to_another_profile(
    qtbot, make_controller, providers, fake_openai, second_server
):
    controller = make_controller(providers)
    window = MainWindow(controller, providers)
    window.restore_session()
    window.show()
    tab = window.current_tab()
    assert tab.profile_picker.isVisible()
    assert tab.conversation.profile == "Remote"
    with qtbot.waitSignal(controller.finished, timeout=10_000):
        tab.composer.setPlainText("to the remote")
        tab.send()
    assert fake_openai.requests_to("/chat/completions")[-1].headers["authorization"] == (
        "Bearer sk-remote-key"
    )

    window.new_tab()
    tab = window.current_tab()
    tab.profile_picker.setCurrentText("Local")
    qtbot.waitUntil(lambda: tab.model_picker.findText("qwen2") >= 0, timeout=5_000)
    assert tab.model_picker.currentText() == "llama3"  # a fresh chat takes a listed model
    with qtbot.waitSignal(controller.finished, timeout=10_000):
        tab.composer.setPlainText("to the local one")
        tab.send()
    request = second_server.requests_to("/chat/completions")[-1]
    assert "authorization" not in request.headers
    assert request.body["model"] == "llama3"
    assert controller.store.get_conversation(tab.conversation_id).profile == "Local"
    window.close()
    window.deleteLater()  # drop its connections to the controller before the store closes
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert not shiboken6.isValid(window)

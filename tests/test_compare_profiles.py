"""A comparison across servers (issue 17): a model of another profile is picked from that
profile's own model list and answers from its own server, beside the chat's model."""

from __future__ import annotations

import fake_openai as fake
import pytest
from fake_openai import FakeOpenAIServer
from profile_fixtures import two_profiles
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication, QToolButton

from desktop_chat.ui.main_window import MainWindow


@pytest.fixture
def local_server():
    with FakeOpenAIServer(models=("llama3", "qwen2")) as server:
        yield server


@pytest.fixture
def providers(tmp_path, fake_openai, local_server):
    with two_profiles(tmp_path, fake_openai, local_server) as made:
        yield made


def test_a_model_of_another_profile_answers_from_its_own_server(
    qtbot, make_controller, providers, fake_openai, local_server
):
    fake_openai.set_default(fake.reply(["remote ", "answer"]))
    local_server.set_default(fake.reply(["local ", "answer"]))
    controller = make_controller(providers)
    window = MainWindow(controller, providers)
    window.restore_session()
    window.resize(1300, 800)
    window.show()
    try:
        tab = window.current_tab()
        bar = tab.compare_bar
        arrow = tab.findChild(QToolButton, "compareProfileButton")
        assert arrow is not None and arrow.isVisible()  # two profiles: there is a choice
        bar._fill_profile_menu()
        (action,) = arrow.menu().actions()
        assert "Local" in action.text()
        action.trigger()  # fetches Local's models, then opens the picker with them
        qtbot.waitUntil(lambda: bar._popup is not None and bar._popup.isVisible(), timeout=5_000)
        popup = bar._popup
        shown = [popup.list_model.entry(r).model_id for r in range(popup.list_model.rowCount())]
        assert sorted(shown) == ["llama3", "qwen2"]
        popup.search.setText("qwen")
        qtbot.keyClick(popup.search, Qt.Key.Key_Return)
        assert [(c.model, c.profile) for c in bar.extras] == [("qwen2", "Local")]
        tab.composer.setPlainText("Which of you?")
        tab.send()
        qtbot.waitUntil(lambda: bool(local_server.requests_to("/chat/completions")), timeout=10_000)
        qtbot.waitUntil(lambda: not tab.is_streaming, timeout=10_000)
        local = local_server.requests_to("/chat/completions")[-1]
        assert local.body["model"] == "qwen2" and "authorization" not in local.headers
        remote = fake_openai.requests_to("/chat/completions")
        assert [r.body["model"] for r in remote if r.body.get("stream")] == ["gpt-4"]
        answer = controller.store.get_conversation(tab.conversation.id).messages[-1]
        answers = [controller.store.get_message(i) for i in controller.store.siblings(answer.id)]
        assert {(a.model, a.profile, a.content) for a in answers} >= {
            ("qwen2", "Local", "local answer")
        }
    finally:
        window.close()
        window.deleteLater()
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)

"""Playground parity against the local fake server (real HTTP and SSE): Completion mode,
parameters exactly as set (and absent when unset, through the panel too), usage and timing per
answer, "View request", and the error for a model that does not fit the endpoint."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import fake_openai as fake
import pytest
from PySide6.QtCore import QEvent, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QPlainTextEdit, QPushButton
from pytestqt.qtbot import QtBot
from qt_fixtures import TEST_KEY

from desktop_chat import exchange, snippets
from desktop_chat.controller import ChatController
from desktop_chat.domain import (
    ErrorKind,
    Message,
    MessageStatus,
    Mode,
    Parameters,
    Role,
    estimate_tokens,
)
from desktop_chat.pricing import cost, format_cost, price_table
from desktop_chat.ui.conversation_tab import ConversationTab

TIMEOUT = 10_000
ANSWER = "".join(fake.DEFAULT_CHUNKS)  # "Hello from the test server."
PARAMETER_KEYS = (
    "temperature",
    "top_p",
    "max_tokens",
    "presence_penalty",
    "frequency_penalty",
    "stop",
    "seed",
    "response_format",
)
CHAT_MISMATCH = (
    "This is a chat model and not supported in the v1/completions endpoint. "
    "Did you mean to use v1/chat/completions?"
)
COMPLETION_MISMATCH = (
    "This is not a chat model and thus not supported in the v1/chat/completions endpoint. "
    "Did you mean to use v1/completions?"
)


# --- helpers ----------------------------------------------------------------------------------


def ask(qtbot: QtBot, controller: ChatController, conversation_id: str, text: str) -> Message:
    with qtbot.waitSignal(controller.finished, timeout=TIMEOUT) as finished:
        assert controller.send(conversation_id, text) is not None
    assert finished.args[0] == conversation_id
    return finished.args[1]


def chat_requests(server: fake.FakeOpenAIServer) -> list[fake.RequestRecord]:
    return server.requests_to("/chat/completions")


def legacy_requests(server: fake.FakeOpenAIServer) -> list[fake.RequestRecord]:
    """Requests to /v1/completions only (requests_to would also match /chat/completions)."""
    return [r for r in server.requests if r.path.split("?", 1)[0] == "/v1/completions"]


def history(controller: ChatController, conversation_id: str) -> list[tuple[Role, str]]:
    messages = controller.store.get_conversation(conversation_id).messages
    return [(m.role, m.content) for m in messages]


@pytest.fixture
def make_tab(
    qtbot: QtBot, qapp: QApplication, controller: ChatController
) -> Iterator[Callable[..., ConversationTab]]:
    """ConversationTabs on the test controller; really deleted before the store closes."""
    made: list[ConversationTab] = []

    def make(**conversation: object) -> ConversationTab:
        conversation.setdefault("model", "test-model")
        tab = ConversationTab(controller.store.create_conversation(**conversation), controller)
        qtbot.addWidget(tab)
        tab.show()
        qtbot.waitExposed(tab)
        made.append(tab)
        return tab

    yield make
    for tab in made:
        tab.close()
        tab.deleteLater()
    made.clear()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def send_in_tab(qtbot: QtBot, tab: ConversationTab, text: str) -> None:
    tab.composer.setPlainText(text)
    tab.send()
    qtbot.waitUntil(lambda: not tab.is_streaming, timeout=TIMEOUT)
    # The finished answer is rendered again with its usage line once the stream ends.
    qtbot.waitUntil(lambda: not tab.message_view.is_streaming, timeout=TIMEOUT)


# --- Completion mode --------------------------------------------------------------------------


def test_completion_mode_streams_the_prompt_from_the_legacy_endpoint(
    qtbot, controller, fake_openai
):
    conversation = controller.store.create_conversation(
        model="gpt-3.5-turbo-instruct", mode=Mode.COMPLETION
    )
    message = ask(qtbot, controller, conversation.id, "Once upon a time")
    assert message.content == ANSWER
    assert message.status is MessageStatus.COMPLETE

    assert chat_requests(fake_openai) == []
    [request] = legacy_requests(fake_openai)
    assert request.method == "POST"
    assert request.status == 200
    assert request.body["prompt"] == "Once upon a time"
    assert "messages" not in request.body
    assert request.body["model"] == "gpt-3.5-turbo-instruct"
    assert request.body["stream"] is True

    assert history(controller, conversation.id) == [
        (Role.USER, "Once upon a time"),
        (Role.ASSISTANT, ANSWER),
    ]
    saved = controller.store.get_conversation(conversation.id)
    assert saved.mode is Mode.COMPLETION
    assert saved.messages[-1].model == "gpt-3.5-turbo-instruct"


def test_completion_mode_sends_only_the_new_prompt_not_the_history(qtbot, controller, fake_openai):
    conversation = controller.store.create_conversation(
        model="gpt-3.5-turbo-instruct", mode=Mode.COMPLETION, system_prompt="Ignored here."
    )
    ask(qtbot, controller, conversation.id, "first prompt")
    ask(qtbot, controller, conversation.id, "second prompt")
    bodies = [r.body for r in legacy_requests(fake_openai)]
    assert [b["prompt"] for b in bodies] == ["first prompt", "second prompt"]
    assert all("messages" not in b for b in bodies)


def test_completion_mode_conversation_is_shown_in_its_tab(qtbot, make_tab, fake_openai):
    tab = make_tab(model="gpt-3.5-turbo-instruct", mode=Mode.COMPLETION)
    assert tab.parameters_panel.current_mode() is Mode.COMPLETION
    send_in_tab(qtbot, tab, "Write a haiku")
    text = tab.message_view.toPlainText()
    assert "Write a haiku" in text
    assert ANSWER in text
    assert legacy_requests(fake_openai)[0].body["prompt"] == "Write a haiku"


def test_export_marks_the_mode_and_import_keeps_it(qtbot, controller, fake_openai):
    completion = controller.store.create_conversation(
        model="gpt-3.5-turbo-instruct", mode=Mode.COMPLETION
    )
    chat = controller.store.create_conversation(model="test-model")
    ask(qtbot, controller, completion.id, "Complete me")
    ask(qtbot, controller, chat.id, "Chat with me")
    conversations = [controller.store.get_conversation(c.id) for c in (completion, chat)]

    document = json.loads(exchange.to_json(conversations))
    assert [c["mode"] for c in document["conversations"]] == ["completion", "chat"]
    assert [m["content"] for m in document["conversations"][0]["messages"]] == [
        "Complete me",
        ANSWER,
    ]
    imported = exchange.parse(exchange.to_json(conversations))
    assert [c.mode for c in imported] == [Mode.COMPLETION, Mode.CHAT]
    assert "completion mode" in exchange.to_markdown(conversations[:1])
    assert "completion mode" not in exchange.to_markdown(conversations[1:])


# --- parameters, as set and only when set -----------------------------------------------------

ALL_SET = Parameters(
    temperature=0.3,
    top_p=0.9,
    max_tokens=77,
    presence_penalty=0.5,
    frequency_penalty=-0.25,
    stop=("END", "###", "\n\n", "Q:"),
    seed=1234,
    json_mode=True,
)


def test_every_parameter_is_sent_exactly_as_set_in_chat_mode(qtbot, controller, fake_openai):
    conversation = controller.store.create_conversation(model="test-model", parameters=ALL_SET)
    ask(qtbot, controller, conversation.id, "all of them")
    body = chat_requests(fake_openai)[0].body
    assert {key: body[key] for key in PARAMETER_KEYS} == {
        "temperature": 0.3,
        "top_p": 0.9,
        "max_tokens": 77,
        "presence_penalty": 0.5,
        "frequency_penalty": -0.25,
        "stop": ["END", "###", "\n\n", "Q:"],
        "seed": 1234,
        "response_format": {"type": "json_object"},
    }
    assert type(body["seed"]) is int and type(body["max_tokens"]) is int


def test_json_mode_is_not_sent_to_the_completions_endpoint(qtbot, controller, fake_openai):
    conversation = controller.store.create_conversation(
        model="gpt-3.5-turbo-instruct", mode=Mode.COMPLETION, parameters=ALL_SET
    )
    ask(qtbot, controller, conversation.id, "all but one")
    body = legacy_requests(fake_openai)[0].body
    assert "response_format" not in body
    assert {key: body[key] for key in PARAMETER_KEYS if key != "response_format"} == {
        "temperature": 0.3,
        "top_p": 0.9,
        "max_tokens": 77,
        "presence_penalty": 0.5,
        "frequency_penalty": -0.25,
        "stop": ["END", "###", "\n\n", "Q:"],
        "seed": 1234,
    }


@pytest.mark.parametrize("mode", [Mode.CHAT, Mode.COMPLETION])
def test_unset_parameters_are_absent(qtbot, controller, fake_openai, mode):
    conversation = controller.store.create_conversation(model="test-model", mode=mode)
    ask(qtbot, controller, conversation.id, "defaults please")
    [request] = fake_openai.requests
    text_key = "messages" if mode is Mode.CHAT else "prompt"
    assert set(request.body) == {"model", text_key, "stream", "stream_options"}


def test_zero_values_are_sent_not_dropped(qtbot, controller, fake_openai):
    """0 is a value (greedy sampling, seed 0), not "unset"."""
    zeros = Parameters(temperature=0.0, top_p=0.0, presence_penalty=0.0, seed=0)
    conversation = controller.store.create_conversation(model="test-model", parameters=zeros)
    ask(qtbot, controller, conversation.id, "zeros")
    body = chat_requests(fake_openai)[0].body
    assert (body["temperature"], body["top_p"], body["presence_penalty"], body["seed"]) == (
        0.0,
        0.0,
        0.0,
        0,
    )
    assert "frequency_penalty" not in body and "max_tokens" not in body


def test_parameters_set_in_the_panel_are_sent(qtbot, make_tab, fake_openai):
    tab = make_tab()
    panel = tab.parameters_panel
    panel.temperature.setValue(0.4)
    panel.top_p.setValue(0.8)
    panel.max_tokens.setValue(100)
    panel.presence_penalty.setValue(0.1)
    panel.frequency_penalty.setValue(-0.2)
    panel.seed.setValue(7)
    panel.json_mode.setChecked(True)
    panel.stop.setPlainText("one\ntwo\n\nthree\nfour\nfive")  # blank lines are not sequences
    send_in_tab(qtbot, tab, "panel values")
    body = chat_requests(fake_openai)[0].body
    assert {key: body[key] for key in PARAMETER_KEYS} == {
        "temperature": pytest.approx(0.4),
        "top_p": pytest.approx(0.8),
        "max_tokens": 100,
        "presence_penalty": pytest.approx(0.1),
        "frequency_penalty": pytest.approx(-0.2),
        "stop": ["one", "two", "three", "four"],  # at most 4, as the API allows
        "seed": 7,
        "response_format": {"type": "json_object"},
    }
    saved = tab.controller.store.get_conversation(tab.conversation_id).parameters
    assert saved.seed == 7 and saved.json_mode and saved.stop == ("one", "two", "three", "four")


def test_the_mode_selector_switches_to_the_completions_endpoint(qtbot, make_tab, fake_openai):
    tab = make_tab(model="gpt-3.5-turbo-instruct")
    panel = tab.parameters_panel
    assert panel.mode.objectName() == "modeSelector"
    panel.mode.setCurrentIndex(panel.mode.findData(Mode.COMPLETION.value))
    panel.json_mode.setChecked(True)
    panel.temperature.setValue(0.5)
    send_in_tab(qtbot, tab, "complete this")
    assert chat_requests(fake_openai) == []
    body = legacy_requests(fake_openai)[0].body
    assert body["prompt"] == "complete this"
    assert body["temperature"] == pytest.approx(0.5)
    assert "response_format" not in body and "messages" not in body
    assert tab.controller.store.get_conversation(tab.conversation_id).mode is Mode.COMPLETION


def test_a_preset_sets_values_and_reset_clears_them(qtbot, make_tab, fake_openai):
    tab = make_tab()
    panel = tab.parameters_panel
    panel.seed.setValue(99)
    panel.max_tokens.setValue(12)
    precise = panel.presets.findText("Precise")
    assert precise > 0
    panel.presets.activated.emit(precise)
    assert panel.temperature.value() == pytest.approx(0.2)
    assert panel.top_p.value() == pytest.approx(1.0)
    assert panel.presets.currentIndex() == 0  # back to the "Presets…" placeholder
    send_in_tab(qtbot, tab, "precise")
    body = chat_requests(fake_openai)[-1].body
    assert body["temperature"] == pytest.approx(0.2)
    assert body["top_p"] == pytest.approx(1.0)
    # A preset is a whole parameter set: what it does not name goes back to the default.
    assert "seed" not in body and "max_tokens" not in body

    reset = panel.findChild(QPushButton, "resetParameters")
    assert reset is not None
    panel.json_mode.setChecked(True)
    panel.stop.setPlainText("STOP")
    reset.click()
    assert panel.parameters() == Parameters()
    send_in_tab(qtbot, tab, "after reset")
    body = chat_requests(fake_openai)[-1].body
    for key in PARAMETER_KEYS:
        assert key not in body, key
    assert tab.controller.store.get_conversation(tab.conversation_id).parameters == Parameters()


# --- usage: from the server, estimated, or after a server that refuses stream_options ---------


def test_usage_from_the_server_is_stored_and_shown(qtbot, make_tab, fake_openai):
    tab = make_tab(model="gpt-4")
    send_in_tab(qtbot, tab, "count my tokens")
    request = chat_requests(fake_openai)[0]
    assert request.body["stream_options"] == {"include_usage": True}
    expected = fake._usage(request.body, ANSWER)

    answer = tab.controller.store.get_conversation(tab.conversation_id).messages[-1]
    assert answer.role is Role.ASSISTANT
    usage = answer.usage
    assert usage is not None and usage.estimated is False
    assert (usage.prompt_tokens, usage.completion_tokens) == (
        expected["prompt_tokens"],
        expected["completion_tokens"],
    )

    header = tab.message_view.usage_text(answer)
    assert "≈" not in header
    assert f"{usage.prompt_tokens} + {usage.completion_tokens} tokens" in header
    price = cost("gpt-4", usage, price_table())
    assert price is not None and format_cost(price) in header
    assert header in tab.message_view.toPlainText()
    assert "Request" in tab.message_view.toPlainText()

    totals = tab.findChild(QLabel, "conversationTotals")
    assert totals is tab.totals
    assert totals.text() == f"Σ {usage.total_tokens:,} tokens · {format_cost(price)}"


def test_usage_in_completion_mode_comes_from_the_server_too(qtbot, controller, fake_openai):
    conversation = controller.store.create_conversation(
        model="gpt-3.5-turbo-instruct", mode=Mode.COMPLETION
    )
    message = ask(qtbot, controller, conversation.id, "legacy usage")
    request = legacy_requests(fake_openai)[0]
    assert request.body["stream_options"] == {"include_usage": True}
    expected = fake._usage(request.body, ANSWER)
    usage = controller.store.get_message(message.id).usage
    assert usage is not None and not usage.estimated
    assert (usage.prompt_tokens, usage.completion_tokens) == (
        expected["prompt_tokens"],
        expected["completion_tokens"],
    )


def test_without_usage_from_the_server_the_counts_are_estimates(qtbot, make_tab, fake_openai):
    fake_openai.set_usage(False)
    tab = make_tab(model="gpt-4")
    send_in_tab(qtbot, tab, "no usage here")
    assert chat_requests(fake_openai)[0].body["stream_options"] == {"include_usage": True}
    answer = tab.controller.store.get_conversation(tab.conversation_id).messages[-1]
    usage = answer.usage
    assert usage is not None and usage.estimated is True
    assert usage.completion_tokens == estimate_tokens(ANSWER)
    assert usage.prompt_tokens == estimate_tokens("no usage here") + 4
    header = tab.message_view.usage_text(answer)
    assert header.startswith(f"≈{usage.prompt_tokens} + ≈{usage.completion_tokens} tokens")
    assert "≈$" in header
    assert tab.totals.text().startswith(f"Σ ≈{usage.total_tokens:,} tokens")


def test_a_server_that_refuses_stream_options_is_asked_again_without(qtbot, make_tab, fake_openai):
    fake_openai.set_reject_stream_options(True)
    tab = make_tab()
    send_in_tab(qtbot, tab, "old server")
    refused, accepted = chat_requests(fake_openai)
    assert refused.status == 400 and "stream_options" in refused.body
    assert accepted.status == 200 and "stream_options" not in accepted.body
    assert {k: v for k, v in refused.body.items() if k != "stream_options"} == accepted.body
    assert tab.notice.isHidden()
    answer = tab.controller.store.get_conversation(tab.conversation_id).messages[-1]
    assert (answer.role, answer.content, answer.status) == (
        Role.ASSISTANT,
        ANSWER,
        MessageStatus.COMPLETE,
    )
    assert answer.usage is not None and answer.usage.estimated
    assert "≈" in tab.message_view.usage_text(answer)
    # "View request" shows the body that was answered, not the refused one.
    recorded = tab.controller.store.request_of(answer.id)
    assert snippets.request_body(recorded) == accepted.body


def test_the_stream_options_fallback_keeps_the_scripted_reply(qtbot, controller, fake_openai):
    fake_openai.set_reject_stream_options(True)
    fake_openai.script(fake.reply(["scripted ", "answer"]))
    conversation = controller.store.create_conversation(model="test-model")
    message = ask(qtbot, controller, conversation.id, "hi")
    assert message.content == "scripted answer"
    assert fake_openai.pending() == []


def test_a_real_bad_request_is_not_mistaken_for_stream_options(qtbot, controller, fake_openai):
    fake_openai.script(fake.error(400, "temperature must be at most 2"))
    conversation = controller.store.create_conversation(model="test-model")
    with qtbot.waitSignal(controller.failed, timeout=TIMEOUT) as failed:
        controller.send(conversation.id, "bad")
    assert failed.args[1].kind is ErrorKind.BAD_REQUEST
    assert len(chat_requests(fake_openai)) == 1  # no second attempt


def test_estimated_prompt_tokens_in_completion_mode_count_only_the_prompt(
    qtbot, controller, fake_openai
):
    fake_openai.set_usage(False)
    conversation = controller.store.create_conversation(
        model="gpt-3.5-turbo-instruct", mode=Mode.COMPLETION, system_prompt="x" * 400
    )
    message = ask(qtbot, controller, conversation.id, "short")
    usage = controller.store.get_message(message.id).usage
    assert usage is not None and usage.estimated
    assert usage.prompt_tokens <= estimate_tokens("short") + 4


# --- time to first token and speed ------------------------------------------------------------


def test_time_to_first_token_and_speed_of_a_slow_answer(qtbot, make_tab, fake_openai):
    chunks = ["Slow", " and", " steady", " wins", " the", " race."]
    fake_openai.script(fake.slow(chunks, delay=0.1, first_delay=0.4))
    tab = make_tab(model="gpt-4")
    send_in_tab(qtbot, tab, "take your time")
    answer = tab.controller.store.get_conversation(tab.conversation_id).messages[-1]
    usage = answer.usage
    assert usage is not None and not usage.estimated
    assert usage.first_token_ms is not None and usage.duration_ms is not None
    # The server waited 0.4 s before the first chunk, then 0.1 s before each of the others.
    assert 400 <= usage.first_token_ms < 5_000
    assert usage.duration_ms >= usage.first_token_ms + 5 * 100 - 20
    speed = usage.tokens_per_second
    assert speed is not None and speed > 0
    generating = (usage.duration_ms - usage.first_token_ms) / 1000
    assert speed == pytest.approx(usage.completion_tokens / generating)
    assert speed < usage.completion_tokens / 0.45  # at most the scripted pace
    header = tab.message_view.usage_text(answer)
    assert f"{usage.first_token_ms / 1000:.2f} s to first token" in header
    assert f"{speed:.0f} tok/s" in header


def test_a_stopped_answer_keeps_its_timing(qtbot, controller, fake_openai):
    fake_openai.script(fake.slow(["one ", "two ", "three ", "four "], delay=0.5))
    conversation = controller.store.create_conversation(model="test-model")
    controller.send(conversation.id, "count")
    qtbot.waitUntil(
        lambda: (
            (live := controller.live_message(conversation.id)) is not None and "one" in live.content
        ),
        timeout=TIMEOUT,
    )
    with qtbot.waitSignal(controller.finished, timeout=TIMEOUT) as finished:
        controller.stop(conversation.id)
    usage = controller.store.get_message(finished.args[1].id).usage
    assert usage is not None and usage.estimated  # the usage chunk never came
    assert usage.first_token_ms is not None and usage.first_token_ms >= 0
    assert usage.duration_ms is not None and usage.duration_ms >= usage.first_token_ms


# --- View request -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "endpoint", "path"),
    [
        (Mode.CHAT, "/chat/completions", "/v1/chat/completions"),
        (Mode.COMPLETION, "/completions", "/v1/completions"),
    ],
)
def test_the_recorded_request_is_the_body_that_was_sent(
    qtbot, controller, fake_openai, mode, endpoint, path
):
    conversation = controller.store.create_conversation(
        model="test-model",
        mode=mode,
        system_prompt="Be exact.",
        parameters=Parameters(temperature=0.7, seed=5, stop=("\n",), json_mode=True),
    )
    ask(qtbot, controller, conversation.id, "first")
    message = ask(qtbot, controller, conversation.id, "second “quoted” it's")
    sent = fake_openai.last_request
    assert sent is not None and sent.path == path
    recorded = controller.store.request_of(message.id)
    assert recorded is not None
    assert recorded["endpoint"] == endpoint
    assert {k: v for k, v in recorded.items() if k != "endpoint"} == sent.body
    assert TEST_KEY not in json.dumps(recorded)


def test_the_request_dialog_copies_json_curl_and_python(qtbot, make_tab, fake_openai):
    tab = make_tab(parameters=Parameters(temperature=0.2, seed=3))
    send_in_tab(qtbot, tab, "show me the request")
    answer = tab.controller.store.get_conversation(tab.conversation_id).messages[-1]
    request = tab.controller.store.request_of(answer.id)
    assert request is not None
    base_url = fake_openai.base_url
    clipboard = QApplication.clipboard()
    seen: dict[str, str] = {}

    def drive_dialog() -> None:
        dialog = tab.findChild(QDialog, "requestDialog")
        if dialog is None or not dialog.isVisible():
            QTimer.singleShot(20, drive_dialog)
            return
        seen["json_view"] = dialog.findChild(QPlainTextEdit, "requestJson").toPlainText()
        seen["labels"] = " ".join(label.text() for label in dialog.findChildren(QLabel))
        for name in ("copyJson", "copyCurl", "copyPython"):
            dialog.findChild(QPushButton, name).click()
            seen[name] = clipboard.text()
        dialog.reject()

    QTimer.singleShot(0, drive_dialog)
    tab.message_view.action_requested.emit("request", answer.id)
    assert seen, "the request dialog never opened"
    assert seen["json_view"] == snippets.to_json(request)
    assert json.loads(seen["json_view"]) == chat_requests(fake_openai)[0].body
    assert f"POST {base_url}/chat/completions" in seen["labels"]
    assert seen["copyJson"] == snippets.to_json(request)
    assert seen["copyCurl"] == snippets.to_curl(base_url, request)
    assert seen["copyPython"] == snippets.to_python(base_url, request)
    for text in seen.values():
        assert TEST_KEY not in text
    assert '-H "Authorization: Bearer $OPENAI_API_KEY"' in seen["copyCurl"]
    compile(seen["copyPython"], "x", "exec")


# --- a model that does not fit the endpoint ---------------------------------------------------


@pytest.mark.parametrize("status", [404, 400])
@pytest.mark.parametrize(
    ("mode", "message"),
    [(Mode.COMPLETION, CHAT_MISMATCH), (Mode.CHAT, COMPLETION_MISMATCH)],
    ids=["chat-model-on-completions", "instruct-model-on-chat"],
)
def test_a_model_that_rejects_the_endpoint_says_to_switch_the_mode(
    qtbot, controller, fake_openai, status, mode, message
):
    fake_openai.script(fake.error(status, message, code=None))
    conversation = controller.store.create_conversation(model="gpt-4", mode=mode)
    with qtbot.waitSignal(controller.failed, timeout=TIMEOUT) as failed:
        controller.send(conversation.id, "wrong endpoint")
    _, error, partial = failed.args
    assert partial is None
    assert error.kind is ErrorKind.BAD_REQUEST
    assert error.status_code == status
    assert "does not work with this endpoint" in error.message
    assert f"({status})" in error.message
    assert "Chat ↔ Completion" in error.hint
    assert error.retryable is False
    assert history(controller, conversation.id) == [(Role.USER, "wrong endpoint")]
    assert len(fake_openai.requests) == 1  # not retried, not taken for a stream_options refusal


def test_the_endpoint_mismatch_notice_offers_no_retry(qtbot, make_tab, fake_openai):
    fake_openai.script(fake.error(404, CHAT_MISMATCH, code=None))
    tab = make_tab(model="gpt-4", mode=Mode.COMPLETION)
    send_in_tab(qtbot, tab, "wrong endpoint")
    qtbot.waitUntil(tab.notice.isVisible, timeout=TIMEOUT)
    text = tab.notice.label.text()
    assert "does not work with this endpoint" in text
    assert "Chat ↔ Completion" in text
    assert tab.notice.findChild(QPushButton, "chatNoticeRetryButton") is None
    assert history(tab.controller, tab.conversation_id) == [(Role.USER, "wrong endpoint")]


# --- the fake server's switches themselves ----------------------------------------------------


def test_fake_server_switches_reset_to_their_constructor_values():
    with fake.FakeOpenAIServer(usage=False, reject_stream_options=True) as server:
        assert not server.usage_enabled and server.rejects_stream_options
        server.set_usage(True)
        server.set_reject_stream_options(False)
        server.reset()
        assert not server.usage_enabled and server.rejects_stream_options
        server.load_script({"usage": True, "reject_stream_options": False, "queue": []})
        assert server.usage_enabled and not server.rejects_stream_options

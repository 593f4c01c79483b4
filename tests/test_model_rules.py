"""The rest of "Today's models" (issue 12): the test server refuses what the real servers
refuse, with their words, and the app fits its requests to that; the capability table; the
chat's Context setting and a context-length error's fix."""

from __future__ import annotations

import fake_openai as fake
import pytest
from PySide6.QtWidgets import QPushButton

from desktop_chat.capabilities import (
    Capabilities,
    capabilities_of,
    capability_table,
    format_tokens,
)
from desktop_chat.domain import ErrorKind, MessageStatus, Parameters, Role, request_history
from desktop_chat.request_rules import fold_system_message, merge_successive_roles


@pytest.fixture
def strict(fake_openai):
    fake_openai.set_model_rules(True)
    return fake_openai


def test_the_test_server_answers_like_the_real_api(strict):
    refused = fake.model_rule_refusal({"model": "gpt-5-mini", "max_tokens": 5, "messages": []})
    assert refused is not None and refused[0] == 400
    assert refused[1]["error"]["message"] == (
        "Unsupported parameter: 'max_tokens' is not supported with this model. "
        "Use 'max_completion_tokens' instead."
    )
    assert fake.model_rule_refusal({"model": "gpt-4o", "max_tokens": 5}) is None


@pytest.mark.parametrize("model", ["o3-mini", "gpt-5-mini"])
def test_a_reasoning_chat_with_every_parameter_set_is_answered(qtbot, controller, strict, model):
    conversation = controller.store.create_conversation(
        model=model,
        parameters=Parameters(temperature=0.3, top_p=0.5, max_tokens=80, stop=("END",)),
    )
    with qtbot.waitSignal(controller.finished, timeout=10_000) as finished:
        controller.send(conversation.id, "Hi")
    assert finished.args[1].status is MessageStatus.COMPLETE
    sent = strict.requests_to("/chat/completions")[-1].body
    assert "max_tokens" not in sent and sent["max_completion_tokens"] == 80
    assert "temperature" not in sent and "top_p" not in sent
    assert "stop" not in sent  # both families refuse stop sequences


def test_o1_mini_gets_its_system_message_inside_the_first_turn(qtbot, controller, strict):
    conversation = controller.store.create_conversation(
        model="o1-mini", system_prompt="Answer in French."
    )
    with qtbot.waitSignal(controller.finished, timeout=10_000) as finished:
        controller.send(conversation.id, "Hello")
    assert finished.args[1].status is MessageStatus.COMPLETE
    requests = strict.requests_to("/chat/completions")
    assert len(requests) == 1  # fitted before sending: no refusal first
    messages = requests[0].body["messages"]
    assert [m["role"] for m in messages] == ["user"]
    assert messages[0]["content"] == "Answer in French.\n\nHello"


def test_deepseek_reasoner_never_gets_two_user_messages_in_a_row(qtbot, controller, strict):
    conversation = controller.store.create_conversation(model="deepseek-reasoner")
    controller.append_message(conversation.id, Role.USER, "Context: the sea is cold.")
    with qtbot.waitSignal(controller.finished, timeout=10_000) as finished:
        controller.send(conversation.id, "Should I swim?")
    assert finished.args[1].status is MessageStatus.COMPLETE
    messages = strict.requests_to("/chat/completions")[-1].body["messages"]
    assert [m["role"] for m in messages] == ["user"]
    assert messages[0]["content"] == "Context: the sea is cold.\n\nShould I swim?"


def test_a_gateway_refusing_successive_roles_is_adapted_and_remembered(
    qtbot, controller, fake_openai
):
    conversation = controller.store.create_conversation(model="r1-gateway")
    controller.append_message(conversation.id, Role.USER, "first")
    words = (
        "deepseek-reasoner does not support successive user or assistant messages (messages[0] "
        "and messages[1] in your input). You should interleave the user/assistant messages in "
        "the message sequence."
    )
    notes: list[str] = []
    controller.request_adapted.connect(lambda _cid, note: notes.append(note))
    fake_openai.script(fake.error(400, words), fake.reply(["ok"]))
    with qtbot.waitSignal(controller.finished, timeout=10_000) as finished:
        controller.send(conversation.id, "second")
    assert finished.args[1].content == "ok"
    refused, sent = (r.body for r in fake_openai.requests_to("/chat/completions"))
    assert [m["role"] for m in refused["messages"]] == ["user", "user"]
    assert [m["role"] for m in sent["messages"]] == ["user"]
    assert len(notes) == 1 and "in a row" in notes[0]


def test_lm_studio_json_mode_becomes_a_permissive_schema(qtbot, controller, strict):
    conversation = controller.store.create_conversation(
        model="lmstudio-qwen", parameters=Parameters(json_mode=True)
    )
    with qtbot.waitSignal(controller.finished, timeout=10_000) as finished:
        controller.send(conversation.id, "Give me JSON")
    assert finished.args[1].status is MessageStatus.COMPLETE
    refused, sent = (r.body for r in strict.requests_to("/chat/completions"))
    assert refused["response_format"] == {"type": "json_object"}
    assert sent["response_format"]["type"] == "json_schema"
    assert sent["response_format"]["json_schema"]["schema"] == {"type": "object"}


def test_a_responses_only_model_is_named_plainly(qtbot, controller, strict):
    conversation = controller.store.create_conversation(model="o3-pro")
    with qtbot.waitSignal(controller.failed, timeout=10_000) as failed:
        controller.send(conversation.id, "Hi")
    error = failed.args[1]
    assert "o3-pro works only through OpenAI's Responses API" in error.message
    assert not error.retryable and "gpt-5" in error.hint
    # The prompt stays in the chat.
    assert controller.store.get_conversation(conversation.id).messages[0].content == "Hi"


def test_a_context_length_error_says_what_it_is(qtbot, controller, fake_openai):
    conversation = controller.store.create_conversation(model="gpt-4")
    fake_openai.script(
        fake.error(
            400,
            "This model's maximum context length is 8192 tokens. However, your messages "
            "resulted in 9000 tokens. Please reduce the length of the messages.",
            code="context_length_exceeded",
        )
    )
    with qtbot.waitSignal(controller.failed, timeout=10_000) as failed:
        controller.send(conversation.id, "Hi")
    assert failed.args[1].kind is ErrorKind.CONTEXT_TOO_LONG
    assert "Context setting" in failed.args[1].hint


def test_the_context_setting_sends_only_the_last_messages(qtbot, controller, fake_openai):
    conversation = controller.store.create_conversation(
        model="gpt-4", system_prompt="Be brief.", parameters=Parameters(context_messages=3)
    )
    for text in ("one", "two", "three"):
        with qtbot.waitSignal(controller.finished, timeout=10_000):
            controller.send(conversation.id, text)
    messages = fake_openai.requests_to("/chat/completions")[-1].body["messages"]
    # The system message always; then the last three messages.
    assert [m["role"] for m in messages] == ["system", "user", "assistant", "user"]
    assert [messages[1]["content"], messages[-1]["content"]] == ["two", "three"]
    stored = controller.store.get_conversation(conversation.id)
    assert stored.parameters.context_messages == 3
    # Now the last three begin with an answer, which is left out: a question comes first.
    assert [t.role for t in request_history(stored)] == [Role.SYSTEM, Role.USER, Role.ASSISTANT]


def test_folding_and_merging_keep_content_parts():
    parts = [{"type": "text", "text": "look"}, {"type": "image_url", "image_url": {"url": "x"}}]
    folded = fold_system_message(
        [{"role": "system", "content": "S"}, {"role": "user", "content": parts}]
    )
    assert folded == [{"role": "user", "content": [{"type": "text", "text": "S"}, *parts]}]
    merged = merge_successive_roles(
        [
            {"role": "user", "content": "a"},
            {"role": "user", "content": "b"},
            {"role": "assistant", "content": "c"},
        ]
    )
    assert merged == [{"role": "user", "content": "a\n\nb"}, {"role": "assistant", "content": "c"}]


@pytest.mark.parametrize(
    ("model", "window", "vision"),
    [
        ("gpt-4o", 128_000, True),
        ("openai/gpt-4o-mini", 128_000, True),
        ("gpt-4o-2024-08-06", 128_000, True),
        ("gpt-3.5-turbo-0125", 16_385, False),
        ("qwen3:8b", 32_768, False),
        ("Qwen3-32B-GGUF", 32_768, False),
        ("llama3.2-vision:11b", 131_072, True),
        ("anthropic/claude-sonnet-4.5", 200_000, True),
    ],
)
def test_the_capability_table_finds_a_family_however_it_is_spelled(model, window, vision):
    found = capabilities_of(model, capability_table())
    assert found is not None and found.context_window == window and found.vision is vision


def test_unknown_models_get_no_marks_and_the_user_can_correct_the_table():
    assert capabilities_of("my-finetune", capability_table()) is None
    assert capabilities_of("gpt-4oops", capability_table()) is None  # not a family's suffix
    table = capability_table(
        {"my-finetune": {"vision": True, "context": 32768}, "gpt-4": None, "bad": {"context": "x"}}
    )
    assert table["my-finetune"] == Capabilities(vision=True, context_window=32768)
    assert capabilities_of("gpt-4", table) is None
    assert table["bad"].context_window is None
    assert capabilities_of("o3-mini", table).marks() == ["reasoning", "tools", "200k"]


def test_token_counts_read_short():
    assert [format_tokens(n) for n in (950, 12_400, 16_385, 128_000, 1_047_576)] == [
        "950",
        "12.4k",
        "16.4k",
        "128k",
        "1M",
    ]


def test_the_tab_shows_the_next_request_against_the_context_window(qtbot, controller):
    from desktop_chat.ui.conversation_tab import ConversationTab

    conversation = controller.store.create_conversation(model="gpt-4o", system_prompt="x" * 4000)
    tab = ConversationTab(conversation, controller)
    qtbot.addWidget(tab)
    tab.show()
    qtbot.waitUntil(lambda: tab.context_usage.text().endswith("/ 128k"))
    assert tab.context_usage.text().startswith("≈1k")
    tab.composer.setPlainText("y" * 40_000)
    qtbot.waitUntil(lambda: tab.context_usage.text().startswith("≈11k"), timeout=2_000)


def test_a_context_error_offers_the_context_setting(qtbot, controller, fake_openai):
    from desktop_chat.ui.conversation_tab import ConversationTab

    conversation = controller.store.create_conversation(model="gpt-4")
    tab = ConversationTab(conversation, controller)
    qtbot.addWidget(tab)
    tab.show()
    fake_openai.script(fake.error(400, "maximum context length is 8192 tokens"))
    with qtbot.waitSignal(controller.failed, timeout=10_000):
        tab.composer.setPlainText("Hi")
        tab.send()
    button = tab.notice.findChild(QPushButton, "chatNoticeSendlesshistory…Button")
    assert button is not None and button.isVisible()
    button.click()
    assert tab.parameters_panel.isVisible()
    assert tab.parameters_panel.context_messages.hasFocus()


# --- desktop-chat ask -o NAME VALUE ----------------------------------------------------------


def _cli_env(fake_openai) -> dict[str, str]:
    return {
        "OPENAI_BASE_URL": fake_openai.base_url,
        "OPENAI_API_KEY": "sk-test-options-0123456789",
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }


def _ask(tmp_path, server, *args: str):
    from cli_helpers import AppProfile

    profile = AppProfile(tmp_path / "profile")
    return profile, profile.run("ask", *args, env=_cli_env(server))


def test_ask_options_reach_the_request_for_this_request_only(tmp_path, fake_openai):
    profile, done = _ask(
        tmp_path,
        fake_openai,
        *("-m", "gpt-4o", "-o", "temperature", "0.2", "-o", "max_tokens", "30"),
        *("-o", "stop", "END", "-o", "stop", "FIN", "-o", "seed", "7", "Hi"),
    )
    assert done.returncode == 0, done.stderr
    body = fake_openai.requests_to("/chat/completions")[-1].body
    assert (body["temperature"], body["max_tokens"], body["seed"]) == (0.2, 30, 7)
    assert body["stop"] == ["END", "FIN"]
    with profile.store() as store:
        conversation = store.get_conversation(store.list_conversations()[0].id)
    assert conversation.parameters.temperature is None  # not saved into the chat


def test_ask_options_a_reasoning_model_refuses_are_dropped_with_one_line(tmp_path, strict):
    _profile, done = _ask(
        tmp_path,
        strict,
        *("-m", "gpt-5-mini", "-o", "max_tokens", "500", "-o", "temperature", "0.2"),
        *("-o", "reasoning_effort", "low", "Hi"),
    )
    assert done.returncode == 0, done.stderr
    sent = strict.requests_to("/chat/completions")[-1].body
    assert sent["max_completion_tokens"] == 500 and "max_tokens" not in sent
    assert "temperature" not in sent and sent["reasoning_effort"] == "low"
    lines = done.stderr.strip().splitlines()
    assert any(line.startswith("desktop-chat: temperature is not sent") for line in lines)
    assert any("max_completion_tokens instead of max_tokens" in line for line in lines)
    assert len(lines) == 2


@pytest.mark.parametrize(
    ("option", "said"),
    [(("temperature", "warm"), "not a number"), (("colour", "red"), "unknown")],
)
def test_ask_refuses_a_bad_option_before_asking(tmp_path, fake_openai, option, said):
    _profile, done = _ask(tmp_path, fake_openai, "-o", *option, "Hi")
    assert done.returncode == 2 and said in done.stderr
    assert fake_openai.requests_to("/chat/completions") == []


# --- the official endpoint: fitted before sending, never refused -----------------------------


class _ToTheTestServer:
    """An httpx transport that sends what is addressed to api.openai.com to the local test
    server instead (real sockets, real SSE): the client believes it is on the official API."""

    def __init__(self, root_url: str) -> None:
        import httpx2

        self._inner = httpx2.AsyncHTTPTransport()
        self._root = httpx2.URL(root_url)

    async def handle_async_request(self, request):
        request.url = request.url.copy_with(
            scheme=self._root.scheme, host=self._root.host, port=self._root.port
        )
        request.headers["host"] = f"{self._root.host}:{self._root.port}"
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


@pytest.mark.parametrize("model", ["o3-mini", "gpt-5-mini"])
def test_on_the_official_endpoint_no_reasoning_request_is_ever_refused(strict, model):
    import asyncio

    import httpx2

    from desktop_chat.api import ChatClient, ProviderConfig
    from desktop_chat.domain import ChatTurn, StreamFinished

    async def ask() -> list[object]:
        transport = _ToTheTestServer(strict.root_url)
        http = httpx2.AsyncClient(transport=transport)  # type: ignore[arg-type]
        config = ProviderConfig(
            base_url="https://api.openai.com/v1", api_key="sk-test-official-0123", max_retries=0
        )
        client = ChatClient(config, http_client=http)
        assert config.is_official
        parameters = Parameters(temperature=0.7, top_p=0.9, max_tokens=64, stop=("END",))
        try:
            turns = [ChatTurn(Role.SYSTEM, "Be brief."), ChatTurn(Role.USER, "Hi")]
            return [event async for event in client.stream_chat(model, turns, parameters)]
        finally:
            await client.close()
            await http.aclose()

    events = asyncio.run(ask())
    assert isinstance(events[-1], StreamFinished)
    (request,) = strict.requests_to("/chat/completions")  # one request: nothing refused
    assert request.status == 200
    body = request.body
    assert "max_tokens" not in body and body["max_completion_tokens"] == 64
    assert not {"temperature", "top_p", "stop"} & set(body)

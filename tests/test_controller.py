"""The controller against a real local server: streaming, stop, errors, history, branches."""

from __future__ import annotations

import fake_openai as fake
import pytest
from qt_fixtures import TEST_KEY

from desktop_chat.domain import ErrorKind, MessageStatus, Parameters, Role


def test_answer_streams_in_and_is_saved_complete(qtbot, controller, fake_openai):
    conversation = controller.store.create_conversation(model="test-model")
    deltas: list[str] = []
    controller.delta.connect(lambda cid, text: deltas.append(text))
    with qtbot.waitSignal(controller.finished, timeout=10_000) as finished:
        assert controller.send(conversation.id, "Hi there") is not None
    conversation_id, message = finished.args
    assert conversation_id == conversation.id
    assert message.content == "Hello from the test server."
    assert message.status is MessageStatus.COMPLETE
    assert "".join(deltas) == "Hello from the test server."
    saved = controller.store.get_conversation(conversation.id)
    assert [(m.role, m.content) for m in saved.messages] == [
        (Role.USER, "Hi there"),
        (Role.ASSISTANT, "Hello from the test server."),
    ]
    assert saved.title == "Hi there"
    request = fake_openai.requests_to("/chat/completions")[0]
    assert request.body["stream"] is True
    assert request.body["model"] == "test-model"
    assert request.headers["authorization"] == f"Bearer {TEST_KEY}"


def test_whole_history_with_system_prompt_and_parameters_is_sent(qtbot, controller, fake_openai):
    store = controller.store
    conversation = store.create_conversation(
        model="test-model",
        system_prompt="Be brief.",
        parameters=Parameters(temperature=0.3, max_tokens=50, stop=("END",)),
    )
    for prompt in ("first", "second"):
        with qtbot.waitSignal(controller.finished, timeout=10_000):
            controller.send(conversation.id, prompt)
    body = fake_openai.requests_to("/chat/completions")[-1].body
    assert body["messages"] == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "first"},
        {"role": "assistant", "content": "Hello from the test server."},
        {"role": "user", "content": "second"},
    ]
    assert body["temperature"] == 0.3
    assert body["max_tokens"] == 50
    assert body["stop"] == ["END"]
    assert "top_p" not in body and "presence_penalty" not in body


def test_stop_closes_the_http_stream_and_keeps_the_partial_answer(qtbot, controller, fake_openai):
    fake_openai.script(fake.slow(["one ", "two ", "three ", "four ", "five "], delay=0.4))
    conversation = controller.store.create_conversation(model="test-model")
    controller.send(conversation.id, "count")
    qtbot.waitUntil(
        lambda: (
            (live := controller.live_message(conversation.id)) is not None and "one" in live.content
        ),
        timeout=5_000,
    )
    with qtbot.waitSignal(controller.finished, timeout=5_000) as finished:
        controller.stop(conversation.id)
    message = finished.args[1]
    assert message.status is MessageStatus.INTERRUPTED
    assert message.content.startswith("one")
    assert "five" not in message.content
    assert fake_openai.wait_for_disconnect(timeout=3.0), "the server never saw the client go"
    saved = controller.store.get_message(message.id)
    assert saved.status is MessageStatus.INTERRUPTED
    assert saved.content == message.content


@pytest.mark.parametrize(
    ("behaviour", "kind"),
    [
        (
            fake.error(401, "Incorrect API key provided: sk-test-DO-NOT-LEAK-4f9c2b7e"),
            ErrorKind.AUTHENTICATION,
        ),
        (fake.error(404, "The model does not exist"), ErrorKind.MODEL_NOT_FOUND),
        (fake.error(429, "Slow down"), ErrorKind.RATE_LIMITED),
        (fake.error(500, "Boom"), ErrorKind.SERVER),
        (fake.error(503, "Overloaded"), ErrorKind.SERVER),
    ],
)
def test_http_errors_are_classified_and_not_stored(qtbot, controller, fake_openai, behaviour, kind):
    fake_openai.script(behaviour)
    conversation = controller.store.create_conversation(model="test-model")
    with qtbot.waitSignal(controller.failed, timeout=10_000) as failed:
        controller.send(conversation.id, "hello?")
    _, error, partial = failed.args
    assert error.kind is kind
    assert partial is None
    assert TEST_KEY not in str(error)
    assert error.hint
    messages = controller.store.get_conversation(conversation.id).messages
    assert [(m.role, m.content) for m in messages] == [(Role.USER, "hello?")]


def test_retry_after_failure_answers_the_same_prompt(qtbot, controller, fake_openai):
    fake_openai.script(fake.error(500, "Boom"))
    conversation = controller.store.create_conversation(model="test-model")
    with qtbot.waitSignal(controller.failed, timeout=10_000):
        controller.send(conversation.id, "again please")
    with qtbot.waitSignal(controller.finished, timeout=10_000):
        controller.retry(conversation.id)
    messages = controller.store.get_conversation(conversation.id).messages
    assert [m.role for m in messages] == [Role.USER, Role.ASSISTANT]
    assert fake_openai.requests_to("/chat/completions")[-1].body["messages"][-1] == {
        "role": "user",
        "content": "again please",
    }


def test_connection_refused_is_a_connection_error(qtbot, make_controller, store):
    from desktop_chat.api import ProviderConfig

    chat = make_controller(
        ProviderConfig(base_url="http://127.0.0.1:9/v1", api_key="k", max_retries=0)
    )
    conversation = store.create_conversation(model="m")
    with qtbot.waitSignal(chat.failed, timeout=10_000) as failed:
        chat.send(conversation.id, "anyone?")
    assert failed.args[1].kind is ErrorKind.CONNECTION


def test_timeout_is_reported_as_timeout(qtbot, make_controller, store, fake_openai):
    from desktop_chat.api import ProviderConfig

    fake_openai.script(fake.hang(5.0, send_headers=False))
    chat = make_controller(
        ProviderConfig(
            base_url=fake_openai.base_url, api_key="k", max_retries=0, timeout_seconds=0.5
        ),
    )
    conversation = store.create_conversation(model="m")
    with qtbot.waitSignal(chat.failed, timeout=10_000) as failed:
        chat.send(conversation.id, "slow?")
    assert failed.args[1].kind is ErrorKind.TIMEOUT


def test_drop_mid_stream_keeps_partial_answer_marked_error(qtbot, controller, fake_openai):
    fake_openai.script(fake.drop_after(["partial ", "answer"]))
    conversation = controller.store.create_conversation(model="test-model")
    with qtbot.waitSignal(controller.failed, timeout=10_000) as failed:
        controller.send(conversation.id, "go")
    _, error, partial = failed.args
    assert error.kind is ErrorKind.STREAM_DROPPED
    assert partial is not None and partial.content == "partial answer"
    assert controller.store.get_message(partial.id).status is MessageStatus.ERROR


def test_malformed_stream_data_is_reported(qtbot, controller, fake_openai):
    fake_openai.script(fake.malformed_after(["ok "]))
    conversation = controller.store.create_conversation(model="test-model")
    with qtbot.waitSignal(controller.failed, timeout=10_000) as failed:
        controller.send(conversation.id, "go")
    assert failed.args[1].kind is ErrorKind.MALFORMED


def test_regenerate_keeps_the_old_answer_as_an_alternative(qtbot, controller, fake_openai):
    fake_openai.script(fake.reply(["first answer"]), fake.reply(["second answer"]))
    conversation = controller.store.create_conversation(model="test-model")
    with qtbot.waitSignal(controller.finished, timeout=10_000) as first:
        controller.send(conversation.id, "q")
    with qtbot.waitSignal(controller.finished, timeout=10_000) as second:
        controller.regenerate(conversation.id, first.args[1].id)
    messages = controller.store.get_conversation(conversation.id).messages
    assert messages[-1].content == "second answer"
    assert (messages[-1].sibling_index, messages[-1].sibling_count) == (1, 2)
    controller.select_alternative(second.args[1].id, -1)
    messages = controller.store.get_conversation(conversation.id).messages
    assert messages[-1].content == "first answer"
    # The request for the regenerated answer did not include the first answer.
    body = fake_openai.requests_to("/chat/completions")[-1].body
    assert body["messages"] == [{"role": "user", "content": "q"}]


def test_editing_a_prompt_resends_from_there(qtbot, controller, fake_openai):
    fake_openai.set_default(fake.echo())
    conversation = controller.store.create_conversation(model="test-model")
    for prompt in ("one", "two"):
        with qtbot.waitSignal(controller.finished, timeout=10_000):
            controller.send(conversation.id, prompt)
    first_prompt = controller.store.get_conversation(conversation.id).messages[0]
    with qtbot.waitSignal(controller.finished, timeout=10_000):
        controller.edit_message(first_prompt.id, "uno")
    messages = controller.store.get_conversation(conversation.id).messages
    assert [m.content for m in messages] == ["uno", "You said: uno"]
    assert messages[0].sibling_count == 2
    assert fake_openai.requests_to("/chat/completions")[-1].body["messages"] == [
        {"role": "user", "content": "uno"}
    ]


def test_two_conversations_stream_at_the_same_time(qtbot, controller, fake_openai):
    fake_openai.script(fake.slow(["a", "b", "c"], 0.2), fake.slow(["x", "y", "z"], 0.2))
    first = controller.store.create_conversation(model="test-model")
    second = controller.store.create_conversation(model="test-model")
    controller.send(first.id, "1")
    controller.send(second.id, "2")
    assert controller.streaming_count() == 2
    qtbot.waitUntil(lambda: controller.streaming_count() == 0, timeout=10_000)
    contents = {
        controller.store.get_conversation(c.id).messages[-1].content for c in (first, second)
    }
    assert contents == {"abc", "xyz"}


def test_models_are_listed_from_the_server(qtbot, controller, fake_openai):
    fake_openai.set_models(["llama3", "mistral"])
    with qtbot.waitSignal(controller.models_loaded, timeout=10_000) as loaded:
        controller.load_models()
    assert loaded.args == [["llama3", "mistral"], True]


def test_model_list_falls_back_when_the_server_cannot_list(qtbot, controller, fake_openai):
    fake_openai.fail_models(404)
    with qtbot.waitSignal(controller.models_loaded, timeout=10_000) as loaded:
        controller.load_models()
    assert loaded.args == [["gpt-4", "gpt-3.5-turbo", "gpt-4-turbo-preview"], False]


def test_no_key_on_the_official_endpoint_fails_with_a_hint(qtbot, make_controller, store):
    from desktop_chat.api import ProviderConfig

    chat = make_controller(ProviderConfig(api_key=None))
    assert chat.needs_api_key
    conversation = store.create_conversation()
    with qtbot.waitSignal(chat.failed, timeout=5_000) as failed:
        chat.send(conversation.id, "hello")
    assert failed.args[1].kind is ErrorKind.NO_API_KEY
    assert "OPENAI_API_KEY" in failed.args[1].hint
    assert store.get_conversation(conversation.id).messages[0].content == "hello"


def test_keyless_local_server_gets_no_authorization_header(
    qtbot, make_controller, store, fake_openai
):
    from desktop_chat.api import ProviderConfig

    chat = make_controller(ProviderConfig(base_url=fake_openai.base_url, max_retries=0))
    conversation = store.create_conversation(model="test-model")
    with qtbot.waitSignal(chat.finished, timeout=10_000):
        chat.send(conversation.id, "hi")
    assert "authorization" not in fake_openai.requests_to("/chat/completions")[0].headers


def test_the_model_names_a_new_conversation_in_the_background(
    qtbot, make_controller, provider, fake_openai
):
    fake_openai.script(fake.reply(["It is ", "sunny."]), fake.reply(['"Coastal weather today."']))
    chat = make_controller(provider, auto_titles=True)
    conversation = chat.store.create_conversation(model="test-model")
    with qtbot.waitSignal(chat.finished, timeout=10_000):
        chat.send(conversation.id, "What is the weather like on the coast today?")
    qtbot.waitUntil(
        lambda: chat.store.get_conversation(conversation.id).title == "Coastal weather today",
        timeout=5_000,
    )
    title_request = fake_openai.requests_to("/chat/completions")[-1]
    assert not title_request.body.get("stream")
    assert title_request.body["max_tokens"] == 24
    assert "It is sunny." in title_request.body["messages"][-1]["content"]


def test_a_failed_title_request_keeps_the_prompt_words(
    qtbot, make_controller, provider, fake_openai
):
    fake_openai.script(fake.reply(["fine"]), fake.error(500, "no titles today"))
    chat = make_controller(provider, auto_titles=True)
    conversation = chat.store.create_conversation(model="test-model")
    with qtbot.waitSignal(chat.finished, timeout=10_000):
        chat.send(conversation.id, "Plan a trip to Lisbon")
    qtbot.waitUntil(lambda: len(fake_openai.requests_to("/chat/completions")) == 2, timeout=5_000)
    qtbot.waitUntil(lambda: not chat._title_tasks, timeout=5_000)
    assert chat.store.get_conversation(conversation.id).title == "Plan a trip to Lisbon"


def _contents(controller, conversation_id):
    return [
        (m.role.value, m.content)
        for m in controller.store.get_conversation(conversation_id).messages
    ]


def test_playground_edits_keep_the_old_branch(qtbot, controller, fake_openai):
    conversation = controller.store.create_conversation(model="test-model")
    for role, text in (
        (Role.SYSTEM, "be terse"),
        (Role.USER, "q1"),
        (Role.ASSISTANT, "a1"),
        (Role.USER, "q2"),
    ):
        controller.append_message(conversation.id, role, text)
    assert _contents(controller, conversation.id) == [
        ("system", "be terse"),
        ("user", "q1"),
        ("assistant", "a1"),
        ("user", "q2"),
    ]
    a1 = controller.store.get_conversation(conversation.id).messages[2]
    controller.move_message(a1.id, +1)
    assert _contents(controller, conversation.id)[2:] == [("user", "q2"), ("assistant", "a1")]
    q1 = controller.store.get_conversation(conversation.id).messages[1]
    controller.remove_message(q1.id)
    assert _contents(controller, conversation.id) == [
        ("system", "be terse"),
        ("user", "q2"),
        ("assistant", "a1"),
    ]
    # The original order is still there as an alternative of the second message.
    second = controller.store.get_conversation(conversation.id).messages[1]
    assert second.sibling_count == 2
    controller.select_alternative(second.id, -1)
    # Back on q1's side: it still has both its continuations (original and moved).
    assert _contents(controller, conversation.id)[:2] == [("system", "be terse"), ("user", "q1")]
    assert controller.store.get_conversation(conversation.id).messages[2].sibling_count == 2
    before = _contents(controller, conversation.id)
    last = controller.store.get_conversation(conversation.id).messages[-1]
    controller.remove_message(last.id)
    assert _contents(controller, conversation.id) == before[:-1]
    with pytest.raises(KeyError):
        controller.store.get_message(last.id)  # the last message simply goes


def test_rerun_from_an_earlier_prompt_sends_history_up_to_it(qtbot, controller, fake_openai):
    fake_openai.set_default(fake.echo())
    conversation = controller.store.create_conversation(model="test-model")
    for prompt in ("first", "second"):
        with qtbot.waitSignal(controller.finished, timeout=10_000):
            controller.send(conversation.id, prompt)
    first = controller.store.get_conversation(conversation.id).messages[0]
    with qtbot.waitSignal(controller.finished, timeout=10_000):
        controller.rerun_from(first.id)
    assert fake_openai.requests_to("/chat/completions")[-1].body["messages"] == [
        {"role": "user", "content": "first"}
    ]
    assert _contents(controller, conversation.id) == [
        ("user", "first"),
        ("assistant", "You said: first"),
    ]


def test_shutdown_cancels_a_profile_model_list_still_waiting(qapp, qt_loop, store):
    """A profile's model list asked for by a tab is a task the controller keeps: quitting
    while its server has not answered cancels it, and nothing is left pending."""
    import asyncio
    import socket

    from qt_fixtures import drain

    from desktop_chat.api import ProviderConfig
    from desktop_chat.controller import ChatController

    silent = socket.socket()  # accepts connections and never answers
    silent.bind(("127.0.0.1", 0))
    silent.listen()
    port = silent.getsockname()[1]
    try:
        chat = ChatController(
            store,
            lambda _profile: ProviderConfig(
                base_url=f"http://127.0.0.1:{port}/v1", api_key=TEST_KEY, max_retries=0
            ),
            auto_titles=False,
        )
        answers: list[str] = []
        chat.profile_models_loaded.connect(lambda name, *_: answers.append(name))
        chat.load_models_of("Silent server")
        drain(qapp, [asyncio.ensure_future(asyncio.sleep(0.3))])  # the request is out
        assert len(chat._profile_model_tasks) == 1
        task = next(iter(chat._profile_model_tasks))
        closing = asyncio.ensure_future(chat.shutdown())
        drain(qapp, [closing], timeout=5)
        assert closing.done() and closing.exception() is None
        assert task.cancelled()
        assert answers == []
    finally:
        silent.close()

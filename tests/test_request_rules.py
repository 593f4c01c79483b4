"""Requests fit the model: reasoning families never get max_tokens on the official endpoint or
a non-default temperature anywhere; a server's 400 naming a parameter is adapted to once and
remembered (issue 12, first part)."""

from __future__ import annotations

import fake_openai as fake
import pytest

from desktop_chat.domain import MessageStatus, Parameters
from desktop_chat.request_rules import fit_request, is_reasoning_model, refusal_in

MAX_TOKENS_REFUSED = (
    "Unsupported parameter: 'max_tokens' is not supported with this model. "
    "Use 'max_completion_tokens' instead."
)
TEMPERATURE_REFUSED = (
    "Unsupported value: 'temperature' does not support 0.3 with this model. "
    "Only the default (1) value is supported."
)
BODY = {"model": "m", "temperature": 0.3, "top_p": 0.9, "max_tokens": 50, "stop": ["END"]}


@pytest.mark.parametrize(
    "model", ["o1", "o3-mini", "o4-mini", "gpt-5", "gpt-5-mini", "openai/o3-mini", "GPT-5-nano"]
)
def test_reasoning_families_are_recognised(model):
    assert is_reasoning_model(model)


@pytest.mark.parametrize("model", ["gpt-4", "gpt-4o", "gpt-4o-mini", "llama3.1:8b", "olmo-2", ""])
def test_other_models_are_not_reasoning_models(model):
    assert not is_reasoning_model(model)
    assert fit_request(model, BODY, official=True) == BODY


def test_official_reasoning_request_carries_max_completion_tokens_and_no_sampling():
    fitted = fit_request("o3-mini", BODY, official=True)
    assert fitted == {"model": "m", "max_completion_tokens": 50}
    assert BODY["max_tokens"] == 50  # the caller's body is left as it was


def test_elsewhere_a_reasoning_model_keeps_max_tokens():
    # Some llama.cpp / vLLM versions ignore max_completion_tokens and run unbounded.
    fitted = fit_request("openai/gpt-5-mini", BODY, official=False)
    assert fitted == {"model": "m", "max_tokens": 50}


def test_o1_keeps_stop_but_o3_and_gpt5_do_not():
    assert fit_request("o1", BODY, official=True)["stop"] == ["END"]
    assert "stop" not in fit_request("o3", BODY, official=True)


def test_refusals_are_read_from_the_servers_words():
    assert refusal_in(MAX_TOKENS_REFUSED) == refusal_in(f"Error code: 400 - {MAX_TOKENS_REFUSED}")
    refusal = refusal_in(MAX_TOKENS_REFUSED)
    assert refusal is not None and (refusal.name, refusal.instead) == (
        "max_tokens",
        "max_completion_tokens",
    )
    refusal = refusal_in(TEMPERATURE_REFUSED)
    assert refusal is not None and (refusal.name, refusal.instead) == ("temperature", None)
    assert refusal_in("Invalid model name") is None


def test_a_reasoning_model_through_the_app_gets_no_temperature(qtbot, controller, fake_openai):
    conversation = controller.store.create_conversation(
        model="o3-mini", parameters=Parameters(temperature=0.3, top_p=0.5, max_tokens=50)
    )
    with qtbot.waitSignal(controller.finished, timeout=10_000):
        controller.send(conversation.id, "Hi")
    body = fake_openai.requests_to("/chat/completions")[0].body
    assert "temperature" not in body and "top_p" not in body
    assert body["max_tokens"] == 50  # the test server is not the official endpoint


@pytest.mark.parametrize(
    ("message", "refused", "sent_instead"),
    [
        (MAX_TOKENS_REFUSED, "max_tokens", "max_completion_tokens"),
        (TEMPERATURE_REFUSED, "temperature", None),
    ],
)
def test_a_refused_parameter_is_adapted_once_and_remembered(
    qtbot, controller, fake_openai, message, refused, sent_instead
):
    conversation = controller.store.create_conversation(
        model="local-reasoner", parameters=Parameters(temperature=0.3, max_tokens=50)
    )
    notes: list[str] = []
    controller.request_adapted.connect(lambda _cid, note: notes.append(note))
    fake_openai.script(fake.error(400, message, code="unsupported_parameter"), fake.reply())
    with qtbot.waitSignal(controller.finished, timeout=10_000) as finished:
        controller.send(conversation.id, "first")
    assert finished.args[1].status is MessageStatus.COMPLETE
    refused_body, sent_body = (r.body for r in fake_openai.requests_to("/chat/completions"))
    assert refused in refused_body and refused not in sent_body
    if sent_instead:
        assert sent_body[sent_instead] == refused_body[refused]
    assert len(notes) == 1 and refused in notes[0]
    # The next turn is sent right at once, and the user is not told again.
    with qtbot.waitSignal(controller.finished, timeout=10_000):
        controller.send(conversation.id, "second")
    requests = fake_openai.requests_to("/chat/completions")
    assert len(requests) == 3 and refused not in requests[-1].body
    assert len(notes) == 1


def test_two_refusals_in_a_row_are_both_adapted(qtbot, controller, fake_openai):
    conversation = controller.store.create_conversation(
        model="picky", parameters=Parameters(temperature=0.3, max_tokens=50)
    )
    fake_openai.script(
        fake.error(400, MAX_TOKENS_REFUSED), fake.error(400, TEMPERATURE_REFUSED), fake.reply()
    )
    with qtbot.waitSignal(controller.finished, timeout=10_000):
        controller.send(conversation.id, "hi")
    sent = fake_openai.requests_to("/chat/completions")[-1].body
    assert "temperature" not in sent and sent["max_completion_tokens"] == 50


def test_a_refusal_that_adapting_does_not_cure_is_an_error_not_a_loop(
    qtbot, controller, fake_openai
):
    conversation = controller.store.create_conversation(
        model="stubborn", parameters=Parameters(max_tokens=50)
    )
    fake_openai.script(
        fake.error(400, MAX_TOKENS_REFUSED), fake.error(400, MAX_TOKENS_REFUSED), fake.reply()
    )
    with qtbot.waitSignal(controller.failed, timeout=10_000) as failed:
        controller.send(conversation.id, "hi")
    assert "max_tokens" in str(failed.args[1])
    assert len(fake_openai.requests_to("/chat/completions")) == 2


def test_the_title_request_fits_a_reasoning_model_and_adapts(
    qtbot, make_controller, provider, fake_openai
):
    fake_openai.script(
        fake.reply(["Sunny."]),
        fake.error(400, MAX_TOKENS_REFUSED),
        fake.reply(['"Coastal weather"']),
    )
    chat = make_controller(provider, auto_titles=True)
    conversation = chat.store.create_conversation(model="gpt-5-mini")
    with qtbot.waitSignal(chat.finished, timeout=10_000):
        chat.send(conversation.id, "What is the weather like on the coast today?")
    qtbot.waitUntil(
        lambda: chat.store.get_conversation(conversation.id).title == "Coastal weather",
        timeout=5_000,
    )
    refused, sent = (r.body for r in fake_openai.requests_to("/chat/completions")[1:])
    assert refused["max_tokens"] >= 2000  # room to reason before the title's first word
    assert "max_tokens" not in sent and sent["max_completion_tokens"] == refused["max_tokens"]


def test_reasoning_effort_reaches_the_server(qtbot, controller, fake_openai):
    conversation = controller.store.create_conversation(
        model="o4-mini", parameters=Parameters(reasoning_effort="high")
    )
    with qtbot.waitSignal(controller.finished, timeout=10_000):
        controller.send(conversation.id, "Think hard")
    assert fake_openai.requests_to("/chat/completions")[0].body["reasoning_effort"] == "high"
    stored = controller.store.get_conversation(conversation.id).parameters
    assert stored.reasoning_effort == "high"
    assert Parameters.from_dict({"reasoning_effort": "extreme"}).reasoning_effort is None


def test_the_panel_greys_out_what_a_reasoning_model_does_not_take(qtbot):
    from desktop_chat.ui.conversation_tab import ParametersPanel

    panel = ParametersPanel()
    qtbot.addWidget(panel)
    panel.set_model("o3-mini")
    assert not panel.temperature.isEnabled() and "reasoning model" in panel.temperature.toolTip()
    assert not panel.stop.isEnabled() and panel.reasoning_effort.isEnabled()
    panel.set_model("gpt-4")
    assert panel.temperature.isEnabled() and panel.temperature.toolTip() == ""
    assert not panel.reasoning_effort.isEnabled()
    panel.reasoning_effort.setCurrentIndex(panel.reasoning_effort.findData("low"))
    assert panel.parameters().reasoning_effort == "low"


def test_official_endpoint_drops_reasoning_effort_for_other_models():
    body = {"model": "gpt-4", "reasoning_effort": "low"}
    assert "reasoning_effort" not in fit_request("gpt-4", body, official=True)
    assert fit_request("qwen3:8b", body, official=False)["reasoning_effort"] == "low"
    refusal = refusal_in("Unrecognized request argument supplied: reasoning_effort")
    assert refusal is not None and refusal.name == "reasoning_effort"

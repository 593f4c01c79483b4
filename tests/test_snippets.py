"""The "View request" snippets: JSON, curl and Python, never with the key — and both snippets,
run for real against the fake server, send the body that the app sent."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys

import fake_openai as fake
import pytest
from qt_fixtures import TEST_KEY

from desktop_chat import snippets
from desktop_chat.domain import Mode, Parameters

ANSWER = "".join(fake.DEFAULT_CHUNKS)
ENV_KEY = "sk-from-the-environment-0123"
TRICKY_PROMPT = "It's “quoted”, costs $HOME and `whoami` \\ and\na second line"

CHAT_REQUEST: dict[str, object] = {
    "endpoint": "/chat/completions",
    "model": "gpt-4",
    "messages": [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": TRICKY_PROMPT},
    ],
    "temperature": 0.2,
    "seed": 42,
    "stop": ["END"],
    "response_format": {"type": "json_object"},
    "stream": True,
    "stream_options": {"include_usage": True},
}
COMPLETION_REQUEST: dict[str, object] = {
    "endpoint": "/completions",
    "model": "gpt-3.5-turbo-instruct",
    "prompt": "Once upon a time",
    "max_tokens": 16,
    "stream": True,
}


def body_of(request: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in request.items() if k != "endpoint"}


def curl_arguments(command: str) -> list[str]:
    return shlex.split(command.replace("\\\n", " "))


# --- pure ---------------------------------------------------------------------------------------


def test_json_is_the_body_without_the_endpoint():
    text = snippets.to_json(CHAT_REQUEST)
    assert json.loads(text) == body_of(CHAT_REQUEST)
    assert "endpoint" not in json.loads(text)
    assert "“quoted”" in text  # readable, not \u-escaped


def test_the_endpoint_defaults_to_chat():
    assert snippets.endpoint_of({"model": "m"}) == "/chat/completions"
    assert snippets.endpoint_of(COMPLETION_REQUEST) == "/completions"


@pytest.mark.parametrize("base_url", ["https://api.openai.com/v1", "https://api.openai.com/v1/"])
def test_curl_posts_the_body_to_the_endpoint_with_the_key_from_the_environment(base_url):
    command = snippets.to_curl(base_url, CHAT_REQUEST)
    assert TEST_KEY not in command
    assert '-H "Authorization: Bearer $OPENAI_API_KEY"' in command
    arguments = curl_arguments(command)
    assert arguments[:2] == ["curl", "https://api.openai.com/v1/chat/completions"]
    assert arguments[arguments.index("-d") + 1] == json.dumps(
        body_of(CHAT_REQUEST), ensure_ascii=False
    )
    assert json.loads(arguments[arguments.index("-d") + 1]) == body_of(CHAT_REQUEST)
    assert "Authorization: Bearer $OPENAI_API_KEY" in arguments


def test_curl_for_the_completions_endpoint():
    arguments = curl_arguments(snippets.to_curl("http://localhost:8000/v1", COMPLETION_REQUEST))
    assert arguments[1] == "http://localhost:8000/v1/completions"


def test_python_compiles_and_reads_the_key_from_the_environment():
    code = snippets.to_python("https://api.openai.com/v1", CHAT_REQUEST)
    compile(code, "x", "exec")
    assert TEST_KEY not in code
    assert 'api_key=os.environ.get("OPENAI_API_KEY", "no-key-needed")' in code
    assert "client.chat.completions.create(" in code
    assert "stream=True" in code
    assert "stream_options" not in code
    assert "chunk.choices[0].delta.content" in code
    assert "response_format={'type': 'json_object'}" in code


def test_python_for_the_completions_endpoint_and_without_streaming():
    code = snippets.to_python("http://localhost:8000/v1", COMPLETION_REQUEST)
    compile(code, "x", "exec")
    assert "client.completions.create(" in code and "chunk.choices[0].text" in code
    plain = snippets.to_python("http://localhost:8000/v1", {**COMPLETION_REQUEST, "stream": False})
    compile(plain, "x", "exec")
    assert "stream=False" in plain and "for chunk" not in plain


def test_snippets_do_not_change_the_request():
    request = json.loads(json.dumps(CHAT_REQUEST))
    snippets.to_json(request)
    snippets.to_curl("http://x/v1", request)
    snippets.to_python("http://x/v1", request)
    assert request == CHAT_REQUEST


# --- run for real against the fake server ---------------------------------------------------


def _environment() -> dict[str, str]:
    """Only OPENAI_API_KEY from us; no proxy, no base URL from the developer's shell."""
    drop = {"OPENAI_BASE_URL", "OPENAI_ORG_ID", "OPENAI_PROJECT_ID"}
    env = {
        k: v for k, v in os.environ.items() if k not in drop and not k.lower().endswith("_proxy")
    }
    env["OPENAI_API_KEY"] = ENV_KEY
    env["NO_PROXY"] = "*"
    return env


def _recorded_request(qtbot, controller, mode: Mode) -> dict[str, object]:
    conversation = controller.store.create_conversation(
        model="test-model",
        mode=mode,
        system_prompt="Be brief.",
        parameters=Parameters(temperature=0.2, seed=42, stop=("END",), json_mode=True),
    )
    with qtbot.waitSignal(controller.finished, timeout=10_000) as finished:
        controller.send(conversation.id, TRICKY_PROMPT)
    request = controller.store.request_of(finished.args[1].id)
    assert request is not None
    return request


@pytest.mark.parametrize("mode", [Mode.CHAT, Mode.COMPLETION])
def test_the_python_snippet_runs_and_sends_the_same_body(qtbot, controller, fake_openai, mode):
    request = _recorded_request(qtbot, controller, mode)
    code = snippets.to_python(fake_openai.base_url, request)
    assert TEST_KEY not in code
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=_environment(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == ANSWER + "\n"
    sent = fake_openai.last_request
    assert sent is not None
    assert sent.path == "/v1" + request["endpoint"]
    assert sent.headers["authorization"] == f"Bearer {ENV_KEY}"
    expected = {k: v for k, v in body_of(request).items() if k != "stream_options"}
    assert sent.body == expected


@pytest.mark.skipif(shutil.which("curl") is None, reason="needs curl")
@pytest.mark.parametrize("mode", [Mode.CHAT, Mode.COMPLETION])
def test_the_curl_snippet_runs_and_sends_the_same_body(qtbot, controller, fake_openai, mode):
    request = _recorded_request(qtbot, controller, mode)
    command = snippets.to_curl(fake_openai.base_url, request)
    assert TEST_KEY not in command
    result = subprocess.run(
        ["bash", "-c", command + " --silent --show-error"],
        env=_environment(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "data: [DONE]" in result.stdout
    sent = fake_openai.last_request
    assert sent is not None
    assert sent.path == "/v1" + request["endpoint"]
    assert sent.headers["authorization"] == f"Bearer {ENV_KEY}"
    assert sent.body == body_of(request)  # every byte of the prompt survived the shell

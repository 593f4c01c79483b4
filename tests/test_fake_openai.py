"""The fake OpenAI server speaks the protocol the real ``openai`` SDK expects.

These tests also pin down which exceptions the SDK (v3, on httpx2) raises for broken streams,
because the app's error classifier depends on them:

- a mid-stream drop (FIN, chunked body unfinished): ``openai.APIConnectionError`` whose
  ``__cause__`` is ``httpx2.RemoteProtocolError``; with a TCP reset the cause is
  ``httpx2.ReadError``;
- a malformed ``data:`` line: a bare ``json.JSONDecodeError`` (NOT an ``openai.OpenAIError``);
- a server that sends headers and then nothing, with a client timeout:
  ``openai.APITimeoutError`` whose ``__cause__`` is ``httpx2.ReadTimeout``.

Plain asyncio on a fresh ``SelectorEventLoop`` (never Qt, never the global policy).
"""

from __future__ import annotations

import asyncio
import http.client
import json
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, Protocol, TypeVar

import httpx2
import openai
import pytest
from fake_openai import (
    FakeOpenAIServer,
    drop_after,
    echo,
    error,
    hang,
    malformed_after,
    many,
    reply,
    slow,
)

T = TypeVar("T")


class HasBaseUrl(Protocol):
    @property
    def base_url(self) -> str: ...


USER_MESSAGES = [
    {"role": "system", "content": "Be brief."},
    {"role": "user", "content": "Hi there"},
]


def run(server: HasBaseUrl, body: Callable[[openai.AsyncOpenAI], Awaitable[T]], **kw: Any) -> T:
    """Run ``body(client)`` in plain asyncio with a client that does not retry."""

    async def main() -> T:
        options: dict[str, Any] = {"max_retries": 0, **kw}
        async with openai.AsyncOpenAI(
            api_key="sk-test", base_url=server.base_url, **options
        ) as client:
            return await body(client)

    with asyncio.Runner(loop_factory=asyncio.SelectorEventLoop) as runner:
        return runner.run(main())


async def stream_chat(client: openai.AsyncOpenAI, **kw: Any) -> list[Any]:
    stream = await client.chat.completions.create(
        model="test-model", messages=USER_MESSAGES, stream=True, **kw
    )
    return [chunk async for chunk in stream]


def content_of(chunks: list[Any]) -> str:
    return "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)


async def stream_until_error(client: openai.AsyncOpenAI) -> tuple[list[str], BaseException]:
    """Collect content deltas until the stream raises; return them and the exception."""
    received: list[str] = []
    stream = await client.chat.completions.create(
        model="test-model", messages=USER_MESSAGES, stream=True
    )
    try:
        async for chunk in stream:
            if chunk.choices and chunk.choices[0].delta.content:
                received.append(chunk.choices[0].delta.content)
    except Exception as exc:
        return received, exc
    raise AssertionError(f"stream ended without an error after {received!r}")


# ------------------------------------------------------------------------------- basics


def test_lists_configured_models(fake_openai: FakeOpenAIServer) -> None:
    async def body(client: openai.AsyncOpenAI) -> list[str]:
        return [model.id async for model in client.models.list()]

    assert run(fake_openai, body) == ["test-model", "gpt-4"]
    fake_openai.set_models(["only-one"])
    assert run(fake_openai, body) == ["only-one"]


def test_models_can_fail_for_a_while_then_recover(fake_openai: FakeOpenAIServer) -> None:
    async def body(client: openai.AsyncOpenAI) -> list[str]:
        return [model.id async for model in client.models.list()]

    fake_openai.fail_models(404, "no models endpoint here")
    with pytest.raises(openai.NotFoundError):
        run(fake_openai, body)
    fake_openai.fail_models(500, "boom", repeat=1)
    with pytest.raises(openai.InternalServerError):
        run(fake_openai, body)
    assert run(fake_openai, body) == ["test-model", "gpt-4"]


def test_streams_default_reply_as_real_sse(fake_openai: FakeOpenAIServer) -> None:
    chunks = run(fake_openai, stream_chat)

    assert content_of(chunks) == "Hello from the test server."
    assert chunks[0].object == "chat.completion.chunk"
    assert chunks[0].choices[0].delta.role == "assistant"
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert fake_openai.wait_for_idle(2)
    (record,) = fake_openai.requests
    assert record.stream and record.finished and not record.client_disconnected


def test_stream_options_include_usage_sends_a_usage_chunk(fake_openai: FakeOpenAIServer) -> None:
    chunks = run(fake_openai, lambda c: stream_chat(c, stream_options={"include_usage": True}))

    assert chunks[-1].choices == []
    assert chunks[-1].usage.total_tokens > 0


def test_non_streaming_chat_and_echo(fake_openai: FakeOpenAIServer) -> None:
    async def body(client: openai.AsyncOpenAI) -> list[str | None]:
        answers = []
        for _ in range(2):
            completion = await client.chat.completions.create(model="gpt-4", messages=USER_MESSAGES)
            assert completion.object == "chat.completion"
            answers.append(completion.choices[0].message.content)
        return answers

    fake_openai.script(reply(["Just", " JSON"]), echo())
    assert run(fake_openai, body) == ["Just JSON", "You said: Hi there"]


def test_streamed_echo_answers_the_last_user_message(fake_openai: FakeOpenAIServer) -> None:
    fake_openai.script(echo())
    assert content_of(run(fake_openai, stream_chat)) == "You said: Hi there"


def test_legacy_completions_stream_and_not(fake_openai: FakeOpenAIServer) -> None:
    async def body(client: openai.AsyncOpenAI) -> tuple[str, str]:
        plain = await client.completions.create(model="test-model", prompt="Say hi")
        stream = await client.completions.create(model="test-model", prompt="Say hi", stream=True)
        streamed = "".join([chunk.choices[0].text async for chunk in stream])
        return plain.choices[0].text, streamed

    fake_openai.script(reply(["A", "B"]), reply(["C", "D"]))
    assert run(fake_openai, body) == ("AB", "CD")


# ------------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("status", "exc_type", "code"),
    [
        (401, openai.AuthenticationError, "invalid_api_key"),
        (404, openai.NotFoundError, "model_not_found"),
        (429, openai.RateLimitError, "rate_limit_exceeded"),
        (500, openai.InternalServerError, None),
        (503, openai.InternalServerError, None),
    ],
)
def test_scripted_http_errors_become_sdk_status_errors(
    fake_openai: FakeOpenAIServer, status: int, exc_type: type[Exception], code: str | None
) -> None:
    fake_openai.script(error(status, f"scripted {status}"))

    with pytest.raises(exc_type) as info:
        run(fake_openai, stream_chat)

    assert isinstance(info.value, openai.APIStatusError)
    assert info.value.status_code == status
    assert info.value.code == code
    assert info.value.body["message"] == f"scripted {status}"
    # The queue is consumed: the next request gets the default reply.
    assert content_of(run(fake_openai, stream_chat)) == "Hello from the test server."


def test_error_repeat_outlasts_sdk_retries(fake_openai: FakeOpenAIServer) -> None:
    fake_openai.script(error(500, "down", headers={"retry-after-ms": "10"}, repeat=3))

    with pytest.raises(openai.InternalServerError):
        run(fake_openai, stream_chat, max_retries=2)
    assert len(fake_openai.requests) == 3
    assert content_of(run(fake_openai, stream_chat, max_retries=2)) == "Hello from the test server."


def test_sticky_error_applies_until_cleared(fake_openai: FakeOpenAIServer) -> None:
    fake_openai.script(error(401, "bad key", sticky=True))
    for _ in range(3):
        with pytest.raises(openai.AuthenticationError):
            run(fake_openai, stream_chat)
    fake_openai.clear_script()
    assert content_of(run(fake_openai, stream_chat)) == "Hello from the test server."


def test_drop_mid_stream_raises_APIConnectionError_from_httpx2_RemoteProtocolError(
    fake_openai: FakeOpenAIServer,
) -> None:
    """drop_after -> openai.APIConnectionError, __cause__ httpx2.RemoteProtocolError."""
    fake_openai.script(drop_after(["Partial", " answer"]))

    received, exc = run(fake_openai, stream_until_error)

    assert received == ["Partial", " answer"]
    assert type(exc) is openai.APIConnectionError
    assert isinstance(exc.__cause__, httpx2.RemoteProtocolError)


def test_reset_mid_stream_raises_APIConnectionError_from_httpx2_ReadError(
    fake_openai: FakeOpenAIServer,
) -> None:
    """drop_after(reset=True) -> openai.APIConnectionError, __cause__ httpx2.ReadError."""
    fake_openai.script(drop_after(["Partial"], reset=True))

    received, exc = run(fake_openai, stream_until_error)

    assert received == ["Partial"]
    assert type(exc) is openai.APIConnectionError
    assert isinstance(exc.__cause__, httpx2.ReadError)


def test_malformed_sse_data_raises_bare_JSONDecodeError(fake_openai: FakeOpenAIServer) -> None:
    """malformed_after -> json.JSONDecodeError, which is NOT an openai.OpenAIError."""
    fake_openai.script(malformed_after(["Fine so far"]))

    received, exc = run(fake_openai, stream_until_error)

    assert received == ["Fine so far"]
    assert type(exc) is json.JSONDecodeError
    assert not isinstance(exc, openai.OpenAIError)


def test_hang_with_client_timeout_raises_APITimeoutError_from_httpx2_ReadTimeout(
    fake_openai: FakeOpenAIServer,
) -> None:
    """hang + client timeout -> openai.APITimeoutError, __cause__ httpx2.ReadTimeout."""
    fake_openai.script(hang(10))
    started = time.monotonic()

    with pytest.raises(openai.APITimeoutError) as info:
        run(fake_openai, stream_chat, timeout=0.3)

    assert time.monotonic() - started < 3
    assert isinstance(info.value.__cause__, httpx2.ReadTimeout)
    assert fake_openai.wait_for_disconnect(2)


# ------------------------------------------------------------------------ disconnects, log


def test_closing_the_stream_early_is_seen_by_the_server(fake_openai: FakeOpenAIServer) -> None:
    fake_openai.script(slow(["one", " two", " three", " four"], delay=1.0))

    async def body(client: openai.AsyncOpenAI) -> None:
        stream = await client.chat.completions.create(
            model="test-model", messages=USER_MESSAGES, stream=True
        )
        await stream.__anext__()
        await stream.close()

    run(fake_openai, body)
    closed_at = time.monotonic()

    assert fake_openai.wait_for_disconnect(2)
    (record,) = fake_openai.requests
    assert record.client_disconnected
    assert fake_openai.wait_for_idle(2)
    # Noticed while sleeping between slow chunks, well before the next one was due.
    assert record.finished_at is not None and record.finished_at - closed_at < 0.5


def test_request_log_holds_headers_and_json_body(fake_openai: FakeOpenAIServer) -> None:
    run(fake_openai, stream_chat)

    assert fake_openai.wait_for_request(1, timeout=1)
    record = fake_openai.requests[0]
    assert record.method == "POST"
    assert record.path == "/v1/chat/completions"
    assert record.headers["authorization"] == "Bearer sk-test"
    assert record.headers["content-type"].startswith("application/json")
    assert record.body["model"] == "test-model"
    assert record.body["stream"] is True
    assert record.messages == USER_MESSAGES
    assert record.behaviour == "reply"
    assert record.status == 200


def test_wait_for_request_times_out_without_traffic(fake_openai: FakeOpenAIServer) -> None:
    started = time.monotonic()
    assert fake_openai.wait_for_request(1, timeout=0.1) is False
    assert fake_openai.wait_for_disconnect(timeout=0.1) is False
    assert time.monotonic() - started < 1


def test_many_chunks_arrive_complete_and_fast(fake_openai: FakeOpenAIServer) -> None:
    fake_openai.script(many(20_000, "tok ", newline_every=80))
    started = time.monotonic()

    text = content_of(run(fake_openai, stream_chat))

    assert text.count("tok") == 20_000
    assert text.count("\n") == 250
    assert time.monotonic() - started < 20


def test_stop_does_not_hang_while_a_handler_is_mid_stream() -> None:
    server = FakeOpenAIServer().start()
    server.script(hang(60))
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    try:
        conn.request(
            "POST",
            "/v1/chat/completions",
            body=json.dumps({"model": "m", "messages": USER_MESSAGES, "stream": True}),
            headers={"Content-Type": "application/json"},
        )
        response = conn.getresponse()
        assert response.status == 200
        port, started = server.port, time.monotonic()
        server.stop()
        assert time.monotonic() - started < 1.5
        assert not [t for t in threading.enumerate() if t.name.startswith(f"fake-openai:{port}")]
        assert not [t for t in threading.enumerate() if f"fake-openai-conn:{port}:" in t.name]
    finally:
        conn.close()
        server.stop()


# ---------------------------------------------------------------------------- as a process


def test_runs_as_a_standalone_process(tmp_path: Path) -> None:
    script = tmp_path / "script.json"
    script.write_text(
        json.dumps(
            {
                "models": ["proc-model"],
                "queue": [{"kind": "error", "status": 401, "message": "nope"}],
            }
        )
    )
    proc = subprocess.Popen(
        [
            sys.executable,
            str(Path(__file__).with_name("fake_openai.py")),
            "--port",
            "0",
            "--script",
            str(script),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline().split()
        assert first[0] == "PORT"
        root = f"http://127.0.0.1:{int(first[1])}"
        remote = _RemoteServer(root)

        async def body(client: openai.AsyncOpenAI) -> tuple[list[str], str]:
            models = [m.id async for m in client.models.list()]
            with pytest.raises(openai.AuthenticationError):
                await client.chat.completions.create(model="m", messages=USER_MESSAGES)
            stream = await client.chat.completions.create(
                model="m", messages=USER_MESSAGES, stream=True
            )
            return models, "".join([c.choices[0].delta.content or "" async for c in stream])

        urllib.request.urlopen(
            urllib.request.Request(
                f"{root}/_fake/script",
                data=json.dumps([{"kind": "reply", "chunks": ["via", " control"]}]).encode(),
                method="POST",
            ),
            timeout=5,
        ).close()
        models, text = run(remote, body)
        assert models == ["proc-model"]
        assert text == "via control"
        with urllib.request.urlopen(f"{root}/_fake/requests", timeout=5) as response:
            log = json.load(response)
        assert [r["path"] for r in log] == ["/v1/models", *["/v1/chat/completions"] * 2]
        assert log[-1]["headers"]["authorization"] == "Bearer sk-test"
    finally:
        proc.terminate()
        assert proc.wait(timeout=5) == 0
        if proc.stdout is not None:
            proc.stdout.close()


class _RemoteServer:
    def __init__(self, root: str) -> None:
        self.base_url = f"{root}/v1"

"""A server that sends one endless line (or event) is refused at 8 MB, with the partial kept.

The client is the real ChatClient with the HTTP client it builds itself (http_limits'
EventBoundedClient on the SDK's default client), against the fake server over loopback.
"""

from __future__ import annotations

import asyncio
import time
import tracemalloc
from collections.abc import AsyncIterator, Iterable

import fake_openai as fake
import httpx2
import pytest
from fake_openai import FakeOpenAIServer

from desktop_chat.api import ChatClient, ChatFailure, ProviderConfig
from desktop_chat.domain import ChatTurn, ErrorKind, MessageStatus, Parameters, Role, TextDelta
from desktop_chat.http_limits import MAX_EVENT_BYTES, EventBoundedStream, OversizedEvent

HUGE = 20 * 1024 * 1024


def config_for(server: FakeOpenAIServer, **changes: object) -> ProviderConfig:
    values: dict[str, object] = {
        "base_url": server.base_url,
        "api_key": "sk-limits-test",
        "max_retries": 0,
        "timeout_seconds": 10.0,
        **changes,
    }
    return ProviderConfig(**values)  # type: ignore[arg-type]


async def stream_text(config: ProviderConfig) -> tuple[str, ChatFailure | None]:
    """Everything streamed, and the failure that ended it (None if it finished)."""
    client = ChatClient(config)
    received: list[str] = []
    try:
        turns = [ChatTurn(Role.USER, "hi")]
        async for event in client.stream_chat("test-model", turns, Parameters()):
            if isinstance(event, TextDelta):
                received.append(event.text)
    except ChatFailure as failure:
        return "".join(received), failure
    finally:
        await client.close()
    return "".join(received), None


# --- end to end -----------------------------------------------------------------------------


@pytest.mark.parametrize("newline", [False, True], ids=["one-line", "one-endless-event"])
def test_a_huge_line_is_refused_quickly_and_the_partial_answer_is_kept(
    fake_openai: FakeOpenAIServer, newline: bool
) -> None:
    # A first answer, so that the SDK's imports are not counted below.
    fake_openai.script(fake.reply(["warm"]))
    assert asyncio.run(stream_text(config_for(fake_openai))) == ("warm", None)
    fake_openai.script(fake.huge_line(HUGE, ["Half ", "an answer"], newline=newline))

    tracemalloc.start()
    started = time.monotonic()
    try:
        text, failure = asyncio.run(stream_text(config_for(fake_openai)))
        elapsed = time.monotonic() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert text == "Half an answer"
    assert failure is not None
    error = failure.error
    assert error.kind is ErrorKind.MALFORMED
    assert "more than 8 MB without ending a stream event or line" in error.message
    assert "partial answer is kept" in error.hint
    assert not error.retryable  # asking again gets the same
    assert elapsed < 20
    # Without the bound the SDK holds all 20 MB, several times over (about 64 MB at its peak).
    assert peak < 2 * MAX_EVENT_BYTES, peak
    assert fake_openai.wait_for_disconnect(timeout=5.0), "the response was not closed"


def test_a_long_answer_in_many_events_is_not_refused(fake_openai: FakeOpenAIServer) -> None:
    # 12 MB in all, beyond the limit, but each event is small.
    fake_openai.script(fake.many(12_000, "x" * 1000, newline_every=0))

    text, failure = asyncio.run(stream_text(config_for(fake_openai)))

    assert failure is None
    assert len(text) == 1000 * 12_000


def test_the_profile_proxy_still_carries_the_requests(fake_openai: FakeOpenAIServer) -> None:
    # An HTTP proxy gets the absolute URL; the fake server answers by the path, as a proxy in
    # front of the real server would. The base URL's host is never looked up.
    fake_openai.script(fake.reply(["via ", "proxy"]))
    config = config_for(
        fake_openai, base_url="http://chat.example.invalid/v1", proxy=fake_openai.root_url
    )

    text, failure = asyncio.run(stream_text(config))

    assert failure is None and text == "via proxy"
    (request,) = fake_openai.requests_to("/chat/completions")
    assert request.path == "http://chat.example.invalid/v1/chat/completions"
    assert request.headers["accept-encoding"] == "identity"


def test_the_system_proxy_variables_are_still_honoured(
    fake_openai: FakeOpenAIServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", fake_openai.root_url)
    fake_openai.script(fake.reply(["from ", "the environment"]))
    config = config_for(fake_openai, base_url="http://chat.example.invalid/v1")

    text, failure = asyncio.run(stream_text(config))

    assert failure is None and text == "from the environment"
    (request,) = fake_openai.requests_to("/chat/completions")
    assert request.path.startswith("http://chat.example.invalid/")


def test_the_window_keeps_the_partial_answer_of_a_refused_stream(
    qtbot, controller, fake_openai
) -> None:
    fake_openai.script(fake.huge_line(HUGE, ["partial ", "answer"]))
    conversation = controller.store.create_conversation(model="test-model")

    with qtbot.waitSignal(controller.failed, timeout=20_000) as failed:
        controller.send(conversation.id, "go")

    _, error, partial = failed.args
    assert error.kind is ErrorKind.MALFORMED
    assert partial is not None and partial.content == "partial answer"
    saved = controller.store.get_message(partial.id)
    assert (saved.content, saved.status) == ("partial answer", MessageStatus.ERROR)


# --- the counting itself ----------------------------------------------------------------------


class Chunks(httpx2.AsyncByteStream):
    def __init__(self, chunks: Iterable[bytes]) -> None:
        self.chunks = list(chunks)
        self.closed = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self.chunks:
            yield chunk

    async def aclose(self) -> None:
        self.closed = True


async def passed_on(chunks: Iterable[bytes], limit: int) -> list[bytes]:
    out: list[bytes] = []
    async for chunk in EventBoundedStream(Chunks(chunks), limit):
        out.append(chunk)
    return out


@pytest.mark.parametrize(
    "chunks",
    [
        [b"data: 1234\n\n", b"data: 5678\n\n"],  # 10 bytes of event each
        [b"data: 1234\n", b"\ndata: 5678\n\n"],  # the blank line straddles two chunks
        [b"data: 1234\r\n\r\n", b"data: 5678\r\n\r\n"],  # CRLF
        [b"data: 1234\r\r", b"data: 5678\r\r"],  # CR
        [b"data: 12", b"34\n\ndata: ", b"5678\n\n"],
        [b"data:", b"", b"1\n\n"],
    ],
)
def test_events_within_the_limit_pass_unchanged(chunks: list[bytes]) -> None:
    assert asyncio.run(passed_on(chunks, limit=14)) == [c for c in chunks if c]


@pytest.mark.parametrize(
    "chunks",
    [
        [b"data: 123456789012345"],  # one chunk, no end
        [b"data: 12345", b"67890", b"12345"],  # no end across chunks
        [b"data: 1\n", b"data: 2\n", b"data: 3\n"],  # lines, but never a blank one
        [b"data: 1\r\n", b"data: 2\r\n", b"data: 3\r\n"],  # CR LF is one line end, not two
        [b"data: 1\n\ndata: 123456789012345"],  # the second event is the long one
    ],
)
def test_an_event_over_the_limit_raises(chunks: list[bytes]) -> None:
    with pytest.raises(OversizedEvent) as raised:
        asyncio.run(passed_on(chunks, limit=14))
    assert raised.value.limit == 14


def test_the_inner_stream_is_closed_with_the_bounded_one() -> None:
    inner = Chunks([b"x"])
    asyncio.run(EventBoundedStream(inner).aclose())
    assert inner.closed


# --- a compressed body the client did not ask for ---------------------------------------------


def _sse_text(*texts: str) -> bytes:
    return b"".join(fake.sse_events({"content": text} for text in texts))


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
def test_a_compressed_stream_is_decoded(fake_openai: FakeOpenAIServer, encoding: str) -> None:
    import gzip
    import zlib

    body = _sse_text("Hello ", "from a ", "compressing proxy")
    packed = gzip.compress(body) if encoding == "gzip" else zlib.compress(body)
    halves = [packed[: len(packed) // 2], packed[len(packed) // 2 :]]
    fake_openai.script(fake.raw(halves, headers={"Content-Encoding": encoding}))
    assert asyncio.run(stream_text(config_for(fake_openai))) == (
        "Hello from a compressing proxy",
        None,
    )


def test_a_gzip_bomb_is_refused_at_the_bound_not_decoded_whole(
    fake_openai: FakeOpenAIServer,
) -> None:
    import gzip

    fake_openai.script(fake.reply(["warm"]))  # the SDK's imports, not counted below
    assert asyncio.run(stream_text(config_for(fake_openai))) == ("warm", None)
    start = _sse_text("Half an answer")[: -len(b"data: [DONE]\n\n")]
    bomb = gzip.compress(start + b"data: " + b"x" * (200 * 1024 * 1024), compresslevel=9)
    assert len(bomb) < 1024 * 1024  # 200 MB in well under 1 MB on the wire
    parts = [bomb[i : i + 65536] for i in range(0, len(bomb), 65536)]
    fake_openai.script(fake.raw(parts, headers={"Content-Encoding": "gzip"}))

    tracemalloc.start()
    try:
        text, failure = asyncio.run(stream_text(config_for(fake_openai)))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert text == "Half an answer"
    assert failure is not None and failure.error.kind is ErrorKind.MALFORMED
    assert peak < 3 * MAX_EVENT_BYTES, peak

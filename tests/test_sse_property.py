"""Whatever bytes a server streams back, the client yields events or fails with a ChatError.

Hypothesis builds the response body from valid chunk events, stray `data:` lines, cut-off JSON,
binary junk, comments and blank lines, split at random places into HTTP chunks; the fake server
sends exactly those bytes (and sometimes drops the connection instead of ending the body). The
real ChatClient reads them over loopback. It must finish, or raise ChatFailure with a kind and
words for the user, within a time bound; no other exception may escape.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Iterator

import fake_openai as fake
import pytest
from fake_openai import FakeOpenAIServer
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from desktop_chat.api import ChatClient, ChatFailure, ProviderConfig
from desktop_chat.domain import (
    ChatTurn,
    ErrorKind,
    Parameters,
    Role,
    StreamFinished,
    TextDelta,
)

TIME_BOUND = 10.0  # seconds per request; each is a few KB over loopback


def chunk_event(content: str, finish: str | None = None) -> bytes:
    body = {
        "id": "chatcmpl-prop",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": "test-model",
        "choices": [{"index": 0, "delta": {"content": content}, "finish_reason": finish}],
    }
    return b"data: " + json.dumps(body, ensure_ascii=False).encode() + b"\n\n"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=8,
)
# Objects shaped more or less like a chunk: right keys, wrong types, missing parts.
chunkish = st.fixed_dictionaries(
    {},
    optional={
        "id": st.text(max_size=5) | json_values,
        "object": st.just("chat.completion.chunk") | json_values,
        "model": st.text(max_size=8) | json_values,
        "choices": st.lists(
            st.fixed_dictionaries(
                {},
                optional={
                    "index": st.integers(-1, 2) | json_values,
                    "delta": st.fixed_dictionaries(
                        {}, optional={"content": st.text(max_size=10) | json_values}
                    )
                    | json_values,
                    "finish_reason": st.sampled_from([None, "stop", "length"]) | json_values,
                },
            )
            | json_values,
            max_size=2,
        )
        | json_values,
        "usage": json_values,
        "error": st.fixed_dictionaries({"message": st.text(max_size=10)}) | json_values,
    },
)
pieces = st.one_of(
    st.text(max_size=12).map(chunk_event),  # a valid chunk
    chunkish.map(lambda obj: b"data: " + json.dumps(obj).encode() + b"\n\n"),
    json_values.map(lambda value: b"data: " + json.dumps(value).encode() + b"\n\n"),
    st.text(max_size=20).map(lambda text: b"data: " + text.encode() + b"\n"),  # not JSON
    st.builds(
        lambda event, cut: event[:cut],  # a cut-off event
        st.text(max_size=12).map(chunk_event),
        st.integers(0, 60),
    ),
    st.binary(max_size=40),
    st.sampled_from(
        [
            b"\n",
            b"\r\n",
            b"\r",
            b": a comment\n",
            b"event: error\n",
            b"data: [DONE]\n\n",
            b'data: {"error": {"message": "overloaded"}}\n\n',
            b"id: 7\nretry: 10\n",
            b"\xff\xfe\x00",
        ]
    ),
)


def cut_anywhere(draw: st.DrawFn, data: bytes) -> list[bytes]:
    """`data` cut at random places: events and UTF-8 sequences straddle HTTP chunks."""
    cuts = sorted(draw(st.lists(st.integers(0, len(data)), max_size=6)))
    bounds = [0, *cuts, len(data)]
    return [data[a:b] for a, b in itertools.pairwise(bounds) if b > a]


@st.composite
def bodies(draw: st.DrawFn) -> list[bytes]:
    return cut_anywhere(draw, b"".join(draw(st.lists(pieces, max_size=12))))


@st.composite
def valid_bodies(draw: st.DrawFn) -> tuple[list[bytes], str]:
    """A well-formed stream (any text, CRLF or LF line ends), cut anywhere; and its text."""
    texts = draw(st.lists(st.text(min_size=1, max_size=12), max_size=8))
    crlf = draw(st.booleans())
    events = [chunk_event(text) for text in texts]
    data = b"".join([*events, chunk_event("", "stop"), b"data: [DONE]\n\n"])
    if crlf:
        data = data.replace(b"\n", b"\r\n")
    return cut_anywhere(draw, data), "".join(texts)


@pytest.fixture(scope="module")
def server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as running:
        yield running


async def consume(config: ProviderConfig) -> tuple[str, StreamFinished | None]:
    client = ChatClient(config)
    text: list[str] = []
    finished: StreamFinished | None = None
    try:
        events = client.stream_chat("test-model", [ChatTurn(Role.USER, "hi")], Parameters())
        async for event in events:
            if isinstance(event, TextDelta):
                assert isinstance(event.text, str) and event.text
                text.append(event.text)
            elif isinstance(event, StreamFinished):
                finished = event
    finally:
        await client.close()
    return "".join(text), finished


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=bodies(), drop=st.booleans())
def test_any_stream_yields_events_or_a_classified_failure(
    server: FakeOpenAIServer, body: list[bytes], drop: bool
) -> None:
    server.clear_script()
    server.script(fake.raw(body, drop=drop))
    config = ProviderConfig(
        base_url=server.base_url, api_key="sk-prop", max_retries=0, timeout_seconds=TIME_BOUND
    )

    started = time.monotonic()
    try:
        asyncio.run(asyncio.wait_for(consume(config), TIME_BOUND * 2))
        event("finished")
    except ChatFailure as failure:
        error = failure.error
        event(f"failed: {error.kind} {error.message[:40]}")
        # Named for what it is: bad data, a dropped connection, an error event, not "unexpected".
        assert error.kind in (ErrorKind.MALFORMED, ErrorKind.STREAM_DROPPED, ErrorKind.SERVER)
        assert error.message.strip() and error.hint.strip()
        assert "sk-prop" not in str(error)
    assert time.monotonic() - started < TIME_BOUND


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(stream=valid_bodies())
def test_a_valid_stream_cut_anywhere_yields_exactly_its_text(
    server: FakeOpenAIServer, stream: tuple[list[bytes], str]
) -> None:
    body, expected = stream
    server.clear_script()
    server.script(fake.raw(body))
    config = ProviderConfig(
        base_url=server.base_url, api_key="sk-prop", max_retries=0, timeout_seconds=TIME_BOUND
    )

    text, finished = asyncio.run(asyncio.wait_for(consume(config), TIME_BOUND * 2))

    assert text == expected
    assert finished is not None and finished.finish_reason == "stop"

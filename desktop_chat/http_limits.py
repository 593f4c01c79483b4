"""A bound on how much of one HTTP response the client holds before it can use any of it.

The SDK's SSE decoder buffers bytes until an event ends (a blank line) and imposes no limit, so
a broken or hostile server that sends 20 MB without a line break would be held whole in memory.
`EventBoundedStream` wraps a response's byte stream and raises `OversizedEvent` as soon as more
than `MAX_EVENT_BYTES` arrive without an event boundary; a JSON body (no blank lines) is bounded
by the same number as a whole, far more than a model list or a title ever needs.

`EventBoundedClient` applies it to every response (api.py builds it on the SDK's own default
client, so its timeouts, limits and proxy handling stay). It wraps the response stream in
`send`, not the transport, so that proxies taken from the environment are bounded too (httpx
uses those only when it builds its transports itself). The client asks for the bytes
uncompressed (`Accept-Encoding: identity`), as SSE is sent anyway; a server that compresses
all the same (gzip or deflate) is decompressed here, in bounded steps, so the bound counts the
decoded bytes: a few megabytes of gzip cannot become gigabytes in memory. Whatever the
encoding, no response may decode to more than `MAX_RESPONSE_BYTES`.

Imported only when the first request is made (httpx2 is part of the SDK's 0.6 s import).
"""

from __future__ import annotations

import contextlib
import datetime
import zlib
from collections.abc import AsyncGenerator, AsyncIterator
from typing import Any

import httpx2

MAX_EVENT_BYTES = 8 * 1024 * 1024
MAX_RESPONSE_BYTES = 256 * 1024 * 1024  # decoded: far beyond any answer, short of a bomb
_STEP = 256 * 1024  # decompressed per step: what one compressed chunk may become at once
_WBITS = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}
# Two line ends in a row end an SSE event. Of the two-byte pairs of CR and LF, only CR LF is one
# line end; LF LF, CR CR and LF CR each hold a blank line (CR LF CR LF contains LF CR).
_EVENT_ENDS = (b"\n\n", b"\r\r", b"\n\r")


class OversizedEvent(Exception):
    """The server sent more than `limit` bytes without ending a stream event (or a line)."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"more than {limit} bytes without an event boundary")
        self.limit = limit


class EventBoundedStream(httpx2.AsyncByteStream):
    """A response byte stream that refuses an event (or JSON body) over `limit` bytes."""

    def __init__(self, inner: httpx2.AsyncByteStream, limit: int = MAX_EVENT_BYTES) -> None:
        self._inner = inner
        self._limit = limit

    @property
    def elapsed(self) -> datetime.timedelta | None:
        """httpx reads a response's `elapsed` from its stream (set when the stream closes)."""
        return getattr(self._inner, "elapsed", None)

    async def __aiter__(self) -> AsyncIterator[bytes]:
        since_event_end = 0
        last_byte = b""  # an event end may straddle two chunks
        chunks = self._inner.__aiter__()
        try:
            async for chunk in chunks:
                if not chunk:
                    continue
                end = max(chunk.rfind(pair) for pair in _EVENT_ENDS)
                if end >= 0:
                    since_event_end = len(chunk) - (end + 2)
                elif last_byte + chunk[:1] in _EVENT_ENDS:
                    since_event_end = len(chunk) - 1
                else:
                    since_event_end += len(chunk)
                last_byte = chunk[-1:]
                if since_event_end > self._limit:
                    # Refused before the chunk is passed on: the decoder above holds at most
                    # `limit` bytes of the event.
                    await self._end(chunks)
                    raise OversizedEvent(self._limit)
                yield chunk
        finally:
            if isinstance(chunks, AsyncGenerator):
                await chunks.aclose()

    async def _end(self, chunks: AsyncIterator[bytes]) -> None:
        """Close the connection, then let the generators below end by themselves.

        httpx's transport stream does not close the connection's own generator when it is
        closed early, which leaves that generator to the garbage collector (and, on a loop
        without async-generator hooks, qasync's, to a finalizer with no loop). Once the
        connection is closed, the next read fails at the bottom and ends every generator
        in turn; what was already received (at most one read) is dropped."""
        await self._inner.aclose()
        with contextlib.suppress(Exception):
            async for _ in chunks:
                pass

    async def aclose(self) -> None:
        await self._inner.aclose()


class DecompressedStream(httpx2.AsyncByteStream):
    """A gzip or deflate body, decompressed in steps of at most `_STEP` bytes, never more in
    all than `limit`: what one compressed chunk expands to is passed on piece by piece."""

    def __init__(
        self, inner: httpx2.AsyncByteStream, encoding: str, limit: int = MAX_RESPONSE_BYTES
    ) -> None:
        self._inner = inner
        self._wbits = _WBITS[encoding]
        self._limit = limit

    @property
    def elapsed(self) -> datetime.timedelta | None:
        return getattr(self._inner, "elapsed", None)

    async def __aiter__(self) -> AsyncIterator[bytes]:
        decoder = zlib.decompressobj(self._wbits)
        total = 0
        first = True
        async for chunk in self._inner:
            if first and chunk and self._wbits == zlib.MAX_WBITS and chunk[:1] != b"\x78":
                decoder = zlib.decompressobj(-zlib.MAX_WBITS)  # raw deflate, as some send
            first = first and not chunk
            pending = chunk
            while pending:
                try:
                    data = decoder.decompress(pending, _STEP)
                except zlib.error as error:
                    raise httpx2.DecodingError(f"bad compressed body: {error}") from None
                pending = decoder.unconsumed_tail
                total += len(data)
                if total > self._limit:
                    await self._inner.aclose()
                    raise OversizedEvent(self._limit)
                if data:
                    yield data
        if tail := decoder.flush():
            yield tail

    async def aclose(self) -> None:
        await self._inner.aclose()


class EventBoundedClient(httpx2.AsyncClient):
    """An httpx client whose every response is bounded by `EventBoundedStream`.

    api.py combines it with the SDK's default client class (for the SDK's timeouts, connection
    limits and redirects), which it must not import here."""

    max_event_bytes: int = MAX_EVENT_BYTES

    async def send(
        self, request: httpx2.Request, *, stream: bool = False, **kwargs: Any
    ) -> httpx2.Response:
        response = await super().send(request, stream=True, **kwargs)
        body = response.stream
        encoding = response.headers.get("content-encoding", "").strip().lower()
        if encoding in _WBITS:
            # Decoded here, bounded, instead of by httpx all at once.
            del response.headers["content-encoding"]
            body = DecompressedStream(body, encoding)  # type: ignore[arg-type]
        response.stream = EventBoundedStream(body, self.max_event_bytes)  # type: ignore[arg-type]
        if not stream:
            try:  # read here, as httpx's own send would have, but bounded
                await response.aread()
            except BaseException:
                await response.aclose()
                raise
        return response

"""A bound on how much of one HTTP response the client holds before it can use any of it.

The SDK's SSE decoder buffers bytes until an event ends (a blank line) and imposes no limit, so
a broken or hostile server that sends 20 MB without a line break would be held whole in memory.
`EventBoundedStream` wraps a response's byte stream and raises `OversizedEvent` as soon as more
than `MAX_EVENT_BYTES` arrive without an event boundary; a JSON body (no blank lines) is bounded
by the same number as a whole, far more than a model list or a title ever needs.

`EventBoundedClient` applies it to every response (api.py builds it on the SDK's own default
client, so its timeouts, limits and proxy handling stay). It wraps the response stream in
`send`, not the transport, so that proxies taken from the environment are bounded too (httpx
uses those only when it builds its transports itself). It counts the bytes on the wire: the
client asks for them uncompressed (`Accept-Encoding: identity`), as SSE is sent anyway.

Imported only when the first request is made (httpx2 is part of the SDK's 0.6 s import).
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import AsyncGenerator, AsyncIterator
from typing import Any

import httpx2

MAX_EVENT_BYTES = 8 * 1024 * 1024
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


class EventBoundedClient(httpx2.AsyncClient):
    """An httpx client whose every response is bounded by `EventBoundedStream`.

    api.py combines it with the SDK's default client class (for the SDK's timeouts, connection
    limits and redirects), which it must not import here."""

    max_event_bytes: int = MAX_EVENT_BYTES

    async def send(
        self, request: httpx2.Request, *, stream: bool = False, **kwargs: Any
    ) -> httpx2.Response:
        response = await super().send(request, stream=True, **kwargs)
        response.stream = EventBoundedStream(response.stream, self.max_event_bytes)  # type: ignore[arg-type]
        if not stream:
            try:  # read here, as httpx's own send would have, but bounded
                await response.aread()
            except BaseException:
                await response.aclose()
                raise
        return response

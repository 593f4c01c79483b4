"""A real, scriptable OpenAI-compatible HTTP server for tests.

Owns: an HTTP/1.1 server on 127.0.0.1 (stdlib ``http.server`` in daemon threads, no asyncio, so
qasync's global event-loop policy cannot interfere) that speaks enough of the OpenAI REST API for
the app and the real ``openai`` SDK: ``GET /v1/models``, ``POST /v1/chat/completions`` and
``POST /v1/completions`` (streaming as Server-Sent Events with chunked transfer encoding, or
plain JSON). Every request is recorded; each chat/completions request consumes one scripted
behaviour (``reply``, ``echo``, ``error``, ``drop_after``, ``malformed_after``, ``hang``,
``slow``, ``many``, ``huge_line``, ``raw``) from a FIFO queue, falling back to the default reply
when the queue is empty.

Two server-wide switches imitate older OpenAI-compatible servers: ``usage=False`` never sends
token usage (no usage chunk for ``stream_options.include_usage``, no ``usage`` in plain JSON
answers), and ``reject_stream_options=True`` answers 400 ("Unrecognized request argument
supplied: stream_options") to any request whose body has ``stream_options``, without consuming
a scripted behaviour. Both are constructor arguments, setters (``set_usage``,
``set_reject_stream_options``) and script keys (``"usage"``, ``"reject_stream_options"``).

Must never: do anything at import time, touch the network beyond its own loopback socket, or
depend on the app's code.

In-process use::

    with FakeOpenAIServer() as server:
        server.script(error(401, "Incorrect API key provided", code="invalid_api_key"))
        client = openai.AsyncOpenAI(api_key="sk-test", base_url=server.base_url, max_retries=0)

As a process (for end-to-end tests that start the real app)::

    python tests/fake_openai.py --port 0 [--script FILE]

prints ``PORT <n>`` as its first line and serves until killed. ``FILE`` is JSON: either a list
of behaviours or ``{"models": [...], "models_error": {...}, "default": {...}, "queue": [...]}``
where a behaviour is e.g. ``{"kind": "reply", "chunks": ["Hi"], "delay": 0.1}`` (and the object
may also hold ``"usage": false``, ``"reject_stream_options": true`` and ``"by_model": {"MODEL":
[behaviours]}``, queues used only by requests naming that model, before the shared one).
While running, the process can be driven over HTTP: ``POST /_fake/script`` (the same JSON), ``GET
/_fake/requests`` (the request log), ``POST /_fake/reset``. Those control requests are not
logged.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import http.server
import json
import re
import select
import signal
import socket
import socketserver
import struct
import sys
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "DEFAULT_CHUNKS",
    "DEFAULT_MODELS",
    "Behaviour",
    "FakeOpenAIServer",
    "RequestRecord",
    "behaviour_from_dict",
    "drop_after",
    "echo",
    "error",
    "hang",
    "huge_line",
    "malformed_after",
    "many",
    "raw",
    "reply",
    "slow",
    "tool_calls",
]

DEFAULT_MODELS: tuple[str, ...] = ("test-model", "gpt-4")
DEFAULT_CHUNKS: tuple[str, ...] = ("Hello", " from", " the", " test", " server.")

# How often a handler that is waiting (delay, hang) looks at the socket and the stop flag.
_POLL_INTERVAL = 0.05
# Bytes per write (and per HTTP chunk) for pre-encoded bulk streams.
_BULK_WRITE_SIZE = 64 * 1024
_CONTROL_PREFIX = "/_fake/"

_DEFAULT_ERROR_TYPES = {
    400: "invalid_request_error",
    401: "invalid_request_error",
    403: "invalid_request_error",
    404: "invalid_request_error",
    409: "invalid_request_error",
    422: "invalid_request_error",
    429: "requests",
    500: "server_error",
    502: "server_error",
    503: "server_error",
}
_DEFAULT_ERROR_CODES = {
    401: "invalid_api_key",
    404: "model_not_found",
    429: "rate_limit_exceeded",
}


# --------------------------------------------------------------------------- behaviours


@dataclass(frozen=True)
class Behaviour:
    """What the server does for one chat/completions request.

    ``kind`` is one of ``reply``, ``echo``, ``error``, ``drop``, ``malformed``, ``hang``,
    ``many``, ``huge``, ``raw``. ``repeat`` expands to that many queue entries when scripted;
    ``sticky`` keeps the behaviour at the head of the queue (it applies to every later request
    until ``reset()`` or ``clear_script()``). Build these with the factory functions rather
    than by hand.
    """

    kind: str
    chunks: tuple[str, ...] = ()
    delay: float = 0.0
    first_delay: float = 0.0  # before the first content chunk (after the headers)
    status: int = 200
    message: str = ""
    type: str | None = None
    code: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    seconds: float = 0.0
    send_headers: bool = True
    reset: bool = False
    count: int = 0
    chunk_text: str = ""
    newline_every: int = 0
    repeat: int = 1
    sticky: bool = False
    tool_deltas: tuple[str, ...] = ()  # kind "tools": each the JSON of one delta's tool_calls

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["chunks"] = list(self.chunks)
        data["headers"] = dict(self.headers)
        return data


def reply(
    chunks: Iterable[str] = DEFAULT_CHUNKS,
    delay: float = 0.0,
    *,
    first_delay: float = 0.0,
    repeat: int = 1,
) -> Behaviour:
    """Stream these content chunks, sleeping ``delay`` seconds before each one after the first.

    ``first_delay`` seconds pass between the response headers (and, for chat, the role chunk)
    and the first content chunk: the "time to first token".
    """
    return Behaviour(
        "reply", chunks=tuple(chunks), delay=delay, first_delay=first_delay, repeat=repeat
    )


def slow(
    chunks: Iterable[str] = DEFAULT_CHUNKS,
    delay: float = 0.5,
    *,
    first_delay: float = 0.0,
    repeat: int = 1,
) -> Behaviour:
    """Alias of :func:`reply` with a delay between chunks."""
    return reply(chunks, delay, first_delay=first_delay, repeat=repeat)


def echo(delay: float = 0.0, *, first_delay: float = 0.0, repeat: int = 1) -> Behaviour:
    """Answer ``"You said: " + <last user message content>`` in a few chunks."""
    return Behaviour("echo", delay=delay, first_delay=first_delay, repeat=repeat)


def error(
    status: int,
    message: str = "Fake server error",
    type: str | None = None,
    code: str | None = None,
    *,
    headers: dict[str, str] | None = None,
    repeat: int = 1,
    sticky: bool = False,
) -> Behaviour:
    """Respond with ``status`` and ``{"error": {"message", "type", "param": null, "code"}}``.

    ``type``/``code`` default to what OpenAI sends for common statuses (401 ``invalid_api_key``,
    404 ``model_not_found``, 429 ``rate_limit_exceeded``). ``repeat=N`` makes the next N
    requests fail (useful with the SDK's retries); ``sticky=True`` makes every request fail.
    """
    return Behaviour(
        "error",
        status=status,
        message=message,
        type=type if type is not None else _DEFAULT_ERROR_TYPES.get(status, "api_error"),
        code=code if code is not None else _DEFAULT_ERROR_CODES.get(status),
        headers=tuple((headers or {}).items()),
        repeat=repeat,
        sticky=sticky,
    )


def drop_after(
    chunks: Iterable[str] = ("Hello",), *, delay: float = 0.0, reset: bool = False
) -> Behaviour:
    """Send these chunks, then close the socket mid-body: no ``[DONE]``, no final chunk.

    With ``reset=True`` the socket is closed with a TCP RST instead of a FIN.
    """
    return Behaviour("drop", chunks=tuple(chunks), delay=delay, reset=reset)


def malformed_after(chunks: Iterable[str] = ("Hello",)) -> Behaviour:
    """Send these chunks, then the event ``data: {not json`` and end the response cleanly."""
    return Behaviour("malformed", chunks=tuple(chunks))


def hang(seconds: float, *, send_headers: bool = True, chunks: Iterable[str] = ()) -> Behaviour:
    """Send the response headers (unless ``send_headers=False``), then nothing for ``seconds``.

    With ``chunks`` (streaming only) those content chunks are sent first, so the stream stalls
    mid-answer. If the client is still there afterwards the response is finished normally.
    """
    return Behaviour("hang", seconds=seconds, send_headers=send_headers, chunks=tuple(chunks))


def many(count: int, chunk_text: str = "tok ", newline_every: int = 80) -> Behaviour:
    """Stream ``count`` chunks of ``chunk_text`` as fast as possible (pre-encoded, bulk writes).

    Every ``newline_every``-th chunk gets a trailing newline (0 disables that).
    """
    return Behaviour("many", count=count, chunk_text=chunk_text, newline_every=newline_every)


def huge_line(
    size: int = 20 * 1024 * 1024, chunks: Iterable[str] = ("Hello",), *, newline: bool = False
) -> Behaviour:
    """Send these chunks, then ``data: {"x": "xxx…`` of ``size`` bytes without a line break
    (``newline=True``: as ``size`` bytes of 1 KB ``data: xxx…`` lines with no blank line
    between them, one event that never ends), then end the response. Written from one reused 64 KB
    block, so the server itself holds no ``size`` bytes."""
    return Behaviour("huge", chunks=tuple(chunks), count=size, newline_every=int(newline))


def raw(
    parts: Iterable[bytes], *, drop: bool = False, headers: dict[str, str] | None = None
) -> Behaviour:
    """Answer a streaming request with status 200, ``text/event-stream`` and exactly these
    bytes, one HTTP chunk each (anything: partial events, bad JSON, binary), then end the
    body, or with ``drop=True`` close the socket instead. ``headers`` are added (e.g. a
    ``Content-Encoding`` the client did not ask for)."""
    # Kept as latin-1 text, so that the behaviour stays JSON-scriptable.
    chunks = tuple(part.decode("latin-1") for part in parts)
    return Behaviour("raw", chunks=chunks, reset=drop, headers=tuple((headers or {}).items()))


def sse_events(
    deltas: Iterable[dict[str, Any]], model: str = "test-model", *, done: bool = True
) -> list[bytes]:
    """Chat-completion chunks, one SSE event per delta (for ``raw``), then ``[DONE]``.
    A delta may be a whole chunk instead (it has a ``choices`` key): a usage-only chunk."""
    events = []
    for delta in deltas:
        chunk = (
            delta
            if "choices" in delta
            else {
                "id": "c1",
                "object": "chat.completion.chunk",
                "created": 1,
                "model": model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": None}],
            }
        )
        events.append(f"data: {json.dumps(chunk)}\n\n".encode())
    return [*events, b"data: [DONE]\n\n"] if done else events


def tool_calls(
    deltas: Iterable[list[dict[str, Any]]],
    chunks: Iterable[str] = (),
    *,
    delay: float = 0.0,
    finish_reason: str = "tool_calls",
) -> Behaviour:
    """Stream these content chunks, then one chunk per item of ``deltas``, whose
    ``delta.tool_calls`` is that item exactly as given (so a test can leave out ``index`` or
    ``id``, or put several calls in one delta, as some servers do), then ``finish_reason``."""
    return Behaviour(
        "tools",
        chunks=tuple(chunks),
        delay=delay,
        message=finish_reason,
        tool_deltas=tuple(json.dumps(item) for item in deltas),
    )


def tool_call_deltas(
    name: str, arguments: str, call_id: str = "call_1", index: int = 0, pieces: int = 3
) -> list[list[dict[str, Any]]]:
    """OpenAI's own way: id, type and name first, then the arguments split in ``pieces``."""
    size = max(1, -(-len(arguments) // pieces))
    first = {"index": index, "id": call_id, "type": "function"}
    first["function"] = {"name": name, "arguments": ""}
    rest = [
        [{"index": index, "function": {"arguments": arguments[i : i + size]}}]
        for i in range(0, len(arguments), size)
    ]
    return [[first], *rest]


def behaviour_from_dict(data: dict[str, Any]) -> Behaviour:
    """Build a behaviour from its JSON form (``{"kind": ..., ...}``), as used by ``--script``."""
    data = dict(data)
    kind = data.pop("kind")
    factories = {
        "reply": reply,
        "slow": slow,
        "echo": echo,
        "error": error,
        "drop": drop_after,
        "drop_after": drop_after,
        "malformed": malformed_after,
        "malformed_after": malformed_after,
        "hang": hang,
        "many": many,
        "huge": huge_line,
        "huge_line": huge_line,
        "tools": tool_calls,
    }
    if kind == "raw":
        parts = [str(part).encode("latin-1") for part in data.pop("chunks", [])]
        return raw(parts, drop=bool(data.get("drop", False)))
    if kind == "tools":
        return tool_calls(
            data.get("deltas", []),
            data.get("chunks", ()),
            delay=float(data.get("delay", 0.0)),
            finish_reason=str(data.get("finish_reason", "tool_calls")),
        )
    if kind not in factories:
        raise ValueError(f"unknown behaviour kind: {kind!r}")
    if kind == "hang" and "send_headers" not in data and "headers" in data:
        data["send_headers"] = data.pop("headers")
    behaviour = factories[kind](**{k: v for k, v in data.items() if k not in ("repeat", "sticky")})
    return dataclasses.replace(
        behaviour,
        repeat=int(data.get("repeat", behaviour.repeat)),
        sticky=bool(data.get("sticky", behaviour.sticky)),
    )


# --------------------------------------------------------------------------- request log


@dataclass
class RequestRecord:
    """One request as the server saw it. Mutated in place while its response is running."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any  # parsed JSON, or None when there was no (valid JSON) body
    raw_body: bytes = b""
    stream: bool = False
    behaviour: str | None = None
    status: int | None = None
    client_disconnected: bool = False
    finished: bool = False
    started_at: float = field(default_factory=time.monotonic)
    finished_at: float | None = None

    @property
    def messages(self) -> list[dict[str, Any]]:
        """The chat ``messages`` of the JSON body (empty when absent)."""
        if isinstance(self.body, dict) and isinstance(self.body.get("messages"), list):
            return self.body["messages"]
        return []

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["raw_body"] = self.raw_body.decode("utf-8", "replace")
        return data


class _ClientGone(Exception):
    """The client closed the connection (or the server is stopping) while we were responding."""


# --------------------------------------------------------------------------- server


class _HTTPServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    fake: FakeOpenAIServer

    def server_bind(self) -> None:
        # HTTPServer.server_bind would resolve the host name (socket.getfqdn); skip that.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = int(port)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Disconnects and stop() are normal; anything else is a bug in this module: show it.
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)


class FakeOpenAIServer:
    """A scriptable OpenAI-compatible server on 127.0.0.1 in a background thread."""

    def __init__(
        self,
        models: Iterable[str] = DEFAULT_MODELS,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        default: Behaviour | None = None,
        usage: bool = True,
        reject_stream_options: bool = False,
    ) -> None:
        self.host = host
        self._requested_port = port
        self._lock = threading.Condition()
        self._models: list[str] = list(models)
        self._models_error: Behaviour | None = None
        self._models_error_left: int | None = None
        self._default = default or reply()
        self._queue: deque[Behaviour] = deque()
        # Per-model queues, looked at before the shared one (concurrent requests to several
        # models arrive in any order, so a shared FIFO cannot say which model gets what).
        self._model_queues: dict[str, deque[Behaviour]] = {}
        self._requests: list[RequestRecord] = []
        self._stopping = threading.Event()
        self._connections: set[socket.socket] = set()
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._counter = 0
        self._initial_switches = (usage, reject_stream_options)
        self._usage = usage
        self._reject_stream_options = reject_stream_options
        self._model_rules = False

    # ---- lifecycle

    def start(self) -> FakeOpenAIServer:
        if self._httpd is not None:
            return self
        self._stopping.clear()
        httpd = _HTTPServer((self.host, self._requested_port), _Handler)
        httpd.fake = self
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": _POLL_INTERVAL},
            name=f"fake-openai:{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self, timeout: float = 2.0) -> None:
        """Stop serving; interrupts handlers that are mid-stream. Never blocks for long."""
        httpd, thread = self._httpd, self._thread
        if httpd is None:
            return
        self._stopping.set()
        with self._lock:
            connections = list(self._connections)
            self._lock.notify_all()
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        httpd.shutdown()
        httpd.server_close()
        if thread is not None:
            thread.join(timeout)
        deadline = time.monotonic() + timeout
        for worker in list(threading.enumerate()):
            if worker.name.startswith(f"fake-openai-conn:{self.port}:"):
                worker.join(max(0.0, deadline - time.monotonic()))
        self._httpd = None
        self._thread = None

    def __enter__(self) -> FakeOpenAIServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("server not started")
        return self._httpd.server_address[1]

    @property
    def root_url(self) -> str:
        """``http://127.0.0.1:PORT`` (no ``/v1``)."""
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/v1``: what to pass as the SDK's ``base_url``."""
        return f"{self.root_url}/v1"

    # ---- scripting

    def script(self, *behaviours: Behaviour) -> FakeOpenAIServer:
        """Queue behaviours, consumed one per chat/completions request (FIFO)."""
        with self._lock:
            for behaviour in behaviours:
                self._queue.extend([behaviour] * max(1, behaviour.repeat))
        return self

    def script_model(self, model: str, *behaviours: Behaviour) -> FakeOpenAIServer:
        """Queue behaviours for requests naming ``model`` only (before the shared queue)."""
        with self._lock:
            queue = self._model_queues.setdefault(model, deque())
            for behaviour in behaviours:
                queue.extend([behaviour] * max(1, behaviour.repeat))
        return self

    def clear_script(self) -> None:
        with self._lock:
            self._queue.clear()
            self._model_queues.clear()

    def set_default(self, behaviour: Behaviour) -> None:
        """Use ``behaviour`` whenever the queue is empty (initially the default reply)."""
        with self._lock:
            self._default = behaviour

    def set_models(self, models: Iterable[str]) -> None:
        with self._lock:
            self._models = list(models)

    def set_usage(self, enabled: bool) -> None:
        """``False``: never report token usage, like a server without ``include_usage``."""
        with self._lock:
            self._usage = enabled

    def set_model_rules(self, enabled: bool) -> None:
        """``True``: refuse what the real servers refuse, with their words, byte for byte:
        OpenAI's reasoning models (o1, o3, o4-mini, gpt-5…: max_tokens, a non-default
        temperature, stop), the Responses-only models (o1-pro, o3-pro), o1-mini's system
        message, deepseek-reasoner's successive messages of one role, and LM Studio's
        ``json_object`` (for a model whose id starts with ``lmstudio-``)."""
        with self._lock:
            self._model_rules = enabled

    @property
    def applies_model_rules(self) -> bool:
        with self._lock:
            return self._model_rules

    def set_reject_stream_options(self, enabled: bool) -> None:
        """``True``: answer 400 to any request whose body has ``stream_options``."""
        with self._lock:
            self._reject_stream_options = enabled

    @property
    def usage_enabled(self) -> bool:
        with self._lock:
            return self._usage

    @property
    def rejects_stream_options(self) -> bool:
        with self._lock:
            return self._reject_stream_options

    def fail_models(
        self,
        status: int | None = 404,
        message: str = "Not found",
        *,
        type: str | None = None,
        code: str | None = None,
        repeat: int | None = None,
    ) -> None:
        """Make ``GET /v1/models`` fail with ``status`` (for ``repeat`` requests, or until
        ``fail_models(None)``/``reset()``)."""
        with self._lock:
            if status is None:
                self._models_error = None
                self._models_error_left = None
            else:
                self._models_error = error(status, message, type, code)
                self._models_error_left = repeat

    def reset(self) -> None:
        """Forget the script, the log, model failures and a custom default; the ``usage`` and
        ``reject_stream_options`` switches go back to their constructor values."""
        with self._lock:
            self._queue.clear()
            self._model_queues.clear()
            self._requests.clear()
            self._models = list(DEFAULT_MODELS)
            self._models_error = None
            self._models_error_left = None
            self._default = reply()
            self._usage, self._reject_stream_options = self._initial_switches
            self._model_rules = False

    def pending(self) -> list[Behaviour]:
        """Behaviours still queued."""
        with self._lock:
            return list(self._queue)

    def _next_behaviour(self, model: str = "") -> Behaviour:
        with self._lock:
            own = self._model_queues.get(model)
            if own:
                head = own[0]
                if not head.sticky:
                    own.popleft()
                return head
            if not self._queue:
                return self._default
            head = self._queue[0]
            if not head.sticky:
                self._queue.popleft()
            return head

    def _models_behaviour(self) -> tuple[list[str], Behaviour | None]:
        with self._lock:
            failure = self._models_error
            if failure is not None and self._models_error_left is not None:
                self._models_error_left -= 1
                if self._models_error_left <= 0:
                    self._models_error = None
                    self._models_error_left = None
            return list(self._models), failure

    def load_script(self, data: Any) -> None:
        """Apply the JSON script format (see the module docstring)."""
        if isinstance(data, list):
            data = {"queue": data}
        if not isinstance(data, dict):
            raise ValueError("script must be a JSON list or object")
        if "models" in data:
            self.set_models(data["models"])
        if "usage" in data:
            self.set_usage(bool(data["usage"]))
        if "reject_stream_options" in data:
            self.set_reject_stream_options(bool(data["reject_stream_options"]))
        if data.get("models_error"):
            spec = dict(data["models_error"])
            self.fail_models(
                int(spec.get("status", 404)),
                spec.get("message", "Not found"),
                type=spec.get("type"),
                code=spec.get("code"),
                repeat=spec.get("repeat"),
            )
        if data.get("default"):
            self.set_default(behaviour_from_dict(data["default"]))
        self.script(*(behaviour_from_dict(item) for item in data.get("queue", [])))
        for model, items in (data.get("by_model") or {}).items():
            self.script_model(str(model), *(behaviour_from_dict(item) for item in items))

    # ---- the request log

    @property
    def requests(self) -> list[RequestRecord]:
        """A snapshot of the log (the records themselves are live)."""
        with self._lock:
            return list(self._requests)

    def requests_to(self, path_suffix: str) -> list[RequestRecord]:
        """Logged requests whose path ends with ``path_suffix`` (e.g. ``"/chat/completions"``)."""
        return [r for r in self.requests if r.path.split("?", 1)[0].endswith(path_suffix)]

    @property
    def last_request(self) -> RequestRecord | None:
        with self._lock:
            return self._requests[-1] if self._requests else None

    def wait_for_request(self, n: int = 1, timeout: float = 5.0) -> bool:
        """Wait until at least ``n`` requests were received; True if they were."""
        with self._lock:
            return self._lock.wait_for(lambda: len(self._requests) >= n, timeout)

    def wait_for_disconnect(self, timeout: float = 5.0) -> bool:
        """Wait until some streamed response noticed the client hang up before its end."""
        with self._lock:
            return self._lock.wait_for(
                lambda: any(r.client_disconnected for r in self._requests), timeout
            )

    def wait_for_idle(self, timeout: float = 5.0) -> bool:
        """Wait until every logged request has finished being answered."""
        with self._lock:
            return self._lock.wait_for(lambda: all(r.finished for r in self._requests), timeout)

    def _record(self, record: RequestRecord) -> None:
        with self._lock:
            self._requests.append(record)
            self._lock.notify_all()

    def _update(self, record: RequestRecord, **changes: Any) -> None:
        with self._lock:
            for name, value in changes.items():
                setattr(record, name, value)
            self._lock.notify_all()

    def _next_id(self) -> int:
        with self._lock:
            self._counter += 1
            return self._counter


# --------------------------------------------------------------------------- payloads


def _last_user_text(body: Any) -> str:
    if not isinstance(body, dict):
        return ""
    prompt = body.get("prompt")
    if isinstance(prompt, str):
        return prompt
    if isinstance(prompt, list) and prompt and isinstance(prompt[-1], str):
        return prompt[-1]
    for message in reversed(body.get("messages") or []):
        if not isinstance(message, dict) or message.get("role") != "user":
            continue
        content = message.get("content")
        if isinstance(content, str):
            return content
        if isinstance(content, list):
            return "".join(
                part.get("text", "")
                for part in content
                if isinstance(part, dict) and part.get("type") in ("text", "input_text")
            )
        return ""
    return ""


def _split_words(text: str) -> list[str]:
    """Split into chunks that keep their leading space, like model tokens."""
    chunks: list[str] = []
    for i, word in enumerate(text.split(" ")):
        chunks.append(word if i == 0 else " " + word)
    return [c for c in chunks if c] or [""]


class _Payloads:
    """Encodes chat or legacy completion responses for one request."""

    def __init__(self, legacy: bool, model: str, ident: int) -> None:
        self.legacy = legacy
        self.model = model
        self.created = int(time.time())
        self.id = f"{'cmpl' if legacy else 'chatcmpl'}-fake{ident}"

    def _chunk(self, choice: dict[str, Any]) -> bytes:
        body = {
            "id": self.id,
            "object": "text_completion" if self.legacy else "chat.completion.chunk",
            "created": self.created,
            "model": self.model,
            "system_fingerprint": None,
            "choices": [choice],
        }
        return b"data: " + json.dumps(body, separators=(",", ":")).encode() + b"\n\n"

    def first(self) -> bytes | None:
        if self.legacy:
            return None
        return self._chunk(
            {
                "index": 0,
                "delta": {"role": "assistant", "content": ""},
                "logprobs": None,
                "finish_reason": None,
            }
        )

    def content(self, text: str) -> bytes:
        if self.legacy:
            return self._chunk({"index": 0, "text": text, "logprobs": None, "finish_reason": None})
        return self._chunk(
            {"index": 0, "delta": {"content": text}, "logprobs": None, "finish_reason": None}
        )

    def tool_delta(self, calls: list[Any]) -> bytes:
        return self._chunk(
            {"index": 0, "delta": {"tool_calls": calls}, "logprobs": None, "finish_reason": None}
        )

    def last_with(self, finish_reason: str) -> bytes:
        return self._chunk(
            {"index": 0, "delta": {}, "logprobs": None, "finish_reason": finish_reason}
        )

    def content_template(self) -> tuple[bytes, bytes]:
        """Bytes before and after the JSON-encoded content string, for bulk encoding."""
        marker = "\x00MARK\x00"
        encoded = self.content(marker)
        before, _, after = encoded.partition(json.dumps(marker).encode())
        return before, after

    def last(self) -> bytes:
        if self.legacy:
            return self._chunk({"index": 0, "text": "", "logprobs": None, "finish_reason": "stop"})
        return self._chunk({"index": 0, "delta": {}, "logprobs": None, "finish_reason": "stop"})

    def usage_chunk(self, usage: dict[str, int]) -> bytes:
        body = {
            "id": self.id,
            "object": "text_completion" if self.legacy else "chat.completion.chunk",
            "created": self.created,
            "model": self.model,
            "system_fingerprint": None,
            "choices": [],
            "usage": usage,
        }
        return b"data: " + json.dumps(body, separators=(",", ":")).encode() + b"\n\n"

    def complete(self, text: str, usage: dict[str, int] | None) -> bytes:
        if self.legacy:
            choice: dict[str, Any] = {
                "index": 0,
                "text": text,
                "logprobs": None,
                "finish_reason": "stop",
            }
            obj = "text_completion"
        else:
            choice = {
                "index": 0,
                "message": {"role": "assistant", "content": text, "refusal": None},
                "logprobs": None,
                "finish_reason": "stop",
            }
            obj = "chat.completion"
        body = {
            "id": self.id,
            "object": obj,
            "created": self.created,
            "model": self.model,
            "system_fingerprint": None,
            "choices": [choice],
        }
        if usage is not None:
            body["usage"] = usage
        return json.dumps(body).encode()


def _usage(body: Any, text: str) -> dict[str, int]:
    prompt_tokens = max(1, len(json.dumps(body.get("messages") or body.get("prompt") or "")) // 4)
    completion_tokens = max(0, len(text) // 4)
    return {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
    }


def _chunked(data: bytes) -> bytes:
    return b"%x\r\n%s\r\n" % (len(data), data) if data else b""


_OPENAI_REASONING = re.compile(r"^(o\d+(-[\w.-]+)?|gpt-5[\w.-]*)$")
_RESPONSES_ONLY = re.compile(r"^(o1-pro|o3-pro|gpt-5-pro)(-[\w.-]+)?$")


def _refusal(message: str, param: str | None, code: str | None) -> dict[str, Any]:
    return {
        "error": {
            "message": message,
            "type": "invalid_request_error",
            "param": param,
            "code": code,
        }
    }


def model_rule_refusal(body: dict[str, Any]) -> tuple[int, dict[str, Any]] | None:
    """What the real server answers to a request its model does not take, or None."""
    model = str(body.get("model") or "")
    messages = body.get("messages") or []
    if _RESPONSES_ONLY.match(model):
        message = "This model is only supported in v1/responses and not in v1/chat/completions."
        return 404, _refusal(message, "model", None)
    if _OPENAI_REASONING.match(model):
        if "max_tokens" in body:
            message = (
                "Unsupported parameter: 'max_tokens' is not supported with this model. "
                "Use 'max_completion_tokens' instead."
            )
            return 400, _refusal(message, "max_tokens", "unsupported_parameter")
        for name in ("temperature", "top_p"):
            if name in body and body[name] != 1:
                message = (
                    f"Unsupported value: '{name}' does not support {body[name]} with this "
                    "model. Only the default (1) value is supported."
                )
                return 400, _refusal(message, name, "unsupported_value")
        if "stop" in body and (model.startswith("gpt-5") or model.startswith("o3")):
            message = "Unsupported parameter: 'stop' is not supported with this model."
            return 400, _refusal(message, "stop", "unsupported_parameter")
        if model.startswith(("o1-mini", "o1-preview")):
            for index, turn in enumerate(messages):
                if isinstance(turn, dict) and turn.get("role") in ("system", "developer"):
                    message = (
                        f"Unsupported value: 'messages[{index}].role' does not support "
                        f"'{turn['role']}' with this model."
                    )
                    return 400, _refusal(message, f"messages[{index}].role", "unsupported_value")
    if model.startswith("deepseek-reasoner"):
        roles = [turn.get("role") for turn in messages if isinstance(turn, dict)]
        for index in range(1, len(roles)):
            if roles[index] == roles[index - 1] and roles[index] in ("user", "assistant"):
                message = (
                    "deepseek-reasoner does not support successive user or assistant messages "
                    f"(messages[{index - 1}] and messages[{index}] in your input). You should "
                    "interleave the user/assistant messages in the message sequence."
                )
                return 400, _refusal(message, None, "invalid_request_error")
    if model.startswith("lmstudio-") and body.get("response_format", {}).get("type") == (
        "json_object"
    ):
        return 400, {"error": "'response_format.type' must be 'json_schema' or 'text'"}
    return None


def _error_body(behaviour: Behaviour) -> bytes:
    return json.dumps(
        {
            "error": {
                "message": behaviour.message,
                "type": behaviour.type,
                "param": None,
                "code": behaviour.code,
            }
        }
    ).encode()


# --------------------------------------------------------------------------- handler


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeOpenAI/1.0"
    sys_version = ""
    server: _HTTPServer

    # ---- plumbing

    @property
    def fake(self) -> FakeOpenAIServer:
        return self.server.fake

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        threading.current_thread().name = (
            f"fake-openai-conn:{self.server.server_address[1]}:{self.client_address[1]}"
        )
        with self.fake._lock:
            self.fake._connections.add(self.connection)

    def finish(self) -> None:
        with self.fake._lock:
            self.fake._connections.discard(self.connection)
        with contextlib.suppress(OSError):
            super().finish()

    def handle(self) -> None:
        with contextlib.suppress(OSError, _ClientGone):
            super().handle()

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _write(self, data: bytes) -> None:
        if self.fake._stopping.is_set():
            raise _ClientGone
        try:
            self.wfile.write(data)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, OSError) as exc:
            raise _ClientGone from exc

    def _client_gone(self) -> bool:
        """True if the peer closed its side (FIN or RST), without consuming any data."""
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
            if not readable:
                return False
            return self.connection.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
        except BlockingIOError:
            return False
        except (OSError, ValueError):
            return True

    def _wait(self, seconds: float) -> None:
        """Sleep, but raise ``_ClientGone`` within ~_POLL_INTERVAL of a hang-up or stop()."""
        deadline = time.monotonic() + seconds
        while True:
            if self.fake._stopping.is_set() or self._client_gone():
                raise _ClientGone
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            self.fake._stopping.wait(min(_POLL_INTERVAL, remaining))

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            parts = []
            while True:
                size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(parts)
                parts.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _start(
        self,
        status: int,
        content_type: str,
        *,
        length: int | None = None,
        extra: Iterable[tuple[str, str]] = (),
    ) -> None:
        if self.fake._stopping.is_set():
            raise _ClientGone
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        if length is None:
            self.send_header("Transfer-Encoding", "chunked")
            self.send_header("Cache-Control", "no-cache")
        else:
            self.send_header("Content-Length", str(length))
        self.send_header("x-request-id", f"req_fake{self.fake._next_id()}")
        for name, value in extra:
            self.send_header(name, value)
        try:
            self.end_headers()  # writes the buffered status line and headers to the socket
        except OSError as exc:
            raise _ClientGone from exc

    def _send_json(self, status: int, body: bytes, extra: Iterable[tuple[str, str]] = ()) -> None:
        self._start(status, "application/json", length=len(body), extra=extra)
        self._write(body)

    # ---- dispatch

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        raw = self._read_body()
        path = self.path.split("?", 1)[0]
        if path.startswith(_CONTROL_PREFIX):
            self._control(path, raw)
            return
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        record = RequestRecord(
            method=self.command,
            path=self.path,
            headers={k.lower(): v for k, v in self._header_items()},
            body=body,
            raw_body=raw,
            stream=bool(isinstance(body, dict) and body.get("stream")),
        )
        self.fake._record(record)
        try:
            self._route(record, path)
        except _ClientGone:
            self.close_connection = True
            if not self.fake._stopping.is_set():
                self.fake._update(record, client_disconnected=True)
        finally:
            self.fake._update(record, finished=True, finished_at=time.monotonic())

    def _header_items(self) -> Iterator[tuple[str, str]]:
        merged: dict[str, str] = {}
        for name, value in self.headers.items():
            key = name.lower()
            merged[key] = f"{merged[key]}, {value}" if key in merged else value
        return iter(merged.items())

    def _route(self, record: RequestRecord, path: str) -> None:
        base = path.rstrip("/")
        if base.endswith("/models") and self.command == "GET":
            self._models(record)
        elif base.endswith("/chat/completions") and self.command == "POST":
            self._completion(record, legacy=False)
        elif base.endswith("/completions") and self.command == "POST":
            self._completion(record, legacy=True)
        else:
            failure = error(404, f"Unknown request URL: {self.command} {path}", code="unknown_url")
            self.fake._update(record, status=404, behaviour="error")
            self._send_json(404, _error_body(failure))

    def _models(self, record: RequestRecord) -> None:
        models, failure = self.fake._models_behaviour()
        if failure is not None:
            self.fake._update(record, status=failure.status, behaviour="error")
            self._send_json(failure.status, _error_body(failure), failure.headers)
            return
        data = [{"id": m, "object": "model", "created": 0, "owned_by": "test"} for m in models]
        self.fake._update(record, status=200)
        self._send_json(200, json.dumps({"object": "list", "data": data}).encode())

    def _control(self, path: str, raw: bytes) -> None:
        fake = self.fake
        try:
            if path == "/_fake/requests":
                body = json.dumps([r.to_dict() for r in fake.requests]).encode()
            elif path == "/_fake/script" and self.command == "POST":
                fake.load_script(json.loads(raw or b"[]"))
                body = json.dumps({"pending": len(fake.pending())}).encode()
            elif path == "/_fake/reset" and self.command == "POST":
                fake.reset()
                body = b"{}"
            else:
                self._send_json(404, b'{"error": "unknown control path"}')
                return
        except (ValueError, TypeError, KeyError) as exc:
            self._send_json(400, json.dumps({"error": str(exc)}).encode())
            return
        self._send_json(200, body)

    # ---- chat / legacy completions

    def _completion(self, record: RequestRecord, *, legacy: bool) -> None:
        body = record.body if isinstance(record.body, dict) else {}
        if "stream_options" in body and self.fake.rejects_stream_options:
            # An older server: the unknown parameter is refused before anything is generated,
            # and no scripted behaviour is used up (the client's retry gets it).
            failure = error(
                400,
                "Unrecognized request argument supplied: stream_options",
                code="unknown_parameter",
            )
            self.fake._update(record, status=400, behaviour="reject_stream_options")
            self._send_json(400, _error_body(failure))
            return
        if self.fake.applies_model_rules and (refused := model_rule_refusal(body)):
            status, payload = refused
            self.fake._update(record, status=status, behaviour="model_rule")
            self._send_json(status, json.dumps(payload).encode())
            return
        behaviour = self.fake._next_behaviour(str(body.get("model") or ""))
        self.fake._update(record, behaviour=behaviour.kind)
        payloads = _Payloads(legacy, str(body.get("model") or "test-model"), self.fake._next_id())
        stream = record.stream
        kind = behaviour.kind

        if kind == "error":
            self.fake._update(record, status=behaviour.status)
            self._send_json(behaviour.status, _error_body(behaviour), behaviour.headers)
            return

        self.fake._update(record, status=200)
        if kind == "hang":
            self._hang(behaviour, payloads, stream, body)
            return
        if kind == "many":
            self._many(behaviour, payloads, stream, body)
            return
        if kind == "raw":
            self._start(200, "text/event-stream; charset=utf-8", extra=behaviour.headers)
            for part in behaviour.chunks:
                self._write(_chunked(part.encode("latin-1")))
            if behaviour.reset:
                self._drop(dataclasses.replace(behaviour, reset=False))
            else:
                self._end_chunked()
            return

        if kind == "tools":
            self._tools(behaviour, payloads, body)
            return
        if kind == "echo":
            chunks = ["You said: ", *_split_words(_last_user_text(body))]
        else:
            chunks = list(behaviour.chunks)

        if not stream:
            self._non_stream(behaviour, payloads, chunks, body)
            return

        self._start(200, "text/event-stream; charset=utf-8")
        first = payloads.first()
        if first is not None:
            self._event(first)
        for i, text in enumerate(chunks):
            if i and behaviour.delay:
                self._wait(behaviour.delay)
            elif not i and behaviour.first_delay:
                self._wait(behaviour.first_delay)
            self._event(payloads.content(text))
        if kind == "drop":
            self._drop(behaviour)
            return
        if kind == "malformed":
            self._event(b"data: {not json\n\n")
            self._end_chunked()
            return
        if kind == "huge":
            self._huge(behaviour)
            return
        self._finish_stream(payloads, body, "".join(chunks))

    def _tools(self, behaviour: Behaviour, payloads: _Payloads, body: dict[str, Any]) -> None:
        self._start(200, "text/event-stream; charset=utf-8")
        first = payloads.first()
        if first is not None:
            self._event(first)
        for text in behaviour.chunks:
            self._event(payloads.content(text))
        for item in behaviour.tool_deltas:
            if behaviour.delay:
                self._wait(behaviour.delay)
            self._event(payloads.tool_delta(json.loads(item)))
        tail = payloads.last_with(behaviour.message or "tool_calls")
        options = body.get("stream_options")
        if isinstance(options, dict) and options.get("include_usage") and self.fake.usage_enabled:
            tail += payloads.usage_chunk(_usage(body, "".join(behaviour.chunks)))
        tail += b"data: [DONE]\n\n"
        self._write(_chunked(tail) + b"0\r\n\r\n")

    def _event(self, data: bytes) -> None:
        self._write(_chunked(data))

    def _usage_of(self, body: dict[str, Any], text: str) -> dict[str, int] | None:
        """The usage of a plain JSON answer; None when the server reports no usage."""
        return _usage(body, text) if self.fake.usage_enabled else None

    def _end_chunked(self) -> None:
        self._write(b"0\r\n\r\n")

    def _finish_stream(self, payloads: _Payloads, body: dict[str, Any], text: str) -> None:
        tail = payloads.last()
        options = body.get("stream_options")
        if isinstance(options, dict) and options.get("include_usage") and self.fake.usage_enabled:
            tail += payloads.usage_chunk(_usage(body, text))
        tail += b"data: [DONE]\n\n"
        self._write(_chunked(tail) + b"0\r\n\r\n")

    def _huge(self, behaviour: Behaviour) -> None:
        """``count`` bytes in one never-ending line (or event), then the end of the body."""
        if behaviour.newline_every:
            line = b"data: " + b"x" * 1017 + b"\n"  # 1 KB lines, never a blank one
            block = line * (_BULK_WRITE_SIZE // len(line))
        else:
            block = b"x" * _BULK_WRITE_SIZE
            self._write(_chunked(b'data: {"x": "'))
        written = 0
        while written < behaviour.count:
            piece = block[: behaviour.count - written]
            self._write(_chunked(piece))
            written += len(piece)
        self._end_chunked()

    def _drop(self, behaviour: Behaviour) -> None:
        self.close_connection = True
        if behaviour.reset:
            with contextlib.suppress(OSError):
                self.connection.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                )
                self.connection.close()
            return
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def _non_stream(
        self, behaviour: Behaviour, payloads: _Payloads, chunks: list[str], body: dict[str, Any]
    ) -> None:
        if behaviour.first_delay:
            self._wait(behaviour.first_delay)
        for _ in chunks[1:]:
            if behaviour.delay:
                self._wait(behaviour.delay)
        text = "".join(chunks)
        full = payloads.complete(text, self._usage_of(body, text))
        if behaviour.kind == "drop":
            self._start(200, "application/json", length=len(full))
            self._write(full[: len(full) // 2])
            self._drop(behaviour)
        elif behaviour.kind == "malformed":
            self._send_json(200, b"{not json")
        else:
            self._send_json(200, full)

    def _hang(
        self, behaviour: Behaviour, payloads: _Payloads, stream: bool, body: dict[str, Any]
    ) -> None:
        if not behaviour.send_headers:
            self._wait(behaviour.seconds)
        if stream:
            self._start(200, "text/event-stream; charset=utf-8")
            first = payloads.first()
            if behaviour.chunks:  # a stall mid-answer
                if first is not None:
                    self._event(first)
                for text in behaviour.chunks:
                    self._event(payloads.content(text))
                first = None
            if behaviour.send_headers:
                self._wait(behaviour.seconds)
            if first is not None:
                self._event(first)
            self._finish_stream(payloads, body, "".join(behaviour.chunks))
        else:
            self._start(200, "application/json")
            if behaviour.send_headers:
                self._wait(behaviour.seconds)
            self._event(payloads.complete("", self._usage_of(body, "")))
            self._end_chunked()

    def _many(
        self, behaviour: Behaviour, payloads: _Payloads, stream: bool, body: dict[str, Any]
    ) -> None:
        every = behaviour.newline_every
        newline_at = [every > 0 and (i + 1) % every == 0 for i in range(behaviour.count)]
        texts = [behaviour.chunk_text + ("\n" if nl else "") for nl in newline_at]
        if not stream:
            text = "".join(texts)
            self._send_json(200, payloads.complete(text, self._usage_of(body, text)))
            return
        # Pre-encode every event from a template so the server is never the bottleneck.
        before, after = payloads.content_template()
        plain = before + json.dumps(behaviour.chunk_text).encode() + after
        with_newline = before + json.dumps(behaviour.chunk_text + "\n").encode() + after
        pieces = [payloads.first() or b""]
        pieces.extend(with_newline if nl else plain for nl in newline_at)
        data = b"".join(pieces)
        self._start(200, "text/event-stream; charset=utf-8")
        view = memoryview(data)
        for start in range(0, len(data), _BULK_WRITE_SIZE):
            self._write(_chunked(bytes(view[start : start + _BULK_WRITE_SIZE])))
        self._finish_stream(payloads, body, "".join(texts))


# --------------------------------------------------------------------------- CLI


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Fake OpenAI-compatible server for tests.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--script", help="JSON script file (list of behaviours or an object)")
    parser.add_argument("--models", help="comma-separated model ids")
    args = parser.parse_args(argv)

    models = args.models.split(",") if args.models else DEFAULT_MODELS
    server = FakeOpenAIServer(models, host=args.host, port=args.port)
    if args.script:
        with open(args.script, encoding="utf-8") as fh:
            server.load_script(json.load(fh))
    server.start()

    done = threading.Event()

    def _on_signal(signum: int, frame: object) -> None:
        done.set()

    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    print(f"PORT {server.port}", flush=True)
    try:
        while not done.wait(0.5):
            pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

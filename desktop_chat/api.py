"""The API client: wraps `openai.AsyncOpenAI`, yields typed stream events, classifies errors.

This is the only module that uses `openai` (app.py merely pre-imports it off the GUI thread).
It does no HTTP, SSE parsing or retrying of its own (the SDK does all three); it turns the SDK's
chunks into typed events and the SDK's exceptions, once, into a `ChatError` that says what
happened and what to do. No text it produces ever contains the API key.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import os
import re
import time
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from desktop_chat.domain import (
    IMAGE_DETAILS,
    OFFICIAL_BASE_URL,
    AnswerWasThinking,
    ChatError,
    ChatTurn,
    ErrorKind,
    Mode,
    Parameters,
    ReasoningDelta,
    RequestAdapted,
    RequestSent,
    StreamEvent,
    StreamFinished,
    TextDelta,
    ToolCallsReady,
    is_official_endpoint,
)
from desktop_chat.request_rules import (
    TITLE_TOKENS_FOR_REASONING,
    Refusals,
    fit_request,
    is_reasoning_model,
    is_responses_only_refusal,
    refusal_in,
    refused_by_body,
    sends_reasoning_back,
)
from desktop_chat.thinking import ThinkSplitter
from desktop_chat.tool_stream import ToolCallAssembler

if TYPE_CHECKING:
    import httpx2
    import openai

    from desktop_chat.settings import Profile

log = logging.getLogger(__name__)

# Parsing a burst of buffered chunks never awaits real I/O, so without this the loop would not
# get a turn (to paint, or to handle Stop) until the whole burst was parsed.
YIELD_EVERY_SECONDS = 0.008
NO_KEY_PLACEHOLDER = "no-key-needed"  # the SDK insists on a key; local servers ignore it


@dataclass(frozen=True, slots=True)
class ProviderConfig:
    base_url: str = OFFICIAL_BASE_URL
    api_key: str | None = field(default=None, repr=False)
    organization: str | None = None
    project: str | None = None
    timeout_seconds: float = 60.0
    max_retries: int = 2
    proxy: str | None = None
    needs_key: bool | None = None  # None: only the official endpoint needs one
    profile: str = ""
    default_model: str = ""

    @property
    def is_official(self) -> bool:
        return is_official_endpoint(self.base_url)

    @property
    def key_required(self) -> bool:
        return self.is_official if self.needs_key is None else self.needs_key

    @classmethod
    def from_profile(
        cls,
        profile: Profile,
        key: str | None,
        environ: Mapping[str, str] | None = None,
    ) -> ProviderConfig:
        """A profile's settings; the environment still wins, as the SDK's own defaults do."""
        env = os.environ if environ is None else environ
        env_url = (env.get("OPENAI_BASE_URL") or "").rstrip("/")
        base_url = env_url or profile.base_url or OFFICIAL_BASE_URL
        from_env = profile.takes_environment_key(env)
        env_key = env.get("OPENAI_API_KEY") if from_env else None
        if env_url and env_url != profile.base_url.rstrip("/"):
            # The environment names another server: a key stored for this profile's own
            # server must not be sent there. Only OPENAI_API_KEY (or none) goes with it.
            key = None
        return cls(
            base_url=base_url,
            api_key=env_key or key,
            organization=(env.get("OPENAI_ORG_ID") if from_env else None)
            or profile.organization
            or None,
            project=(env.get("OPENAI_PROJECT_ID") if from_env else None) or profile.project or None,
            timeout_seconds=profile.timeout_seconds,
            proxy=profile.proxy or None,
            needs_key=None if env.get("OPENAI_BASE_URL") else profile.needs_key,
            profile=profile.name,
            default_model=profile.default_model,
        )


class ChatFailure(Exception):
    """Raised by the client with an already classified, user-facing `ChatError`."""

    def __init__(self, error: ChatError) -> None:
        super().__init__(str(error))
        self.error = error


class ChatClient:
    """One per event loop: the SDK's HTTP client is bound to the loop it first ran on."""

    def __init__(
        self, config: ProviderConfig, http_client: httpx2.AsyncClient | None = None
    ) -> None:
        self.config = config
        self._http_client = http_client
        self._sdk: openai.AsyncOpenAI | None = None
        self._extra_headers: dict[str, Any] = {}
        self._usage_supported = True  # until the server refuses stream_options
        self.refusals = Refusals()  # parameters this server refused, per model

    def _client(self) -> openai.AsyncOpenAI:
        if self._sdk is None:
            import openai  # imported late so that the window paints before this 0.6 s import

            key = self.config.api_key
            if not key:
                if self.config.key_required:
                    raise ChatFailure(no_key_error(self.config))
                key = NO_KEY_PLACEHOLDER
                # A keyless local server gets no Authorization header at all, not a fake key.
                self._extra_headers = {"Authorization": openai.Omit()}
            self._sdk = openai.AsyncOpenAI(
                api_key=key,
                base_url=self.config.base_url,
                organization=self.config.organization,
                project=self.config.project,
                timeout=self.config.timeout_seconds,
                max_retries=self.config.max_retries,
                http_client=self._http_client or self._bounded_client(),
            )
        return self._sdk

    def _bounded_client(self) -> httpx2.AsyncClient:
        """The SDK's default HTTP client (system proxy variables honoured, unless the profile
        names a proxy), with every response bounded: no stream event or body over
        MAX_EVENT_BYTES is buffered (see http_limits)."""
        client_class = _bounded_client_class()
        # Counted on the wire, so asked for uncompressed (SSE is sent so anyway).
        headers = {"Accept-Encoding": "identity"}
        if self.config.proxy:
            return client_class(proxy=self.config.proxy, headers=headers)
        return client_class(headers=headers)

    async def close(self) -> None:
        if self._sdk is not None:
            await self._sdk.close()
            self._sdk = None

    @contextlib.contextmanager
    def _classified(self, mid_stream: bool = False) -> Iterator[None]:
        """The one place SDK exceptions become a ChatFailure. Cancellation and GeneratorExit
        are BaseExceptions, so they pass through untouched."""
        try:
            yield
        except ChatFailure:
            raise
        except Exception as error:
            config = self.config
            classified = classify(error, config.api_key, mid_stream, config.timeout_seconds)
            # The original stays visible to a developer (a misshapen chunk may be our bug).
            log.debug("%s classified as %s", type(error).__name__, classified.kind, exc_info=True)
            raise ChatFailure(classified) from error

    async def list_models(self) -> list[str]:
        with self._classified():
            client = self._client()
            page = await client.models.list(extra_headers=self._extra_headers)
            ids = [model.id async for model in page]
        return sorted(set(ids))

    async def complete(
        self, model: str, turns: Sequence[ChatTurn], max_tokens: int | None = None
    ) -> str:
        """One short, non-streamed answer (used for titles)."""
        messages: list[Any] = [{"role": t.role.value, "content": t.content} for t in turns]
        extra: dict[str, Any] = {}
        if max_tokens:
            # Reasoning spends tokens before the first word: a 24-token title budget would
            # come back empty.
            reasoning = is_reasoning_model(model)
            extra["max_tokens"] = max(max_tokens, TITLE_TOKENS_FOR_REASONING if reasoning else 0)
        extra = fit_request(model, extra, self.config.is_official, self.refusals)
        for attempt in range(2):
            try:
                with self._classified():
                    client = self._client()
                    response = await client.chat.completions.create(
                        model=model, messages=messages, extra_headers=self._extra_headers, **extra
                    )
                break
            except ChatFailure as failure:
                adapted = self._adapted(model, extra, failure) if attempt == 0 else None
                if adapted is None:
                    raise
                extra = adapted[0]
        choice = response.choices[0] if response.choices else None
        return (choice.message.content or "") if choice and choice.message else ""

    def stream_chat(
        self,
        model: str,
        turns: Sequence[ChatTurn],
        parameters: Parameters,
        tools: Sequence[Mapping[str, Any]] = (),
    ) -> AsyncIterator[StreamEvent]:
        """Stream a chat answer. Cancelling the consumer closes the HTTP response for real.
        `tools`: function definitions (`{"type": "function", "function": {...}}`).

        Returns `_stream`'s generator itself rather than re-yielding from it: one generator
        hop less per chunk, which a 20,000-chunk answer notices."""
        body: dict[str, Any] = {
            "model": model,
            "messages": [turn_json(t, model) for t in turns],
            **parameters.as_request_kwargs(Mode.CHAT),
        }
        if tools:
            body["tools"] = [dict(tool) for tool in tools]
        return self._stream("/chat/completions", body)

    def stream_completion(
        self, model: str, prompt: str, parameters: Parameters
    ) -> AsyncIterator[StreamEvent]:
        """Stream from the legacy Completions endpoint: a plain prompt, for instruct models."""
        body: dict[str, Any] = {
            "model": model,
            "prompt": prompt,
            **parameters.as_request_kwargs(Mode.COMPLETION),
        }
        return self._stream("/completions", body)

    def _adapted(
        self, model: str, body: dict[str, Any], failure: ChatFailure
    ) -> tuple[dict[str, Any], str | None] | None:
        """The body without the parameter a 400 named as unsupported (or with its named
        replacement), remembered for this model, and a note if that is news; None if the
        failure is not such a refusal."""
        if failure.error.kind is not ErrorKind.BAD_REQUEST:
            return None
        refusal = refusal_in(failure.error.message)
        if refusal is None or not refused_by_body(refusal, body):
            return None
        note = refusal.describe(model) if self.refusals.remember(model, refusal) else None
        if note:
            log.info("%s", note)
        return self.refusals.apply(model, dict(body)), note

    async def _stream(self, endpoint: str, body: dict[str, Any]) -> AsyncIterator[StreamEvent]:
        model = str(body.get("model", ""))
        body = fit_request(model, {**body, "stream": True}, self.config.is_official, self.refusals)
        if self._usage_supported:
            body["stream_options"] = {"include_usage": True}
        notes: list[str] = []
        for attempt in range(3):  # stream_options, then one refused parameter, at most
            try:
                stream = await self._create(endpoint, body)
                break
            except ChatFailure as failure:
                if "stream_options" in body and _rejects_stream_options(failure):
                    # An older OpenAI-compatible server that does not know stream_options:
                    # ask without it, now and from now on.
                    self._usage_supported = False
                    body.pop("stream_options")
                    continue
                adapted = self._adapted(model, body, failure) if attempt < 2 else None
                if adapted is None:
                    raise
                body, note = adapted
                if note:
                    notes.append(note)
        yield RequestSent(endpoint, body)
        for note in notes:
            yield RequestAdapted(note)
        finish_reason: str | None = None
        splitter = ThinkSplitter()
        answered_model: str | None = None
        prompt_tokens: int | None = None
        completion_tokens: int | None = None
        reasoning_tokens: int | None = None
        last_yield = time.monotonic()
        assembler = ToolCallAssembler()
        with self._classified(mid_stream=True):
            async with stream:
                async for chunk in stream:
                    answered_model = chunk.model or answered_model
                    if getattr(chunk, "usage", None) is not None:
                        prompt_tokens = chunk.usage.prompt_tokens
                        completion_tokens = chunk.usage.completion_tokens
                        reasoning_tokens = _reasoning_tokens(chunk.usage)
                    for choice in chunk.choices:
                        if choice.index != 0:
                            continue
                        if thinking := _choice_reasoning(choice):
                            yield ReasoningDelta(thinking)
                        text = _choice_text(choice)
                        if text:
                            if splitter.passthrough:  # the hot path, once thinking is over
                                yield TextDelta(text)
                            else:
                                thought, text = splitter.feed(text)
                                if splitter.recast:
                                    yield AnswerWasThinking()
                                if thought:
                                    yield ReasoningDelta(thought)
                                if text:
                                    yield TextDelta(text)
                        if pieces := _choice_tool_calls(choice):
                            for piece in pieces:
                                if (piece_delta := assembler.feed(*piece)) is not None:
                                    yield piece_delta
                        finish_reason = choice.finish_reason or finish_reason
                    now = time.monotonic()
                    if now - last_yield > YIELD_EVERY_SECONDS:
                        await _yield_to_loop()
                        last_yield = time.monotonic()
        thought, text = splitter.finish()
        if thought:
            yield ReasoningDelta(thought)
        if text:
            yield TextDelta(text)
        if assembler and (calls := assembler.calls()):
            yield ToolCallsReady(calls)
        yield StreamFinished(
            finish_reason, answered_model, prompt_tokens, completion_tokens, reasoning_tokens
        )

    async def _create(self, endpoint: str, body: dict[str, Any]) -> Any:
        try:
            with self._classified():
                client = self._client()
                resource = client.chat.completions if endpoint == "/chat/completions" else None
                create = resource.create if resource is not None else client.completions.create
                return await create(**body, extra_headers=self._extra_headers)
        except ChatFailure as failure:
            raise _plainly(failure, str(body.get("model", ""))) from failure.__cause__


@functools.cache
def _bounded_client_class() -> type[httpx2.AsyncClient]:
    """EventBoundedClient on top of the SDK's default client class (its timeouts, connection
    limits and redirects); built on first use, since both modules are slow to import."""
    import openai

    from desktop_chat.http_limits import EventBoundedClient

    return type("BoundedAsyncHttpxClient", (EventBoundedClient, openai.DefaultAsyncHttpxClient), {})


def _reasoning_tokens(usage: Any) -> int | None:
    details = getattr(usage, "completion_tokens_details", None)
    count = getattr(details, "reasoning_tokens", None)
    return count if isinstance(count, int) and count > 0 else None


def _plainly(failure: ChatFailure, model: str) -> ChatFailure:
    """A refusal that a model works only through the Responses API (o1-pro, o3-pro), said
    plainly and naming the model, instead of the server's raw 400."""
    error = failure.error
    if error.kind not in (ErrorKind.BAD_REQUEST, ErrorKind.MODEL_NOT_FOUND):
        return failure
    if not is_responses_only_refusal(error.message):
        return failure
    return ChatFailure(
        ChatError(
            ErrorKind.BAD_REQUEST,
            f"{model or 'This model'} works only through OpenAI's Responses API, which "
            "desktop-chat does not use: it cannot answer in a chat here.",
            "Choose another model: o3, o4-mini or gpt-5 reason the same way through chat.",
            error.status_code,
            retryable=False,
        )
    )


def _choice_reasoning(choice: Any) -> str | None:
    """Thinking sent beside the content: `reasoning_content` (DeepSeek, vLLM, llama.cpp) or
    `reasoning` (OpenRouter, Ollama); extra fields the SDK keeps as they came."""
    delta = getattr(choice, "delta", None)
    if delta is None:
        return None
    # Looked up in the model's dicts, not with getattr: a pydantic model raises (and this
    # catches) an AttributeError for each missing name, ~4 µs a chunk on a 20,000-chunk answer.
    extra = getattr(delta, "model_extra", None) or {}
    fields = getattr(delta, "__dict__", None) or {}
    for name in ("reasoning_content", "reasoning"):
        value = extra.get(name) or fields.get(name)
        if isinstance(value, str) and value:
            return value
    return None


def turn_json(turn: ChatTurn, model: str = "") -> dict[str, Any]:
    """One history turn as the API takes it, tool calls and results included."""
    message: dict[str, Any] = {"role": turn.role.value, "content": turn.content}
    if turn.attachments:
        message["content"] = content_parts(turn)
    if turn.tool_call_id is not None:
        message["tool_call_id"] = turn.tool_call_id
    if turn.tool_calls:
        message["content"] = turn.content or None
        message["tool_calls"] = [
            {
                "id": call.id,
                "type": "function",
                "function": {"name": call.name, "arguments": call.arguments or "{}"},
            }
            for call in turn.tool_calls
        ]
        if turn.reasoning and sends_reasoning_back(model):
            message["reasoning_content"] = turn.reasoning
    return message


def content_parts(turn: ChatTurn) -> list[dict[str, Any]]:
    """A prompt with files as Chat Completions content parts, in order: the prompt's text,
    then each file: a document's text under its name, an image as a base64 data: URL."""
    parts: list[dict[str, Any]] = []
    if turn.content:
        parts.append({"type": "text", "text": turn.content})
    for attachment in turn.attachments:
        if attachment.is_image:
            detail = turn.image_detail if turn.image_detail in IMAGE_DETAILS else "auto"
            parts.append(
                {
                    "type": "image_url",
                    "image_url": {"url": attachment.data_url(), "detail": detail},
                }
            )
        else:
            parts.append({"type": "text", "text": attachment.document_part()})
    return parts


def _choice_tool_calls(
    choice: Any,
) -> list[tuple[int | None, str | None, str | None, str | None]] | None:
    """The tool-call pieces of a delta as plain values (index, id, name, arguments); the
    SDK keeps fields as they came, so `index` may be missing and `function` a dict."""
    delta = getattr(choice, "delta", None)
    items = getattr(delta, "tool_calls", None) if delta is not None else None
    if not items:
        return None
    pieces = []
    for item in items:
        get = item.get if isinstance(item, dict) else lambda name, i=item: getattr(i, name, None)
        function = get("function")
        fget = (
            function.get
            if isinstance(function, dict)
            else lambda name, f=function: getattr(f, name, None)
        )
        index = get("index")
        name, arguments = fget("name"), fget("arguments")
        if isinstance(arguments, dict):  # a few servers send an object, not JSON text
            arguments = json.dumps(arguments)
        pieces.append(
            (
                index if isinstance(index, int) and not isinstance(index, bool) else None,
                get("id") if isinstance(get("id"), str) else None,
                name if isinstance(name, str) else None,
                arguments if isinstance(arguments, str) else None,
            )
        )
    return pieces


def _choice_text(choice: Any) -> str | None:
    delta = getattr(choice, "delta", None)
    if delta is not None:
        return getattr(delta, "content", None)
    return getattr(choice, "text", None)  # legacy completions


def _rejects_stream_options(failure: ChatFailure) -> bool:
    error = failure.error
    return error.kind in (ErrorKind.BAD_REQUEST, ErrorKind.UNKNOWN) and (
        "stream_options" in error.message or "include_usage" in error.message
    )


# --- error classification ----------------------------------------------------------------

_KEY_PATTERN = re.compile(r"\b(sk-[A-Za-z0-9_*\-]{3,})")


_NO_IMAGES = re.compile(
    r"image_url|image input|images? (are|is) not supported|does not support images?|"
    r"not support(ed)? (image|vision)|no vision|vision is not|multimodal|image content|"
    r"content type.*image|image.*not (allowed|supported)",
    re.IGNORECASE,
)


def redact(text: str, api_key: str | None) -> str:
    """Remove the key, and anything shaped like one, from text shown to the user."""
    if api_key:
        text = text.replace(api_key, "[redacted]")
    return _KEY_PATTERN.sub("sk-…[redacted]", text)


def no_key_error(config: ProviderConfig | None = None) -> ChatError:
    where = f"the profile “{config.profile}”" if config and config.profile else "this server"
    return ChatError(
        ErrorKind.NO_API_KEY,
        f"No API key is set for {where}.",
        "Add one in Settings (Ctrl+,) or with `desktop-chat key set`; or set OPENAI_API_KEY; "
        "or choose a local OpenAI-compatible server (Ollama, LM Studio, llama.cpp) that needs "
        "no key.",
        retryable=True,
    )


_CONTEXT_TOO_LONG = re.compile(
    r"maximum context length|context[_ ]length[_ ]exceeded|exceeds? the (?:available )?context|"
    r"context window|too many tokens|prompt is too long",
    re.IGNORECASE,
)


def _error_code(error: BaseException) -> str | None:
    code = getattr(error, "code", None)
    return code if isinstance(code, str) else None


def _string_error(response: Any) -> str:
    """The text of a JSON body `{"error": "…"}`; nothing for a body that is not JSON (a
    proxy's HTML page could echo anything, headers included)."""
    try:
        data = json.loads(response.text)
    except (AttributeError, ValueError, TypeError):
        return ""
    inner = data.get("error") if isinstance(data, dict) else None
    return inner[:2000] if isinstance(inner, str) else ""


def _server_message(error: Exception) -> str:
    body = getattr(error, "body", None)
    if isinstance(body, str):  # the SDK unwraps {"error": "…"} (LM Studio) to the string
        return _string_error(getattr(error, "response", None))
    if isinstance(body, Mapping):
        inner = body.get("error", body)
        if isinstance(inner, str):  # {"error": "…"} (LM Studio)
            return inner
        if isinstance(inner, Mapping) and isinstance(inner.get("message"), str):
            return str(inner["message"])
        if isinstance(body.get("message"), str):
            return str(body["message"])
    return ""


def classify(
    error: BaseException,
    api_key: str | None = None,
    mid_stream: bool = False,
    timeout_seconds: float | None = None,
) -> ChatError:
    """Map an SDK (or transport) exception to what the user reads. Called once per failure.

    `timeout_seconds` is the profile's timeout, named in the message when it ran out."""
    import openai

    oversized = _oversized_event(error)
    if oversized is not None:
        return ChatError(
            ErrorKind.MALFORMED,
            f"The server sent more than {oversized // (1024 * 1024)} MB without ending a "
            "stream event or line, far more than any answer chunk; the stream was stopped.",
            "The partial answer is kept. Check that the base URL points at an "
            "OpenAI-compatible /v1 endpoint; then retry.",
            retryable=False,
        )
    detail = redact(_server_message(error) if isinstance(error, Exception) else "", api_key)
    if detail and not detail.rstrip().endswith((".", "!", "?")):
        detail = detail.rstrip() + "."
    suffix = f" The server said: {detail}" if detail else ""
    status = getattr(error, "status_code", None)

    if isinstance(error, openai.AuthenticationError):
        return ChatError(
            ErrorKind.AUTHENTICATION,
            "The server rejected the API key (401)." + suffix,
            "Check the key in OPENAI_API_KEY (or the profile's key) and that it is still active.",
            status,
            retryable=False,
        )
    if isinstance(error, openai.PermissionDeniedError):
        return ChatError(
            ErrorKind.PERMISSION,
            "This key is not allowed to use that model or endpoint (403)." + suffix,
            "Choose another model, or check the key's project and permissions.",
            status,
            retryable=False,
        )
    endpoint_mismatch = any(
        phrase in detail.lower()
        for phrase in ("not a chat model", "chat model and not supported", "v1/completions")
    )
    if endpoint_mismatch and isinstance(error, openai.APIStatusError) and status in (400, 404):
        return ChatError(
            ErrorKind.BAD_REQUEST,
            f"This model does not work with this endpoint ({status})." + suffix,
            "Switch the chat's mode (Chat ↔ Completion) under “System & parameters”, or pick "
            "another model.",
            status,
            retryable=False,
        )
    if isinstance(error, openai.NotFoundError):
        return ChatError(
            ErrorKind.MODEL_NOT_FOUND,
            "The server does not know this model or endpoint (404)." + suffix,
            "Pick a model from the list, or check that the base URL ends in /v1.",
            status,
        )
    if isinstance(error, openai.RateLimitError):
        return ChatError(
            ErrorKind.RATE_LIMITED,
            "Rate limit or quota reached (429)." + suffix,
            "Wait a moment and retry; if it persists, check your plan's quota and billing.",
            status,
        )
    if isinstance(error, openai.InternalServerError):
        return ChatError(
            ErrorKind.SERVER,
            f"The server had a problem ({status})." + suffix,
            "This is usually temporary: retry in a moment.",
            status,
        )
    refuses_images = _NO_IMAGES.search(detail)
    if refuses_images and isinstance(error, openai.APIStatusError) and status in (400, 404, 422):
        return ChatError(
            ErrorKind.IMAGES_NOT_SUPPORTED,
            f"This model does not accept images ({status})." + suffix,
            "Choose a vision model, or leave the earlier images out of this chat's requests.",
            status,
            retryable=False,
        )
    too_long = _CONTEXT_TOO_LONG.search(detail) or _error_code(error) == "context_length_exceeded"
    if too_long and isinstance(error, openai.APIStatusError) and status in (400, 413, 422):
        return ChatError(
            ErrorKind.CONTEXT_TOO_LONG,
            f"The conversation is longer than the model's context window ({status})." + suffix,
            "Send fewer earlier messages (the chat's Context setting), start a new chat, or "
            "choose a model with a larger context window.",
            status,
        )
    if isinstance(error, openai.BadRequestError | openai.UnprocessableEntityError):
        return ChatError(
            ErrorKind.BAD_REQUEST,
            f"The server refused the request ({status})." + suffix,
            "Check the model and parameters (temperature, max tokens, stop sequences).",
            status,
        )
    if isinstance(error, openai.APIStatusError):
        return ChatError(
            ErrorKind.SERVER if (status or 0) >= 500 else ErrorKind.UNKNOWN,
            f"The server answered with an error ({status})." + suffix,
            "Retry; if it persists, check the server and its logs.",
            status,
        )
    if isinstance(error, openai.APITimeoutError):
        waited = f" (no data for {timeout_seconds:g} s)" if timeout_seconds else ""
        if mid_stream:
            # httpx's read timeout is per read: the server went silent in the middle of the
            # answer (a stalled model, a dead proxy), which no retry of the SDK covers.
            return ChatError(
                ErrorKind.TIMEOUT,
                f"The server stopped sending{waited}.",
                "The partial answer is kept. Retry; a slow model on a local server may need a "
                "longer timeout (Settings, the profile's timeout).",
            )
        return ChatError(
            ErrorKind.TIMEOUT,
            f"The server took too long to answer{waited}.",
            "Retry; a large model on a local server may need a longer timeout.",
        )
    if isinstance(error, openai.APIConnectionError):
        if mid_stream:
            return _dropped()
        if _caused_by_tls(error):
            return ChatError(
                ErrorKind.TLS,
                "The server's TLS certificate could not be verified (or TLS failed).",
                "Check the base URL (http:// or https://), the server's certificate, and any "
                "proxy that intercepts TLS.",
                retryable=False,
            )
        return ChatError(
            ErrorKind.CONNECTION,
            "Could not connect to the server.",
            "Check your network, and that the base URL is right and the server is running.",
        )
    # Mid-stream, data of the wrong shape (a number where a chunk belongs, `choices` that is a
    # string, bytes that are not UTF-8) surfaces as one of these while it is parsed.
    misshapen = mid_stream and isinstance(error, _SHAPE_ERRORS)
    if misshapen or isinstance(error, json.JSONDecodeError | openai.APIResponseValidationError):
        return ChatError(
            ErrorKind.MALFORMED,
            "The server sent data that is not a valid OpenAI-compatible stream.",
            "Check that the base URL points at an OpenAI-compatible /v1 endpoint; then retry.",
        )
    if isinstance(error, openai.APIError):
        return ChatError(
            ErrorKind.SERVER if mid_stream else ErrorKind.UNKNOWN,
            "The server reported an error." + suffix,
            "Retry; if it persists, check the server.",
        )
    if mid_stream and _is_transport_error(error):
        return _dropped()
    return ChatError(
        ErrorKind.UNKNOWN,
        f"Unexpected error: {redact(type(error).__name__, api_key)}.",
        "Retry; if it persists, please report it.",
    )


def _causes(error: BaseException) -> Iterator[BaseException]:
    """The error, then what caused it (the SDK wraps transport errors), without cycles."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _oversized_event(error: BaseException) -> int | None:
    """The limit that was exceeded, if an oversized stream event is behind this error."""
    from desktop_chat.http_limits import OversizedEvent

    for cause in _causes(error):
        if isinstance(cause, OversizedEvent):
            return cause.limit
    return None


_SHAPE_ERRORS = (AttributeError, TypeError, KeyError, IndexError, ValueError)


def _caused_by_tls(error: BaseException) -> bool:
    import ssl

    for cause in _causes(error):
        text = f"{type(cause).__name__} {cause}".upper()
        if isinstance(cause, ssl.SSLError) or "CERTIFICATE" in text or "SSL" in text:
            return True
    return False


def _dropped() -> ChatError:
    return ChatError(
        ErrorKind.STREAM_DROPPED,
        "The connection dropped while the answer was streaming.",
        "The partial answer is kept. Retry to ask again.",
    )


def _is_transport_error(error: BaseException) -> bool:
    """Errors of the HTTP library itself, which the SDK lets through while streaming."""
    module = type(error).__module__ or ""
    return module.split(".")[0] in {"httpx2", "httpx", "httpcore", "h11", "anyio"} or isinstance(
        error, ConnectionError | OSError
    )


async def _yield_to_loop() -> None:
    """Let the loop run other tasks (and Qt paint) during a burst of ready chunks.

    asyncio is imported on first use: api.py is imported before the window paints, and the
    asyncio bridge is only started after that (see app.py)."""
    import asyncio

    await asyncio.sleep(0)

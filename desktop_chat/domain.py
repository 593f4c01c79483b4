"""Plain value types shared by every layer: conversations, messages, parameters, stream events.

This module owns the vocabulary of the app. It must never import Qt, sqlite3 or openai, so
that the store, the API client and the UI can all depend on it without depending on each other.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

FALLBACK_MODELS: tuple[str, ...] = ("gpt-4", "gpt-3.5-turbo", "gpt-4-turbo-preview")
DEFAULT_MODEL = "gpt-4"
MAX_STOP_SEQUENCES = 4
OFFICIAL_BASE_URL = "https://api.openai.com/v1"
REASONING_EFFORTS = ("minimal", "low", "medium", "high")
IMAGE_DETAILS = ("auto", "low", "high")
IMAGE_TOKENS = 800  # a rough guess of what one image costs in the context
# A streaming answer is written to the history at most this often (window and `ask` alike), so
# a crash loses at most about this much of it.
SAVE_EVERY_SECONDS = 1.0


def is_official_endpoint(base_url: str) -> bool:
    """True only for OpenAI's own API: https, host exactly api.openai.com (any case), no
    user info, default port. A string prefix would also match api.openai.com.example.net."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(base_url.strip())
        port = parts.port
    except ValueError:  # a malformed port or an unclosed [IPv6] bracket
        return False
    return (
        parts.scheme.lower() == "https"
        and (parts.hostname or "") == "api.openai.com"
        and not parts.username
        and parts.password is None
        and port in (None, 443)
    )


def utc_now() -> datetime:
    return datetime.now(UTC)


class Role(enum.StrEnum):
    SYSTEM = "system"
    USER = "user"
    ASSISTANT = "assistant"
    TOOL = "tool"  # a tool's result, sent back with the id of the call it answers


class Mode(enum.StrEnum):
    CHAT = "chat"  # /v1/chat/completions: messages with roles
    COMPLETION = "completion"  # legacy /v1/completions: a plain prompt (instruct models)


class MessageStatus(enum.StrEnum):
    COMPLETE = "complete"
    STREAMING = "streaming"  # only while a request runs; found after a crash -> interrupted
    INTERRUPTED = "interrupted"  # stopped by the user, or the app died mid-stream
    ERROR = "error"  # the request failed after part of the answer had arrived


@dataclass(frozen=True, slots=True)
class Parameters:
    """Sampling parameters sent with every request; None means "not sent" (server default)."""

    temperature: float | None = None
    top_p: float | None = None
    max_tokens: int | None = None
    presence_penalty: float | None = None
    frequency_penalty: float | None = None
    stop: tuple[str, ...] = ()
    seed: int | None = None
    json_mode: bool = False  # response_format {"type": "json_object"} (chat mode only)
    reasoning_effort: str | None = None  # one of REASONING_EFFORTS; None: the model's default
    context_messages: int | None = None  # send only the last N messages (None: all of them)
    image_detail: str = "auto"  # one of IMAGE_DETAILS, sent with each image (not a kwarg)
    omit_earlier_images: bool = False  # leave out images before the last prompt (text models)

    def as_request_kwargs(self, mode: Mode = Mode.CHAT) -> dict[str, object]:
        kwargs: dict[str, object] = {}
        names = ("temperature", "top_p", "max_tokens", "presence_penalty", "frequency_penalty")
        for name in (*names, "seed"):
            value = getattr(self, name)
            if value is not None:
                kwargs[name] = value
        if self.stop:
            kwargs["stop"] = list(self.stop[:MAX_STOP_SEQUENCES])  # the API takes up to 4
        if self.json_mode and mode is Mode.CHAT:
            kwargs["response_format"] = {"type": "json_object"}
        if self.reasoning_effort in REASONING_EFFORTS:
            kwargs["reasoning_effort"] = self.reasoning_effort
        return kwargs

    def to_dict(self) -> dict[str, object]:
        data = self.as_request_kwargs()
        data.pop("response_format", None)
        if self.json_mode:
            data["json_mode"] = True
        if self.context_messages:
            data["context_messages"] = self.context_messages
        if self.image_detail != "auto" and self.image_detail in IMAGE_DETAILS:
            data["image_detail"] = self.image_detail
        if self.omit_earlier_images:
            data["omit_earlier_images"] = True
        return data

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Parameters:
        def number(name: str) -> float | None:
            value = data.get(name)
            return float(value) if isinstance(value, int | float) else None

        max_tokens = data.get("max_tokens")
        seed = data.get("seed")
        context = data.get("context_messages")
        stop = data.get("stop") or ()
        return cls(
            temperature=number("temperature"),
            top_p=number("top_p"),
            max_tokens=int(max_tokens) if isinstance(max_tokens, int | float) else None,
            presence_penalty=number("presence_penalty"),
            frequency_penalty=number("frequency_penalty"),
            stop=tuple(str(s) for s in stop) if isinstance(stop, list | tuple) else (),
            seed=int(seed) if isinstance(seed, int) and not isinstance(seed, bool) else None,
            json_mode=data.get("json_mode") is True,
            reasoning_effort=effort
            if (effort := data.get("reasoning_effort")) in REASONING_EFFORTS
            else None,
            context_messages=context
            if isinstance(context, int) and not isinstance(context, bool) and context > 0
            else None,
            image_detail=detail
            if (detail := data.get("image_detail")) in IMAGE_DETAILS
            else "auto",
            omit_earlier_images=data.get("omit_earlier_images") is True,
        )


@dataclass(frozen=True, slots=True)
class Usage:
    """Tokens and timing of one answer. `estimated`: the server sent no usage, so the token
    counts are a rough guess (about four characters a token) and are shown as such."""

    prompt_tokens: int
    completion_tokens: int
    estimated: bool = False
    first_token_ms: int | None = None
    duration_ms: int | None = None
    reasoning_tokens: int | None = None  # of completion_tokens, when the server says
    thinking_ms: int | None = None  # from the first thought to the first answer token

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    @property
    def tokens_per_second(self) -> float | None:
        if not self.duration_ms or self.first_token_ms is None:
            return None
        generating = (self.duration_ms - self.first_token_ms) / 1000
        return self.completion_tokens / generating if generating > 0.05 else None


def estimate_tokens(text: str) -> int:
    return max(1, round(len(text) / 4)) if text else 0


@dataclass(frozen=True, slots=True)
class ToolCall:
    """One function call the model asked for, and (once it ran, or was denied) its result.

    `arguments` is the JSON text exactly as the model streamed it (it may not even be valid
    JSON: then the result says so). `result` None means "not answered yet"."""

    id: str
    name: str
    arguments: str = ""
    result: str | None = None
    status: str = ""  # "", "ok", "error", "denied", "cancelled", "skipped"

    def answered(self, result: str, status: str) -> ToolCall:
        return replace(self, result=result, status=status)

    def to_dict(self) -> dict[str, object]:
        data: dict[str, object] = {"id": self.id, "name": self.name, "arguments": self.arguments}
        if self.result is not None:
            data["result"] = self.result
            data["status"] = self.status
        return data

    @classmethod
    def from_dict(cls, data: object) -> ToolCall | None:
        if not isinstance(data, dict) or not isinstance(data.get("id"), str):
            return None
        result = data.get("result")
        return cls(
            id=data["id"],
            name=str(data.get("name") or ""),
            arguments=str(data.get("arguments") or ""),
            result=result if isinstance(result, str) else None,
            status=str(data.get("status") or ""),
        )


class AttachmentKind(enum.StrEnum):
    IMAGE = "image"  # sent as an image_url part (a base64 data: URL)
    DOCUMENT = "document"  # its text is sent, under the file's name


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file attached to a user message: an image, or a document reduced to its text.

    `data` is the bytes kept (the re-encoded image, or the document's original bytes);
    `sha256` names them (the store keeps each distinct content once)."""

    name: str
    mime_type: str
    sha256: str
    size: int
    kind: AttachmentKind
    text: str = ""  # a document's extracted text
    data: bytes = field(default=b"", repr=False, compare=True)

    @property
    def is_image(self) -> bool:
        return self.kind is AttachmentKind.IMAGE

    @classmethod
    def of(
        cls, name: str, mime_type: str, data: bytes, kind: AttachmentKind, text: str = ""
    ) -> Attachment:
        import hashlib  # off the start-up path

        digest = hashlib.sha256(data).hexdigest()
        return cls(name, mime_type, digest, len(data), kind, text, data)

    def estimated_tokens(self) -> int:
        if self.is_image:
            return IMAGE_TOKENS
        return estimate_tokens(self.text) + estimate_tokens(self.name) + 4

    def data_url(self) -> str:
        import base64

        return f"data:{self.mime_type};base64,{base64.b64encode(self.data).decode('ascii')}"

    def document_part(self) -> str:
        """A document as the text sent to the model: its name, then its text fenced."""
        fence = "```"
        while fence in self.text:
            fence += "`"
        return f"{self.name}\n{fence}\n{self.text}\n{fence}"


_IMAGE_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"BM", "image/bmp"),
)


def image_mime_type(data: bytes) -> str | None:
    """The MIME type of image bytes, from their signature (a file's name may lie)."""
    for signature, mime_type in _IMAGE_SIGNATURES:
        if data.startswith(signature):
            return mime_type
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB"):
        if value < 1024 or unit == "MB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} MB"


@dataclass(frozen=True, slots=True)
class Message:
    id: str
    conversation_id: str
    parent_id: str | None
    role: Role
    content: str
    created_at: datetime
    model: str | None = None
    status: MessageStatus = MessageStatus.COMPLETE
    sibling_index: int = 0  # position among the alternatives with the same parent
    sibling_count: int = 1
    usage: Usage | None = None
    reasoning: str = ""  # the model's thinking, shown apart and never sent back
    tool_calls: tuple[ToolCall, ...] = ()  # an assistant's calls, each with its result
    profile: str | None = None  # the answer's own profile (compare); None: the conversation's
    compare_group: str | None = None  # shared by the answers of one compared turn
    attachments: tuple[Attachment, ...] = ()  # a user message's files, in order

    def with_content(self, content: str, status: MessageStatus | None = None) -> Message:
        return replace(self, content=content, status=status or self.status)


@dataclass(frozen=True, slots=True)
class Conversation:
    id: str
    title: str
    created_at: datetime
    updated_at: datetime
    model: str = DEFAULT_MODEL
    system_prompt: str = ""
    parameters: Parameters = field(default_factory=Parameters)
    pinned: bool = False
    messages: tuple[Message, ...] = ()  # the active branch, oldest first
    profile: str = ""  # provider profile name; "" means the default profile
    mode: Mode = Mode.CHAT

    @property
    def last_message(self) -> Message | None:
        return self.messages[-1] if self.messages else None


@dataclass(frozen=True, slots=True)
class ChatTurn:
    """One message as sent to the API."""

    role: Role
    content: str
    tool_calls: tuple[ToolCall, ...] = ()  # on an assistant turn
    tool_call_id: str | None = None  # on a tool turn: the call it answers
    reasoning: str = ""  # sent back only where a model's rules ask for it (DeepSeek)
    attachments: tuple[Attachment, ...] = ()  # on a user turn: sent as content parts
    image_detail: str = "auto"

    def estimated_tokens(self) -> int:
        return estimate_tokens(self.content) + sum(a.estimated_tokens() for a in self.attachments)


NO_RESULT = "The tool was not run (the request was interrupted)."


def request_history(conversation: Conversation, upto: Message | None = None) -> list[ChatTurn]:
    """The whole history for a request: the system prompt, then the turns of the active branch.

    `upto` stops the history at (and including) that message, for regenerate and resend.
    Messages whose text is empty (an answer that never started) are left out.
    """
    turns: list[ChatTurn] = []
    for message in conversation.messages:
        if message.tool_calls:
            # The API's order: the assistant's calls, then one `tool` message per call.
            turns.append(
                ChatTurn(
                    message.role, message.content, message.tool_calls, reasoning=message.reasoning
                )
            )
            turns.extend(
                ChatTurn(Role.TOOL, call.result or NO_RESULT, tool_call_id=call.id)
                for call in message.tool_calls
            )
        elif message.content or message.role is Role.USER:
            turns.append(
                ChatTurn(
                    message.role,
                    message.content,
                    attachments=message.attachments,
                    image_detail=conversation.parameters.image_detail,
                )
            )
        if upto is not None and message.id == upto.id:
            break
    if conversation.parameters.omit_earlier_images:
        turns = without_earlier_images(turns)
    turns = last_messages(turns, conversation.parameters.context_messages)
    if conversation.system_prompt.strip():
        turns.insert(0, ChatTurn(Role.SYSTEM, conversation.system_prompt))
    return turns


def without_earlier_images(turns: list[ChatTurn]) -> list[ChatTurn]:
    """The chat's "leave earlier images out": images before the last user turn are dropped
    (documents stay), so a text-only model can go on with a chat that had pictures."""
    last_user = max((i for i, t in enumerate(turns) if t.role is Role.USER), default=-1)
    return [
        replace(t, attachments=tuple(a for a in t.attachments if not a.is_image))
        if i < last_user and t.attachments
        else t
        for i, t in enumerate(turns)
    ]


def last_messages(turns: list[ChatTurn], count: int | None) -> list[ChatTurn]:
    """The chat's Context setting: only the last `count` messages go (the system message is
    added by the caller, always). The kept part starts with a user message where it can, as
    an answer with no question before it puzzles models."""
    if not count or len(turns) <= count:
        return turns
    kept = turns[-count:]
    while len(kept) > 1 and kept[0].role is not Role.USER:
        kept = kept[1:]
    return kept


# --- stream events yielded by the API client -------------------------------------------------


@dataclass(frozen=True, slots=True)
class TextDelta:
    text: str


@dataclass(frozen=True, slots=True)
class RequestSent:
    """The exact request body, first event of a stream (for "View request")."""

    endpoint: str
    body: dict[str, object]


@dataclass(frozen=True, slots=True)
class ReasoningDelta:
    """Thinking text (reasoning_content / reasoning deltas, or a leading <think> block)."""

    text: str


@dataclass(frozen=True, slots=True)
class AnswerWasThinking:
    """The content so far was thinking: a lone `</think>` came (Qwen3's template puts the
    opening tag in the prompt). Drop the answer text received so far; the thinking, all of
    it, follows as a ReasoningDelta."""


@dataclass(frozen=True, slots=True)
class RequestAdapted:
    """The server refused a parameter for this model; the request was sent without it (or
    under the name it asked for), and will be from now on. Told to the user once."""

    note: str


@dataclass(frozen=True, slots=True)
class StreamFinished:
    finish_reason: str | None
    model: str | None = None
    prompt_tokens: int | None = None  # from the server's usage chunk, when it sends one
    completion_tokens: int | None = None
    reasoning_tokens: int | None = None  # completion_tokens_details.reasoning_tokens


@dataclass(frozen=True, slots=True)
class ToolCallDelta:
    """A piece of a streamed tool call: its name when it first appears, then argument text."""

    index: int
    name: str
    arguments: str


@dataclass(frozen=True, slots=True)
class ToolCallsReady:
    """The tool calls of the answer, assembled, just before StreamFinished."""

    calls: tuple[ToolCall, ...]


StreamEvent = (
    RequestSent
    | RequestAdapted
    | ReasoningDelta
    | TextDelta
    | AnswerWasThinking
    | ToolCallDelta
    | ToolCallsReady
    | StreamFinished
)


class ErrorKind(enum.StrEnum):
    NO_API_KEY = "no_api_key"
    AUTHENTICATION = "authentication"
    PERMISSION = "permission"
    MODEL_NOT_FOUND = "model_not_found"
    RATE_LIMITED = "rate_limited"
    SERVER = "server"
    TIMEOUT = "timeout"
    CONNECTION = "connection"
    STREAM_DROPPED = "stream_dropped"
    MALFORMED = "malformed"
    BAD_REQUEST = "bad_request"
    CONTEXT_TOO_LONG = "context_too_long"
    IMAGES_NOT_SUPPORTED = "images_not_supported"  # a text-only model was sent an image
    TLS = "tls"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class ChatError:
    """A failure as the user should read it: what happened and what to do next.

    Built once, in the API client, from the SDK's exception. Its text never contains the key.
    """

    kind: ErrorKind
    message: str
    hint: str
    status_code: int | None = None
    retryable: bool = True

    def __str__(self) -> str:
        return f"{self.message} {self.hint}".strip()


def title_from_prompt(prompt: str, limit: int = 48) -> str:
    """A provisional title: the first words of the prompt on one line."""
    words = " ".join(prompt.split())
    if len(words) <= limit:
        return words or "New chat"
    cut = words[:limit].rsplit(" ", 1)[0] or words[:limit]
    return cut + "…"

"""ChatController: the one place where Qt meets asyncio.

It runs every request as a task on the qasync loop, persists each turn through the store, and
tells the UI what happens through Qt signals (started, delta, finished, failed). Deltas are
coalesced to one emission per frame per conversation, so the UI's cost does not grow with the
server's chunk rate. Stop cancels the task, which closes the HTTP stream (the SDK's stream
context manager awaits `response.aclose()`); the partial answer is kept as interrupted.

Widgets never import `openai` or `sqlite3`; they call this controller and read the store.
"""

from __future__ import annotations

import contextlib
import logging
import re
import time
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal

from desktop_chat.api import ChatClient, ChatFailure, ProviderConfig
from desktop_chat.domain import (
    DEFAULT_MODEL,
    FALLBACK_MODELS,
    SAVE_EVERY_SECONDS,
    AnswerWasThinking,
    Attachment,
    ChatError,
    ChatTurn,
    ErrorKind,
    Message,
    MessageStatus,
    Mode,
    ReasoningDelta,
    RequestAdapted,
    RequestSent,
    Role,
    StreamEvent,
    StreamFinished,
    TextDelta,
    ToolCall,
    ToolCallsReady,
    Usage,
    estimate_tokens,
    request_history,
    title_from_prompt,
)
from desktop_chat.model_list import chat_models, fallback_model
from desktop_chat.settings import Profile
from desktop_chat.store import ConversationStore, StoreError
from desktop_chat.tool_loop import (
    CANCELLED,
    DENIED,
    STATE_PREFIX,
    ChatTools,
    Decision,
    step_limit_notice,
    step_limit_text,
)
from desktop_chat.wording import counted

if TYPE_CHECKING:
    import asyncio
    from collections.abc import Awaitable

    from desktop_chat.mcp_tools import ToolBox, ToolSpec

    # (conversation id, the call, its server) -> the user's decision; the CLI's terminal
    # prompt, for instance. Without one, the controller asks the UI (tool_approval_needed).
    Approver = Callable[[str, ToolCall, str], Awaitable[Decision]]

    from desktop_chat.compare import CompareRunner

log = logging.getLogger(__name__)

# Deltas reach the view at most 30 times a second: smooth to read, and the repaint cost stays
# a small share of the stream's own (measured by tests/perf/bench.py).
FRAME_SECONDS = 0.033
# A frame that carried more text than this (faster than ~2,000 tokens a second: a replay, a
# cached answer, a very fast server) slows the next in proportion, down to 10 a second: nobody
# reads that fast, and each repaint scrolls and flushes the whole view, time the parsing needs.
FAST_FRAME_CHARS = 300
DEFAULT_TITLE = "New chat"


def _spawn(coroutine: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
    """Run a coroutine as a task on the running (qasync) loop.

    asyncio is imported here, not at the top: the window is built and painted before the
    asyncio bridge exists (see app.py), and importing asyncio costs ~30 ms of that start."""
    import asyncio

    return asyncio.ensure_future(coroutine)


@dataclass(slots=True)
class _Run:
    conversation_id: str
    message: Message
    task: asyncio.Task[None] | None = None
    chunks: list[str] = field(default_factory=list)  # everything received, joined lazily
    pending: list[str] = field(default_factory=list)  # received but not yet shown
    pending_thinking: list[str] = field(default_factory=list)
    reasoning: list[str] = field(default_factory=list)  # thinking, stored apart from the text
    saved_at: float = field(default_factory=time.monotonic)
    saved_length: int = 0
    length: int = 0
    started_at: float = field(default_factory=time.monotonic)
    first_token_at: float | None = None
    first_thought_at: float | None = None
    request: dict[str, object] | None = None
    prompt_tokens: int | None = None  # from the server's usage, when it sends it
    completion_tokens: int | None = None
    reasoning_tokens: int | None = None
    prompt_estimate: int = 0
    step: int = 0  # tool rounds run before this request, in this answer's loop
    tool_specs: dict[str, ToolSpec] = field(default_factory=dict)  # by the name the model sees
    tool_calls: tuple[ToolCall, ...] = ()

    def thinking_ms(self) -> int | None:
        """From the first thought to the first answer token (or to now, if none came)."""
        if self.first_thought_at is None:
            return None
        until = self.first_token_at or time.monotonic()
        return max(0, round((until - self.first_thought_at) * 1000))

    def usage(self) -> Usage | None:
        if self.request is None:
            return None  # nothing was sent
        elapsed = round((time.monotonic() - self.started_at) * 1000)
        first = (
            round((self.first_token_at - self.started_at) * 1000)
            if self.first_token_at is not None
            else None
        )
        if self.prompt_tokens is not None and self.completion_tokens is not None:
            return Usage(
                self.prompt_tokens,
                self.completion_tokens,
                False,
                first,
                elapsed,
                self.reasoning_tokens,
                self.thinking_ms(),
            )
        return Usage(
            self.prompt_estimate,
            estimate_tokens(self.text()),
            True,
            first,
            elapsed,
            thinking_ms=self.thinking_ms(),
        )

    def save(self, store: ConversationStore, status: MessageStatus | None) -> None:
        """Write the text and thinking so far; raises StoreError (they stay in memory and
        are written again at the next save)."""
        self.saved_at = time.monotonic()
        store.update_message(self.message.id, self.text(), status, "".join(self.reasoning) or None)
        self.saved_length = self.length

    def text(self) -> str:
        if len(self.chunks) > 1:
            self.chunks[:] = ["".join(self.chunks)]
        return self.chunks[0] if self.chunks else ""


class ChatController(QObject):
    started = Signal(str, object)  # conversation id, the (empty) assistant Message
    delta = Signal(str, str)  # conversation id, text appended since the last emission
    finished = Signal(str, object)  # conversation id, the final assistant Message
    failed = Signal(str, object, object)  # conversation id, ChatError, kept partial Message|None
    conversation_changed = Signal(str)  # title, model or messages changed in the store
    models_loaded = Signal(list, bool)  # model ids, True if the server listed them
    profile_models_loaded = Signal(str, list, bool)  # profile name, its models, from the server
    storage_error = Signal(str)
    request_adapted = Signal(str, str)  # conversation id, what was changed to fit the model
    thinking_delta = Signal(str, str)  # conversation id, thinking appended since the last one
    answer_recast = Signal(str)  # conversation id: the answer so far was thinking (</think>)
    # tools (MCP): a call waits for the user's decision (answer with answer_tool_call);
    # the calls of an answer changed (a result came); the tool phase began / ended; a notice
    tool_approval_needed = Signal(str, object, str)  # conversation id, ToolCall, server name
    tool_calls_changed = Signal(str, object)  # conversation id, the assistant Message
    tools_running = Signal(str, bool)  # conversation id, True while calls run or wait
    tool_notice = Signal(str, str)  # conversation id, text for the user
    tools_listed = Signal(str, str)  # server, "" or why it could not start (load_tools_of)

    def __init__(
        self,
        store: ConversationStore,
        providers: ProviderConfig | Callable[[str], ProviderConfig],
        client_factory: Callable[[ProviderConfig], ChatClient] = ChatClient,
        parent: QObject | None = None,
        auto_titles: bool = True,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.auto_titles = auto_titles
        # A fixed config (tests, `ask`), or a resolver from profile name ("" = default).
        self._resolve = providers if callable(providers) else (lambda _name: providers)
        self._client_factory = client_factory
        self._clients: dict[str, ChatClient] = {}
        self._retired: list[ChatClient] = []
        self._runs: dict[str, _Run] = {}
        self._model_task: asyncio.Task[None] | None = None
        self._title_tasks: dict[str, asyncio.Task[None]] = {}
        self._profile_model_tasks: set[asyncio.Task[None]] = set()  # kept: the loop holds weakly
        self.models: list[str] = list(FALLBACK_MODELS)
        self.models_from_server = False
        # What each profile's server lists beside its chat models (embeddings, speech,
        # images…), for the picker's "Show all models"; "" is the default profile.
        self.other_models: dict[str, list[str]] = {}
        self._models_asked_at: dict[str, float] = {}
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(int(FRAME_SECONDS * 1000))
        self._flush_timer.timeout.connect(self._flush)
        self._flush_scheduled = False
        self.tools: ToolBox | None = None  # set by the app and `ask`; None: no tools at all
        self.approver: Approver | None = None
        self._tool_phases: dict[str, asyncio.Task[None]] = {}
        self._approvals: dict[str, asyncio.Future[Decision]] = {}
        self._compare: CompareRunner | None = None

    @property
    def compare(self) -> CompareRunner:
        """Side-by-side comparisons (desktop_chat/compare.py), made on first use."""
        if self._compare is None:
            from desktop_chat.compare import CompareRunner

            self._compare = CompareRunner(self)
        return self._compare

    def client_for(self, profile: str) -> ChatClient:
        return self._chat_client(profile)

    # --- queries ----------------------------------------------------------------------------

    @property
    def config(self) -> ProviderConfig:
        """The default profile's provider settings."""
        return self._resolve("")

    def config_for(self, profile: str) -> ProviderConfig:
        return self._resolve(profile)

    @property
    def needs_api_key(self) -> bool:
        config = self.config
        return not config.api_key and config.key_required

    def providers_changed(self) -> None:
        """Settings or keys changed: new requests use new clients; running ones finish."""
        self._retired.extend(self._clients.values())
        self._clients.clear()
        self.load_models()

    def preferred_model(self) -> str:
        """The model for a new chat: the profile's default, unless the server does not list it
        (a local server without gpt-4): then the first model the server offers."""
        preferred = self.config.default_model or DEFAULT_MODEL
        if self.models_from_server and self.models and preferred not in self.models:
            return fallback_model(self.models) or preferred
        return preferred

    def is_streaming(self, conversation_id: str) -> bool:
        return (
            conversation_id in self._runs
            or conversation_id in self._tool_phases
            or (self._compare is not None and self._compare.is_running(conversation_id))
        )

    # --- tools (MCP) ------------------------------------------------------------------------

    def chat_tools(self, conversation_id: str) -> ChatTools:
        state = ChatTools.from_json(self.store.get_state(STATE_PREFIX + conversation_id))
        if state.servers is None:
            state.servers = self.tools.defaults() if self.tools is not None else []
        return state

    def tool_servers_for(self, conversation_id: str) -> list[str]:
        """The servers whose tools this chat offers the model (configured and enabled)."""
        if self.tools is None:
            return []
        enabled = set(self.tools.enabled())
        return [name for name in self.chat_tools(conversation_id).servers or [] if name in enabled]

    def set_tool_servers(self, conversation_id: str, servers: list[str]) -> None:
        state = self.chat_tools(conversation_id)
        state.servers = list(servers)
        self._save_chat_tools(conversation_id, state)

    def set_tool_enabled(self, conversation_id: str, server: str, tool: str, on: bool) -> None:
        """Offer one tool of a chosen server in this chat, or not."""
        state = self.chat_tools(conversation_id)
        key = ChatTools.key(server, tool)
        state.off = (state.off - {key}) if on else (state.off | {key})
        self._save_chat_tools(conversation_id, state)

    def load_tools_of(self, server: str) -> None:
        """Start a server to learn its tools; `tools_listed` tells when they are known."""
        if self.tools is None:
            return
        tools = self.tools

        async def start() -> None:
            _specs, problems = await tools.tools([server])
            self.tools_listed.emit(server, problems[0] if problems else "")

        _spawn(start())

    def _save_chat_tools(self, conversation_id: str, state: ChatTools) -> None:
        try:
            self.store.set_state(STATE_PREFIX + conversation_id, state.to_json())
        except StoreError as error:
            self.storage_error.emit(str(error))

    def answer_tool_call(self, conversation_id: str, decision: Decision) -> None:
        """The user's answer to tool_approval_needed."""
        future = self._approvals.get(conversation_id)
        if future is not None and not future.done():
            future.set_result(decision)

    def awaiting_approval(self, conversation_id: str) -> bool:
        return conversation_id in self._approvals

    def live_message(self, conversation_id: str) -> Message | None:
        """The answer streaming now, with everything received so far (for a reopened tab)."""
        run = self._runs.get(conversation_id)
        if run is None:
            return None
        return replace(run.message.with_content(run.text()), reasoning="".join(run.reasoning))

    def streaming_count(self) -> int:
        compared = self._compare.streaming_count() if self._compare is not None else 0
        return len(self._runs) + compared

    # --- commands ---------------------------------------------------------------------------

    def send(
        self, conversation_id: str, text: str, attachments: Sequence[Attachment] = ()
    ) -> Message | None:
        """Save the prompt (committed before the request goes out), then stream an answer."""
        user = self.commit_prompt(conversation_id, text, attachments)
        if user is None:
            return None
        # `started` tells the views (they reload once); without a start, say the store changed.
        if not self._start(conversation_id, user):
            self.conversation_changed.emit(conversation_id)
        return user

    def commit_prompt(
        self, conversation_id: str, text: str, attachments: Sequence[Attachment] = ()
    ) -> Message | None:
        """Store a prompt (text, files or both) at the end of the chat, which a first prompt
        names; None if there is nothing to send, an answer is coming, or the store failed."""
        if (not text.strip() and not attachments) or self.is_streaming(conversation_id):
            return None
        try:
            conversation = self.store.get_conversation(conversation_id)
            parent = conversation.last_message
            prompt = self.store.add_message(
                conversation_id,
                parent.id if parent else None,
                Role.USER,
                text,
                attachments=tuple(attachments),
            )
            if conversation.title == DEFAULT_TITLE and not conversation.messages:
                first = text if text.strip() else attachments[0].name
                self.store.update_conversation(conversation_id, title=title_from_prompt(first))
        except StoreError as error:
            self.storage_error.emit(str(error))
            return None
        return prompt

    def retry(self, conversation_id: str) -> None:
        """Ask again for the last prompt of the active branch (after a failure)."""
        conversation = self.store.get_conversation(conversation_id)
        prompt = next((m for m in reversed(conversation.messages) if m.role is Role.USER), None)
        if prompt is not None and not self.is_streaming(conversation_id):
            self._start(conversation_id, prompt)

    def regenerate(self, conversation_id: str, answer_id: str | None = None) -> None:
        """A new answer to the same prompt; the old answer stays as an alternative branch."""
        if answer_id is None:
            self.retry(conversation_id)
            return
        answer = self.store.get_message(answer_id)
        if answer.parent_id is None or self.is_streaming(conversation_id):
            return
        self._start(conversation_id, self.store.get_message(answer.parent_id))

    def edit_message(self, message_id: str, text: str) -> Message | None:
        """Edit as a new alternative (the old text stays as a branch); resend if it's a prompt."""
        original = self.store.get_message(message_id)
        if self.is_streaming(original.conversation_id):
            return None
        try:
            edited = self.store.add_message(
                original.conversation_id,
                original.parent_id,
                original.role,
                text,
                model=original.model,
                attachments=original.attachments,
            )
        except StoreError as error:
            self.storage_error.emit(str(error))
            return None
        if edited.role is not Role.USER or not self._start(original.conversation_id, edited):
            self.conversation_changed.emit(original.conversation_id)
        return edited

    # --- playground edits: each rewrite keeps the old branch as an alternative -------------

    def append_message(self, conversation_id: str, role: Role, text: str) -> Message | None:
        """Add a message of any role at the end, without asking for an answer."""
        if self.is_streaming(conversation_id):
            return None
        tip = self.store.get_conversation(conversation_id).last_message
        message = self.store.add_message(conversation_id, tip.id if tip else None, role, text)
        self.conversation_changed.emit(conversation_id)
        return message

    def remove_message(self, message_id: str) -> None:
        """Take a message out of the conversation; what followed it stays."""
        self._rewrite(message_id, lambda branch, i: (i, branch[i + 1 :]))

    def move_message(self, message_id: str, step: int) -> None:
        """Swap a message with its neighbour (step -1: earlier, +1: later)."""

        def swap(branch: tuple[Message, ...], i: int) -> tuple[int, tuple[Message, ...]]:
            j = i + step
            if not 0 <= j < len(branch):
                return len(branch), ()
            first = min(i, j)
            moved = list(branch[first:])
            moved[0], moved[1] = moved[1], moved[0]
            return first, tuple(moved)

        self._rewrite(message_id, swap)

    def rerun_from(self, message_id: str) -> None:
        """Ask again from this prompt: a new answer branches off here."""
        message = self.store.get_message(message_id)
        if message.role is Role.ASSISTANT:
            self.regenerate(message.conversation_id, message_id)
        elif not self.is_streaming(message.conversation_id):
            self._start(message.conversation_id, message)

    def _rewrite(
        self,
        message_id: str,
        change: Callable[[tuple[Message, ...], int], tuple[int, tuple[Message, ...]]],
    ) -> None:
        conversation_id = self.store.get_message(message_id).conversation_id
        if self.is_streaming(conversation_id):
            return
        branch = self.store.get_conversation(conversation_id).messages
        index = next((i for i, m in enumerate(branch) if m.id == message_id), None)
        if index is None:
            return
        keep, tail = change(branch, index)
        if keep >= len(branch):
            return
        if keep == len(branch) - 1 and not tail:
            # Removing the last message: nothing follows it to keep, so it simply goes.
            self.store.delete_message(message_id)
            self.conversation_changed.emit(conversation_id)
            return
        try:
            self.store.replace_tail(
                conversation_id,
                keep,
                [(m.role, m.content, m.model, m.status) for m in tail],
                [m.attachments for m in tail],
            )
        except StoreError as error:
            self.storage_error.emit(str(error))
            return
        self.conversation_changed.emit(conversation_id)

    def select_alternative(self, message_id: str, step: int) -> None:
        siblings = self.store.siblings(message_id)
        index = siblings.index(message_id) + step
        if 0 <= index < len(siblings) and not self.is_streaming(
            self.store.get_message(message_id).conversation_id
        ):
            self.store.select_branch(siblings[index])
            self.conversation_changed.emit(self.store.get_message(message_id).conversation_id)

    def stop(self, conversation_id: str) -> None:
        run = self._runs.get(conversation_id)
        if run is not None and run.task is not None:
            run.task.cancel()
        phase = self._tool_phases.get(conversation_id)
        if phase is not None:
            phase.cancel()  # the running call, or the wait for approval, and the loop
        if self._compare is not None:
            self._compare.stop(conversation_id)  # Esc stops every column of a comparison

    async def shutdown(self) -> None:
        """Stop every stream (partial answers are saved as interrupted) and close the client."""
        tasks = [run.task for run in self._runs.values() if run.task is not None]
        tasks.extend(self._tool_phases.values())
        if self._compare is not None:
            tasks.extend(self._compare.tasks())  # type: ignore[arg-type]
        for task in tasks:
            task.cancel()
        if self._model_task is not None:
            self._model_task.cancel()
            tasks.append(self._model_task)
        for task in [*self._title_tasks.values(), *self._profile_model_tasks]:
            task.cancel()
            tasks.append(task)
        import asyncio

        await asyncio.gather(*tasks, return_exceptions=True)
        if self.tools is not None:
            await self.tools.close()  # every tool server stops: no process is left behind
        for client in [*self._clients.values(), *self._retired]:
            await client.close()
        self._clients.clear()
        self._retired.clear()

    async def test_connection(self, profile: Profile, key: str | None) -> tuple[bool, str]:
        """List a profile's models with a throwaway client; a plain verdict for the user."""
        client = self._client_factory(ProviderConfig.from_profile(profile, key))
        try:
            models = await client.list_models()
        except ChatFailure as failure:
            error = failure.error
            if error.kind in (ErrorKind.MODEL_NOT_FOUND, ErrorKind.MALFORMED):
                return False, (
                    "This address does not answer like an OpenAI-compatible server (no model "
                    "list). Check the base URL: it usually ends in /v1."
                )
            if error.kind is ErrorKind.AUTHENTICATION:
                return False, "Wrong API key: the server refused it (401)."
            if error.kind is ErrorKind.CONNECTION:
                return False, "Unreachable: nothing answered at that address. " + error.hint
            return False, f"{error.message} {error.hint}"
        finally:
            await client.close()
        return True, f"OK: the server lists {counted(len(models), 'model')}."

    async def models_of(self, profile_name: str) -> list[str]:
        """The models a profile's server lists; the built-in list if it cannot say."""
        if not profile_name:
            return list(self.models)
        try:
            models = self._sorted_out(
                profile_name, await self._chat_client(profile_name).list_models()
            )
        except ChatFailure:
            models = []
        return models or list(FALLBACK_MODELS)

    def load_models_of(self, profile_name: str) -> None:
        """Ask a profile's server for its models; `profile_models_loaded` tells the answer."""

        async def load() -> None:
            models = await self.models_of(profile_name)
            self.profile_models_loaded.emit(profile_name, models, models != list(FALLBACK_MODELS))

        task = _spawn(load())
        self._profile_model_tasks.add(task)
        task.add_done_callback(self._profile_model_tasks.discard)

    def load_models(self) -> None:
        if self._model_task is None or self._model_task.done():
            self._models_asked_at[""] = time.monotonic()
            self._model_task = _spawn(self._load_models())

    def refresh_models(self, profile_name: str = "", max_age: float = 60.0) -> None:
        """Ask again in the background if the list is older than `max_age` seconds (the
        picker calls this as it opens: the cached list shows at once, the fresh one follows)."""
        asked = self._models_asked_at.get(profile_name)
        if asked is not None and time.monotonic() - asked < max_age:
            return
        if profile_name:
            self._models_asked_at[profile_name] = time.monotonic()
            self.load_models_of(profile_name)
        else:
            self.load_models()

    def _sorted_out(self, profile_name: str, listed: list[str]) -> list[str]:
        """The chat models of a server's list; the others are kept for "Show all models"."""
        models = chat_models(listed)
        shown = set(models)
        self.other_models[profile_name] = [model for model in listed if model not in shown]
        return models

    # --- internals --------------------------------------------------------------------------

    def _chat_client(self, profile: str = "") -> ChatClient:
        client = self._clients.get(profile)
        if client is None:
            client = self._clients[profile] = self._client_factory(self._resolve(profile))
        return client

    async def _load_models(self) -> None:
        try:
            models = self._sorted_out("", await self._chat_client().list_models())
        except ChatFailure as failure:
            log.info("Model list unavailable (%s); using the built-in list", failure.error.kind)
            models = []
        if models:
            self.models, self.models_from_server = models, True
        else:
            self.models, self.models_from_server = list(FALLBACK_MODELS), False
        self.models_loaded.emit(self.models, self.models_from_server)

    def _start(self, conversation_id: str, prompt: Message, step: int = 0) -> bool:
        """Ask for an answer to `prompt`; False if the answer could not even be stored."""
        conversation = self.store.get_conversation(conversation_id)
        try:
            answer = self.store.add_message(
                conversation_id,
                prompt.id,
                Role.ASSISTANT,
                "",
                model=conversation.model,
                status=MessageStatus.STREAMING,
            )
        except StoreError as error:
            self.storage_error.emit(str(error))
            return False
        history = request_history(conversation, upto=prompt)
        run = _Run(conversation_id, answer, step=step)
        client = self._chat_client(conversation.profile)
        if conversation.mode is Mode.COMPLETION:
            run.prompt_estimate = estimate_tokens(prompt.content)
            # The legacy endpoint takes one plain prompt: the text of this message.
            events = client.stream_completion(
                conversation.model, prompt.content, conversation.parameters
            )
        else:
            run.prompt_estimate = sum(turn.estimated_tokens() + 4 for turn in history)
            servers = self.tool_servers_for(conversation_id)
            if servers:
                events = self._stream_with_tools(run, client, conversation, history, servers)
            else:
                events = client.stream_chat(conversation.model, history, conversation.parameters)
        self._runs[conversation_id] = run
        run.task = _spawn(self._stream(run, events))
        self.started.emit(conversation_id, answer)
        return True

    async def _stream(self, run: _Run, events: AsyncIterator[StreamEvent]) -> None:
        import asyncio

        status = MessageStatus.COMPLETE
        error: ChatError | None = None
        try:
            async for event in events:
                if type(event) is TextDelta:  # the hot path: one per chunk, checked first
                    if run.first_token_at is None:
                        run.first_token_at = time.monotonic()
                    run.chunks.append(event.text)
                    run.pending.append(event.text)
                    run.length += len(event.text)
                    if not self._flush_scheduled:  # a Python flag: no Qt call per chunk
                        self._flush_scheduled = True
                        self._flush_timer.start()
                elif isinstance(event, RequestSent):
                    run.request = {"endpoint": event.endpoint, **event.body}
                elif isinstance(event, ReasoningDelta):
                    if run.first_thought_at is None:
                        run.first_thought_at = time.monotonic()
                    run.reasoning.append(event.text)
                    run.pending_thinking.append(event.text)
                    run.length += len(event.text)  # so that the next save writes it
                    if not self._flush_scheduled:
                        self._flush_scheduled = True
                        self._flush_timer.start()
                elif isinstance(event, RequestAdapted):
                    self.request_adapted.emit(run.conversation_id, event.note)
                elif isinstance(event, AnswerWasThinking):
                    # What looked like answer was thought: thinking began with it, and the
                    # answer proper has not started yet.
                    run.first_thought_at = run.first_thought_at or run.first_token_at
                    run.first_token_at = None
                    run.chunks.clear()
                    run.pending.clear()
                    self.answer_recast.emit(run.conversation_id)
                elif isinstance(event, ToolCallsReady):
                    run.tool_calls = event.calls
                elif isinstance(event, StreamFinished):
                    run.prompt_tokens = event.prompt_tokens
                    run.completion_tokens = event.completion_tokens
                    run.reasoning_tokens = event.reasoning_tokens
                    if event.finish_reason == "length":
                        log.info("Answer cut at max_tokens")
        except asyncio.CancelledError:
            status = MessageStatus.INTERRUPTED
        except ChatFailure as failure:
            status, error = MessageStatus.ERROR, failure.error
        except Exception as unexpected:  # a bug; still keep the partial answer and tell the user
            log.exception("Streaming failed unexpectedly")
            status = MessageStatus.ERROR
            error = ChatError(
                ErrorKind.UNKNOWN,
                f"Unexpected error: {type(unexpected).__name__}.",
                "Retry; if it persists, please report it.",
            )
        finally:
            self._finish(run, status, error)

    def _flush(self) -> None:
        self._flush_scheduled = False
        now = time.monotonic()
        shown = 0
        for run in list(self._runs.values()):
            if run.pending_thinking:  # thinking comes before the answer it leads to
                thinking = "".join(run.pending_thinking)
                run.pending_thinking.clear()
                shown += len(thinking)
                self.thinking_delta.emit(run.conversation_id, thinking)
            if run.pending:
                text = "".join(run.pending)
                run.pending.clear()
                shown += len(text)
                self.delta.emit(run.conversation_id, text)
            if now - run.saved_at >= SAVE_EVERY_SECONDS and run.length != run.saved_length:
                self._save(run, None)
        slower = min(3.0, max(1.0, shown / FAST_FRAME_CHARS))
        self._flush_timer.setInterval(int(FRAME_SECONDS * 1000 * slower))

    def _save(self, run: _Run, status: MessageStatus | None) -> bool:
        try:
            run.save(self.store, status)
        except StoreError as error:
            self.storage_error.emit(str(error))
            return False
        return True

    def _finish(self, run: _Run, status: MessageStatus, error: ChatError | None) -> None:
        self._runs.pop(run.conversation_id, None)
        if run.pending_thinking:
            self.thinking_delta.emit(run.conversation_id, "".join(run.pending_thinking))
            run.pending_thinking.clear()
        if run.pending:
            self.delta.emit(run.conversation_id, "".join(run.pending))
            run.pending.clear()
        text = run.text()
        conversation_id = run.conversation_id
        if error is not None and not text and not run.reasoning:
            # Errors are never stored as messages: drop the empty answer, keep the prompt.
            with contextlib.suppress(StoreError):
                self.store.delete_message(run.message.id)
            self.failed.emit(conversation_id, error, None)
            self.conversation_changed.emit(conversation_id)
            return
        self._save(run, status)
        usage = run.usage()
        with contextlib.suppress(StoreError):
            self.store.record_answer_details(run.message.id, usage, run.request)
            if run.tool_calls:
                self.store.set_tool_calls(run.message.id, run.tool_calls)
        final = replace(
            run.message.with_content(text, status),
            usage=usage,
            reasoning="".join(run.reasoning),
            tool_calls=run.tool_calls,
        )
        loops = error is None and status is MessageStatus.COMPLETE and bool(run.tool_calls)
        if loops:
            # Busy before `finished`, so that a view never sees the chat idle between steps.
            self._tool_phases[conversation_id] = _spawn(self._run_tools(run, final))
            self.tools_running.emit(conversation_id, True)
        if error is not None:
            self.failed.emit(conversation_id, error, final)
        else:
            self.finished.emit(conversation_id, final)
            if not loops and run.step == 0:
                self._maybe_name(conversation_id)
        self.conversation_changed.emit(conversation_id)

    # --- the tool loop ----------------------------------------------------------------------

    async def _stream_with_tools(
        self,
        run: _Run,
        client: ChatClient,
        conversation: Any,
        history: list[ChatTurn],
        servers: list[str],
    ) -> AsyncIterator[StreamEvent]:
        """The chat stream, with the tool definitions of the chat's servers (started on first
        use). A server that cannot start is told about, and the chat goes on without it."""
        assert self.tools is not None
        specs, problems = await self.tools.tools(servers)
        for problem in problems:
            self.tool_notice.emit(run.conversation_id, problem)
        off = self.chat_tools(run.conversation_id).off
        specs = [spec for spec in specs if ChatTools.key(spec.server, spec.name) not in off]
        run.tool_specs = {spec.exposed: spec for spec in specs}
        definitions = [spec.definition() for spec in specs]
        async for event in client.stream_chat(
            conversation.model, history, conversation.parameters, definitions
        ):
            yield event

    async def _run_tools(self, run: _Run, answer: Message) -> None:
        """Approve and run each call of `answer`, store the results, then ask again."""
        import asyncio

        conversation_id = run.conversation_id
        calls = list(answer.tool_calls)
        limit = self.tools.step_limit if self.tools is not None else 0
        at_limit = run.step >= limit
        go_on = False
        try:
            for position, call in enumerate(calls):
                if at_limit:
                    calls[position] = call.answered(step_limit_text(limit), "skipped")
                else:
                    calls[position] = await self._run_one(conversation_id, call, run.tool_specs)
                self._store_calls(conversation_id, answer, calls)
            go_on = not at_limit
        except asyncio.CancelledError:
            calls = [
                c if c.result is not None else c.answered(CANCELLED, "cancelled") for c in calls
            ]
            self._store_calls(conversation_id, answer, calls)
        except Exception:  # a bug: the results so far stay, the loop ends
            log.exception("The tool loop failed")
            calls = [c if c.result is not None else c.answered(CANCELLED, "error") for c in calls]
            self._store_calls(conversation_id, answer, calls)
        finally:
            self._tool_phases.pop(conversation_id, None)
            self._approvals.pop(conversation_id, None)
        self.tools_running.emit(conversation_id, False)
        if at_limit:
            self.tool_notice.emit(conversation_id, step_limit_notice(limit))
        if not go_on or not self._start(conversation_id, answer, run.step + 1):
            self.conversation_changed.emit(conversation_id)

    async def _run_one(
        self, conversation_id: str, call: ToolCall, specs: dict[str, ToolSpec]
    ) -> ToolCall:
        spec = specs.get(call.name)
        if spec is None or self.tools is None:
            return call.answered(f"Error: no tool called {call.name!r} is enabled here.", "error")
        decision = await self._approve(conversation_id, call, spec)
        if decision is Decision.DENY:
            return call.answered(DENIED, "denied")
        outcome = await self.tools.call(spec, call.arguments)
        return call.answered(outcome.text, "ok" if outcome.ok else "error")

    async def _approve(self, conversation_id: str, call: ToolCall, spec: ToolSpec) -> Decision:
        import asyncio

        assert self.tools is not None
        state = self.chat_tools(conversation_id)
        if self.tools.always_allowed(spec.server, spec.name) or (
            ChatTools.key(spec.server, spec.name) in state.allowed
        ):
            return Decision.ALLOW_ONCE
        if self.approver is not None:
            decision = await self.approver(conversation_id, call, spec.server)
        else:
            future: asyncio.Future[Decision] = asyncio.get_running_loop().create_future()
            self._approvals[conversation_id] = future
            try:
                self.tool_approval_needed.emit(conversation_id, call, spec.server)
                decision = await future
            finally:
                self._approvals.pop(conversation_id, None)
        if decision is Decision.ALWAYS_IN_CHAT:
            state = self.chat_tools(conversation_id)
            state.allowed.add(ChatTools.key(spec.server, spec.name))
            self._save_chat_tools(conversation_id, state)
        return decision

    def _store_calls(self, conversation_id: str, answer: Message, calls: list[ToolCall]) -> None:
        try:
            self.store.set_tool_calls(answer.id, calls)
        except StoreError as error:
            self.storage_error.emit(str(error))
        self.tool_calls_changed.emit(conversation_id, replace(answer, tool_calls=tuple(calls)))

    # --- titles -----------------------------------------------------------------------------

    def _maybe_name(self, conversation_id: str) -> None:
        """After the first complete exchange, ask the model for a short title, in the
        background. Until it answers (or if it fails) the title is the prompt's first words."""
        if not self.auto_titles:
            return
        conversation = self.store.get_conversation(conversation_id)
        if conversation.mode is Mode.COMPLETION:
            return  # an instruct model cannot be asked on the chat endpoint
        messages = conversation.messages
        if len(messages) != 2 or conversation_id in self._title_tasks:
            return
        if conversation.title != title_from_prompt(messages[0].content):
            return  # the user named it already
        self._title_tasks[conversation_id] = _spawn(
            self._name(conversation_id, conversation.profile, conversation.model, messages)
        )

    async def _name(
        self, conversation_id: str, profile: str, model: str, messages: tuple[Message, ...]
    ) -> None:
        provisional = title_from_prompt(messages[0].content)
        turns = [
            ChatTurn(
                Role.SYSTEM,
                "You name conversations. Reply with a title of at most six words, in the "
                "language of the conversation, without quotes or a final full stop.",
            ),
            ChatTurn(
                Role.USER,
                f"User: {messages[0].content[:1500]}\n\nAssistant: {messages[1].content[:1500]}",
            ),
        ]
        try:
            title = clean_title(await self._chat_client(profile).complete(model, turns, 24))
            current = self.store.get_conversation(conversation_id)
            if title and current.title == provisional:  # not renamed meanwhile
                self.store.update_conversation(conversation_id, title=title)
                self.conversation_changed.emit(conversation_id)
        except (ChatFailure, StoreError, KeyError) as error:
            log.info(
                "No title from the model (%s); keeping the prompt's words", type(error).__name__
            )
        finally:
            self._title_tasks.pop(conversation_id, None)


def clean_title(text: str, limit: int = 60) -> str:
    """The model's reply as a one-line title: no "Title:", quotes, markdown or final stop."""
    lines = text.strip().splitlines()
    title = " ".join(lines[0].split()) if lines else ""
    title = re.sub(r"^title\s*:\s*", "", title, flags=re.IGNORECASE)
    title = title.replace("**", "").replace("__", "")
    title = title.strip("\"'“”‘’*#` ").rstrip(".:").strip()
    return title[:limit]

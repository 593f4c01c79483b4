"""Side by side: one prompt, one answer per model, streamed at the same time (issue 17).

A comparison is a user message with N assistant answers under it, one per model (each with
its own profile), which the store keeps as ordinary alternatives (‹ n/m ›) that share a
`compare_group`. Each answer runs as its own task on the qasync loop, so a slow or failing
model never holds back the others; each has its own Stop, and Stop all stops them together.
"Continue with this" makes one answer the active branch and the conversation's model.

Deltas are coalesced to one emission per frame per answer, like the controller's own.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from desktop_chat.api import ChatFailure
from desktop_chat.controller import FRAME_SECONDS, _Run, _spawn
from desktop_chat.domain import (
    SAVE_EVERY_SECONDS,
    Attachment,
    ChatError,
    ErrorKind,
    Message,
    MessageStatus,
    Mode,
    ReasoningDelta,
    RequestSent,
    Role,
    StreamEvent,
    StreamFinished,
    TextDelta,
    Usage,
    estimate_tokens,
    request_history,
)
from desktop_chat.store import StoreError, new_id

if TYPE_CHECKING:
    from desktop_chat.controller import ChatController

log = logging.getLogger(__name__)

MAX_CONTENDERS = 4  # the chat's own model and up to three more


@dataclass(frozen=True, slots=True)
class Contender:
    """One model of a comparison, on its own profile ("" = the default profile)."""

    model: str
    profile: str = ""

    @property
    def label(self) -> str:
        return f"{self.model} ({self.profile})" if self.profile else self.model


@dataclass(slots=True)
class Column:
    """One answer of a running or finished comparison, as the compare view shows it."""

    contender: Contender
    message: Message | None = None  # None: failed before anything arrived (nothing stored)
    run: _Run | None = None  # while streaming
    error: ChatError | None = None
    final: Message | None = None

    @property
    def streaming(self) -> bool:
        return self.run is not None


@dataclass(slots=True)
class Comparison:
    conversation_id: str
    group: str
    prompt: Message
    columns: list[Column]

    @property
    def running(self) -> bool:
        return any(column.streaming for column in self.columns)


class CompareRunner(QObject):
    """Runs comparisons for a ChatController (reached as `controller.compare`)."""

    started = Signal(str, object)  # conversation id, the Comparison
    delta = Signal(str, str)  # answer id, text appended since the last emission
    thinking = Signal(str)  # answer id: its thinking grew (shown as a word count meanwhile)
    column_finished = Signal(str, int)  # conversation id, column index (done, failed, stopped)
    all_finished = Signal(str)  # conversation id: no column streams any more

    def __init__(self, controller: ChatController) -> None:
        super().__init__(controller)
        self.controller = controller
        self.store = controller.store
        self._comparisons: dict[str, Comparison] = {}  # by conversation id: the latest one
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(int(FRAME_SECONDS * 1000))
        self._flush_timer.timeout.connect(self._flush)
        self._flush_scheduled = False

    # --- queries ----------------------------------------------------------------------------

    def is_running(self, conversation_id: str) -> bool:
        comparison = self._comparisons.get(conversation_id)
        return comparison is not None and comparison.running

    def comparison(self, conversation_id: str) -> Comparison | None:
        return self._comparisons.get(conversation_id)

    def streaming_count(self) -> int:
        return sum(
            1 for c in self._comparisons.values() for column in c.columns if column.streaming
        )

    def live_usage(self, column: Column) -> Usage | None:
        if column.run is not None:
            return column.run.usage()
        return column.final.usage if column.final is not None else None

    def live_thinking(self, column: Column) -> str:
        if column.run is not None:
            return "".join(column.run.reasoning)
        return column.final.reasoning or "" if column.final is not None else ""

    def live_text(self, column: Column) -> str:
        if column.run is not None:
            return column.run.text()
        return column.final.content if column.final is not None else ""

    def tasks(self) -> list[object]:
        return [
            column.run.task
            for c in self._comparisons.values()
            for column in c.columns
            if column.run is not None and column.run.task is not None
        ]

    # --- commands ---------------------------------------------------------------------------

    def send(
        self,
        conversation_id: str,
        text: str,
        contenders: list[Contender],
        attachments: Sequence[Attachment] = (),
    ) -> Comparison | None:
        """Save the prompt (with its attachments: every contender sees them), then ask every
        contender for an answer at once."""
        contenders = contenders[:MAX_CONTENDERS]
        if not contenders:
            return None
        prompt = self.controller.commit_prompt(conversation_id, text, attachments)
        return None if prompt is None else self.compare_again(prompt.id, contenders)

    def compare_again(self, prompt_id: str, contenders: list[Contender]) -> Comparison | None:
        """Answer an existing prompt with every contender (Regenerate on a compared turn)."""
        prompt = self.store.get_message(prompt_id)
        conversation_id = prompt.conversation_id
        if prompt.role is not Role.USER or self.controller.is_streaming(conversation_id):
            return None
        comparison = Comparison(
            conversation_id, new_id(), prompt, [Column(c) for c in contenders[:MAX_CONTENDERS]]
        )
        self._comparisons[conversation_id] = comparison
        for index in range(len(comparison.columns)):
            self._start(comparison, index)
        first = next((c.message for c in comparison.columns if c.message is not None), None)
        if first is not None:
            # The first model's answer is the one shown until the user chooses.
            with contextlib.suppress(StoreError, KeyError):
                self.store.select_branch(first.id)
        self.started.emit(conversation_id, comparison)
        if not comparison.running:
            self.all_finished.emit(conversation_id)
        return comparison

    def retry(self, conversation_id: str, index: int) -> None:
        """Ask one column's model again (after a failure or a stop), in the same comparison."""
        comparison = self._comparisons.get(conversation_id)
        if comparison is None or comparison.columns[index].streaming:
            return
        old = comparison.columns[index]
        comparison.columns[index] = Column(old.contender)
        self._start(comparison, index)
        self.started.emit(conversation_id, comparison)

    def stop(self, conversation_id: str, index: int | None = None) -> None:
        """Stop one column (index), or all of them (None: Esc)."""
        comparison = self._comparisons.get(conversation_id)
        if comparison is None:
            return
        columns = comparison.columns if index is None else [comparison.columns[index]]
        for column in columns:
            if column.run is not None and column.run.task is not None:
                column.run.task.cancel()

    def continue_with(self, answer_id: str) -> None:
        """This answer becomes the active branch, and its model the conversation's; the other
        answers stay as alternatives."""
        answer = self.store.get_message(answer_id)
        if answer.role is not Role.ASSISTANT or self.controller.is_streaming(
            answer.conversation_id
        ):
            return
        try:
            self.store.select_branch(answer.id)
            changes: dict[str, str] = {}
            if answer.model:
                changes["model"] = answer.model
            if answer.profile is not None:
                changes["profile"] = answer.profile
            if changes:
                self.store.update_conversation(answer.conversation_id, **changes)
        except StoreError as error:
            self.controller.storage_error.emit(str(error))
            return
        self._comparisons.pop(answer.conversation_id, None)
        self.controller.conversation_changed.emit(answer.conversation_id)
        # A first exchange: name the chat from the chosen answer, as after a single answer.
        self.controller._maybe_name(answer.conversation_id)

    def forget(self, conversation_id: str) -> None:
        """Close the compare view of a finished comparison (the answers stay stored)."""
        if not self.is_running(conversation_id):
            self._comparisons.pop(conversation_id, None)

    # --- internals --------------------------------------------------------------------------

    def _start(self, comparison: Comparison, index: int) -> None:
        column = comparison.columns[index]
        contender = column.contender
        conversation = self.store.get_conversation(comparison.conversation_id)
        try:
            answer = self.store.add_message(
                comparison.conversation_id,
                comparison.prompt.id,
                Role.ASSISTANT,
                "",
                model=contender.model,
                status=MessageStatus.STREAMING,
            )
            self.store.mark_compared(answer.id, contender.profile, comparison.group)
        except StoreError as error:
            self.controller.storage_error.emit(str(error))
            column.error = ChatError(ErrorKind.UNKNOWN, str(error), "", retryable=True)
            return
        answer = replace(answer, profile=contender.profile, compare_group=comparison.group)
        column.message = answer
        history = request_history(conversation, upto=comparison.prompt)
        run = _Run(comparison.conversation_id, answer)
        client = self.controller.client_for(contender.profile)
        events: AsyncIterator[StreamEvent]
        if conversation.mode is Mode.COMPLETION:
            run.prompt_estimate = estimate_tokens(comparison.prompt.content)
            events = client.stream_completion(
                contender.model, comparison.prompt.content, conversation.parameters
            )
        else:
            run.prompt_estimate = sum(turn.estimated_tokens() + 4 for turn in history)
            events = client.stream_chat(contender.model, history, conversation.parameters)
        column.run = run
        run.task = _spawn(self._stream(comparison, index, run, events))

    async def _stream(
        self, comparison: Comparison, index: int, run: _Run, events: AsyncIterator[StreamEvent]
    ) -> None:
        import asyncio

        status = MessageStatus.COMPLETE
        error: ChatError | None = None
        try:
            async for event in events:
                if type(event) is TextDelta:  # the hot path, checked first
                    if run.first_token_at is None:
                        run.first_token_at = time.monotonic()
                    run.chunks.append(event.text)
                    run.pending.append(event.text)
                    run.length += len(event.text)
                    if not self._flush_scheduled:
                        self._schedule_flush()
                elif isinstance(event, RequestSent):
                    run.request = {"endpoint": event.endpoint, **event.body}
                elif isinstance(event, ReasoningDelta):
                    if run.first_thought_at is None:
                        run.first_thought_at = time.monotonic()
                    run.reasoning.append(event.text)
                    run.pending_thinking.append(event.text)
                    run.length += len(event.text)
                    if not self._flush_scheduled:
                        self._schedule_flush()
                elif isinstance(event, StreamFinished):
                    run.prompt_tokens = event.prompt_tokens
                    run.completion_tokens = event.completion_tokens
        except asyncio.CancelledError:
            status = MessageStatus.INTERRUPTED
        except ChatFailure as failure:
            status, error = MessageStatus.ERROR, failure.error
        except Exception as unexpected:  # a bug: keep the partial answer, tell the user
            log.exception("A compared answer failed unexpectedly")
            status = MessageStatus.ERROR
            error = ChatError(
                ErrorKind.UNKNOWN,
                f"Unexpected error: {type(unexpected).__name__}.",
                "Retry; if it persists, please report it.",
            )
        finally:
            self._finish(comparison, index, run, status, error)

    def _schedule_flush(self) -> None:
        """The next frame shows what came meanwhile, in every column at once."""
        self._flush_scheduled = True
        self._flush_timer.start()

    def _flush(self) -> None:
        self._flush_scheduled = False
        now = time.monotonic()
        for comparison in list(self._comparisons.values()):
            for column in comparison.columns:
                run = column.run
                if run is None:
                    continue
                if run.pending:
                    text = "".join(run.pending)
                    run.pending.clear()
                    self.delta.emit(run.message.id, text)
                if run.pending_thinking:
                    run.pending_thinking.clear()
                    self.thinking.emit(run.message.id)
                if now - run.saved_at >= SAVE_EVERY_SECONDS and run.length != run.saved_length:
                    self._save(run, None)

    def _save(self, run: _Run, status: MessageStatus | None) -> None:
        try:
            run.save(self.store, status)
        except StoreError as error:
            self.controller.storage_error.emit(str(error))

    def _finish(
        self,
        comparison: Comparison,
        index: int,
        run: _Run,
        status: MessageStatus,
        error: ChatError | None,
    ) -> None:
        column = comparison.columns[index]
        column.run = None
        if run.pending:
            self.delta.emit(run.message.id, "".join(run.pending))
            run.pending.clear()
        text = run.text()
        column.error = error
        if error is not None and not text and not run.reasoning:
            # As in a single answer: errors are never stored; the column shows it with Retry.
            with contextlib.suppress(StoreError):
                self.store.delete_message(run.message.id)
            column.message = None
        else:
            self._save(run, status)
            usage = run.usage()
            with contextlib.suppress(StoreError):
                self.store.record_answer_details(run.message.id, usage, run.request)
            column.final = replace(
                run.message.with_content(text, status),
                usage=usage,
                reasoning="".join(run.reasoning),
            )
        conversation_id = comparison.conversation_id
        self.column_finished.emit(conversation_id, index)
        if not comparison.running and self._comparisons.get(conversation_id) is comparison:
            # Deleting a failed answer may have moved the tip: show the first kept answer.
            kept = next((c.message for c in comparison.columns if c.message is not None), None)
            tip = self.store.get_conversation(conversation_id).last_message
            if kept is not None and (tip is None or tip.role is not Role.ASSISTANT):
                with contextlib.suppress(StoreError, KeyError):
                    self.store.select_branch(kept.id)
            self.all_finished.emit(conversation_id)
            self.controller.conversation_changed.emit(conversation_id)

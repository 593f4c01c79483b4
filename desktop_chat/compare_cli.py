"""`desktop-chat ask -m A -m B PROMPT`: every model at once, each answer under `== model ==`.

No Qt here: the answers stream as plain asyncio tasks through one ChatClient. The first
model's answer goes to stdout as it arrives; the others are buffered and printed, in the order
given, as soon as the ones before them are done. One conversation is saved, with the answers
as alternatives of one compared turn (the first model's shown).
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from desktop_chat.domain import (
    SAVE_EVERY_SECONDS,
    ChatError,
    MessageStatus,
    ReasoningDelta,
    RequestSent,
    Role,
    StreamFinished,
    TextDelta,
    Usage,
    estimate_tokens,
    request_history,
)

if TYPE_CHECKING:
    from desktop_chat.api import ChatClient
    from desktop_chat.domain import ChatTurn, Parameters
    from desktop_chat.store import ConversationStore


@dataclass(slots=True)
class _Answer:
    model: str
    message_id: str
    live: bool  # printed as it arrives (the first model)
    chunks: list[str] = field(default_factory=list)
    thinking: list[str] = field(default_factory=list)
    error: ChatError | None = None
    status: MessageStatus = MessageStatus.STREAMING
    done: asyncio.Event = field(default_factory=asyncio.Event)
    started_at: float = field(default_factory=time.monotonic)
    first_token_at: float | None = None
    finished_at: float | None = None
    saved_at: float = field(default_factory=time.monotonic)
    request: dict[str, object] | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None

    @property
    def text(self) -> str:
        if len(self.chunks) > 1:
            self.chunks[:] = ["".join(self.chunks)]
        return self.chunks[0] if self.chunks else ""

    def usage(self, prompt_estimate: int) -> Usage | None:
        if self.request is None:
            return None
        end = self.finished_at or time.monotonic()
        first = (
            round((self.first_token_at - self.started_at) * 1000)
            if self.first_token_at is not None
            else None
        )
        elapsed = round((end - self.started_at) * 1000)
        if self.prompt_tokens is not None and self.completion_tokens is not None:
            return Usage(self.prompt_tokens, self.completion_tokens, False, first, elapsed)
        return Usage(prompt_estimate, estimate_tokens(self.text), True, first, elapsed)


async def ask_models(
    store: ConversationStore,
    client: ChatClient,
    conversation_id: str,
    prompt_id: str,
    models: list[str],
    profile: str,
) -> tuple[int, list[tuple[str, ChatError]]]:
    """Stream every model's answer; returns (answers kept, the failures by model)."""
    from desktop_chat.store import new_id

    conversation = store.get_conversation(conversation_id)
    prompt = store.get_message(prompt_id)
    history = request_history(conversation, upto=prompt)
    prompt_estimate = sum(turn.estimated_tokens() + 4 for turn in history)
    group = new_id()
    answers: list[_Answer] = []
    for index, model in enumerate(models):
        message = store.add_message(
            conversation_id, prompt_id, Role.ASSISTANT, "", model=model,
            status=MessageStatus.STREAMING,
        )  # fmt: skip
        store.mark_compared(message.id, profile, group)
        answers.append(_Answer(model, message.id, live=index == 0))
    print(f"== {answers[0].model} ==", flush=True)
    tasks = [
        asyncio.ensure_future(_stream(store, client, answer, history, conversation.parameters))
        for answer in answers
    ]
    try:
        for index, answer in enumerate(answers):
            await answer.done.wait()
            if index:
                sys.stdout.write(f"== {answer.model} ==\n{answer.text}")
            if answer.text and not answer.text.endswith("\n"):
                sys.stdout.write("\n")
            sys.stdout.flush()
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        kept = _store_results(store, answers, prompt_estimate)
    return kept, [(a.model, a.error) for a in answers if a.error is not None]


async def _stream(
    store: ConversationStore,
    client: ChatClient,
    answer: _Answer,
    history: list[ChatTurn],
    parameters: Parameters,
) -> None:
    from desktop_chat.api import ChatFailure
    from desktop_chat.store import StoreError

    answer.status = MessageStatus.INTERRUPTED  # unless it ends one of the ways below
    try:
        async for event in client.stream_chat(answer.model, history, parameters):
            if isinstance(event, TextDelta):
                if answer.first_token_at is None:
                    answer.first_token_at = time.monotonic()
                answer.chunks.append(event.text)
                if answer.live:
                    sys.stdout.write(event.text)
                    sys.stdout.flush()
                now = time.monotonic()
                if now - answer.saved_at >= SAVE_EVERY_SECONDS:
                    answer.saved_at = now
                    with contextlib.suppress(StoreError):  # written again at the next save
                        store.update_message(answer.message_id, answer.text, None)
            elif isinstance(event, ReasoningDelta):
                answer.thinking.append(event.text)
            elif isinstance(event, RequestSent):
                answer.request = {"endpoint": event.endpoint, **event.body}
            elif isinstance(event, StreamFinished):
                answer.prompt_tokens = event.prompt_tokens
                answer.completion_tokens = event.completion_tokens
        answer.status = MessageStatus.COMPLETE
    except ChatFailure as failure:
        answer.status, answer.error = MessageStatus.ERROR, failure.error
    finally:
        answer.finished_at = time.monotonic()
        answer.done.set()


def _store_results(store: ConversationStore, answers: list[_Answer], prompt_estimate: int) -> int:
    """Each answer with its status and usage; an empty failed one is not stored at all."""
    from desktop_chat.store import StoreError

    kept: list[str] = []
    for answer in answers:
        with contextlib.suppress(StoreError):
            if not answer.chunks and not answer.thinking:
                store.delete_message(answer.message_id)
                continue
            store.update_message(
                answer.message_id, answer.text, answer.status, "".join(answer.thinking) or None
            )
            store.record_answer_details(
                answer.message_id, answer.usage(prompt_estimate), answer.request
            )
            kept.append(answer.message_id)
    if kept:
        with contextlib.suppress(StoreError, KeyError):
            store.select_branch(kept[0])  # the first model's answer is the one shown
    return len(kept)

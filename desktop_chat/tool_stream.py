"""Assembling streamed `tool_calls` deltas into whole calls, whatever the server's dialect.

OpenAI sends each call's `index`, its `id` and `name` in the first delta, then argument text.
Others differ (each seen in the wild): Gemini's compatible endpoint leaves `index` out, Ollama
and some llama.cpp / LM Studio versions send the `id` only once or never, and several calls
may arrive in one delta. The rules here:

- with an `index`, pieces go to that call;
- without one, a piece with a new `id`, or a `name` while the last call already has one,
  starts a new call; anything else continues the last call;
- a call that never got an `id` gets one made up (`call_<random>`), so that its result can be
  sent back with an id that matches.

No Qt, no openai: fed with plain values by the API client.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from desktop_chat.domain import ToolCall, ToolCallDelta


@dataclass(slots=True)
class _Partial:
    id: str = ""
    name: str = ""
    arguments: list[str] = field(default_factory=list)


@dataclass(slots=True)
class ToolCallAssembler:
    _calls: list[_Partial] = field(default_factory=list)
    _by_index: dict[int, int] = field(default_factory=dict)  # server index -> position

    def feed(
        self, index: int | None, call_id: str | None, name: str | None, arguments: str | None
    ) -> ToolCallDelta | None:
        """One tool-call piece of a delta; what it added (for a live view), if anything."""
        position = self._position(index, call_id or None, name or None)
        call = self._calls[position]
        if call_id and not call.id:
            call.id = call_id
        if name and not call.name:
            call.name = name
        elif name and name != call.name and not call.name.endswith(name):
            # A few servers split the name too; OpenAI never repeats it.
            call.name += name
        if arguments:
            call.arguments.append(arguments)
        if not name and not arguments:
            return None
        return ToolCallDelta(position, name or "", arguments or "")

    def _position(self, index: int | None, call_id: str | None, name: str | None) -> int:
        if index is not None:
            if index not in self._by_index:
                # An id we already know under another index is the same call (a server that
                # numbers every delta afresh); otherwise a new call.
                known = next(
                    (i for i, c in enumerate(self._calls) if call_id and c.id == call_id), None
                )
                if known is None:
                    self._calls.append(_Partial())
                    known = len(self._calls) - 1
                self._by_index[index] = known
            return self._by_index[index]
        last = self._calls[-1] if self._calls else None
        same_id = call_id is not None and call_id == last.id if last else False
        starts_new = (
            last is None
            or (call_id is not None and last.id != "" and not same_id)
            or (name is not None and last.name != "" and not same_id)
        )
        if starts_new:
            self._calls.append(_Partial())
        return len(self._calls) - 1

    def calls(self) -> tuple[ToolCall, ...]:
        """The assembled calls, in order; nameless fragments (nothing callable) are dropped."""
        assembled = []
        for call in self._calls:
            if not call.name:
                continue
            call_id = call.id or f"call_{secrets.token_hex(12)}"
            call.id = call_id  # stable if asked twice
            assembled.append(ToolCall(call_id, call.name, "".join(call.arguments)))
        return tuple(assembled)

    def __bool__(self) -> bool:
        return bool(self._calls)

"""The tool loop's vocabulary, without Qt: approval decisions, the texts a call's result gets
when it did not run, and a chat's tool choices (its servers, and the tools the user allowed
for it) as they are kept in the store's app_state.

The loop itself runs in the controller (it owns the tasks and the signals): an answer with tool
calls → approval of each call (Allow once / Always allow this tool in this chat / Deny, unless
always allowed in settings) → the call → its result stored on the answer → the next request,
whose history carries the calls and the `tool` results, until an answer without calls or the
step limit.
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass, field

DENIED = "The user denied this tool call."
CANCELLED = "Cancelled: the user stopped the chat before this call ran."
STATE_PREFIX = "tools:"


def step_limit_text(limit: int) -> str:
    return f"Not run: the limit of {limit} tool steps for one answer was reached."


def step_limit_notice(limit: int) -> str:
    return (
        f"Stopped after {limit} tool steps (the limit in Settings → Tools); the model's last "
        "tool calls were not run. Send a message to let it go on."
    )


class Decision(enum.StrEnum):
    ALLOW_ONCE = "allow_once"
    ALWAYS_IN_CHAT = "always_in_chat"
    DENY = "deny"


@dataclass(slots=True)
class ChatTools:
    """One chat's tool choices. `servers` None: not chosen yet, the defaults of Settings."""

    servers: list[str] | None = None
    allowed: set[str] = field(default_factory=set)  # "server/tool", allowed for this chat
    off: set[str] = field(default_factory=set)  # "server/tool", not offered in this chat

    @staticmethod
    def key(server: str, tool: str) -> str:
        return f"{server}/{tool}"

    def to_json(self) -> str:
        return json.dumps(
            {"servers": self.servers, "allowed": sorted(self.allowed), "off": sorted(self.off)}
        )

    @classmethod
    def from_json(cls, text: str | None) -> ChatTools:
        try:
            data = json.loads(text) if text else {}
        except ValueError:
            data = {}
        if not isinstance(data, dict):
            data = {}
        servers = data.get("servers")
        allowed = data.get("allowed")
        off = data.get("off")
        return cls(
            servers=[str(s) for s in servers] if isinstance(servers, list) else None,
            allowed={str(a) for a in allowed} if isinstance(allowed, list) else set(),
            off={str(o) for o in off} if isinstance(off, list) else set(),
        )

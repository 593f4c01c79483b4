"""English counts for text outside the translated UI (the command line, check results)."""

from __future__ import annotations


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """`counted(1, "chat")` is "1 chat", `counted(3, "chat")` "3 chats"; "(s)" never shows."""
    return f"{count} {noun if count == 1 else plural or noun + 's'}"

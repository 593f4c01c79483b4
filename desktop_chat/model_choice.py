"""Choosing a model among hundreds: the picker's filter and order, and the favourite and
recently used models that it remembers per profile (in the store's app state, as JSON).

No Qt here: the picker (ui/model_picker.py) shows what these functions return.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import Enum
from typing import Protocol

RECENT_LIMIT = 20  # enough to find yesterday's models again, few enough to scan by eye


class Section(Enum):
    FAVOURITE = "favourite"
    RECENT = "recent"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class ModelEntry:
    model_id: str
    section: Section
    listed: bool  # False: remembered, but the server no longer lists it


class StateStore(Protocol):
    """The part of ConversationStore that remembering needs."""

    def get_state(self, key: str, default: str | None = None) -> str | None: ...

    def set_state(self, key: str, value: str) -> None: ...


def query_words(query: str) -> list[str]:
    return query.casefold().split()


def matches(model_id: str, words: list[str]) -> bool:
    """Every word of the query is somewhere in the id (`gpt 5 mini` finds `openai/gpt-5-mini`)."""
    folded = model_id.casefold()
    return all(word in folded for word in words)


def filter_entries(entries: list[ModelEntry], query: str) -> list[ModelEntry]:
    words = query_words(query)
    if not words:
        return entries
    return [entry for entry in entries if matches(entry.model_id, words)]


def _vendor_key(model_id: str) -> tuple[str, str]:
    """Ids with a `vendor/` prefix sort by vendor, so each vendor's models stand together."""
    vendor, slash, _rest = model_id.partition("/")
    return (vendor.casefold() if slash else "", model_id.casefold())


def ordered_entries(
    models: list[str], recent: list[str], favourites: list[str]
) -> list[ModelEntry]:
    """Favourites first, then recent ones (most recent first), then the rest by vendor. A
    remembered model that the server no longer lists stays, marked as not listed."""
    listed = set(models)
    entries: list[ModelEntry] = []
    seen: set[str] = set()
    for section, remembered in ((Section.FAVOURITE, favourites), (Section.RECENT, recent)):
        for model_id in remembered:
            if model_id not in seen:
                seen.add(model_id)
                entries.append(ModelEntry(model_id, section, model_id in listed))
    rest = sorted((m for m in listed if m not in seen), key=_vendor_key)
    entries.extend(ModelEntry(model_id, Section.OTHER, True) for model_id in rest)
    return entries


def _read_list(store: StateStore, key: str) -> list[str]:
    try:
        value = json.loads(store.get_state(key) or "[]")
    except ValueError:
        return []  # damaged state: start the list again rather than fail the picker
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, str) and item]


class ModelMemory:
    """The favourite and recently used models of one profile."""

    def __init__(self, store: StateStore, profile: str) -> None:
        self._store = store
        self._recent_key = f"models.recent.{profile}"
        self._favourites_key = f"models.favourites.{profile}"

    def recent(self) -> list[str]:
        return _read_list(self._store, self._recent_key)

    def favourites(self) -> list[str]:
        return _read_list(self._store, self._favourites_key)

    def use(self, model_id: str) -> None:
        """`model_id` was just chosen or used: it becomes the most recent one."""
        recent = [m for m in self.recent() if m != model_id]
        recent.insert(0, model_id)
        self._store.set_state(self._recent_key, json.dumps(recent[:RECENT_LIMIT]))

    def toggle_favourite(self, model_id: str) -> bool:
        """Star or unstar `model_id`; returns whether it is a favourite now."""
        favourites = self.favourites()
        starred = model_id not in favourites
        if starred:
            favourites.append(model_id)
        else:
            favourites.remove(model_id)
        self._store.set_state(self._favourites_key, json.dumps(favourites))
        return starred

"""Shared pytest fixtures. Keep each fixture small; helpers live in their own modules."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fake_openai import FakeOpenAIServer


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAIServer]:
    """A started fake OpenAI-compatible server (``.base_url``, ``.script()``, ``.requests``)."""
    with FakeOpenAIServer() as server:
        yield server


from qt_fixtures import controller, make_controller, provider, qt_loop, store  # noqa: E402, F401  (fixtures)

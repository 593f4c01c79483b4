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


from qt_fixtures import (  # noqa: E402, F401  (fixtures)
    controller,
    make_controller,
    open_window,
    provider,
    qt_loop,
    store,
)


@pytest.fixture(autouse=True, scope="session")
def _stop_the_highlighter() -> Iterator[None]:
    """The code highlighter's worker process, if a test started it, ends with the session."""
    yield
    from desktop_chat import highlight

    highlight.shutdown()

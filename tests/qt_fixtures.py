"""Fixtures for tests that run the app's asyncio code on the Qt event loop (qasync).

Imported by conftest.py. The loop is created with `already_running=True` because pytest-qt
drives the Qt event loop itself (qtbot.waitUntil / waitSignal), and httpx/anyio need a loop
that reports itself as running.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import qasync
from fake_openai import FakeOpenAIServer
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop_chat.api import ProviderConfig
from desktop_chat.controller import ChatController
from desktop_chat.domain import Message, MessageStatus, Role
from desktop_chat.store import ConversationStore
from desktop_chat.ui.main_window import MainWindow

TEST_KEY = "sk-test-DO-NOT-LEAK-4f9c2b7e"


def chain_message(
    index: int, role: Role, content: str, status: MessageStatus = MessageStatus.COMPLETE
) -> Message:
    """Message `index` of conversation "c1", whose parent is message `index - 1`."""
    from datetime import UTC, datetime

    return Message(
        id=f"m{index}",
        conversation_id="c1",
        parent_id=f"m{index - 1}" if index else None,
        role=role,
        content=content,
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
        status=status,
    )


class PaintCounter(QObject):
    """Installed as an event filter: counts the Paint events its widget gets."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def drain(app: QApplication, futures: list[asyncio.Future[object]], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while any(not f.done() for f in futures) and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.002)


@pytest.fixture
def qt_loop(qapp: QApplication) -> Iterator[qasync.QEventLoop]:
    loop = qasync.QEventLoop(qapp, already_running=True)
    executor = qasync.QThreadExecutor(2)  # ours, so teardown can join its threads
    loop.set_default_executor(executor)
    asyncio.set_event_loop(loop)
    yield loop
    pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
    for task in pending:
        task.cancel()
    drain(qapp, pending)  # type: ignore[arg-type]
    executor.shutdown(wait=True)  # DNS lookups run there; Qt aborts on live QThreads at exit
    # already_running=True marked the loop as this thread's running loop; undo that so later
    # plain-asyncio tests can run their own loop.
    asyncio.events._set_running_loop(None)
    asyncio.set_event_loop(None)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[ConversationStore]:
    conversation_store = ConversationStore(tmp_path / "history.sqlite3")
    yield conversation_store
    conversation_store.close()


@pytest.fixture
def provider(fake_openai: FakeOpenAIServer) -> ProviderConfig:
    return ProviderConfig(
        base_url=fake_openai.base_url, api_key=TEST_KEY, max_retries=0, timeout_seconds=5.0
    )


@pytest.fixture
def make_controller(
    qapp: QApplication, qt_loop: qasync.QEventLoop, store: ConversationStore
) -> Iterator[Callable[[ProviderConfig], ChatController]]:
    """Build controllers for a given provider; each is shut down (client closed) afterwards."""
    made: list[ChatController] = []

    def make(config: ProviderConfig, auto_titles: bool = False) -> ChatController:
        # Titles are off by default here: their extra request would consume scripted replies.
        made.append(ChatController(store, config, auto_titles=auto_titles))
        return made[-1]

    yield make
    closing = [asyncio.ensure_future(chat.shutdown()) for chat in made]
    drain(qapp, closing)  # type: ignore[arg-type]


@pytest.fixture
def controller(
    make_controller: Callable[[ProviderConfig], ChatController], provider: ProviderConfig
) -> ChatController:
    return make_controller(provider)


@pytest.fixture
def open_window(
    qtbot: QtBot, qapp: QApplication
) -> Iterator[Callable[[ChatController], MainWindow]]:
    """Build, restore and show MainWindows; they are closed and really deleted afterwards."""
    made: list[MainWindow] = []

    def make(controller: ChatController) -> MainWindow:
        win = MainWindow(controller)
        qtbot.addWidget(win)
        made.append(win)
        win.restore_session()
        win.show()
        qtbot.waitExposed(win)
        return win

    yield make
    # pytest-qt has closed them and called deleteLater(); delete them now, before the store
    # closes, so no timer of theirs (history refresh, settings save) fires in a later test.
    for win in made:
        win.close()
    made.clear()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)

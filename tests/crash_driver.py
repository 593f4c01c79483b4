"""A minimal real app process for test_crash_recovery: the real ChatController on a qasync loop.

Usage: ``python tests/crash_driver.py DATABASE BASE_URL``

Opens the store at DATABASE, creates a conversation, sends one prompt to the OpenAI-compatible
server at BASE_URL and keeps the loop running while the answer streams in. The test kills this
process with SIGKILL mid-stream. It prints ``STARTED <conversation id> <message id>`` when the
answer starts and ``FINISHED``/``FAILED`` if the stream ends on its own (it then exits with 3, so
the test can tell that the stream did not last until the kill).
"""

from __future__ import annotations

import asyncio
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import qasync
from PySide6.QtWidgets import QApplication

from desktop_chat.api import ProviderConfig
from desktop_chat.controller import ChatController
from desktop_chat.store import ConversationStore

PROMPT = "tell me a long story"


def main(argv: list[str]) -> int:
    database, base_url = argv[1], argv[2]
    app = QApplication([])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    store = ConversationStore(database)
    controller = ChatController(
        store, ProviderConfig(base_url=base_url, api_key="k", max_retries=0)
    )
    conversation = store.create_conversation(model="test-model")
    outcome: list[str] = []

    def ended(kind: str) -> None:
        outcome.append(kind)
        print(kind, flush=True)
        loop.stop()

    controller.started.connect(
        lambda cid, message: print(f"STARTED {cid} {message.id}", flush=True)
    )
    controller.finished.connect(lambda cid, message: ended("FINISHED"))
    controller.failed.connect(lambda cid, error, partial: ended(f"FAILED {error}"))
    controller.storage_error.connect(lambda text: print(f"STORAGE {text}", flush=True))

    def send() -> None:
        if controller.send(conversation.id, PROMPT) is None:
            ended("SEND-REFUSED")

    loop.call_soon(send)
    with loop:
        loop.run_forever()
    store.close()
    return 3 if outcome else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

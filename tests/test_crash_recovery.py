"""A real app process killed with SIGKILL mid-stream keeps the partial answer, as interrupted.

The driver (tests/crash_driver.py) runs the real ChatController on a qasync loop against the
fake server in this process, which streams a long answer slowly. The test watches the database
from outside until the controller has saved part of the answer, kills the process, and opens the
database again the way the app does at start.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import fake_openai as fake
import pytest

from desktop_chat.domain import MessageStatus, Role
from desktop_chat.store import ConversationStore

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")

REPO = Path(__file__).resolve().parent.parent
DRIVER = Path(__file__).resolve().parent / "crash_driver.py"
PROMPT = "tell me a long story"
CHUNKS = [f"part{i:03d} " for i in range(100)]
CHUNK_DELAY = 0.1  # 100 chunks: about 10 s of streaming
# The controller saves the partial answer at least once a second (SAVE_EVERY_SECONDS); allow
# some scheduling slack on top of that.
SAVED_WITHIN = 1.2
WAIT_AFTER_FIRST_SAVE = 1.5


def _content_of(event: bytes) -> str:
    """The delta text of one SSE chunk written by the fake server ("" for other events)."""
    if not event.startswith(b"data: {"):
        return ""
    body = json.loads(event[len(b"data: ") :])
    choices = body.get("choices") or [{}]
    return (choices[0].get("delta") or {}).get("content") or ""


def _read_answer(database: Path) -> tuple[str, str] | None:
    """(status, content) of the assistant message, read from outside without writing."""
    if not database.exists():
        return None
    try:
        with contextlib.closing(
            sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=1.0)
        ) as db:
            row = db.execute(
                "SELECT status, content FROM messages WHERE role = 'assistant'"
            ).fetchone()
    except sqlite3.Error:  # not created or migrated yet
        return None
    return (row[0], row[1]) if row else None


def _output(path: Path) -> str:
    return path.read_text(errors="replace") if path.exists() else ""


def test_sigkill_mid_stream_keeps_the_partial_answer_as_interrupted(tmp_path, monkeypatch):
    # Record when each content chunk has been written to the socket (after the write returns).
    sent: list[tuple[float, str]] = []
    sent_lock = threading.Lock()
    original_event = fake._Handler._event

    def recording_event(self: fake._Handler, data: bytes) -> None:
        original_event(self, data)
        text = _content_of(data)
        if text:
            with sent_lock:
                sent.append((time.monotonic(), text))

    monkeypatch.setattr(fake._Handler, "_event", recording_event)

    database = tmp_path / "profile" / "history.sqlite3"
    stdout_path, stderr_path = tmp_path / "driver.out", tmp_path / "driver.err"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(REPO))
    full_text = "".join(CHUNKS)

    with fake.FakeOpenAIServer() as server:
        server.script(fake.slow(CHUNKS, delay=CHUNK_DELAY))
        with stdout_path.open("wb") as out, stderr_path.open("wb") as err:
            process = subprocess.Popen(
                [sys.executable, str(DRIVER), str(database), server.base_url],
                cwd=REPO,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
            )
        try:

            def diagnostics() -> str:
                return f"stdout:\n{_output(stdout_path)}\nstderr:\n{_output(stderr_path)}"

            # 1. Wait until the controller has saved part of the answer while streaming.
            deadline = time.monotonic() + 30.0
            first_saved: tuple[str, str] | None = None
            while time.monotonic() < deadline:
                assert process.poll() is None, f"the driver exited early\n{diagnostics()}"
                answer = _read_answer(database)
                if answer is not None and answer[0] == "streaming" and answer[1]:
                    first_saved = answer
                    break
                time.sleep(0.05)
            assert first_saved is not None, f"no partial answer was saved\n{diagnostics()}"
            assert full_text.startswith(first_saved[1])

            # 2. Let it stream on, then kill it without any chance to clean up.
            time.sleep(WAIT_AFTER_FIRST_SAVE)
            assert process.poll() is None, f"the driver exited early\n{diagnostics()}"
            last_seen = _read_answer(database)
            killed_at = time.monotonic()
            os.kill(process.pid, signal.SIGKILL)
            assert process.wait(timeout=10) == -signal.SIGKILL
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)

        assert server.wait_for_disconnect(timeout=5.0), "the server never saw the client go"
        (request,) = server.requests_to("/chat/completions")
        assert request.body["stream"] is True
        assert request.messages == [{"role": "user", "content": PROMPT}]
        with sent_lock:
            timeline = list(sent)

    assert "STARTED" in _output(stdout_path)
    assert "FINISHED" not in _output(stdout_path)
    sent_before_kill = "".join(text for at, text in timeline if at < killed_at)
    surely_saved = "".join(text for at, text in timeline if at < killed_at - SAVED_WITHIN)
    assert len(sent_before_kill) < len(full_text), "the stream ended before the kill"
    assert surely_saved, "nothing was sent long enough before the kill to be saved"
    assert last_seen is not None and last_seen[0] == "streaming"

    # 3. Open the database as the app does at start.
    store = ConversationStore(database)
    try:
        assert store.integrity_ok()
        (summary,) = store.list_conversations()
        assert summary.title == PROMPT
        conversation = store.get_conversation(summary.id)
        assert [m.role for m in conversation.messages] == [Role.USER, Role.ASSISTANT]
        prompt, answer = conversation.messages
        assert prompt.content == PROMPT
        assert prompt.status is MessageStatus.COMPLETE
        assert answer.parent_id == prompt.id
        assert answer.status is MessageStatus.INTERRUPTED
        assert answer.model == "test-model"
        partial = answer.content
        # A prefix of the full answer, made only of what the server had sent before the kill...
        assert full_text.startswith(partial)
        assert sent_before_kill.startswith(partial)
        # ...at least as long as what the test last saw on disk and everything sent
        # SAVED_WITHIN seconds before the kill (the controller saves once a second).
        assert partial.startswith(last_seen[1])
        assert partial.startswith(surely_saved), (
            f"saved {len(partial)} chars, but {len(surely_saved)} had been sent "
            f"{SAVED_WITHIN}s before the kill"
        )
        assert len(partial) > len(first_saved[1])
        # Recovery happened once, at open: nothing is left streaming.
        assert store.recover_interrupted() == 0
    finally:
        store.close()

"""`desktop-chat ask` keeps what it printed: saved as it streams, kept on SIGTERM and on a stall.

Each test runs the real command in a subprocess against the fake server (a thread of this
process, reached over loopback), reads its stdout as it arrives, with the time of each read,
and then opens the history the way the app does at start.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_helpers import AppProfile, one_line
from fake_openai import FakeOpenAIServer, hang, huge_line, slow

from desktop_chat.domain import SAVE_EVERY_SECONDS, Message, MessageStatus, Role
from desktop_chat.settings import Profile, Settings, save

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")

KEY = "sk-cli-STREAM-0a1b2c3d4e5f"
WORDS = [f"word{i:03d} " for i in range(200)]
FULL_TEXT = "".join(WORDS)
WORD_DELAY = 0.05  # 200 words: about 10 s of streaming
# `ask` saves at most SAVE_EVERY_SECONDS apart, and only when a word arrives: allow one word's
# delay and some scheduling slack on top.
SAVED_WITHIN = SAVE_EVERY_SECONDS + 0.5


@pytest.fixture
def profile(tmp_path: Path) -> AppProfile:
    return AppProfile(tmp_path / "profile")


@pytest.fixture
def api_env(fake_openai: FakeOpenAIServer) -> dict[str, str]:
    return {
        "OPENAI_BASE_URL": fake_openai.base_url,
        "OPENAI_API_KEY": KEY,
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }


class Ask:
    """A running `desktop-chat ask`, whose stdout is read as it arrives, with timestamps."""

    def __init__(self, profile: AppProfile, env: dict[str, str], *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "desktop_chat", "ask", *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=profile.environ(env),
            cwd=profile.root,
        )
        self._reads: list[tuple[float, bytes]] = []
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        descriptor = self.process.stdout.fileno()
        while data := os.read(descriptor, 65536):
            with self._lock:
                self._reads.append((time.monotonic(), data))

    def printed(self, before: float = float("inf")) -> str:
        with self._lock:
            data = b"".join(chunk for at, chunk in self._reads if at < before)
        return data.decode("utf-8", "replace")

    def wait_for_words(self, count: int, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while len(self.printed().split()) < count:
            assert self.process.poll() is None, f"ask exited early: {self.stderr()}"
            assert time.monotonic() < deadline, f"only {self.printed()!r} after {timeout} s"
            time.sleep(0.02)

    def wait(self, timeout: float = 30.0) -> int:
        code = self.process.wait(timeout=timeout)
        self._reader.join(timeout=5)
        return code

    def stderr(self) -> str:
        if self.process.poll() is None:
            return "(still running)"
        assert self.process.stderr is not None
        return self.process.stderr.read().decode("utf-8", "replace")

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()


@pytest.fixture
def asks() -> Iterator[list[Ask]]:
    started: list[Ask] = []
    yield started
    for ask in started:
        ask.close()


def only_exchange(profile: AppProfile) -> tuple[Message, Message]:
    """The prompt and the answer, read as the app reads them at start (after recovery)."""
    with profile.store() as store:
        (conversation_id,) = store.conversation_ids()
        messages = store.get_conversation(conversation_id).messages
    assert [m.role for m in messages] == [Role.USER, Role.ASSISTANT]
    return messages[0], messages[1]


def test_kill_9_mid_stream_keeps_what_was_printed_up_to_a_second_before(
    profile: AppProfile,
    fake_openai: FakeOpenAIServer,
    api_env: dict[str, str],
    asks: list[Ask],
) -> None:
    fake_openai.script(slow(WORDS, delay=WORD_DELAY))
    ask = Ask(profile, api_env, "--model", "test-model", "tell me a long story")
    asks.append(ask)

    ask.wait_for_words(60)  # about 3 s in: a few saves have happened
    killed_at = time.monotonic()
    ask.process.send_signal(signal.SIGKILL)
    assert ask.wait() == -signal.SIGKILL

    printed = ask.printed()
    surely_saved = ask.printed(before=killed_at - SAVED_WITHIN)
    assert len(printed) < len(FULL_TEXT), "the stream ended before the kill"
    assert len(surely_saved.split()) >= 20
    prompt, answer = only_exchange(profile)
    assert prompt.content == "tell me a long story"
    # Left STREAMING by the kill, turned INTERRUPTED by the recovery at open.
    assert answer.status is MessageStatus.INTERRUPTED
    assert answer.content, "the history holds an empty answer"
    assert printed.startswith(answer.content)  # only what had arrived (and was printed)
    assert answer.content.startswith(surely_saved), (
        f"saved {len(answer.content)} chars, but {len(surely_saved)} had been printed "
        f"{SAVED_WITHIN} s before the kill"
    )


def test_sigterm_mid_stream_keeps_the_partial_answer_as_interrupted(
    profile: AppProfile,
    fake_openai: FakeOpenAIServer,
    api_env: dict[str, str],
    asks: list[Ask],
) -> None:
    fake_openai.script(slow(WORDS, delay=WORD_DELAY))
    ask = Ask(profile, api_env, "--model", "test-model", "tell me a long story")
    asks.append(ask)

    ask.wait_for_words(10)
    ask.process.send_signal(signal.SIGTERM)
    code = ask.wait()

    stderr = ask.stderr()
    assert code != 0
    assert code == 143, stderr  # 128 + SIGTERM, as a shell reports it
    line = one_line(stderr)
    assert "Traceback" not in stderr
    assert line.startswith("desktop-chat: stopped by SIGTERM")
    assert "kept" in line
    assert fake_openai.wait_for_disconnect(timeout=5.0), "the request was not closed"
    printed = ask.printed()
    assert printed.endswith("\n")  # the shell prompt starts on a line of its own
    _prompt, answer = only_exchange(profile)
    assert answer.status is MessageStatus.INTERRUPTED
    assert len(answer.content.split()) >= 10
    assert FULL_TEXT.startswith(answer.content)
    assert answer.content == printed[:-1]  # every word printed is kept, and nothing else


def test_sigterm_before_any_word_leaves_only_the_prompt(
    profile: AppProfile,
    fake_openai: FakeOpenAIServer,
    api_env: dict[str, str],
    asks: list[Ask],
) -> None:
    fake_openai.script(hang(30))
    ask = Ask(profile, api_env, "--model", "test-model", "are you there?")
    asks.append(ask)
    assert fake_openai.wait_for_request(1, timeout=30)

    ask.process.send_signal(signal.SIGTERM)
    code = ask.wait()

    stderr = ask.stderr()
    assert code == 143, stderr
    assert one_line(stderr) == "desktop-chat: stopped by SIGTERM"
    assert ask.printed() == ""
    with profile.store() as store:
        (conversation_id,) = store.conversation_ids()
        messages = store.get_conversation(conversation_id).messages
    assert [(m.role, m.content) for m in messages] == [(Role.USER, "are you there?")]


def test_a_stream_that_stalls_ends_with_one_line_and_keeps_the_partial_answer(
    profile: AppProfile,
    fake_openai: FakeOpenAIServer,
    api_env: dict[str, str],
) -> None:
    save(Settings(profiles=(Profile(timeout_seconds=1.0),)), profile.settings_file)
    fake_openai.script(hang(30, chunks=["Half", " an", " answer"]))

    started = time.monotonic()
    result = profile.run("ask", "--model", "test-model", "say something", env=api_env)
    elapsed = time.monotonic() - started

    assert result.returncode == 1
    line = one_line(result.stderr)
    assert "Traceback" not in result.stderr
    assert "stopped sending" in line
    assert "no data for 1 s" in line
    assert "partial answer is kept" in line
    assert result.stdout == "Half an answer\n"
    assert elapsed < 15, "the stall was not noticed at the profile's timeout"
    _prompt, answer = only_exchange(profile)
    assert answer.status is MessageStatus.ERROR
    assert answer.content == "Half an answer"


def test_a_huge_line_ends_ask_with_one_line_and_keeps_the_partial_answer(
    profile: AppProfile,
    fake_openai: FakeOpenAIServer,
    api_env: dict[str, str],
) -> None:
    fake_openai.script(huge_line(20 * 1024 * 1024, ["Half", " an", " answer"]))

    result = profile.run("ask", "--model", "test-model", "say something", env=api_env)

    assert result.returncode == 1
    line = one_line(result.stderr)
    assert "Traceback" not in result.stderr
    assert "more than 8 MB without ending a stream event or line" in line
    assert result.stdout == "Half an answer\n"
    _prompt, answer = only_exchange(profile)
    assert (answer.content, answer.status) == ("Half an answer", MessageStatus.ERROR)

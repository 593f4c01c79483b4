"""Run the real `desktop-chat` command line in a subprocess, against a private profile.

An `AppProfile` is a temp directory that plays the user's home: HOME and every XDG_*_HOME point
inside it, so the subprocess reads and writes only there. The environment is cleaned of
anything that could reach the developer's real setup (OpenAI variables, the session bus, the
display, proxies, a keyring backend override); tests add back what they mean to use.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import desktop_chat
from desktop_chat.store import ConversationStore

SOURCE_ROOT = Path(desktop_chat.__file__).resolve().parent.parent
APP_DIR = "desktop-chat"  # platformdirs' folder name for the app under each XDG_*_HOME

# Variables of the caller's session that must not leak into a test's subprocess.
_DROPPED_PREFIXES = ("OPENAI_", "XDG_", "DESKTOP_CHAT_", "PYTHON_KEYRING")
_DROPPED = {
    "HOME",
    "DBUS_SESSION_BUS_ADDRESS",
    "DISPLAY",
    "WAYLAND_DISPLAY",
    "GNOME_KEYRING_CONTROL",
    "SSH_AUTH_SOCK",
}


def clean_environ() -> dict[str, str]:
    """os.environ without the session, OpenAI, XDG and proxy variables."""
    env = {}
    for name, value in os.environ.items():
        if name in _DROPPED or name.startswith(_DROPPED_PREFIXES) or "proxy" in name.lower():
            continue
        env[name] = value
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    # The subprocess runs from the profile's directory: make it import the code under test (this
    # checkout, e.g. a git worktree), not whichever copy the venv has installed.
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(SOURCE_ROOT), env.get("PYTHONPATH", "")) if p
    )
    env["PYTHONUTF8"] = "1"
    env["PYTHONIOENCODING"] = "utf-8"
    return env


@dataclass
class AppProfile:
    """A fresh home for one run of the app: HOME and XDG_{DATA,CONFIG,STATE,CACHE}_HOME."""

    root: Path

    def __post_init__(self) -> None:
        for directory in (self.home, self.data_home, self.config_home, self.state_home):
            directory.mkdir(parents=True, exist_ok=True)

    @property
    def home(self) -> Path:
        return self.root / "home"

    @property
    def data_home(self) -> Path:
        return self.home / ".local" / "share"

    @property
    def config_home(self) -> Path:
        return self.home / ".config"

    @property
    def state_home(self) -> Path:
        return self.home / ".local" / "state"

    @property
    def database(self) -> Path:
        return self.data_home / APP_DIR / "history.sqlite3"

    @property
    def settings_file(self) -> Path:
        return self.config_home / APP_DIR / "settings.json"

    def environ(self, extra: Mapping[str, str | None] | None = None) -> dict[str, str]:
        """The subprocess environment; a None value in `extra` removes that variable."""
        env = clean_environ()
        env.update(
            HOME=str(self.home),
            XDG_DATA_HOME=str(self.data_home),
            XDG_CONFIG_HOME=str(self.config_home),
            XDG_STATE_HOME=str(self.state_home),
            XDG_CACHE_HOME=str(self.home / ".cache"),
        )
        for name, value in (extra or {}).items():
            if value is None:
                env.pop(name, None)
            else:
                env[name] = value
        return env

    def run(
        self,
        *args: str,
        input: str | None = None,
        env: Mapping[str, str | None] | None = None,
        timeout: float = 60.0,
    ) -> subprocess.CompletedProcess[str]:
        """`python -m desktop_chat ARGS`; stdin is `input`, or empty (never the terminal)."""
        return subprocess.run(
            [sys.executable, "-m", "desktop_chat", *args],
            input=input,
            stdin=subprocess.DEVNULL if input is None else None,
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=self.environ(env),
            cwd=self.root,
            timeout=timeout,
            check=False,
        )

    @contextlib.contextmanager
    def store(self) -> Iterator[ConversationStore]:
        conversation_store = ConversationStore(self.database)
        try:
            yield conversation_store
        finally:
            conversation_store.close()

    def counts(self) -> tuple[int, int]:
        """(conversations, messages) rows, read without the app's code; (0, 0) if no database."""
        if not self.database.exists():
            return (0, 0)
        connection = sqlite3.connect(f"file:{self.database}?mode=ro", uri=True)
        try:
            conversations = connection.execute("SELECT COUNT(*) FROM conversations").fetchone()
            messages = connection.execute("SELECT COUNT(*) FROM messages").fetchone()
        finally:
            connection.close()
        return int(conversations[0]), int(messages[0])


def files_containing(roots: list[Path], needle: str) -> list[Path]:
    """Every regular file under `roots` whose bytes contain `needle` (UTF-8)."""
    wanted = needle.encode()
    hits = []
    for root in roots:
        for directory, _subdirs, names in os.walk(root):
            for name in names:
                path = Path(directory, name)
                if path.is_symlink() or not path.is_file():
                    continue  # sockets, pipes
                with contextlib.suppress(OSError):
                    if wanted in path.read_bytes():
                        hits.append(path)
    return hits


def one_line(text: str) -> str:
    """The single non-empty line of `text`; fails the test if there are more or none."""
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected one line, got {len(lines)}: {text!r}"
    return lines[0]

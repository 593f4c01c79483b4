"""Two server profiles for tests that switch or compare across them: "Remote" (the fake
OpenAI server, with a key in an in-memory keychain) and "Local" (a second fake server that
needs no key)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import keyring
from fake_openai import FakeOpenAIServer
from keyring_fakes import MemoryKeyring

from desktop_chat import settings
from desktop_chat.credentials import KeyStore
from desktop_chat.providers import Providers
from desktop_chat.settings import Profile, Settings

REMOTE_KEY = "sk-remote-key"


@contextmanager
def two_profiles(
    folder: Path, remote: FakeOpenAIServer, local: FakeOpenAIServer
) -> Iterator[Providers]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    backend.set_password("desktop-chat", "Remote", REMOTE_KEY)
    settings.save(
        Settings(
            profiles=(
                Profile(name="Remote", base_url=remote.base_url, default_model="gpt-4"),
                Profile(name="Local", base_url=local.base_url, needs_key=False),
            ),
            default_profile="Remote",
        ),
        folder / "settings.json",
    )
    try:
        yield Providers(KeyStore({}), folder / "settings.json", {})
    finally:
        keyring.set_keyring(previous)

"""Profiles resolve into provider configs; OPENAI_API_KEY only goes where it belongs."""

from __future__ import annotations

from pathlib import Path

import keyring
import pytest
from keyring_fakes import MemoryKeyring

from desktop_chat import settings
from desktop_chat.credentials import KeySource, KeyStore
from desktop_chat.providers import Providers
from desktop_chat.settings import Profile, Settings

ENV_KEY = "sk-env-0123456789"


@pytest.fixture
def memory_keyring():
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def write_settings(path: Path) -> None:
    settings.save(
        Settings(
            profiles=(
                Profile(),
                Profile(name="Local", base_url="http://127.0.0.1:11434/v1", needs_key=False),
                Profile(name="Router", base_url="https://openrouter.ai/api/v1"),
            ),
            default_profile="OpenAI",
        ),
        path,
    )


def test_environment_key_is_used_for_the_official_endpoint_only(tmp_path, memory_keyring):
    write_settings(tmp_path / "settings.json")
    environ = {"OPENAI_API_KEY": ENV_KEY}
    providers = Providers(KeyStore(environ), tmp_path / "settings.json", environ)
    memory_keyring.set_password("desktop-chat", "Router", "sk-or-own")
    assert providers.config("OpenAI").api_key == ENV_KEY
    assert providers.key_lookup("OpenAI").source is KeySource.ENVIRONMENT
    assert providers.config("Local").api_key is None  # a local server never sees the key
    assert providers.config("Router").api_key == "sk-or-own"
    assert providers.key_lookup("Router").source is KeySource.KEYCHAIN


def test_base_url_from_the_environment_takes_the_environment_key_everywhere(
    tmp_path, memory_keyring
):
    write_settings(tmp_path / "settings.json")
    environ = {"OPENAI_API_KEY": ENV_KEY, "OPENAI_BASE_URL": "http://127.0.0.1:9/v1"}
    providers = Providers(KeyStore(environ), tmp_path / "settings.json", environ)
    config = providers.config("Local")
    assert config.base_url == "http://127.0.0.1:9/v1"
    assert config.api_key == ENV_KEY


def test_settings_file_never_holds_a_key(tmp_path, memory_keyring):
    path = tmp_path / "settings.json"
    write_settings(path)
    providers = Providers(KeyStore({}), path, {})
    providers.keys.store("OpenAI", "sk-stored-secret-42")
    providers.update(providers.settings)
    assert "sk-stored-secret-42" not in path.read_text()
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert providers.config().api_key == "sk-stored-secret-42"


def test_malformed_settings_fall_back_to_defaults(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text('{"profiles": [{"name": 3}, {"name": "Ok", "timeout_seconds": "x"}]')
    assert settings.load(path) == Settings()
    path.write_text('{"profiles": [{"name": "Ok", "timeout_seconds": "x"}]}')
    loaded = settings.load(path)
    assert loaded.profiles[0].name == "Ok" and loaded.profiles[0].timeout_seconds == 60.0


def test_a_stored_key_never_follows_openai_base_url_to_another_server(tmp_path, memory_keyring):
    write_settings(tmp_path / "settings.json")
    memory_keyring.set_password("desktop-chat", "OpenAI", "sk-openai-stored")
    memory_keyring.set_password("desktop-chat", "Router", "sk-or-own")
    environ = {"OPENAI_BASE_URL": "http://127.0.0.1:9/v1", "OPENAI_ORG_ID": "org-env"}
    providers = Providers(KeyStore(environ), tmp_path / "settings.json", environ)
    for name in ("OpenAI", "Router", "Local"):
        config = providers.config(name)
        assert config.base_url == "http://127.0.0.1:9/v1"
        assert config.api_key is None, name
    assert providers.config("OpenAI").organization == "org-env"


def test_organization_from_the_environment_stays_with_the_official_endpoint(
    tmp_path, memory_keyring
):
    write_settings(tmp_path / "settings.json")
    environ = {"OPENAI_ORG_ID": "org-env"}
    providers = Providers(KeyStore(environ), tmp_path / "settings.json", environ)
    assert providers.config("OpenAI").organization == "org-env"
    assert providers.config("Router").organization is None


LOOK_ALIKE_HOSTS = [
    "https://api.openai.com.example.net/v1",
    "https://api.openai.community/v1",
    "https://api.openai.com@evil.example/v1",
    "https://user:pw@api.openai.com/v1",
    "http://api.openai.com/v1",
    "https://api.openai.com:8443/v1",
    "https://api.openai.com:bad/v1",
    "https://[api.openai.com/v1",
]


@pytest.mark.parametrize("base_url", LOOK_ALIKE_HOSTS)
def test_environment_key_never_goes_to_a_look_alike_host(base_url, tmp_path, memory_keyring):
    settings.save(
        Settings(profiles=(Profile(name="Mimic", base_url=base_url),)), tmp_path / "s.json"
    )
    environ = {"OPENAI_API_KEY": ENV_KEY}
    providers = Providers(KeyStore(environ), tmp_path / "s.json", environ)
    config = providers.config("Mimic")
    assert config.api_key != ENV_KEY
    assert not config.is_official  # nor does it count as the endpoint that needs a key


@pytest.mark.parametrize(
    "base_url",
    ["https://api.openai.com/v1", "HTTPS://API.OpenAI.com/v1/", "https://api.openai.com:443/v1"],
)
def test_the_official_host_is_recognised_however_it_is_spelled(base_url, tmp_path, memory_keyring):
    settings.save(
        Settings(profiles=(Profile(name="Official", base_url=base_url),)), tmp_path / "s.json"
    )
    environ = {"OPENAI_API_KEY": ENV_KEY}
    providers = Providers(KeyStore(environ), tmp_path / "s.json", environ)
    assert providers.config("Official").api_key == ENV_KEY
    assert providers.config("Official").is_official

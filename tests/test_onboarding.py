"""The first-run welcome: a key goes to the keychain, a local server becomes the default."""

from __future__ import annotations

import keyring
import pytest
from keyring_fakes import MemoryKeyring, PlaintextKeyring
from PySide6.QtWidgets import QMessageBox

from desktop_chat.credentials import KeySource, KeyStore
from desktop_chat.providers import Providers
from desktop_chat.ui.onboarding import OnboardingDialog


@pytest.fixture
def use_keyring():
    previous = keyring.get_keyring()

    def use(backend):
        keyring.set_keyring(backend)
        return backend

    yield use
    keyring.set_keyring(previous)


@pytest.fixture
def providers(tmp_path, use_keyring) -> Providers:
    use_keyring(MemoryKeyring())  # never the session's real keychain (and its prompts)
    return Providers(KeyStore({}), tmp_path / "settings.json", {})


def test_a_key_goes_to_the_keychain_and_nowhere_else(qtbot, providers, use_keyring, tmp_path):
    backend = use_keyring(MemoryKeyring())
    dialog = OnboardingDialog(providers)
    qtbot.addWidget(dialog)
    dialog.key_field.setText("sk-welcome-123")
    dialog._apply()
    assert backend.get_password("desktop-chat", "OpenAI") == "sk-welcome-123"
    assert providers.settings.onboarding_done
    assert "sk-welcome-123" not in (tmp_path / "settings.json").read_text()
    assert providers.lookup_for(providers.settings.profile()).source is KeySource.KEYCHAIN


def test_a_local_server_becomes_the_default_profile_needing_no_key(qtbot, providers):
    dialog = OnboardingDialog(providers)
    qtbot.addWidget(dialog)
    dialog.use_local.setChecked(True)
    dialog.url_field.setText("http://127.0.0.1:11434/v1")
    dialog._apply()
    profile = providers.settings.profile()
    assert profile.base_url == "http://127.0.0.1:11434/v1"
    assert not profile.needs_key
    assert not providers.config().key_required


def test_a_bad_address_is_explained_and_nothing_saved(qtbot, providers):
    dialog = OnboardingDialog(providers)
    qtbot.addWidget(dialog)
    dialog.use_local.setChecked(True)
    dialog.url_field.setText("localhost:11434")
    dialog._apply()
    assert dialog.error.isVisibleTo(dialog) and "http://" in dialog.error.text()
    assert not providers.settings.onboarding_done


def test_no_safe_keychain_offers_a_session_only_key(qtbot, providers, use_keyring, monkeypatch):
    use_keyring(PlaintextKeyring())  # refused: it would write the key to a file
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    dialog = OnboardingDialog(providers)
    qtbot.addWidget(dialog)
    dialog.key_field.setText("sk-session-only")
    dialog._apply()
    lookup = providers.lookup_for(providers.settings.profile())
    assert lookup.source is KeySource.SESSION and lookup.key == "sk-session-only"


def test_skipping_is_remembered(qtbot, providers):
    dialog = OnboardingDialog(providers)
    qtbot.addWidget(dialog)
    dialog._skip()
    assert providers.settings.onboarding_done

"""API keys: kept in the OS keychain through `keyring`, or for this session only, never a file.

Every keyring failure (no Secret Service, a locked or refused keychain, or a backend that would
write plaintext) becomes `KeychainUnavailable` with a plain message; the caller then offers the
environment variable or a key kept in memory for this session. The key never appears in an
exception text, a log line or a repr.
"""

from __future__ import annotations

import enum
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass

log = logging.getLogger(__name__)

SERVICE = "desktop-chat"
ENVIRONMENT_VARIABLE = "OPENAI_API_KEY"

# Backends that store secrets in plain or merely encoded files. We would rather keep a key
# for this session only than write it where any program can read it.
_PLAINTEXT_BACKENDS = (
    "keyrings.alt",
    "PlaintextKeyring",
    "EncryptedKeyring",
    "Windows.RegistryKeyring",
)


class KeychainUnavailable(Exception):
    """The keychain cannot be used right now; the message says why and what to do."""


class KeySource(enum.StrEnum):
    ENVIRONMENT = "environment"
    KEYCHAIN = "keychain"
    SESSION = "session"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class KeyLookup:
    source: KeySource
    key: str | None
    problem: str = ""  # why the keychain could not be asked, if it could not

    def __repr__(self) -> str:  # never show the key
        has_key = bool(self.key)
        return f"KeyLookup(source={self.source}, has_key={has_key}, problem={self.problem!r})"


def explain(error: BaseException) -> str:
    """Why the keychain refused, in words for the user (never the secret)."""
    from keyring import errors

    if isinstance(error, errors.NoKeyringError):
        return (
            "No system keychain was found (on Linux: the Secret Service, e.g. GNOME Keyring or "
            "KWallet, is not running)."
        )
    if isinstance(error, errors.KeyringLocked):
        return "The system keychain is locked, or unlocking it was refused."
    if isinstance(error, errors.InitError):
        return "The system keychain could not be opened (it may be locked)."
    return f"The system keychain refused the request ({type(error).__name__})."


def keychain_backend():  # type: ignore[no-untyped-def]
    """The OS keychain, for every secret of the app (API keys, tool servers' tokens).
    Raises KeychainUnavailable when there is none, or only one that writes a plain file."""
    import keyring
    from keyring import errors

    backend = keyring.get_keyring()
    # A chainer wraps several backends and may write to a plaintext one among them.
    candidates = [backend, *getattr(backend, "backends", ())]
    names = [f"{type(b).__module__}.{type(b).__name__}" for b in candidates]
    if any(marker in name for name in names for marker in _PLAINTEXT_BACKENDS):
        raise KeychainUnavailable(
            "The only keychain available would store the key in a plain file, so it is not "
            "used. Use OPENAI_API_KEY, or keep the key for this session only."
        )
    if type(backend).__module__.startswith("keyring.backends.fail"):
        raise KeychainUnavailable(explain(errors.NoKeyringError()))
    return backend


class KeyStore:
    """Per-profile keys. Session keys live only in this object's memory."""

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self._environ = os.environ if environ is None else environ
        self._session: dict[str, str] = {}

    def _backend(self):  # type: ignore[no-untyped-def]
        return keychain_backend()

    def lookup(self, profile: str, use_environment: bool = True) -> KeyLookup:
        """Where the key for `profile` comes from: environment, session, keychain, or none."""
        if use_environment and self._environ.get(ENVIRONMENT_VARIABLE):
            return KeyLookup(KeySource.ENVIRONMENT, self._environ[ENVIRONMENT_VARIABLE])
        if profile in self._session:
            return KeyLookup(KeySource.SESSION, self._session[profile])
        try:
            key = self._backend().get_password(SERVICE, profile)
        except KeychainUnavailable as error:
            return KeyLookup(KeySource.NONE, None, str(error))
        except Exception as error:  # keyring raises KeyringError and D-Bus errors alike
            return KeyLookup(KeySource.NONE, None, explain(error))
        if key:
            return KeyLookup(KeySource.KEYCHAIN, key)
        return KeyLookup(KeySource.NONE, None)

    def store(self, profile: str, key: str) -> None:
        """Save in the keychain; raises KeychainUnavailable (the key is then not kept)."""
        key = key.strip()
        if not key:
            raise ValueError("The key is empty.")
        try:
            self._backend().set_password(SERVICE, profile, key)
        except KeychainUnavailable:
            raise
        except Exception as error:
            raise KeychainUnavailable(explain(error)) from None
        self._session.pop(profile, None)

    def keep_for_session(self, profile: str, key: str) -> None:
        self._session[profile] = key.strip()

    def delete(self, profile: str) -> bool:
        """Forget the key everywhere we hold it; True if one was found."""
        found = self._session.pop(profile, None) is not None
        try:
            backend = self._backend()
            if backend.get_password(SERVICE, profile) is not None:
                backend.delete_password(SERVICE, profile)
                found = True
        except KeychainUnavailable:
            if not found:
                raise
        except Exception as error:
            if not found:
                raise KeychainUnavailable(explain(error)) from None
        return found

    def rename(self, old: str, new: str) -> None:
        lookup = self.lookup(old, use_environment=False)
        if lookup.key and lookup.source is KeySource.KEYCHAIN:
            self.store(new, lookup.key)
            self.delete(old)
        elif lookup.key and lookup.source is KeySource.SESSION:
            self._session[new] = self._session.pop(old)

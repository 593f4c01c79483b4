"""Secrets of tool servers (a token in a server's `env` or `headers`) kept in the keychain.

In settings.json such a value reads `${keychain}`; the value itself is in the OS keychain
under the service `desktop-chat-mcp`, as `<server>/<NAME>`. It is read when the server
starts, in a worker thread (the Secret Service is a blocking D-Bus call), and never written
to a file or a log. No Qt here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from desktop_chat.mcp_tools import ServerConfig

KEYCHAIN = "${keychain}"
SERVICE = "desktop-chat-mcp"


class SecretError(Exception):
    """A secret could not be stored or read; the message names the server and the variable,
    never the value."""


def _username(server: str, name: str) -> str:
    return f"{server}/{name}"


def _backend():  # type: ignore[no-untyped-def]
    """The app's keychain, with its rules (never a plaintext file): see credentials."""
    from desktop_chat.credentials import keychain_backend

    return keychain_backend()


def _reason(error: Exception) -> str:
    from desktop_chat.credentials import KeychainUnavailable, explain

    return str(error) if isinstance(error, KeychainUnavailable) else explain(error)


def store(server: str, name: str, value: str) -> None:
    try:
        _backend().set_password(SERVICE, _username(server, name), value)
    except Exception as error:
        raise SecretError(
            f"Could not keep {name} of “{server}” in the keychain: {_reason(error)} "
            "Unlock or set up the keychain, or keep the value in settings.json instead."
        ) from None


def read(server: str, name: str) -> str | None:
    try:
        return _backend().get_password(SERVICE, _username(server, name))
    except Exception as error:
        raise SecretError(
            f"Could not read {name} of the tool server “{server}” from the keychain: "
            f"{_reason(error)} Unlock the keychain and try again."
        ) from None


def delete(server: str, name: str) -> None:
    try:
        backend = _backend()
        if backend.get_password(SERVICE, _username(server, name)) is not None:
            backend.delete_password(SERVICE, _username(server, name))
    except Exception:  # nothing to free, or no keychain: nothing more to do
        return


def held(pairs: Iterable[tuple[str, str]]) -> list[str]:
    """The names whose value is in the keychain."""
    return [name for name, value in pairs if value == KEYCHAIN]


def resolve(config: ServerConfig) -> ServerConfig:
    """`config` with its `${keychain}` values read from the keychain (blocking: call it in a
    worker thread). Raises SecretError when one is missing."""
    if not held(config.env) and not held(config.headers):
        return config

    def filled(pairs: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
        out = []
        for name, value in pairs:
            if value == KEYCHAIN:
                secret = read(config.name, name)
                if secret is None:
                    raise SecretError(
                        f"{name} of the tool server “{config.name}” is not in the keychain. "
                        "Enter it again in File → Tool servers (MCP)…"
                    )
                value = secret
            out.append((name, value))
        return tuple(out)

    return replace(config, env=filled(config.env), headers=filled(config.headers))

"""Stand-ins for `keyrings.alt` backends that store secrets in plain (or merely encoded) files.

`keyrings.alt` is deliberately not a dependency. These classes carry the same names, so the
KeyStore's refusal of plaintext backends can be tested with `keyring.set_keyring(...)`, or in
a subprocess with `PYTHON_KEYRING_BACKEND=keyring_fakes.PlaintextKeyring` (with this folder on
PYTHONPATH). Like the real ones they do write the file: a test then checks it was never
written.
"""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


class _FileKeyring(KeyringBackend):
    # Below the fail backend's 0: never chosen on its own, only when selected explicitly
    # (importing this module registers the classes with keyring).
    priority = -1  # type: ignore[assignment]

    def __init__(self, path: Path | None = None) -> None:
        super().__init__()
        default = Path(os.environ.get("XDG_DATA_HOME", "~/.local/share")).expanduser()
        self.path = path or default / "python_keyring" / "keyring_pass.cfg"

    def _load(self) -> dict[str, str]:
        try:
            return dict(json.loads(self.path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            return {}

    def _save(self, data: dict[str, str]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps(data), encoding="utf-8")

    def get_password(self, service: str, username: str) -> str | None:
        encoded = self._load().get(f"{service}/{username}")
        return base64.b64decode(encoded).decode() if encoded else None

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._load()
        data[f"{service}/{username}"] = base64.b64encode(password.encode()).decode()
        self._save(data)

    def delete_password(self, service: str, username: str) -> None:
        data = self._load()
        if data.pop(f"{service}/{username}", None) is None:
            raise PasswordDeleteError("not found")
        self._save(data)


class PlaintextKeyring(_FileKeyring):
    """Named like keyrings.alt.file.PlaintextKeyring (base64 in a file)."""


class EncryptedKeyring(_FileKeyring):
    """Named like keyrings.alt.file.EncryptedKeyring (a file the user must unlock)."""


class MemoryKeyring(KeyringBackend):
    """An in-memory keychain for fast unit tests (never selected automatically)."""

    priority = -1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.secrets.pop((service, username), None)

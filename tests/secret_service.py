"""A private, real Secret Service for tests: its own D-Bus session bus and gnome-keyring.

`SecretService(root).start()` creates a home under `root` (HOME, $HOME/.cache and
$HOME/.local/share must exist, or gnome-keyring fails silently), starts
`dbus-daemon --session --fork --print-address=1 --print-pid=1`, then
`gnome-keyring-daemon --unlock --components=secrets` with the password on stdin, which creates
and unlocks a "login" keyring (the default collection). `env` is what a client needs to use
it. `stop()` ends both daemons. Nothing here touches the caller's own session bus or keyring:
the helpers below talk to the private bus by address.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

REQUIRED_TOOLS = ("dbus-daemon", "gnome-keyring-daemon")
SECRETS_BUS_NAME = "org.freedesktop.secrets"


def missing_tools() -> list[str]:
    return [tool for tool in REQUIRED_TOOLS if shutil.which(tool) is None]


class SecretService:
    def __init__(self, root: Path, password: str = "test-login-password") -> None:
        self.root = root
        self.password = password
        self.home = root / "home"
        self.runtime_dir = root / "run"
        self.address = ""
        self._bus_pid: int | None = None
        self._keyring: subprocess.Popen[bytes] | None = None

    @property
    def env(self) -> dict[str, str]:
        """Variables that point a client (or the daemons) at this service."""
        return {
            "HOME": str(self.home),
            "XDG_DATA_HOME": str(self.home / ".local" / "share"),
            "XDG_CONFIG_HOME": str(self.home / ".config"),
            "XDG_CACHE_HOME": str(self.home / ".cache"),
            "XDG_RUNTIME_DIR": str(self.runtime_dir),
            "DBUS_SESSION_BUS_ADDRESS": self.address,
        }

    def _daemon_environ(self) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in ("DISPLAY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS")
            and not k.startswith("XDG_")
        }
        env.update(self.env)
        if not self.address:
            env.pop("DBUS_SESSION_BUS_ADDRESS")
        return env

    def start(self, timeout: float = 10.0) -> SecretService:
        for directory in (self.home / ".cache", self.home / ".local" / "share"):
            directory.mkdir(parents=True, exist_ok=True)
        self.runtime_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        try:
            started = subprocess.run(
                ["dbus-daemon", "--session", "--fork", "--print-address=1", "--print-pid=1"],
                env=self._daemon_environ(),
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=timeout,
                check=True,
            )
            address, pid = started.stdout.split()[:2]
            self.address, self._bus_pid = address, int(pid)
            log = (self.root / "gnome-keyring.log").open("wb")
            # --foreground so that the daemon is our child: its pid is known, and stop() can
            # end and reap it. --unlock reads the password from stdin up to EOF.
            self._keyring = subprocess.Popen(
                ["gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets"],
                env=self._daemon_environ(),
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
            log.close()
            assert self._keyring.stdin is not None
            self._keyring.stdin.write(self.password.encode())
            self._keyring.stdin.close()
            self._wait_until_ready(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_until_ready(self, timeout: float) -> None:
        """Until the daemon owns org.freedesktop.secrets (asked without auto-activating it)."""
        from jeepney import DBusAddress, new_method_call

        bus = DBusAddress(
            "/org/freedesktop/DBus",
            bus_name="org.freedesktop.DBus",
            interface="org.freedesktop.DBus",
        )
        deadline = time.monotonic() + timeout
        with self.connection() as connection:
            while True:
                reply = connection.send_and_get_reply(
                    new_method_call(bus, "NameHasOwner", "s", (SECRETS_BUS_NAME,)), timeout=timeout
                )
                if reply.body[0]:
                    return
                assert self._keyring is not None
                if self._keyring.poll() is not None:
                    log = (self.root / "gnome-keyring.log").read_text(errors="replace")
                    raise RuntimeError(f"gnome-keyring-daemon exited early: {log}")
                if time.monotonic() > deadline:
                    raise TimeoutError("gnome-keyring-daemon did not register on the bus")
                time.sleep(0.02)

    def stop(self) -> None:
        if self._keyring is not None:
            if self._keyring.poll() is None:
                self._keyring.terminate()
                try:
                    self._keyring.wait(5)
                except subprocess.TimeoutExpired:
                    self._keyring.kill()
                    self._keyring.wait(5)
            self._keyring = None
        if self._bus_pid is not None:
            # dbus-daemon forked away from us: signal it by its printed pid, nothing broader.
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._bus_pid, signal.SIGTERM)
            self._bus_pid = None

    # --- direct access over the private bus, for checks that must not go through the app --

    @contextlib.contextmanager
    def connection(self) -> Iterator[object]:
        from jeepney.io.blocking import open_dbus_connection

        connection = open_dbus_connection(bus=self.address)
        try:
            yield connection
        finally:
            connection.close()

    def lookup(self, **attributes: str) -> str | None:
        """The secret of the first item with these attributes, or None."""
        import secretstorage

        with self.connection() as connection:
            collection = secretstorage.get_default_collection(connection)
            for item in collection.search_items(attributes):
                return item.get_secret().decode()
        return None

    def items(self, **attributes: str) -> list[dict[str, str]]:
        """The attributes of every item that matches."""
        import secretstorage

        with self.connection() as connection:
            collection = secretstorage.get_default_collection(connection)
            return [item.get_attributes() for item in collection.search_items(attributes)]

    def clear(self, **attributes: str) -> None:
        import secretstorage

        with self.connection() as connection:
            collection = secretstorage.get_default_collection(connection)
            for item in list(collection.search_items(attributes)):
                item.delete()

    def lock(self) -> None:
        """Lock the login keyring, as the desktop does after a timeout or on screen lock."""
        import secretstorage

        with self.connection() as connection:
            collection = secretstorage.get_default_collection(connection)
            collection.lock()
            if not collection.is_locked():
                raise RuntimeError("the login keyring did not lock")

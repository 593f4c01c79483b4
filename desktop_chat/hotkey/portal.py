"""Global shortcut on Wayland through the XDG portal org.freedesktop.portal.GlobalShortcuts.

Flow (https://flatpak.github.io/xdg-desktop-portal/docs/doc-org.freedesktop.portal.GlobalShortcuts.html):
1. org.freedesktop.host.portal.Registry.Register(app_id) — tells the portal who a host
   (non-Flatpak) app is; newer portals only, errors are ignored;
2. CreateSession({handle_token, session_handle_token}); the answer comes as the Response
   signal of an org.freedesktop.portal.Request object whose path we can predict, so we
   subscribe before calling;
3. BindShortcuts(session, [("quick-ask", {description, preferred_trigger})], "", {handle_token})
   — the desktop may ask the user and may choose another trigger;
4. the Activated signal (session, shortcut id, timestamp, options) fires on each press.

D-Bus transport: jeepney (pure Python; keyring already requires it on Linux), not QtDBus,
because PySide6 cannot marshal BindShortcuts' ``a(sa{sv})`` argument: QDBusArgument.beginArray
only accepts element types registered with qDBusRegisterMetaType, which PySide6 does not
expose, and libdbus aborts the process when a struct is written into another array type. The
connection's socket is watched with a QSocketNotifier, so all of this runs on the Qt event loop
without threads.

HONESTY NOTE: tested only against tests/fake_portal.py (a fake of the interface above on a
private bus), never against a real desktop portal (KDE, GNOME, Hyprland).
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import secrets
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QSocketNotifier

from desktop_chat import APP_ID
from desktop_chat.hotkey import BIND_COMMAND, HotkeyBackend, HotkeyUnavailable, parse_sequence

log = logging.getLogger(__name__)

PORTAL_BUS_NAME = "org.freedesktop.portal.Desktop"
PORTAL_PATH = "/org/freedesktop/portal/desktop"
SHORTCUTS_INTERFACE = "org.freedesktop.portal.GlobalShortcuts"
REQUEST_INTERFACE = "org.freedesktop.portal.Request"
SESSION_INTERFACE = "org.freedesktop.portal.Session"
REGISTRY_INTERFACE = "org.freedesktop.host.portal.Registry"
SHORTCUT_ID = "quick-ask"
SHORTCUT_DESCRIPTION = "Quick ask"
PROBE_TIMEOUT_S = 1.0

_RESPONSES = {1: "the request was cancelled", 2: "the desktop refused the request"}
_tokens = itertools.count(1)


def unavailable_reason(bus: str = "SESSION", timeout: float = PROBE_TIMEOUT_S) -> str | None:
    """None if the session bus has a portal with the GlobalShortcuts interface, else why not
    (plain text). Blocks for at most about ``timeout`` seconds (twice: connect, then ask)."""
    try:
        from jeepney import DBusAddress, Properties
        from jeepney.io.blocking import open_dbus_connection
    except ImportError:
        return "the jeepney package is not installed"
    if bus == "SESSION" and not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        return "no session bus (DBUS_SESSION_BUS_ADDRESS is not set)"
    try:
        connection = open_dbus_connection(bus=bus, auth_timeout=timeout)
    except Exception as error:  # OSError, TimeoutError, auth and address errors
        return f"cannot connect to the session bus ({error})"
    try:
        address = DBusAddress(PORTAL_PATH, PORTAL_BUS_NAME, SHORTCUTS_INTERFACE)
        reply = connection.send_and_get_reply(Properties(address).get("version"), timeout=timeout)
    except TimeoutError:
        return "the desktop portal did not answer"
    except Exception as error:
        return f"the desktop portal could not be asked ({error})"
    finally:
        connection.close()
    from jeepney import MessageType

    if reply.header.message_type == MessageType.error:
        return _error_text(reply)
    return None


def _error_text(message: Any) -> str:
    from jeepney import HeaderFields

    name = message.header.fields.get(HeaderFields.error_name, "error")
    detail = message.body[0] if message.body and isinstance(message.body[0], str) else ""
    return f"{name}: {detail}" if detail else str(name)


class PortalHotkeyBackend(HotkeyBackend):
    """GlobalShortcuts portal client. register() connects and starts the exchange; the result
    arrives later: ``failed`` (plain text) or, on success, ``trigger_description`` is set."""

    name = "portal"

    def __init__(
        self, parent: QObject | None = None, *, bus: str = "SESSION", app_id: str = APP_ID
    ) -> None:
        super().__init__(parent)
        self._bus = bus
        self._app_id = app_id
        self._connection: Any = None
        self._notifier: QSocketNotifier | None = None
        self._replies: dict[int, tuple[Callable[[Any], None], Callable[[str], None]]] = {}
        self._responses: dict[str, Callable[[int, dict[str, Any]], None]] = {}
        self._session: str | None = None
        self._trigger = ""
        self.bound = False  # True once the desktop accepted the shortcut
        self.trigger_description = ""  # the trigger the desktop chose, as it describes it

    # -- public API

    def register(self, sequence: str) -> None:
        shortcut = parse_sequence(sequence)
        self.unregister()
        try:
            from jeepney.io.blocking import open_dbus_connection

            self._connection = open_dbus_connection(bus=self._bus, auth_timeout=PROBE_TIMEOUT_S)
        except Exception as error:
            raise HotkeyUnavailable(
                f"Cannot reach the desktop's global shortcut service ({error}). Bind "
                f'"{BIND_COMMAND}" to a key in your desktop\'s keyboard settings instead.'
            ) from None
        self._trigger = shortcut.portal_trigger
        self._notifier = QSocketNotifier(
            self._connection.sock.fileno(), QSocketNotifier.Type.Read, self
        )
        self._notifier.activated.connect(self._on_readable)
        self._subscribe(type="signal", interface=SHORTCUTS_INTERFACE, member="Activated")
        self._call(
            REGISTRY_INTERFACE, "Register", "sa{sv}", (self._app_id, {}),
            on_reply=lambda _: self._create_session(),
            on_error=lambda _: self._create_session(),  # older portals: no registry
        )  # fmt: skip

    def unregister(self) -> None:
        connection = self._connection
        if connection is None:
            return
        if self._session is not None:
            from jeepney import DBusAddress, new_method_call

            close = new_method_call(
                DBusAddress(self._session, PORTAL_BUS_NAME, SESSION_INTERFACE), "Close"
            )
            with contextlib.suppress(OSError):  # the portal also closes it when we leave
                connection.send(close)
        if self._notifier is not None:
            self._notifier.setEnabled(False)
            self._notifier.deleteLater()
            self._notifier = None
        connection.close()
        self._connection = None
        self._replies.clear()
        self._responses.clear()
        self._session = None
        self.bound = False
        self.trigger_description = ""

    # -- the exchange

    def _create_session(self) -> None:
        token, session_token = self._token(), self._token()
        self._expect_response(token, self._on_session_created)
        options = {"handle_token": ("s", token), "session_handle_token": ("s", session_token)}
        self._call(
            SHORTCUTS_INTERFACE, "CreateSession", "a{sv}", (options,),
            on_reply=self._follow_request(token, self._on_session_created),
            on_error=lambda error: self._fail(f"CreateSession failed: {error}"),
        )  # fmt: skip

    def _on_session_created(self, response: int, results: dict[str, Any]) -> None:
        if response != 0:
            self._fail(_RESPONSES.get(response, f"response {response}"))
            return
        session = results.get("session_handle", (None, None))[1]
        if not isinstance(session, str) or not session.startswith("/"):
            self._fail("the portal answered without a session")
            return
        self._session = session
        token = self._token()
        self._expect_response(token, self._on_bound)
        properties: dict[str, tuple[str, str]] = {"description": ("s", SHORTCUT_DESCRIPTION)}
        if self._trigger:
            properties["preferred_trigger"] = ("s", self._trigger)
        self._call(
            SHORTCUTS_INTERFACE, "BindShortcuts", "oa(sa{sv})sa{sv}",
            (session, [(SHORTCUT_ID, properties)], "", {"handle_token": ("s", token)}),
            on_reply=self._follow_request(token, self._on_bound),
            on_error=lambda error: self._fail(f"BindShortcuts failed: {error}"),
        )  # fmt: skip

    def _on_bound(self, response: int, results: dict[str, Any]) -> None:
        if response != 0:
            self._fail(_RESPONSES.get(response, f"response {response}"))
            return
        self.bound = True
        for shortcut_id, properties in results.get("shortcuts", ("", []))[1]:
            if shortcut_id == SHORTCUT_ID:
                self.trigger_description = properties.get("trigger_description", ("s", ""))[1]
        log.info("global shortcut bound by the portal: %s", self.trigger_description or "?")

    def _on_signal(self, message: Any) -> None:
        from jeepney import HeaderFields

        fields = message.header.fields
        interface, member = fields.get(HeaderFields.interface), fields.get(HeaderFields.member)
        path = fields.get(HeaderFields.path)
        if interface == REQUEST_INTERFACE and member == "Response":
            callback = self._responses.pop(path, None)
            if callback is not None and len(message.body) == 2:
                callback(int(message.body[0]), dict(message.body[1]))
        elif interface == SHORTCUTS_INTERFACE and member == "Activated":
            session, shortcut_id = message.body[0], message.body[1]
            if session == self._session and shortcut_id == SHORTCUT_ID:
                self.activated.emit()

    def _fail(self, why: str) -> None:
        log.warning("global shortcut portal: %s", why)
        self.unregister()
        self.failed.emit(
            f"The desktop did not set up the global shortcut ({why}). Bind "
            f'"{BIND_COMMAND}" to a key in your desktop\'s keyboard settings instead.'
        )

    # -- D-Bus plumbing

    def _token(self) -> str:
        return f"desktop_chat_{next(_tokens)}_{secrets.token_hex(4)}"

    def _request_path(self, token: str) -> str:
        sender = self._connection.unique_name.lstrip(":").replace(".", "_")
        return f"{PORTAL_PATH}/request/{sender}/{token}"

    def _expect_response(self, token: str, callback: Callable[[int, dict], None]) -> None:
        path = self._request_path(token)
        self._responses[path] = callback
        self._subscribe(type="signal", interface=REQUEST_INTERFACE, member="Response", path=path)

    def _follow_request(
        self, token: str, callback: Callable[[int, dict], None]
    ) -> Callable[[Any], None]:
        """The reply to a portal call carries the Request's real path. Portals older than 0.9
        did not build it from handle_token: follow the path they return (a Response that came
        before this reply would then be missed; such portals are not supported beyond that)."""

        def on_reply(body: Any) -> None:
            if self._connection is None or not body:
                return
            expected, path = self._request_path(token), body[0]
            if path != expected and path not in self._responses:
                self._responses.pop(expected, None)
                self._responses[path] = callback
                self._subscribe(
                    type="signal", interface=REQUEST_INTERFACE, member="Response", path=path
                )

        return on_reply

    def _subscribe(self, **rule: str) -> None:
        from jeepney import MatchRule, message_bus

        self._send(message_bus.AddMatch(MatchRule(**rule)), lambda _: None, self._log_error)

    def _call(
        self,
        interface: str,
        method: str,
        signature: str,
        body: tuple,
        *,
        on_reply: Callable[[Any], None],
        on_error: Callable[[str], None],
    ) -> None:
        from jeepney import DBusAddress, new_method_call

        address = DBusAddress(PORTAL_PATH, PORTAL_BUS_NAME, interface)
        self._send(new_method_call(address, method, signature, body), on_reply, on_error)

    def _send(self, message: Any, on_reply: Callable, on_error: Callable[[str], None]) -> None:
        if self._connection is None:
            return
        serial = next(self._connection.outgoing_serial)
        self._replies[serial] = (on_reply, on_error)
        try:
            self._connection.send(message, serial=serial)
        except OSError as error:
            self._fail(f"lost the session bus ({error})")

    def _log_error(self, error: str) -> None:
        log.warning("global shortcut portal: %s", error)

    def _on_readable(self) -> None:
        from jeepney import HeaderFields, MessageType

        while self._connection is not None:
            try:
                message = self._connection.receive(timeout=0)
            except TimeoutError:
                return
            except (OSError, ValueError) as error:
                self._fail(f"lost the session bus ({error})")
                return
            kind = message.header.message_type
            if kind in (MessageType.method_return, MessageType.error):
                serial = message.header.fields.get(HeaderFields.reply_serial)
                handlers = self._replies.pop(serial, None)
                if handlers is None:
                    continue
                if kind == MessageType.error:
                    handlers[1](_error_text(message))
                else:
                    handlers[0](message.body)
            elif kind == MessageType.signal:
                self._on_signal(message)

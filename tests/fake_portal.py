"""A fake org.freedesktop.portal.GlobalShortcuts on a private bus, for tests/test_hotkey.py.

    fake_portal.py BUS_ADDRESS [--refuse]

Owns org.freedesktop.portal.Desktop and implements what desktop_chat.hotkey.portal uses:
Properties.Get(GlobalShortcuts, "version"), Registry.Register, CreateSession, BindShortcuts
(answered through Request.Response signals, response 1 with --refuse) and Session.Close. Prints
one line per event ("ready", "register APP_ID", "session PATH", "bind SIGNATURE JSON",
"closed PATH"). Commands on stdin: "activate ID" emits Activated for the last session (or
"activate-other-session ID" for a session that is not the client's). Exits when stdin closes.

It follows the documented interface, not a real portal's quirks: passing these tests says the
client speaks the protocol as documented, not that a given desktop accepts it.
"""

from __future__ import annotations

import json
import os
import selectors
import sys

from jeepney import (
    DBusAddress,
    HeaderFields,
    MessageType,
    message_bus,
    new_error,
    new_method_return,
    new_signal,
)
from jeepney.io.blocking import open_dbus_connection

PORTAL = "/org/freedesktop/portal/desktop"
SHORTCUTS = "org.freedesktop.portal.GlobalShortcuts"


def say(*words: object) -> None:
    print(*words, flush=True)


class FakePortal:
    def __init__(self, address: str, refuse: bool) -> None:
        self.connection = open_dbus_connection(bus=address)
        self.refuse = refuse
        self.session: str | None = None
        self.client: str | None = None
        reply = self.connection.send_and_get_reply(
            message_bus.RequestName("org.freedesktop.portal.Desktop")
        )
        assert reply.body == (1,), reply.body  # primary owner

    def respond(self, caller: str, request: str, response: int, results: dict) -> None:
        signal = new_signal(
            DBusAddress(request, interface="org.freedesktop.portal.Request"),
            "Response",
            "ua{sv}",
            (response, results),
        )
        signal.header.fields[HeaderFields.destination] = caller
        self.connection.send(signal)

    def handle(self, message) -> None:
        fields = message.header.fields
        if message.header.message_type != MessageType.method_call:
            return
        interface, member = fields.get(HeaderFields.interface), fields.get(HeaderFields.member)
        caller = fields[HeaderFields.sender]
        sender = caller.lstrip(":").replace(".", "_")
        send = self.connection.send
        if (interface, member) == ("org.freedesktop.DBus.Properties", "Get"):
            if tuple(message.body) == (SHORTCUTS, "version"):
                send(new_method_return(message, "v", (("u", 1),)))
            else:
                send(new_error(message, "org.freedesktop.DBus.Error.InvalidArgs", "s", ("no",)))
        elif (interface, member) == ("org.freedesktop.host.portal.Registry", "Register"):
            say("register", message.body[0])
            send(new_method_return(message))
        elif (interface, member) == (SHORTCUTS, "CreateSession"):
            options = message.body[0]
            request = f"{PORTAL}/request/{sender}/{options['handle_token'][1]}"
            self.session = f"{PORTAL}/session/{sender}/{options['session_handle_token'][1]}"
            self.client = caller
            say("session", self.session)
            send(new_method_return(message, "o", (request,)))
            self.respond(caller, request, 0, {"session_handle": ("s", self.session)})
        elif (interface, member) == (SHORTCUTS, "BindShortcuts"):
            session, shortcuts, _parent, options = message.body
            say("bind", fields.get(HeaderFields.signature), json.dumps(shortcuts))
            request = f"{PORTAL}/request/{sender}/{options['handle_token'][1]}"
            send(new_method_return(message, "o", (request,)))
            bound = [
                (shortcut_id, {"trigger_description": ("s", "Ctrl+Alt+Space (fake)")})
                for shortcut_id, _ in shortcuts
            ]
            if self.refuse or session != self.session:
                self.respond(caller, request, 1, {})
            else:
                self.respond(caller, request, 0, {"shortcuts": ("a(sa{sv})", bound)})
        elif (interface, member) == ("org.freedesktop.portal.Session", "Close"):
            say("closed", fields.get(HeaderFields.path))
            send(new_method_return(message))
        else:
            send(new_error(message, "org.freedesktop.DBus.Error.UnknownMethod", "s", (member,)))

    def activate(self, shortcut_id: str, session: str | None) -> None:
        signal = new_signal(
            DBusAddress(PORTAL, interface=SHORTCUTS),
            "Activated",
            "osta{sv}",
            (session or "/", shortcut_id, 12345, {}),
        )
        if self.client:
            signal.header.fields[HeaderFields.destination] = self.client
        self.connection.send(signal)

    def run(self) -> None:
        selector = selectors.DefaultSelector()
        selector.register(self.connection.sock, selectors.EVENT_READ, "bus")
        selector.register(0, selectors.EVENT_READ, "stdin")
        say("ready")
        pending = b""
        while True:
            for key, _ in selector.select():
                if key.data == "bus":
                    while True:
                        try:
                            self.handle(self.connection.receive(timeout=0))
                        except TimeoutError:
                            break
                    continue
                data = os.read(0, 4096)
                if not data:
                    return
                pending += data
                while b"\n" in pending:
                    line, pending = pending.split(b"\n", 1)
                    command, _, argument = line.decode().strip().partition(" ")
                    if command == "activate":
                        self.activate(argument, self.session)
                    elif command == "activate-other-session":
                        self.activate(argument, f"{PORTAL}/session/someone/else")
                    say("did", command, argument)


if __name__ == "__main__":
    FakePortal(sys.argv[1], refuse="--refuse" in sys.argv).run()

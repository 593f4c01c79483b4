"""A second process for tests/test_ipc.py (run with the test's interpreter).

Usage (--start-at may come anywhere):

    ipc_helper.py claim NAME COMMAND [JSON-ARGS] [--start-at EPOCH]
        QCoreApplication + claim_or_forward(). Prints "forwarded" and exits 0, or prints
        "server", then "received COMMAND JSON-ARGS" for each command, until stdin closes.
        --start-at waits until that wall-clock time first (to start two at the same moment).
    ipc_helper.py send NAME COMMAND [JSON-ARGS]
        send_command() WITHOUT a QCoreApplication; prints "ack" (exit 0) or "no-ack" (exit 1).
"""

from __future__ import annotations

import json
import os
import sys
import time


def _claim(name: str, command: str, args: dict, start_at: float | None) -> int:
    from PySide6.QtCore import QCoreApplication, QSocketNotifier

    from desktop_chat import ipc

    app = QCoreApplication(sys.argv[:1])
    if start_at is not None:
        time.sleep(max(0.0, start_at - time.time()))
    server = ipc.claim_or_forward(command, args, name=name)
    if server is None:
        print("forwarded", flush=True)
        return 0
    print("server", flush=True)

    def received(command: str, args: dict) -> None:
        print("received", command, json.dumps(args, sort_keys=True), flush=True)

    server.command_received.connect(received)

    def stdin_ready() -> None:
        if not os.read(0, 4096):
            app.quit()

    notifier = QSocketNotifier(0, QSocketNotifier.Type.Read)
    notifier.activated.connect(stdin_ready)
    app.exec()
    server.close()
    return 0


def _send(name: str, command: str, args: dict) -> int:
    from desktop_chat import ipc

    ok = ipc.send_command(command, args, name=name)
    print("ack" if ok else "no-ack", flush=True)
    return 0 if ok else 1


def main(argv: list[str]) -> int:
    start_at = None
    if "--start-at" in argv:
        index = argv.index("--start-at")
        start_at = float(argv[index + 1])
        del argv[index : index + 2]
    mode, name, command = argv[:3]
    args = json.loads(argv[3]) if len(argv) > 3 else {}
    if mode == "claim":
        return _claim(name, command, args, start_at)
    if mode == "send":
        return _send(name, command, args)
    print(f"unknown mode {mode}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

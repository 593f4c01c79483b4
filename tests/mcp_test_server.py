"""A real MCP server for the tests, written with the `mcp` SDK.

    python tests/mcp_test_server.py                 # stdio
    python tests/mcp_test_server.py --http PORT     # Streamable HTTP on 127.0.0.1:PORT/mcp

Tools: add, echo, environment (reads a variable: the API-key test), sleep (a hanging tool),
crash (the process dies mid-call), fail (raises). When MCP_TEST_LOG names a file, every call is
appended to it as one line of JSON, so a test can see that a tool really ran.
"""

from __future__ import annotations

import json
import os
import sys
import time

from mcp.server.mcpserver import MCPServer

server = MCPServer("test-tools")


def _log(name: str, arguments: dict[str, object]) -> None:
    path = os.environ.get("MCP_TEST_LOG")
    if path:
        with open(path, "a", encoding="utf-8") as log:
            log.write(json.dumps({"tool": name, "arguments": arguments, "pid": os.getpid()}) + "\n")


@server.tool()
def add(a: int, b: int) -> int:
    """Add two integers."""
    _log("add", {"a": a, "b": b})
    return a + b


@server.tool()
def echo(text: str) -> str:
    """Return the text unchanged."""
    _log("echo", {"text": text})
    return text


@server.tool()
def environment(name: str) -> str:
    """The value of an environment variable of this server process, or <unset>."""
    _log("environment", {"name": name})
    return os.environ.get(name, "<unset>")


@server.tool()
def sleep(seconds: float) -> str:
    """Sleep, then answer (a tool that hangs)."""
    _log("sleep", {"seconds": seconds})
    time.sleep(seconds)
    return "slept"


@server.tool()
def crash() -> str:
    """The server process dies in the middle of the call."""
    _log("crash", {})
    os._exit(3)


@server.tool()
def fail(reason: str) -> str:
    """Raise an error."""
    _log("fail", {"reason": reason})
    raise RuntimeError(f"failed on purpose: {reason}")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--http":
        server.run("streamable-http", host="127.0.0.1", port=int(sys.argv[2]))
    else:
        server.run()

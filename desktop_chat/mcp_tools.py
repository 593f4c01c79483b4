"""Tool servers over the Model Context Protocol (MCP), with the official `mcp` SDK.

Owns: the `mcp_servers` configuration (Claude Desktop's `mcpServers` shape: `command`/`args`/
`env` for stdio, `url` (+ `headers`) for Streamable HTTP, optional `disabled`, and our own
`alwaysAllow` list of tools that need no approval, as Cline names it, and `default`: enabled
in new chats), one connection per server started on first use under the running asyncio loop
(qasync's in the app), the tool list, a call with a timeout, one restart after a crash, and
stopping every server on quit (their processes are reaped: none is left behind).

The SDK is imported only when a server is first used, so start-up never pays for it. The API
key never reaches a server: servers inherit only the SDK's short list of safe variables (HOME,
PATH, ...), and OPENAI_API_KEY, or any value equal to the key, is dropped from `env` as well.
No Qt here.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from desktop_chat.wording import counted

if TYPE_CHECKING:
    import asyncio

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT_SECONDS = 60.0
DEFAULT_STEP_LIMIT = 10
RESULT_LIMIT = 16_000  # characters of a tool's result kept and sent to the model
START_TIMEOUT_SECONDS = 30.0
SECRET_VARIABLES = ("OPENAI_API_KEY",)
_NAME_ALLOWED = re.compile(r"[^A-Za-z0-9_-]")


@dataclass(frozen=True, slots=True)
class ServerConfig:
    name: str
    command: str = ""
    args: tuple[str, ...] = ()
    env: tuple[tuple[str, str], ...] = ()
    url: str = ""
    headers: tuple[tuple[str, str], ...] = ()
    disabled: bool = False
    default: bool = False
    always_allow: tuple[str, ...] = ()
    cwd: str = ""

    @property
    def kind(self) -> str:
        return "http" if self.url else "stdio"

    def describe(self) -> str:
        if self.url:
            return self.url
        return " ".join([self.command, *self.args])

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        if self.url:
            data["url"] = self.url
            if self.headers:
                data["headers"] = dict(self.headers)
        else:
            data["command"] = self.command
            data["args"] = list(self.args)
            if self.env:
                data["env"] = dict(self.env)
            if self.cwd:
                data["cwd"] = self.cwd
        if self.disabled:
            data["disabled"] = True
        if self.default:
            data["default"] = True
        if self.always_allow:
            data["alwaysAllow"] = list(self.always_allow)
        return data


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def _pairs(value: Any) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, dict):
        return ()
    return tuple((str(k), str(v)) for k, v in value.items() if v is not None)


def server_from_json(name: str, data: Any) -> ServerConfig | None:
    """One entry of `mcp_servers`; None if it is neither a command nor a URL."""
    if not isinstance(data, dict):
        return None
    url = data.get("url") or data.get("serverUrl") or ""  # Windsurf calls it serverUrl
    command = data.get("command") or ""
    if not isinstance(url, str) or not isinstance(command, str) or not (url or command):
        return None
    return ServerConfig(
        name=name,
        command=command,
        args=_strings(data.get("args")),
        env=_pairs(data.get("env")),
        url=url,
        headers=_pairs(data.get("headers")),
        disabled=data.get("disabled") is True,
        default=data.get("default") is True,
        always_allow=_strings(data.get("alwaysAllow")),
        cwd=data.get("cwd") if isinstance(data.get("cwd"), str) else "",
    )


def servers_from_settings(mcp_servers: Mapping[str, Any]) -> dict[str, ServerConfig]:
    servers = {}
    for name, data in mcp_servers.items():
        server = server_from_json(str(name), data)
        if server is not None:
            servers[server.name] = server
    return servers


def servers_in_file(text: str) -> dict[str, dict[str, Any]]:
    """The servers of a Claude Desktop, Cursor (`mcpServers`) or VS Code (`servers`) config
    file, as `mcp_servers` entries. Raises ValueError if the file holds none."""
    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError("the file does not hold a JSON object")
    found = data.get("mcpServers", data.get("servers", data.get("mcp_servers")))
    if not isinstance(found, dict):
        raise ValueError("the file has no mcpServers object")
    servers = servers_from_settings(found)
    if not servers:
        raise ValueError("the file's mcpServers has no server with a command or a url")
    return {name: server.to_json() for name, server in servers.items()}


def safe_environment(env: Iterable[tuple[str, str]], api_key: str | None) -> dict[str, str]:
    """A server's own variables, without the API key under any name."""
    return {
        name: value
        for name, value in env
        if name not in SECRET_VARIABLES and not (api_key and api_key in value)
    }


def truncate(text: str, limit: int = RESULT_LIMIT) -> str:
    if len(text) <= limit:
        return text
    return text[:limit] + f"\n… [truncated: {len(text):,} characters in all]"


@dataclass(frozen=True, slots=True)
class ToolSpec:
    server: str
    name: str  # the tool's own name on its server
    exposed: str  # the name the model sees (server__tool when two servers share a name)
    description: str
    input_schema: dict[str, Any]

    def definition(self) -> dict[str, Any]:
        schema = self.input_schema or {"type": "object", "properties": {}}
        return {
            "type": "function",
            "function": {
                "name": self.exposed,
                "description": self.description,
                "parameters": schema,
            },
        }


@dataclass(frozen=True, slots=True)
class ToolOutcome:
    text: str
    ok: bool


class ToolServerError(Exception):
    """A server could not be started or reached; the message is for the user."""


def _result_text(result: Any) -> str:
    parts: list[str] = []
    for item in getattr(result, "content", None) or []:
        kind = getattr(item, "type", "")
        if kind == "text":
            parts.append(str(getattr(item, "text", "")))
        elif kind in ("image", "audio"):
            parts.append(f"[{kind}: {getattr(item, 'mime_type', '') or 'binary'} not shown]")
        elif kind == "resource":
            resource = getattr(item, "resource", None)
            parts.append(str(getattr(resource, "text", "") or f"[resource {resource}]"))
        else:
            parts.append(f"[{kind or 'content'}]")
    if not parts and getattr(result, "structured_content", None) is not None:
        parts.append(json.dumps(result.structured_content, ensure_ascii=False))
    return "\n".join(parts)


def _is_timeout(error: BaseException) -> bool:
    return "timed out" in str(error).lower() or isinstance(error, TimeoutError)


class _Connection:
    """One server: a task that holds the SDK's transport and session open until stopped.
    (anyio's context managers must be left in the task that entered them.)"""

    def __init__(self, config: ServerConfig, api_key: str | None) -> None:
        self.config = config
        self.api_key = api_key
        self.session: Any = None
        self.tools: list[Any] = []
        self._task: asyncio.Task[None] | None = None
        self._ready: asyncio.Future[None] | None = None
        self._stop: asyncio.Event | None = None

    @property
    def alive(self) -> bool:
        return self._task is not None and not self._task.done() and self.session is not None

    async def start(self, timeout: float = START_TIMEOUT_SECONDS) -> None:
        import asyncio  # here, not at the top: the app imports this module before its loop

        loop = asyncio.get_running_loop()
        self._ready = loop.create_future()
        self._stop = asyncio.Event()
        self._task = asyncio.ensure_future(self._run())
        try:
            await asyncio.wait_for(asyncio.shield(self._ready), timeout)
        except TimeoutError:
            await self.stop()
            raise ToolServerError(
                f"The tool server “{self.config.name}” did not answer within {timeout:g} s."
            ) from None

    async def _run(self) -> None:
        import asyncio

        from mcp import ClientSession

        from desktop_chat import tool_secrets

        assert self._ready is not None
        try:
            config = self.config  # kept as configured: secrets only in this frame
            if tool_secrets.held(config.env) or tool_secrets.held(config.headers):
                config = await asyncio.to_thread(tool_secrets.resolve, config)
            async with contextlib.AsyncExitStack() as stack:
                read, write = await stack.enter_async_context(self._transport(config))
                session = await stack.enter_async_context(ClientSession(read, write))
                await session.initialize()
                listed = await session.list_tools()
                self.tools = list(listed.tools)
                self.session = session
                if not self._ready.done():
                    self._ready.set_result(None)
                assert self._stop is not None
                await self._stop.wait()
        except asyncio.CancelledError:
            raise
        except BaseException as error:  # an ExceptionGroup from anyio, too
            log.info("Tool server %s ended: %r", self.config.name, error)
            if not self._ready.done():
                self._ready.set_exception(
                    ToolServerError(
                        f"The tool server “{self.config.name}” could not start: "
                        f"{_first_message(error)}"
                    )
                )
        finally:
            self.session = None

    def _transport(self, config: ServerConfig) -> contextlib.AbstractAsyncContextManager[Any]:
        if config.url:
            from mcp.client.streamable_http import streamable_http_client
            from mcp.shared._httpx_utils import create_mcp_http_client

            client = create_mcp_http_client(headers=dict(config.headers) or None)
            return _owning(client, streamable_http_client(config.url, http_client=client))
        from mcp.client.stdio import StdioServerParameters, stdio_client

        params = StdioServerParameters(
            command=config.command,
            args=list(config.args),
            env=safe_environment(config.env, self.api_key) or None,
            cwd=config.cwd or None,
        )
        return _quiet_stdio(params, stdio_client)

    async def stop(self) -> None:
        import asyncio

        if self._stop is not None:
            self._stop.set()
        task = self._task
        if task is not None and not task.done():
            try:
                await asyncio.wait_for(asyncio.shield(task), 8.0)
            except (TimeoutError, Exception):
                task.cancel()
                with contextlib.suppress(BaseException):
                    await task
        self.session = None


@contextlib.asynccontextmanager
async def _owning(client: Any, transport: Any) -> Any:
    async with client, transport as streams:
        yield streams


@contextlib.asynccontextmanager
async def _quiet_stdio(params: Any, stdio_client: Any) -> Any:
    """stdio_client with the server's stderr kept out of ours (a chatty server would fill the
    app's terminal and log)."""
    with open(os.devnull, "w") as errlog:
        async with stdio_client(params, errlog=errlog) as streams:
            yield streams


def _first_message(error: BaseException) -> str:
    inner = getattr(error, "exceptions", None)
    if inner:
        return _first_message(inner[0])
    text = str(error) or type(error).__name__
    if isinstance(error, FileNotFoundError | PermissionError):
        text = f"{error.strerror}: {error.filename}"
    return text


@dataclass(slots=True)
class ToolBox:
    """Every configured server; connections made on first use, on the running loop."""

    servers: dict[str, ServerConfig] = field(default_factory=dict)
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS
    step_limit: int = DEFAULT_STEP_LIMIT
    api_key: str | None = field(default=None, repr=False)
    _connections: dict[str, _Connection] = field(default_factory=dict)
    _restarted: set[str] = field(default_factory=set)
    _locks: dict[str, asyncio.Lock] = field(default_factory=dict)
    _stopping: set[asyncio.Task[None]] = field(default_factory=set)

    @classmethod
    def from_settings(cls, settings: Any, api_key: str | None = None) -> ToolBox:
        extra = getattr(settings, "mcp_servers", {}) or {}
        return cls(
            servers=servers_from_settings(extra),
            timeout_seconds=float(getattr(settings, "tool_timeout_seconds", 60.0) or 60.0),
            step_limit=int(getattr(settings, "tool_step_limit", 10) or 10),
            api_key=api_key,
        )

    def enabled(self) -> list[str]:
        return [name for name, server in self.servers.items() if not server.disabled]

    def defaults(self) -> list[str]:
        return [name for name, s in self.servers.items() if s.default and not s.disabled]

    def always_allowed(self, server: str, tool: str) -> bool:
        config = self.servers.get(server)
        return config is not None and (tool in config.always_allow or "*" in config.always_allow)

    def update(self, servers: dict[str, ServerConfig]) -> list[str]:
        """New settings: servers whose config changed or went away are to be stopped."""
        stale = [n for n, c in self._connections.items() if servers.get(n) != c.config]
        self.servers = servers
        self._restarted.difference_update(stale)
        return stale

    def stop_later(self, names: Iterable[str]) -> None:
        """Stop these servers in the background (their settings changed); the task is kept
        here, since the loop holds tasks only weakly."""
        import asyncio

        task = asyncio.ensure_future(self.stop_servers(list(names)))
        self._stopping.add(task)
        task.add_done_callback(self._stopping.discard)

    async def stop_servers(self, names: Iterable[str]) -> None:
        for name in list(names):
            connection = self._connections.pop(name, None)
            if connection is not None:
                await connection.stop()

    async def _connection(self, name: str) -> _Connection:
        config = self.servers.get(name)
        if config is None or config.disabled:
            raise ToolServerError(f"No enabled tool server is called “{name}”.")
        import asyncio

        lock = self._locks.setdefault(name, asyncio.Lock())
        async with lock:
            connection = self._connections.get(name)
            if connection is not None and connection.alive:
                return connection
            if connection is not None:  # it died since: restart once
                if name in self._restarted:
                    raise ToolServerError(
                        f"The tool server “{name}” stopped again after a restart; it is not "
                        "started a third time. Check it in Settings → Tools."
                    )
                self._restarted.add(name)
                await connection.stop()
                log.info("Restarting tool server %s after it stopped", name)
            connection = _Connection(config, self.api_key)
            self._connections[name] = connection
            try:
                await connection.start()
            except ToolServerError:
                self._connections.pop(name, None)
                raise
            return connection

    def known_tools(self, name: str) -> list[str] | None:
        """The tool names of a server that has started (None: not started yet)."""
        connection = self._connections.get(name)
        if connection is None or not connection.alive:
            return None
        return [tool.name for tool in connection.tools]

    async def tools(self, names: Iterable[str]) -> tuple[list[ToolSpec], list[str]]:
        """The tools of these servers (started as needed), and a line per server that failed."""
        listed: list[tuple[str, Any]] = []
        problems: list[str] = []
        for name in names:
            try:
                connection = await self._connection(name)
            except ToolServerError as error:
                problems.append(str(error))
                continue
            listed.extend((name, tool) for tool in connection.tools)
        counts: dict[str, int] = {}
        for _, tool in listed:
            counts[tool.name] = counts.get(tool.name, 0) + 1
        specs = []
        for server, tool in listed:
            exposed = tool.name if counts[tool.name] == 1 else f"{server}__{tool.name}"
            specs.append(
                ToolSpec(
                    server=server,
                    name=tool.name,
                    exposed=_NAME_ALLOWED.sub("_", exposed)[:64],
                    description=tool.description or "",
                    input_schema=dict(tool.input_schema or {}),
                )
            )
        return specs, problems

    async def call(self, spec: ToolSpec, arguments: str) -> ToolOutcome:
        """Run a tool. Every failure (bad arguments, a crash, the timeout, the tool's own
        error) becomes the outcome's text, for the model to read; only Stop raises."""
        import asyncio

        try:
            parsed = json.loads(arguments) if arguments.strip() else {}
        except ValueError as error:
            return ToolOutcome(f"Error: the arguments are not valid JSON ({error}).", False)
        if not isinstance(parsed, dict):
            return ToolOutcome("Error: the arguments must be a JSON object.", False)
        try:
            connection = await self._connection(spec.server)
        except ToolServerError as error:
            return ToolOutcome(f"Error: {error}", False)
        try:
            result = await connection.session.call_tool(
                spec.name, parsed, read_timeout_seconds=self.timeout_seconds
            )
        except asyncio.CancelledError:
            raise
        except Exception as error:
            if _is_timeout(error):
                return ToolOutcome(
                    f"Error: the tool did not answer within {self.timeout_seconds:g} s.", False
                )
            if not connection.alive or "connection closed" in str(error).lower():
                connection.session = None  # dead: the next call restarts it (once)
                return ToolOutcome(
                    f"Error: the tool server “{spec.server}” stopped during the call "
                    "(it will be restarted once for the next call).",
                    False,
                )
            return ToolOutcome(f"Error: {_first_message(error)}", False)
        text = truncate(_result_text(result))
        if getattr(result, "is_error", False):
            return ToolOutcome(f"Error: {text}" if text else "Error (no details).", False)
        return ToolOutcome(text, True)

    async def test(self, name: str) -> tuple[bool, str]:
        """Start (or reach) a server and list its tools, for Settings."""
        try:
            connection = await self._connection(name)
        except ToolServerError as error:
            return False, str(error)
        names = ", ".join(tool.name for tool in connection.tools) or "no tools"
        return True, f"OK: {counted(len(connection.tools), 'tool')}: {names}."

    async def close(self) -> None:
        """Stop every server (quit): stdio processes get their stdin closed, then SIGTERM,
        then SIGKILL, and are reaped."""
        import asyncio

        connections = list(self._connections.values())
        self._connections.clear()
        await asyncio.gather(*(c.stop() for c in connections), return_exceptions=True)

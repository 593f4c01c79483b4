"""The MCP client against a real MCP server written with the SDK (stdio and Streamable HTTP)."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import pytest
from mcp_helpers import calls_in, http_server, process_gone, stdio_entry

from desktop_chat.mcp_tools import (
    ServerConfig,
    ToolBox,
    safe_environment,
    servers_from_settings,
    servers_in_file,
    truncate,
)


def _box(entries: dict[str, object], **kwargs: object) -> ToolBox:
    return ToolBox(servers=servers_from_settings(entries), **kwargs)  # type: ignore[arg-type]


def test_stdio_server_lists_and_calls_tools_and_leaves_no_process(tmp_path: Path):
    log = tmp_path / "calls.jsonl"

    async def run() -> tuple[list[str], str, bool]:
        box = _box({"local": stdio_entry(log)})
        specs, problems = await box.tools(["local"])
        assert problems == []
        add = next(s for s in specs if s.name == "add")
        outcome = await box.call(add, json.dumps({"a": 2, "b": 3}))
        await box.close()
        return [s.name for s in specs], outcome.text, outcome.ok

    names, text, ok = asyncio.run(run())
    assert {"add", "echo", "sleep", "crash"} <= set(names)
    assert (text, ok) == ("5", True)
    calls = calls_in(log)
    assert calls[0]["tool"] == "add" and calls[0]["arguments"] == {"a": 2, "b": 3}
    pid = calls[0]["pid"]
    deadline = time.monotonic() + 5
    while not process_gone(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert process_gone(pid), "the server process outlived close()"


def test_the_api_key_never_reaches_the_server(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-secret-env-key-123")
    entry = stdio_entry(
        tmp_path / "log", env={"OPENAI_API_KEY": "sk-secret", "TOKEN": "sk-secret-env-key-123"}
    )

    async def run() -> list[str]:
        box = _box({"s": entry}, api_key="sk-secret-env-key-123")
        specs, _ = await box.tools(["s"])
        environment = next(s for s in specs if s.name == "environment")
        texts = [
            (await box.call(environment, json.dumps({"name": n}))).text
            for n in ("OPENAI_API_KEY", "TOKEN", "PATH")
        ]
        await box.close()
        return texts

    key, token, path = asyncio.run(run())
    assert key == "<unset>" and token == "<unset>"
    assert path != "<unset>"


def test_a_hanging_tool_times_out_as_a_result(tmp_path: Path):
    async def run() -> tuple[str, bool, float, str]:
        box = _box({"s": stdio_entry()}, timeout_seconds=0.5)
        specs, _ = await box.tools(["s"])
        sleep = next(s for s in specs if s.name == "sleep")
        started = time.monotonic()
        outcome = await box.call(sleep, '{"seconds": 10}')
        took = time.monotonic() - started
        echo = next(s for s in specs if s.name == "echo")
        after = await box.call(echo, '{"text": "still here"}')
        await box.close()
        return outcome.text, outcome.ok, took, after.text

    text, ok, took, after = asyncio.run(run())
    assert not ok and "did not answer within 0.5 s" in text
    assert took < 5
    assert after == "still here"


def test_a_crashing_server_is_restarted_once(tmp_path: Path):
    log = tmp_path / "calls.jsonl"

    async def run() -> list[tuple[str, bool]]:
        box = _box({"s": stdio_entry(log)})
        specs, _ = await box.tools(["s"])
        crash = next(s for s in specs if s.name == "crash")
        echo = next(s for s in specs if s.name == "echo")
        results = []
        for spec, arguments in (
            (crash, "{}"),
            (echo, '{"text": "back"}'),
            (crash, "{}"),
            (echo, '{"text": "again"}'),
        ):
            outcome = await box.call(spec, arguments)
            results.append((outcome.text, outcome.ok))
        await box.close()
        return results

    first_crash, restarted, second_crash, refused = asyncio.run(run())
    assert not first_crash[1] and "stopped during the call" in first_crash[0]
    assert restarted == ("back", True)
    assert not second_crash[1]
    assert not refused[1] and "not started a third time" in refused[0]
    pids = {c["pid"] for c in calls_in(log)}
    assert len(pids) == 2, "exactly one restart"


def test_tool_errors_and_bad_arguments_become_results():
    async def run() -> list[tuple[str, bool]]:
        box = _box({"s": stdio_entry()})
        specs, _ = await box.tools(["s"])
        fail = next(s for s in specs if s.name == "fail")
        out = [await box.call(fail, '{"reason": "x"}'), await box.call(fail, '{"reason": ')]
        await box.close()
        return [(o.text, o.ok) for o in out]

    tool_error, bad_json = asyncio.run(run())
    assert not tool_error[1] and tool_error[0].startswith("Error")
    assert not bad_json[1] and "not valid JSON" in bad_json[0]


def test_a_server_that_cannot_start_is_reported():
    async def run() -> tuple[list[object], list[str]]:
        box = _box({"bad": {"command": "/nonexistent/mcp-server"}})
        return await box.tools(["bad"])

    specs, problems = asyncio.run(run())
    assert specs == []
    assert "could not start" in problems[0] and "bad" in problems[0]


def test_streamable_http_server(tmp_path: Path):
    log = tmp_path / "calls.jsonl"
    with http_server(log) as url:

        async def run() -> tuple[str, str]:
            box = _box({"web": {"url": url}})
            ok, listing = await box.test("web")
            assert ok, listing
            specs, _ = await box.tools(["web"])
            echo = next(s for s in specs if s.name == "echo")
            outcome = await box.call(echo, '{"text": "over http"}')
            await box.close()
            return listing, outcome.text

        listing, text = asyncio.run(run())
    assert "echo" in listing
    assert text == "over http"
    assert calls_in(log)[0]["tool"] == "echo"


def test_same_tool_name_on_two_servers_gets_a_prefix():
    async def run() -> list[str]:
        box = _box({"one": stdio_entry(), "two": stdio_entry()})
        specs, _ = await box.tools(["one", "two"])
        await box.close()
        return [s.exposed for s in specs if s.name == "add"]

    assert asyncio.run(run()) == ["one__add", "two__add"]


def test_claude_desktop_file_is_read():
    text = json.dumps(
        {
            "mcpServers": {
                "fs": {"command": "npx", "args": ["-y", "@mcp/fs", "/tmp"], "env": {"A": "1"}},
                "web": {"url": "https://example.com/mcp", "disabled": True},
                "junk": {"nothing": 1},
            },
            "globalShortcut": "x",
        }
    )
    servers = servers_in_file(text)
    assert servers == {
        "fs": {"command": "npx", "args": ["-y", "@mcp/fs", "/tmp"], "env": {"A": "1"}},
        "web": {"url": "https://example.com/mcp", "disabled": True},
    }
    with pytest.raises(ValueError):
        servers_in_file('{"other": 1}')


def test_helpers():
    assert safe_environment([("OPENAI_API_KEY", "x"), ("A", "k-1"), ("B", "2")], "k-1") == {
        "B": "2"
    }
    assert truncate("x" * 10, 4).startswith("xxxx\n… [truncated: 10")
    assert ServerConfig("n", url="u").kind == "http"

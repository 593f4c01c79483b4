"""`desktop-chat ask -T SERVER` and `desktop-chat mcp import/list`, as real subprocesses."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import fake_openai as fake
import pytest
from cli_helpers import AppProfile
from fake_openai import FakeOpenAIServer
from mcp_helpers import calls_in, stdio_entry

from desktop_chat.tool_loop import DENIED

KEY = "sk-cli-TOOLS-1a2b3c4d5e6f"


@pytest.fixture
def profile(tmp_path: Path) -> AppProfile:
    return AppProfile(tmp_path / "profile")


@pytest.fixture
def api_env(fake_openai: FakeOpenAIServer) -> dict[str, str]:
    return {
        "OPENAI_BASE_URL": fake_openai.base_url,
        "OPENAI_API_KEY": KEY,
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }


def _configure(profile: AppProfile, servers: dict[str, object]) -> None:
    profile.settings_file.parent.mkdir(parents=True, exist_ok=True)
    profile.settings_file.write_text(json.dumps({"mcp_servers": servers}))


def test_ask_with_tools_and_yes_runs_the_call_and_prints_it_to_stderr(
    profile, fake_openai, api_env, tmp_path
):
    log = tmp_path / "calls.jsonl"
    _configure(profile, {"calc": stdio_entry(log)})
    fake_openai.script(
        fake.tool_calls(fake.tool_call_deltas("add", '{"a": 40, "b": 2}', "c1")),
        fake.reply(["The sum is 42."]),
    )
    result = profile.run("ask", "-T", "calc", "--yes", "40+2?", env=api_env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "The sum is 42."
    assert '[tool] add {"a": 40, "b": 2}' in result.stderr
    assert "[result] 42" in result.stderr
    assert calls_in(log)[0]["arguments"] == {"a": 40, "b": 2}
    first, follow_up = fake_openai.requests_to("/chat/completions")
    assert any(t["function"]["name"] == "add" for t in first.body["tools"])
    assert follow_up.body["messages"][-1] == {
        "role": "tool",
        "content": "42",
        "tool_call_id": "c1",
    }
    with profile.store() as store:
        (summary,) = store.list_conversations()
        messages = store.get_conversation(summary.id).messages
    assert messages[1].tool_calls[0].result == "42"
    assert messages[2].content == "The sum is 42."


def test_ask_without_a_terminal_denies_the_call(profile, fake_openai, api_env, tmp_path):
    log = tmp_path / "calls.jsonl"
    _configure(profile, {"calc": stdio_entry(log)})
    fake_openai.script(
        fake.tool_calls(fake.tool_call_deltas("add", '{"a": 1, "b": 1}', "c1")),
        fake.reply(["I was not allowed."]),
    )
    result = profile.run("ask", "-T", "calc", "1+1?", env=api_env)
    assert result.returncode == 0, result.stderr
    assert "denied (stdin is not a terminal" in result.stderr
    assert calls_in(log) == []
    assert fake_openai.requests_to("/chat/completions")[1].body["messages"][-1]["content"] == DENIED


def test_ask_with_an_unknown_server_fails(profile, fake_openai, api_env):
    result = profile.run("ask", "-T", "nope", "hi", env=api_env)
    assert result.returncode == 1
    assert "no enabled tool server named 'nope'" in result.stderr
    assert fake_openai.requests_to("/chat/completions") == []


def test_mcp_import_of_a_claude_desktop_file_merges_into_settings(profile, tmp_path):
    _configure(profile, {"mine": {"command": "my-server"}})
    claude = tmp_path / "claude_desktop_config.json"
    claude.write_text(
        json.dumps(
            {
                "mcpServers": {
                    "filesystem": {
                        "command": "npx",
                        "args": ["-y", "@modelcontextprotocol/server-filesystem", "/home/me"],
                    },
                    "mine": {"command": "other"},
                    "remote": {"url": "https://example.com/mcp"},
                }
            }
        )
    )
    result = profile.run("mcp", "import", str(claude))
    assert result.returncode == 0, result.stderr
    assert "added: filesystem, remote" in result.stdout
    assert "kept (already configured" in result.stdout and "mine" in result.stdout
    saved = json.loads(profile.settings_file.read_text())["mcp_servers"]
    assert saved["mine"] == {"command": "my-server"}
    assert saved["filesystem"]["args"][-1] == "/home/me"
    assert saved["remote"] == {"url": "https://example.com/mcp"}
    listed = profile.run("mcp", "list")
    assert "remote: https://example.com/mcp" in listed.stdout
    replaced = profile.run("mcp", "import", "--replace", str(claude))
    assert "mine" in replaced.stdout.split("replaced: ")[1]
    assert json.loads(profile.settings_file.read_text())["mcp_servers"]["mine"] == {
        "command": "other",
        "args": [],
    }


def test_mcp_import_of_a_file_without_servers_fails(profile, tmp_path):
    other = tmp_path / "x.json"
    other.write_text('{"theme": "dark"}')
    result = profile.run("mcp", "import", str(other))
    assert result.returncode == 1
    assert "no mcpServers" in result.stderr


def test_ask_on_a_terminal_asks_y_n(profile, fake_openai, api_env, tmp_path):
    log = tmp_path / "calls.jsonl"
    _configure(profile, {"calc": stdio_entry(log)})
    fake_openai.script(
        fake.tool_calls(fake.tool_call_deltas("add", '{"a": 5, "b": 6}', "c1")),
        fake.reply(["Eleven."]),
    )
    controller_fd, terminal_fd = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "desktop_chat", "ask", "-T", "calc", "5+6?"],
        stdin=terminal_fd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=profile.environ(api_env),
        cwd=profile.root,
    )
    os.close(terminal_fd)
    try:
        seen = b""
        deadline = time.monotonic() + 30
        while b"[y/N]" not in seen and time.monotonic() < deadline:
            readable, _, _ = select.select([process.stderr], [], [], 0.2)
            if readable:
                seen += os.read(process.stderr.fileno(), 4096)
        assert b"Run the tool add of calc? [y/N]" in seen
        os.write(controller_fd, b"y\n")
        out, err = process.communicate(timeout=30)
    finally:
        os.close(controller_fd)
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    assert out.decode().strip() == "Eleven."
    assert calls_in(log)[0]["arguments"] == {"a": 5, "b": 6}

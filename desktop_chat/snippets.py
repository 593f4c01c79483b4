"""The request an answer came from, as JSON, curl and Python code — never with the key.

curl reads the key from $OPENAI_API_KEY; the Python snippet lets the SDK read it from the
environment. Pure functions; the request dicts come from the store.
"""

from __future__ import annotations

import json
import shlex
from typing import Any


def request_body(request: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in request.items() if k != "endpoint"}


def endpoint_of(request: dict[str, Any]) -> str:
    return str(request.get("endpoint") or "/chat/completions")


def to_json(request: dict[str, Any]) -> str:
    return json.dumps(request_body(request), indent=2, ensure_ascii=False)


def to_curl(base_url: str, request: dict[str, Any]) -> str:
    url = base_url.rstrip("/") + endpoint_of(request)
    body = json.dumps(request_body(request), ensure_ascii=False)
    return (
        f"curl {shlex.quote(url)} \\\n"
        '  -H "Content-Type: application/json" \\\n'
        '  -H "Authorization: Bearer $OPENAI_API_KEY" \\\n'
        f"  -d {shlex.quote(body)}"
    )


def to_python(base_url: str, request: dict[str, Any]) -> str:
    body = request_body(request)
    body.pop("stream_options", None)
    streaming = bool(body.pop("stream", False))
    method = "chat.completions" if endpoint_of(request) == "/chat/completions" else "completions"
    arguments = ",\n".join(f"    {k}={v!r}" for k, v in body.items())
    lines = [
        "import os",
        "",
        "from openai import OpenAI",
        "",
        "# The key comes from OPENAI_API_KEY; a local server that needs none gets a stand-in.",
        "client = OpenAI(",
        f"    base_url={base_url!r},",
        '    api_key=os.environ.get("OPENAI_API_KEY", "no-key-needed"),',
        ")",
        "",
        f"response = client.{method}.create(",
        arguments + ("," if arguments else ""),
        f"    stream={streaming!r},",
        ")",
    ]
    if streaming:
        text = (
            "chunk.choices[0].delta.content"
            if method == "chat.completions"
            else ("chunk.choices[0].text")
        )
        lines += [
            "for chunk in response:",
            f"    if chunk.choices and {text}:",
            f'        print({text}, end="", flush=True)',
            "print()",
        ]
    return "\n".join(lines) + "\n"

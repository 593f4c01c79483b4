"""`desktop-chat ask -a FILE`, run as a subprocess against the fake server."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from cli_helpers import AppProfile
from fake_openai import FakeOpenAIServer, reply
from PySide6.QtGui import QColor, QImage

KEY = "sk-cli-ATTACH-0a1b2c3d4e5f"


@pytest.fixture
def profile(tmp_path: Path) -> AppProfile:
    return AppProfile(tmp_path / "profile")


@pytest.fixture
def api_env(fake_openai: FakeOpenAIServer) -> dict[str, str]:
    return {
        "OPENAI_BASE_URL": fake_openai.base_url,
        "OPENAI_API_KEY": KEY,
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        "QT_QPA_PLATFORM": "offscreen",
    }


def test_ask_attaches_an_image_and_a_document(profile, fake_openai, api_env, tmp_path):
    image = QImage(3000, 1500, QImage.Format.Format_RGB32)
    image.fill(QColor(1, 2, 3))
    png = tmp_path / "chart.png"
    assert image.save(str(png), "PNG")
    notes = tmp_path / "notes.csv"
    notes.write_text("name,score\nada,10\n", "utf-8")
    fake_openai.script(reply(["Seen."]))

    result = profile.run("ask", "-a", str(notes), "--attach", str(png), "Look", env=api_env)

    assert result.returncode == 0, result.stderr
    assert result.stdout == "Seen.\n"
    (request,) = fake_openai.requests_to("/chat/completions")
    parts = request.body["messages"][0]["content"]
    assert parts[0] == {"type": "text", "text": "Look"}
    assert parts[1]["type"] == "text" and "ada,10" in parts[1]["text"]
    assert parts[1]["text"].startswith("notes.csv\n")
    url = parts[2]["image_url"]["url"]
    assert url.startswith("data:image/png;base64,")
    sent = QImage.fromData(base64.b64decode(url.partition(",")[2]))
    assert (sent.width(), sent.height()) == (2048, 1024)
    with profile.store() as store:
        (summary,) = store.list_conversations()
        (prompt, _answer) = store.get_conversation(summary.id).messages
    assert [a.name for a in prompt.attachments] == ["notes.csv", "chart.png"]


@pytest.mark.parametrize("content", [b"\x00\x01binary\x00", b"x" * 300])
def test_ask_with_a_bad_file_fails_in_one_line_and_sends_nothing(
    profile, fake_openai, api_env, tmp_path, content
):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    profile.settings_file.parent.mkdir(parents=True, exist_ok=True)
    profile.settings_file.write_text(json.dumps({"attachment_text_limit": 100}), "utf-8")

    result = profile.run("ask", "-a", str(bad), "Read this", env=api_env)

    assert result.returncode != 0
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "bad.txt" in lines[0], result.stderr
    assert fake_openai.requests_to("/chat/completions") == []
    assert profile.counts() == (0, 0)

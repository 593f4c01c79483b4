"""The PyInstaller bundle builds and works: packaging/build_bundle.sh, end to end.

The script installs the project (non-editable, from a wheel) and PyInstaller into a separate
venv (BUNDLE_VENV, default /tmp/bundle-venv, reused between runs), builds the one-folder bundle
into a temporary folder and checks it: `--version`, the first paint offscreen, the packaged
desktop entry and icons, and the Secret Service keyring backend. About 35 s with the venv in
place; the first run also downloads PyInstaller and the app's dependencies.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "packaging" / "build_bundle.sh"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the bundle check is Linux"),
]


def test_bundle_builds_and_starts(tmp_path: Path) -> None:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DESKTOP_CHAT_", "PYTHONPATH"))
    }
    env.update(
        BUNDLE_DIST=str(tmp_path / "dist"),
        BUNDLE_WORK=str(tmp_path / "work"),
        PYTHON=sys.executable,  # a venv's python makes a venv from the same base interpreter
    )
    try:
        result = subprocess.run(
            ["bash", str(SCRIPT)],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        pytest.fail(f"build_bundle.sh took over 900 s:\n{error.stderr}")
    log = result.stdout + result.stderr
    assert result.returncode == 0, log
    assert result.stdout.strip().splitlines()[-1] == "bundle check: OK", log
    assert "check --version: desktop-chat " in result.stderr, log
    assert "check first paint offscreen: first-paint, exit 0" in result.stderr, log
    assert "check desktop entry: installed from the bundle" in result.stderr, log
    executable = tmp_path / "dist" / "desktop-chat" / "desktop-chat"
    assert executable.is_file() and os.access(executable, os.X_OK)
    internal = tmp_path / "dist" / "desktop-chat" / "_internal"
    assert (internal / "desktop_chat" / "resources" / "desktop-chat.desktop.in").is_file()
    # What the spec leaves out stays out.
    assert not list(internal.glob("PySide6/Qt/lib/libQt6Qml*"))
    assert not list(internal.glob("libgtk-3*"))
    assert not list(internal.glob("tkinter")) and not list(internal.glob("**/_tkinter*"))

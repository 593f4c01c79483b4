"""The shape of the code: one-way dependencies, nothing at import time, ruff clean."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "desktop_chat"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def modules_under(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.py"))


def test_ui_never_imports_openai_or_sqlite():
    for path in modules_under(PACKAGE / "ui"):
        imports = imported_modules(path)
        bad = {m for m in imports if m.split(".")[0] in {"openai", "sqlite3", "httpx", "httpx2"}}
        assert not bad, f"{path.name} imports {bad}"


def test_domain_depends_on_nothing_of_ours_nor_qt():
    imports = imported_modules(PACKAGE / "domain.py")
    assert not {m for m in imports if m.startswith(("desktop_chat", "PySide6", "sqlite3"))}


def test_only_the_store_and_migrations_speak_sql():
    for path in modules_under(PACKAGE):
        if path.name in {"store.py", "migrations.py"}:
            continue
        assert "sqlite3" not in imported_modules(path), path.name


def test_only_the_api_client_uses_openai():
    allowed = {"api.py", "app.py"}  # app.py only pre-imports it off the GUI thread
    for path in modules_under(PACKAGE):
        if path.name not in allowed:
            assert "openai" not in {m.split(".")[0] for m in imported_modules(path)}, path.name


def test_nothing_outside_app_imports_the_ui():
    for path in modules_under(PACKAGE):
        if path.parent.name == "ui" or path.name in {"app.py"}:
            continue
        assert not any(m.startswith("desktop_chat.ui") for m in imported_modules(path)), path


def test_importing_the_package_does_no_work():
    code = (
        "import sys, desktop_chat.app, desktop_chat.cli, desktop_chat.store;"
        "assert 'openai' not in sys.modules, 'openai imported at import time';"
        "assert 'PySide6.QtWidgets' not in sys.modules, 'Qt imported by app at import time'"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.skipif(
    shutil.which("ruff") is None and not Path(sys.executable).with_name("ruff").exists(),
    reason="ruff is not installed",
)
def test_ruff_is_clean():
    ruff = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))
    root = PACKAGE.parent
    result = subprocess.run(
        [ruff, "check", "desktop_chat", "tests"], cwd=root, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr

"""The installed desktop app: packaged icons, desktop entry, AppStream metainfo, and the
`install-desktop-entry` command that puts them where desktops look.

The command runs as a real subprocess (`python -m desktop_chat install-desktop-entry`) against
a throwaway XDG_DATA_HOME; the entry is checked with `desktop-file-validate` and the metainfo
with `appstreamcli validate` (Debian: desktop-file-utils, appstream; skipped if missing).
"""

from __future__ import annotations

import configparser
import fnmatch
import os
import shutil
import struct
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from desktop_chat import APP_ID, APP_NAME, __version__, desktop_entry

ROOT = Path(__file__).resolve().parent.parent
RESOURCES = ROOT / "desktop_chat" / "resources"
ENTRY = Path("applications") / f"{APP_ID}.desktop"
ICONS = [Path("icons/hicolor/scalable/apps") / f"{APP_ID}.svg"] + [
    Path(f"icons/hicolor/{n}x{n}/apps") / f"{APP_ID}.png" for n in desktop_entry.ICON_SIZES
]
LAUNCHER = Path(sys.executable).parent / APP_NAME


def _env(data_home: Path, home: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("XDG_", "QT_", "DESKTOP_CHAT_"))
    }
    env.update(
        HOME=str(home),
        XDG_DATA_HOME=str(data_home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_STATE_HOME=str(home / ".local" / "state"),
        PATH=os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")]),
    )
    return env


def _cli(data_home: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "desktop_chat", "install-desktop-entry", *args],
        cwd=ROOT,
        env=_env(data_home, home),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _read_entry(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  (keys are case-sensitive)
    parser.read(path, encoding="utf-8")
    return parser


def _png_size(path: Path) -> tuple[int, int, int]:
    """(width, height, colour type) from the PNG's IHDR chunk."""
    data = path.read_bytes()[:26]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    width, height, _depth, colour = struct.unpack(">IIBB", data[16:26])
    return width, height, colour


@pytest.fixture
def data_home(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "home"
    path.mkdir()
    return path


# --------------------------------------------------------------------------- packaged files


def test_packaged_icons_are_square_rgba_pngs_of_each_size_and_an_svg() -> None:
    root = RESOURCES / "icons" / "hicolor"
    for size in desktop_entry.ICON_SIZES:
        path = root / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        assert _png_size(path) == (size, size, 6), path  # colour type 6: RGBA
    svg = ET.parse(root / "scalable" / "apps" / f"{APP_ID}.svg").getroot()
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    assert svg.get("viewBox") == "0 0 512 512"


def test_every_packaged_data_file_is_listed_for_the_wheel() -> None:
    """A data file not matched by [tool.setuptools.package-data] would be missing after
    `pip install .` (non-editable) while every editable-install test still passed."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["desktop_chat.resources"]
    files = [
        path.relative_to(RESOURCES).as_posix()
        for path in RESOURCES.rglob("*")
        if path.is_file() and path.suffix not in (".py", ".pyc")
    ]
    assert files
    unlisted = [f for f in files if not any(fnmatch.fnmatch(f, p) for p in patterns)]
    assert unlisted == []


def test_resources_are_found_through_importlib_resources() -> None:
    root = desktop_entry.resource_root()
    assert (root / desktop_entry.DESKTOP_TEMPLATE).is_file()
    metainfo = ET.fromstring(desktop_entry.metainfo_text())
    assert metainfo.findtext("id") == APP_ID


def test_metainfo_matches_the_app() -> None:
    metainfo = ET.fromstring(desktop_entry.metainfo_text())
    assert metainfo.get("type") == "desktop-application"
    assert metainfo.findtext("id") == APP_ID
    assert metainfo.findtext("launchable[@type='desktop-id']") == f"{APP_ID}.desktop"
    assert metainfo.findtext("provides/binary") == APP_NAME
    newest = metainfo.find("releases/release")
    assert newest is not None
    assert newest.get("version") == __version__, "add a <release> for the new version"


def test_metainfo_validates_with_appstreamcli() -> None:
    tool = shutil.which("appstreamcli")
    if tool is None:
        pytest.skip("appstreamcli not installed (Debian package: appstream)")
    result = subprocess.run(
        [tool, "validate", "--no-net", str(RESOURCES / f"{APP_ID}.metainfo.xml")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# --------------------------------------------------------------------------- the command


def test_install_writes_a_valid_entry_and_the_icons(data_home: Path, home: Path) -> None:
    result = _cli(data_home, home)
    assert result.returncode == 0, result.stderr
    for relative in [ENTRY, *ICONS]:
        assert (data_home / relative).is_file(), relative
        assert f"installed {data_home / relative}" in result.stdout
    for relative in ICONS:
        source = RESOURCES / relative
        assert (data_home / relative).read_bytes() == source.read_bytes()

    entry = _read_entry(data_home / ENTRY)
    main = entry["Desktop Entry"]
    assert main["Type"] == "Application"
    assert main["Name"] == "Desktop Chat"
    assert main["GenericName"] == "AI Chat"
    assert main["Icon"] == APP_ID
    assert main["Terminal"] == "false"
    assert main["StartupNotify"] == "true"
    assert main["Categories"] == "Utility;Network;Chat;"
    # Qt's X11 WM_CLASS class is QCoreApplication.applicationName(), which the app sets.
    assert main["StartupWMClass"] == APP_NAME
    assert main["Actions"] == "QuickAsk;NewChat;"
    assert entry["Desktop Action QuickAsk"]["Exec"] == main["Exec"] + " --quick-ask"
    assert entry["Desktop Action NewChat"]["Exec"] == main["Exec"] + " --new-chat"

    if LAUNCHER.is_file():
        assert main["Exec"] == str(LAUNCHER)
        assert main["TryExec"] == str(LAUNCHER)
        started = subprocess.run(
            [main["Exec"], "--version"], capture_output=True, text=True, timeout=60, check=False
        )
        assert started.stdout.strip() == f"{APP_NAME} {__version__}"


@pytest.mark.parametrize("action", ["QuickAsk", "NewChat"])
def test_each_desktop_action_is_a_flag_the_app_accepts(action: str) -> None:
    from desktop_chat.app import build_parser

    text = desktop_entry.render_desktop_entry("/usr/bin/desktop-chat")
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]
    entry.read_string(text)
    arguments = entry[f"Desktop Action {action}"]["Exec"].split()[1:]
    flags = {flag for a in build_parser()._actions for flag in a.option_strings}
    missing = [argument for argument in arguments if argument not in flags]
    assert missing == []


def test_installed_entry_passes_desktop_file_validate(data_home: Path, home: Path) -> None:
    tool = shutil.which("desktop-file-validate")
    if tool is None:
        pytest.skip("desktop-file-validate not installed (Debian package: desktop-file-utils)")
    assert _cli(data_home, home).returncode == 0
    result = subprocess.run(
        [tool, str(data_home / ENTRY)], capture_output=True, text=True, timeout=60, check=False
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "error:" not in output and "warning:" not in output, output


def test_uninstall_removes_what_install_wrote(data_home: Path, home: Path) -> None:
    assert _cli(data_home, home).returncode == 0
    (data_home / "icons/hicolor/48x48/apps/other-app.png").write_bytes(b"not ours")

    result = _cli(data_home, home, "--uninstall")
    assert result.returncode == 0, result.stderr
    for relative in [ENTRY, *ICONS]:
        assert not (data_home / relative).exists(), relative
        assert f"removed {data_home / relative}" in result.stdout
    assert (data_home / "icons/hicolor/48x48/apps/other-app.png").exists()

    again = _cli(data_home, home, "--uninstall")
    assert again.returncode == 0
    assert "Nothing to remove" in again.stdout


def test_data_home_option_overrides_xdg_data_home(tmp_path: Path, home: Path) -> None:
    result = _cli(tmp_path / "ignored", home, "--data-home", str(tmp_path / "chosen"))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "chosen" / ENTRY).is_file()
    assert not (tmp_path / "ignored").exists()


# --------------------------------------------------------------------------- the module


def test_a_launcher_path_with_spaces_is_quoted_and_still_validates(tmp_path: Path) -> None:
    program = "/opt/Desktop Chat $HOME/100%/desktop-chat"
    written = desktop_entry.install(tmp_path, program=program)
    entry_path = tmp_path / ENTRY
    assert entry_path in written
    text = entry_path.read_text(encoding="utf-8")
    assert 'Exec="/opt/Desktop Chat \\\\$HOME/100%%/desktop-chat"\n' in text
    assert f"TryExec={program}\n" in text
    tool = shutil.which("desktop-file-validate")
    if tool is not None:
        result = subprocess.run([tool, str(entry_path)], capture_output=True, text=True)
        assert "error:" not in result.stdout + result.stderr, result.stdout + result.stderr


def test_install_works_without_any_cache_tool(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    written = desktop_entry.install(tmp_path / "data", program="/usr/bin/desktop-chat")
    assert len(written) == 1 + len(ICONS)
    assert desktop_entry.uninstall(tmp_path / "data") == written


def test_an_existing_icon_cache_is_rebuilt(tmp_path: Path) -> None:
    tool = shutil.which("gtk-update-icon-cache")
    if tool is None:
        pytest.skip("gtk-update-icon-cache not installed")
    hicolor = tmp_path / "icons" / "hicolor"
    hicolor.mkdir(parents=True)
    (hicolor / "icon-theme.cache").write_bytes(b"stale")
    desktop_entry.install(tmp_path, program="/usr/bin/desktop-chat")
    assert (hicolor / "icon-theme.cache").read_bytes() != b"stale"


def test_default_data_home_follows_the_xdg_spec(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert desktop_entry.default_data_home() == tmp_path
    monkeypatch.setenv("XDG_DATA_HOME", "relative/path")  # ignored, says the spec
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert desktop_entry.default_data_home() == tmp_path / "home" / ".local" / "share"
    monkeypatch.delenv("XDG_DATA_HOME")
    assert desktop_entry.default_data_home() == tmp_path / "home" / ".local" / "share"


def test_app_icon_offers_every_packaged_size(qapp) -> None:
    icon = desktop_entry.app_icon()
    assert not icon.isNull()
    sizes = sorted(size.width() for size in icon.availableSizes())
    assert sizes == list(desktop_entry.ICON_SIZES)
    assert not icon.pixmap(64, 64).isNull()

"""The app in the desktop's menus: a freedesktop.org desktop entry and hicolor icons, per user.

`pip install .` puts the `desktop-chat` launcher on PATH but leaves data files where desktops do
not look, so `desktop-chat install-desktop-entry` writes, under $XDG_DATA_HOME (default
~/.local/share):

- applications/io.github.desktop_chat.DesktopChat.desktop (from the packaged template, with
  Exec set to the absolute path of the launcher that is running, so the entry works even when
  the venv is not on the desktop session's PATH);
- icons/hicolor/{scalable,NxN}/apps/io.github.desktop_chat.DesktopChat.{svg,png};

then asks the desktop to notice (update-desktop-database, gtk-update-icon-cache,
xdg-icon-resource), each only if it is installed. `--uninstall` removes exactly those files.

The data files live in the `desktop_chat.resources` package and are read through
`importlib.resources`, which works from a checkout, an installed wheel and a PyInstaller
bundle alike. `app_icon()` builds the window icon from the same PNGs.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import subprocess
import sys
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_chat import APP_ID, APP_NAME

if TYPE_CHECKING:
    from PySide6.QtGui import QIcon

RESOURCES_PACKAGE = "desktop_chat.resources"
DESKTOP_TEMPLATE = "desktop-chat.desktop.in"
METAINFO = f"{APP_ID}.metainfo.xml"
DESKTOP_FILE = f"{APP_ID}.desktop"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
# Qt on X11 sets WM_CLASS to (argv[0] basename, QCoreApplication.applicationName()); the app
# sets applicationName to APP_NAME, so that is the class the entry's StartupWMClass names. On
# Wayland the app id is QGuiApplication.desktopFileName(), i.e. APP_ID, the entry's file name.
STARTUP_WM_CLASS = APP_NAME

_TOOL_TIMEOUT = 30  # seconds; a hung cache tool must not hang the install


# --------------------------------------------------------------------------- packaged files


def resource_root() -> Traversable:
    """The packaged data directory (icons, desktop entry template, metainfo)."""
    return resources.files(RESOURCES_PACKAGE)


def _icon_resources() -> list[tuple[str, Traversable]]:
    """(hicolor size directory, file) pairs: "scalable" and "16x16" ... "512x512"."""
    hicolor = resource_root() / "icons" / "hicolor"
    pairs = [("scalable", hicolor / "scalable" / "apps" / f"{APP_ID}.svg")]
    for size in ICON_SIZES:
        pairs.append((f"{size}x{size}", hicolor / f"{size}x{size}" / "apps" / f"{APP_ID}.png"))
    return pairs


def metainfo_text() -> str:
    return (resource_root() / METAINFO).read_text(encoding="utf-8")


# --------------------------------------------------------------------------- the entry


def default_data_home() -> Path:
    """$XDG_DATA_HOME, or ~/.local/share when it is unset, empty or relative (XDG spec).

    The same answer as `platformdirs.user_data_path()` on Linux and the BSDs; platformdirs is
    not used here because on macOS and Windows it names folders no freedesktop desktop reads.
    """
    value = os.environ.get("XDG_DATA_HOME", "").strip()
    if value and os.path.isabs(value):
        return Path(value)
    return Path.home() / ".local" / "share"


def launcher_path() -> str:
    """The command that starts this app, absolute where it can be found.

    In order: the bundle's own executable (PyInstaller); `desktop-chat` on PATH; the launcher
    in the same bin directory as this interpreter (a venv that is not on PATH, e.g. when run
    as `python -m desktop_chat`); argv[0] when it is that launcher; else plain `desktop-chat`.
    """
    if getattr(sys, "frozen", False):
        return str(Path(sys.executable).resolve())
    found = shutil.which(APP_NAME)
    if found:
        return str(Path(found).absolute())
    candidates = [Path(sys.executable).parent / APP_NAME]
    if sys.argv and sys.argv[0]:
        candidates.append(Path(sys.argv[0]))
    for candidate in candidates:
        if candidate.name == APP_NAME and candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate.absolute())
    return APP_NAME


def _exec_argument(program: str) -> str:
    """`program` as the first word of an Exec key (desktop entry spec, "The Exec key").

    Arguments with reserved characters are double-quoted, with `"`, backquote, `$` and `\\`
    escaped inside the quotes; `%` is doubled (field codes); then the whole value gets the
    general string escaping, which doubles each backslash again.
    """
    reserved = set(" \t\n\"'\\><~|&;$*?#()`")
    word = program.replace("%", "%%")
    if any(char in reserved for char in word):
        for char in ("\\", '"', "`", "$"):
            word = word.replace(char, "\\" + char)
        word = f'"{word}"'
    return _escape_string(word)


def _escape_string(value: str) -> str:
    """The general escaping of string values (desktop entry spec, "Possible value types")."""
    return (
        value.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r")
    )


def render_desktop_entry(program: str | None = None) -> str:
    """The desktop entry's text, with Exec (and TryExec) pointing at `program`."""
    program = program or launcher_path()
    template = (resource_root() / DESKTOP_TEMPLATE).read_text(encoding="utf-8")
    return template.replace("@EXEC@", _exec_argument(program)).replace(
        "@TRYEXEC@", _escape_string(program)
    )


def _targets(data_home: Path) -> list[tuple[Path, Traversable | None]]:
    """Every file install() writes, with its packaged source (None: the rendered entry)."""
    targets: list[tuple[Path, Traversable | None]] = [
        (data_home / "applications" / DESKTOP_FILE, None)
    ]
    icons = data_home / "icons" / "hicolor"
    for size_dir, source in _icon_resources():
        targets.append((icons / size_dir / "apps" / source.name, source))
    return targets


def _write_atomically(path: Path, data: bytes, mode: int = 0o644) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(data)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def install(data_home: Path | None = None, program: str | None = None) -> list[Path]:
    """Write the desktop entry and icons under `data_home`; return the files written."""
    data_home = Path(data_home) if data_home is not None else default_data_home()
    written: list[Path] = []
    for target, source in _targets(data_home):
        if source is None:
            data = render_desktop_entry(program).encode("utf-8")
        else:
            data = source.read_bytes()
        _write_atomically(target, data)
        written.append(target)
    refresh_caches(data_home)
    return written


def uninstall(data_home: Path | None = None) -> list[Path]:
    """Remove what install() wrote under `data_home`; return the files that were removed."""
    data_home = Path(data_home) if data_home is not None else default_data_home()
    removed: list[Path] = []
    for target, _source in _targets(data_home):
        try:
            target.unlink()
        except FileNotFoundError:
            continue
        removed.append(target)
    refresh_caches(data_home)
    return removed


def refresh_caches(data_home: Path) -> None:
    """Tell the desktop the entry or icons changed, with whichever tools exist. Never raises."""
    applications = data_home / "applications"
    hicolor = data_home / "icons" / "hicolor"
    if applications.is_dir():
        _run_tool(["update-desktop-database", "-q", str(applications)])
    if hicolor.is_dir():
        # Icon caches are checked against their directory's mtime: touching it makes GTK look
        # again. An existing cache must be rebuilt (or it would hide the new icon); none is
        # created where there was none.
        with contextlib.suppress(OSError):
            os.utime(hicolor)
        if (hicolor / "icon-theme.cache").exists():
            _run_tool(["gtk-update-icon-cache", "-q", "-t", "-f", str(hicolor)])
        env = {**os.environ, "XDG_DATA_HOME": str(data_home)}
        _run_tool(["xdg-icon-resource", "forceupdate", "--mode", "user"], env=env)


def _run_tool(command: list[str], env: dict[str, str] | None = None) -> bool:
    if shutil.which(command[0]) is None:
        return False
    try:
        result = subprocess.run(
            command,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=_TOOL_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return result.returncode == 0


# --------------------------------------------------------------------------- window icon


def app_icon() -> QIcon:
    """The app's icon as a QIcon, from the packaged PNGs (no SVG plugin needed).

    Files on disk are added by path with their size, which Qt loads only when a size is asked
    for; anything else (a zipped install) is decoded from bytes.
    """
    from PySide6.QtCore import QSize
    from PySide6.QtGui import QIcon, QPixmap

    icon = QIcon()
    for size_dir, source in _icon_resources():
        if size_dir == "scalable":
            continue
        size = int(size_dir.split("x", 1)[0])
        if isinstance(source, Path):
            if source.is_file():
                icon.addFile(str(source), QSize(size, size))
            continue
        try:
            data = source.read_bytes()
        except OSError:
            continue
        pixmap = QPixmap()
        if pixmap.loadFromData(data, "PNG"):
            icon.addPixmap(pixmap)
    return icon


# --------------------------------------------------------------------------- command line


def add_command(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    command = subparsers.add_parser(
        "install-desktop-entry",
        help="add the app to this user's desktop menus (desktop entry and icons)",
        description="Write a desktop entry and icons under $XDG_DATA_HOME (default "
        "~/.local/share) so the app shows up in the desktop's menus and launcher, with "
        "Exec pointing at this launcher. --uninstall removes them again.",
    )
    command.add_argument(
        "--uninstall", action="store_true", help="remove the desktop entry and icons"
    )
    command.add_argument(
        "--data-home",
        metavar="DIR",
        type=Path,
        help="install under DIR instead of $XDG_DATA_HOME (e.g. /usr/local/share, as root)",
    )
    command.set_defaults(command_function=run_install_desktop_entry)


def run_install_desktop_entry(args: argparse.Namespace) -> int:
    if sys.platform in ("win32", "darwin", "cygwin"):
        print(
            "desktop-chat: desktop entries are for Linux and BSD desktops; "
            "see packaging/README.md for Windows and macOS",
            file=sys.stderr,
        )
        return 1
    data_home = args.data_home
    try:
        if args.uninstall:
            removed = uninstall(data_home)
            if not removed:
                print("Nothing to remove: the desktop entry was not installed there.")
            for path in removed:
                print(f"removed {path}")
            return 0
        written = install(data_home)
    except OSError as error:
        print(f"desktop-chat: {error}", file=sys.stderr)
        return 1
    for path in written:
        print(f"installed {path}")
    print(f"Exec={launcher_path()}")
    return 0

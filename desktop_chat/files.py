"""Writing a file the user asked for, safely: whole or not at all, readable by the user only."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def write_private_atomically(path: Path, text: str) -> None:
    """Write `text` (UTF-8) to `path` with mode 0600: into a temp file in the same directory,
    synced, then renamed over `path`, so a crash or a full disk never leaves a half-written
    export (or a half-overwritten old one) behind. Raises OSError."""
    directory = path.parent
    # mkstemp creates the file 0600, before a byte of the chats is in it.
    descriptor, temp_name = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise
    _sync_directory(directory)


def _sync_directory(directory: Path) -> None:
    """Make the rename itself durable; not every platform lets a directory be opened."""
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

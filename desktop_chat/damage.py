"""Damaged files are kept, never deleted: a copy (or the file itself) goes beside it under a
name that says so and when, so nothing the user had is lost when the app starts afresh.

No Qt, no SQL; cheap to import (window_state.py uses it on the first paint's path when its
file is damaged).
"""

from __future__ import annotations

import os
import time
from pathlib import Path


def stamp() -> str:
    """The UTC time, to the second, in a form that sorts and is valid in any file name."""
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())


def free_name(candidate: Path) -> Path:
    """`candidate`, or `candidate-2`, `-3`… if that is taken (two damages in one second)."""
    path, number = candidate, 1
    while path.exists() or path.is_symlink():
        number += 1
        path = candidate.with_name(f"{candidate.name}-{number}")
    return path


def keep_copy(path: Path) -> Path:
    """Copy `path` byte for byte to `<name>.damaged-<UTC time>` beside it, owner-only, and
    return the copy's path. Raises OSError if the copy cannot be written (then the caller must
    not overwrite the original)."""
    data = path.read_bytes()
    target = free_name(path.with_name(f"{path.name}.damaged-{stamp()}"))
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with open(descriptor, "wb") as file:
            file.write(data)
    except OSError:
        target.unlink(missing_ok=True)
        raise
    return target

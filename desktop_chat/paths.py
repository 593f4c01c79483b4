"""Where the app keeps its files: platformdirs' user folders, so XDG_*_HOME are honoured on
Linux.

On Linux the XDG rules are applied here, as platformdirs applies them (a variable that is unset
or blank means its default under the home folder): platformdirs costs ~3 ms to import, and the
window state is read before the first paint. Elsewhere platformdirs answers.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from desktop_chat import APP_NAME

_XDG_DEFAULTS = {
    "XDG_DATA_HOME": ".local/share",
    "XDG_CONFIG_HOME": ".config",
    "XDG_STATE_HOME": ".local/state",
    "XDG_CACHE_HOME": ".cache",
}


def _user_dir(variable: str, platformdirs_function: str) -> Path:
    if sys.platform.startswith("linux"):
        value = os.environ.get(variable, "")
        base = value if value.strip() else os.path.expanduser(f"~/{_XDG_DEFAULTS[variable]}")
        return Path(base) / APP_NAME
    import platformdirs

    return Path(getattr(platformdirs, platformdirs_function)(APP_NAME, appauthor=False))


def data_dir() -> Path:
    return _user_dir("XDG_DATA_HOME", "user_data_dir")


def config_dir() -> Path:
    return _user_dir("XDG_CONFIG_HOME", "user_config_dir")


def state_dir() -> Path:
    return _user_dir("XDG_STATE_HOME", "user_state_dir")


def cache_dir() -> Path:
    """Files the app can make again (the coloured icons)."""
    return _user_dir("XDG_CACHE_HOME", "user_cache_dir")


def settings_path() -> Path:
    return config_dir() / "settings.json"


def database_path() -> Path:
    return data_dir() / "history.sqlite3"


def log_path() -> Path:
    return state_dir() / "desktop-chat.log"


def window_state_path() -> Path:
    return state_dir() / "window-state"

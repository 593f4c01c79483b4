"""Where the app keeps its files: platformdirs, so XDG_*_HOME are honoured on Linux."""

from __future__ import annotations

from pathlib import Path

import platformdirs

from desktop_chat import APP_NAME


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def state_dir() -> Path:
    return Path(platformdirs.user_state_dir(APP_NAME, appauthor=False))


def cache_dir() -> Path:
    """Files the app can make again (the coloured icons); XDG_CACHE_HOME on Linux."""
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def settings_path() -> Path:
    return config_dir() / "settings.json"


def database_path() -> Path:
    return data_dir() / "history.sqlite3"


def log_path() -> Path:
    return state_dir() / "desktop-chat.log"


def window_state_path() -> Path:
    return state_dir() / "window-state"

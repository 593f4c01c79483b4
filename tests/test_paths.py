"""The app's folders are platformdirs' user folders (XDG on Linux), though Linux computes
them without importing platformdirs before the first paint."""

from __future__ import annotations

from pathlib import Path

import platformdirs
import pytest

from desktop_chat import paths

VARIABLES = ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME")


@pytest.mark.parametrize("value", [None, "", "   ", "/srv/some where/xdg"])
def test_the_folders_are_platformdirs_user_folders(monkeypatch, tmp_path, value):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for variable in VARIABLES:
        if value is None:
            monkeypatch.delenv(variable, raising=False)
        else:
            monkeypatch.setenv(variable, value)
    pairs = [
        (paths.data_dir(), platformdirs.user_data_dir("desktop-chat", appauthor=False)),
        (paths.config_dir(), platformdirs.user_config_dir("desktop-chat", appauthor=False)),
        (paths.state_dir(), platformdirs.user_state_dir("desktop-chat", appauthor=False)),
        (paths.cache_dir(), platformdirs.user_cache_dir("desktop-chat", appauthor=False)),
    ]
    for ours, theirs in pairs:
        assert ours == Path(theirs)
    if value and value.strip():
        assert paths.state_dir() == Path(value) / "desktop-chat"
    else:
        assert paths.state_dir() == tmp_path / "home" / ".local" / "state" / "desktop-chat"

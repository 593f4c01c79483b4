"""Settings: provider profiles and app preferences, as a frozen value saved to JSON.

The file lives in the XDG config dir and never holds an API key (keys live in the OS keychain,
see credentials.py). Unknown or malformed fields fall back to defaults instead of stopping the
app; the file is written atomically with owner-only permissions.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from desktop_chat.domain import DEFAULT_MODEL, OFFICIAL_BASE_URL, is_official_endpoint

DEFAULT_PROFILE = "OpenAI"
DEFAULT_SHORTCUT = "Ctrl+Alt+Space"
THEMES = ("system", "light", "dark")


@dataclass(frozen=True, slots=True)
class Preset:
    name: str
    base_url: str
    needs_key: bool
    default_model: str = ""


PRESETS: tuple[Preset, ...] = (
    Preset("OpenAI", OFFICIAL_BASE_URL, True, DEFAULT_MODEL),
    Preset("Azure OpenAI", "https://YOUR-RESOURCE.openai.azure.com/openai/v1", True),
    Preset("Ollama", "http://localhost:11434/v1", False),
    Preset("LM Studio", "http://localhost:1234/v1", False),
    Preset("llama.cpp server", "http://localhost:8080/v1", False),
    Preset("vLLM", "http://localhost:8000/v1", False),
    Preset("LiteLLM proxy", "http://localhost:4000/v1", True),
    Preset("OpenRouter", "https://openrouter.ai/api/v1", True),
)


@dataclass(frozen=True, slots=True)
class Profile:
    name: str = DEFAULT_PROFILE
    base_url: str = OFFICIAL_BASE_URL
    default_model: str = DEFAULT_MODEL
    organization: str = ""
    project: str = ""
    timeout_seconds: float = 60.0
    proxy: str = ""  # empty: the system proxy (environment), as the HTTP client does
    needs_key: bool = True

    def takes_environment_key(self, environ: Mapping[str, str]) -> bool:
        """OPENAI_API_KEY overrides the stored key, as in the SDK, but only where it belongs:
        for the official endpoint, or when OPENAI_BASE_URL names the server too. It is never
        sent to another profile's server (a local model, OpenRouter, Azure)."""
        if environ.get("OPENAI_BASE_URL"):
            return True
        return is_official_endpoint(self.base_url)


@dataclass(frozen=True, slots=True)
class Settings:
    profiles: tuple[Profile, ...] = (Profile(),)
    default_profile: str = DEFAULT_PROFILE
    quick_ask_shortcut: str = DEFAULT_SHORTCUT
    close_to_tray: bool = False
    onboarding_done: bool = False
    theme: str = "system"  # "system", "light" or "dark"
    zoom: int = 0  # point-size steps added to the system font in conversations
    quick_ask_prefill: bool = False  # prefill Quick ask from the selection / clipboard
    prices: dict[str, Any] = field(default_factory=dict)  # model -> [input, output] $/1M
    parameter_presets: dict[str, dict[str, Any]] = field(default_factory=dict)
    system_prompts: dict[str, str] = field(default_factory=dict)  # the user's prompt library
    extra: dict[str, Any] = field(default_factory=dict)

    def profile(self, name: str | None = None) -> Profile:
        wanted = name or self.default_profile
        for profile in self.profiles:
            if profile.name == wanted:
                return profile
        return self.profiles[0] if self.profiles else Profile()

    def with_profile(self, profile: Profile, replacing: str | None = None) -> Settings:
        """Add or replace (by name, or by `replacing`) a profile."""
        target = replacing or profile.name
        profiles = [p for p in self.profiles if p.name != target and p.name != profile.name]
        position = next((i for i, p in enumerate(self.profiles) if p.name == target), None)
        if position is None:
            profiles.append(profile)
        else:
            profiles.insert(min(position, len(profiles)), profile)
        default = profile.name if self.default_profile == target else self.default_profile
        return replace(self, profiles=tuple(profiles), default_profile=default)

    def without_profile(self, name: str) -> Settings:
        profiles = tuple(p for p in self.profiles if p.name != name) or (Profile(),)
        default = self.default_profile if self.default_profile != name else profiles[0].name
        return replace(self, profiles=profiles, default_profile=default)


def settings_path() -> Path:
    from desktop_chat import paths

    return paths.config_dir() / "settings.json"


def _profile_from(data: Any) -> Profile | None:
    if not isinstance(data, dict) or not isinstance(data.get("name"), str) or not data["name"]:
        return None
    defaults = Profile()
    values: dict[str, Any] = {}
    for name in Profile.__dataclass_fields__:
        value = data.get(name, getattr(defaults, name))
        expected = type(getattr(defaults, name))
        if expected is float and isinstance(value, int):
            value = float(value)
        values[name] = value if isinstance(value, expected) else getattr(defaults, name)
    return Profile(**values)


def _mapping(value: Any) -> dict[str, Any]:
    return {str(k): v for k, v in value.items()} if isinstance(value, dict) else {}


def load(path: Path | None = None) -> Settings:
    path = path or settings_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Settings()
    if not isinstance(data, dict):
        return Settings()
    profiles = tuple(p for p in map(_profile_from, data.get("profiles", [])) if p) or (Profile(),)
    defaults = Settings()
    return Settings(
        profiles=profiles,
        default_profile=str(data.get("default_profile") or profiles[0].name),
        quick_ask_shortcut=str(data.get("quick_ask_shortcut") or defaults.quick_ask_shortcut),
        close_to_tray=bool(data.get("close_to_tray", False)),
        onboarding_done=bool(data.get("onboarding_done", False)),
        theme=data.get("theme") if data.get("theme") in THEMES else "system",
        zoom=max(-6, min(20, int(data.get("zoom", 0)))) if isinstance(data.get("zoom"), int) else 0,
        quick_ask_prefill=bool(data.get("quick_ask_prefill", False)),
        prices=_mapping(data.get("prices")),
        parameter_presets={
            k: v for k, v in _mapping(data.get("parameter_presets")).items() if isinstance(v, dict)
        },
        system_prompts={
            k: v for k, v in _mapping(data.get("system_prompts")).items() if isinstance(v, str)
        },
        extra=data.get("extra") if isinstance(data.get("extra"), dict) else {},
    )


def save(settings: Settings, path: Path | None = None) -> None:
    path = path or settings_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    data = asdict(settings)
    data["profiles"] = [asdict(p) for p in settings.profiles]
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".settings-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=2)
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise

"""Settings: provider profiles and app preferences, as a frozen value saved to JSON.

The file lives in the XDG config dir and never holds an API key (keys live in the OS keychain,
see credentials.py). Unknown or malformed fields fall back to defaults instead of stopping the
app; the file is written atomically with owner-only permissions.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from desktop_chat.domain import DEFAULT_MODEL, OFFICIAL_BASE_URL, is_official_endpoint

log = logging.getLogger(__name__)

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
    # model -> {"reasoning", "vision", "tools": bool, "context": tokens}, over capabilities.py
    capabilities: dict[str, Any] = field(default_factory=dict)
    parameter_presets: dict[str, dict[str, Any]] = field(default_factory=dict)
    system_prompts: dict[str, str] = field(default_factory=dict)  # the user's prompt library
    extra: dict[str, Any] = field(default_factory=dict)
    # MCP tool servers, in Claude Desktop's `mcpServers` shape (see mcp_tools.py)
    mcp_servers: dict[str, Any] = field(default_factory=dict)
    tool_timeout_seconds: float = 60.0
    tool_step_limit: int = 10
    attachment_text_limit: int = 200_000  # characters of an attached document's text
    language: str = ""  # "" follows the system locale; else e.g. "de", "zh_CN", "en"

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

    return paths.settings_path()


def _profile_from(data: Any, problems: list[str]) -> Profile | None:
    """A profile from its JSON; a field of the wrong type takes its default (noted in
    `problems`), and an entry that is not a named object is dropped (noted too)."""
    if not isinstance(data, dict) or not isinstance(data.get("name"), str) or not data["name"]:
        problems.append(f"a profile entry that is not a named profile ({_shape(data)})")
        return None
    defaults = Profile()
    values: dict[str, Any] = {}
    for name in Profile.__dataclass_fields__:
        default = getattr(defaults, name)
        value = data.get(name, default)
        if type(default) is float and type(value) is int:
            value = float(value)
        if type(value) is not type(default):  # `type is`: True is an int, not a timeout
            problems.append(f"profile {data['name']!r}: {name} is {_shape(value)}")
            value = default
        values[name] = value
    return Profile(**values)


def _shape(value: Any) -> str:
    """What a JSON value is, for a warning: its type, never its text (it may be a secret)."""
    names = {dict: "an object", list: "a list", str: "text", bool: "true/false"}
    names.update({int: "a number", float: "a number", type(None): "null"})
    return names.get(type(value), type(value).__name__)


def _mapping(value: Any) -> dict[str, Any]:
    return {str(k): v for k, v in value.items()} if isinstance(value, dict) else {}


class _Reader:
    """Reads the top-level fields of the settings object, noting those of the wrong type."""

    def __init__(self, data: dict[str, Any], problems: list[str]) -> None:
        self.data = data
        self.problems = problems

    def field(self, name: str, kind: type, default: Any) -> Any:
        if name not in self.data or self.data[name] is None:
            return default  # absent (an older file) is not damage
        value = self.data[name]
        if type(value) is not kind:
            self.problems.append(f"{name} is {_shape(value)}")
            return default
        return value


def load(path: Path | None = None, warnings: list[str] | None = None) -> Settings:
    """The settings in `path`; what is missing or damaged takes its default. When something
    was damaged, one line saying what goes to `warnings`, the file is copied beside itself
    (`settings.json.damaged-<time>`) and then rewritten repaired, so this happens once."""
    path = path or settings_path()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Settings()
    except OSError as error:
        _warn(warnings, f"The settings could not be read ({error.strerror}); using the defaults.")
        return Settings()
    problems: list[str] = []
    settings = _parse(raw, problems)
    if problems:
        _repair(path, settings, problems, warnings)
    return settings


def _parse(raw: bytes, problems: list[str]) -> Settings:
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        problems.append("the file is not UTF-8 text")
        return Settings()
    except ValueError:  # truncated or not JSON at all
        problems.append("the file is not valid JSON")
        return Settings()
    if not isinstance(data, dict):
        problems.append(f"the file holds {_shape(data)}, not an object")
        return Settings()
    read = _Reader(data, problems)
    defaults = Settings()
    entries = read.field("profiles", list, [])
    profiles = tuple(p for p in (_profile_from(e, problems) for e in entries) if p)
    profiles = profiles or (Profile(),)
    theme = read.field("theme", str, defaults.theme)
    theme = theme if theme in THEMES else defaults.theme  # a newer version's theme: not damage
    zoom = read.field("zoom", int, defaults.zoom)
    return Settings(
        profiles=profiles,
        default_profile=read.field("default_profile", str, "") or profiles[0].name,
        quick_ask_shortcut=read.field("quick_ask_shortcut", str, "") or defaults.quick_ask_shortcut,
        close_to_tray=read.field("close_to_tray", bool, False),
        onboarding_done=read.field("onboarding_done", bool, False),
        theme=theme,
        zoom=max(-6, min(20, zoom)),
        quick_ask_prefill=read.field("quick_ask_prefill", bool, False),
        prices=_mapping(read.field("prices", dict, {})),
        capabilities=_mapping(read.field("capabilities", dict, {})),
        parameter_presets={
            k: v
            for k, v in _mapping(read.field("parameter_presets", dict, {})).items()
            if isinstance(v, dict)
        },
        system_prompts={
            k: v
            for k, v in _mapping(read.field("system_prompts", dict, {})).items()
            if isinstance(v, str)
        },
        extra=read.field("extra", dict, {}),
        mcp_servers={
            k: v
            for k, v in _mapping(read.field("mcp_servers", dict, {})).items()
            if isinstance(v, dict)
        },
        tool_timeout_seconds=_positive(data.get("tool_timeout_seconds"), 60.0),
        tool_step_limit=max(1, min(100, read.field("tool_step_limit", int, 10))),
        attachment_text_limit=max(1, read.field("attachment_text_limit", int, 200_000)),
        language=read.field("language", str, ""),
    )


def _positive(value: Any, default: float) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
        return float(value)
    return default


def _warn(warnings: list[str] | None, text: str) -> None:
    """To the caller's list (the window or the CLI tells it, and the window logs it), else
    to the log."""
    if warnings is None:
        log.warning("%s", text)
    else:
        warnings.append(text)


def _repair(
    path: Path, settings: Settings, problems: list[str], warnings: list[str] | None
) -> None:
    """Keep the damaged file beside, then write the repaired settings over it. Without a copy
    (a read-only or full directory) the file is left as it is, and the warning says so."""
    from desktop_chat.damage import keep_copy

    what = "; ".join(problems[:3]) + (f" (and {len(problems) - 3} more)" if problems[3:] else "")
    try:
        copy = keep_copy(path)
    except OSError as error:
        _warn(
            warnings,
            f"The settings file {path} is damaged ({what}); the damaged parts use their "
            f"defaults for now. It was left unchanged: no copy could be kept ({error.strerror}).",
        )
        return
    try:
        save(settings, path)
    except OSError as error:
        log.warning("Could not write the repaired settings to %s: %s", path, error)
    _warn(
        warnings,
        f"The settings file was damaged ({what}); the damaged parts are back to their "
        f"defaults. The old file was kept as {copy}.",
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

"""Providers: settings profiles plus keys from the keychain, resolved into ProviderConfig.

No Qt and no SQL: the controller asks this object for a profile's config when it creates a
client, and the settings dialog changes profiles and keys through it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from desktop_chat import settings as settings_module
from desktop_chat.api import ProviderConfig
from desktop_chat.credentials import KeyLookup, KeyStore
from desktop_chat.settings import Profile, Settings


class Providers:
    def __init__(
        self,
        keys: KeyStore | None = None,
        settings_file: Path | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self._settings_file = settings_file
        # What was damaged in the settings file (and repaired), for the window or the CLI.
        self.load_warnings: list[str] = []
        self.settings: Settings = settings_module.load(settings_file, self.load_warnings)
        self.keys = keys or KeyStore(environ)
        self._environ = environ
        self._lookups: dict[str, KeyLookup] = {}

    def key_lookup(self, profile_name: str = "") -> KeyLookup:
        profile = self.settings.profile(profile_name or None)
        if profile.name not in self._lookups:
            self._lookups[profile.name] = self.lookup_for(profile)
        return self._lookups[profile.name]

    def lookup_for(self, profile: Profile) -> KeyLookup:
        """Ask now (not cached) where this profile's key comes from."""
        environment = os.environ if self._environ is None else self._environ
        return self.keys.lookup(
            profile.name, use_environment=profile.takes_environment_key(environment)
        )

    def config(self, profile_name: str = "") -> ProviderConfig:
        profile = self.settings.profile(profile_name or None)
        return ProviderConfig.from_profile(
            profile, self.key_lookup(profile.name).key, self._environ
        )

    __call__ = config

    def update(self, settings: Settings) -> None:
        settings_module.save(settings, self._settings_file)
        self.settings = settings
        self._lookups.clear()

    def forget_cached_keys(self) -> None:
        self._lookups.clear()

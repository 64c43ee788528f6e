"""Settings: one object, loaded from the packaged defaults plus the user's ``keepwise.toml``.

The packaged ``keepwise.toml`` is both the defaults and their documentation. A user file
overrides individual keys; it cannot invent keys, so a typo is an error, not a silent no-op.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

USER_CONFIG_NAME = "keepwise.toml"


class ConfigError(ValueError):
    """A settings file that cannot be used; the message names the file and key."""


class Section:
    """Read-only attribute access to one settings section."""

    def __init__(self, name: str, values: dict[str, Any]):
        self._name = name
        self._values = dict(values)

    def __getattr__(self, key: str) -> Any:
        try:
            return self._values[key]
        except KeyError:
            raise AttributeError(f"no setting [{self._name}] {key}") from None

    def as_dict(self) -> dict[str, Any]:
        return dict(self._values)

    def __repr__(self) -> str:
        return f"Section({self._name}, {self._values})"


class Settings:
    """All sections; ``settings.costs.change_request`` and so on."""

    def __init__(self, values: dict[str, dict[str, Any]], sources: list[str]):
        self._sections = {name: Section(name, section) for name, section in values.items()}
        self.sources = sources

    def __getattr__(self, name: str) -> Section:
        try:
            return self._sections[name]
        except KeyError:
            raise AttributeError(f"no settings section [{name}]") from None

    def as_dict(self) -> dict[str, dict[str, Any]]:
        return {name: section.as_dict() for name, section in self._sections.items()}


def _defaults() -> dict[str, dict[str, Any]]:
    text = resources.files("keepwise").joinpath("keepwise.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def _same_type(default: Any, value: Any) -> bool:
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(default, bool) and isinstance(value, bool)
    if isinstance(default, float):
        return isinstance(value, int | float)
    return isinstance(value, type(default))


def merge(base: dict[str, dict[str, Any]], override: dict[str, Any], origin: str) -> dict[str, dict[str, Any]]:
    """Overlay ``override`` on ``base``, refusing unknown keys and wrong types."""
    merged = {name: dict(section) for name, section in base.items()}
    for name, section in override.items():
        if name not in merged or not isinstance(section, dict):
            known = ", ".join(sorted(merged))
            raise ConfigError(f"{origin}: unknown section [{name}] (known: {known})")
        for key, value in section.items():
            if key not in merged[name]:
                known = ", ".join(sorted(merged[name]))
                raise ConfigError(f"{origin}: unknown key '{key}' in [{name}] (known: {known})")
            default = merged[name][key]
            if not _same_type(default, value):
                raise ConfigError(
                    f"{origin}: [{name}] {key} = {value!r} should be a {type(default).__name__}"
                    f" like the default {default!r}"
                )
            merged[name][key] = float(value) if isinstance(default, float) else value
    return merged


def load_settings(path: str | Path | None = None, overrides: dict[str, Any] | None = None) -> Settings:
    """Defaults, then ``path`` (or ./keepwise.toml when it exists), then ``overrides``."""
    values = _defaults()
    sources = ["defaults"]
    candidate = Path(path) if path else Path.cwd() / USER_CONFIG_NAME
    if path and not candidate.is_file():
        raise ConfigError(f"{candidate}: settings file not found")
    if candidate.is_file():
        try:
            user = tomllib.loads(candidate.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as error:
            raise ConfigError(f"{candidate}: not valid TOML: {error}") from None
        values = merge(values, user, str(candidate))
        sources.append(str(candidate))
    if overrides:
        values = merge(values, overrides, "overrides")
        sources.append("overrides")
    return Settings(values, sources)

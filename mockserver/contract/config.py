"""The contract kit's config file (TOML): which key, which known identities, what may be written,
how fast, and which operations a target cannot reach. Needed against the real API (the kit cannot
create a tenant there); optional elsewhere. ``mockserver contract --example-config`` prints a
documented example (``mockserver/contract/example-config.toml``)."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from mockserver.contract.environment import CONFIG_ENV

EXAMPLE = Path(__file__).with_name("example-config.toml")


class ConfigError(ValueError):
    """The config file is missing, unreadable or names something unknown."""


@dataclass(frozen=True)
class ApiConfig:
    """The config file's section for one API: where its key comes from, its provider states,
    and the operations the target cannot answer with a 2xx."""

    key_env: str | None = None  # the environment variable holding the key (never the key)
    states: Mapping[str, str] = field(default_factory=dict)
    unreachable: Mapping[str, str] = field(default_factory=dict)  # operationId -> why

    def key(self, environ: Mapping[str, str]) -> str | None:
        return environ.get(self.key_env) if self.key_env else None


@dataclass(frozen=True)
class RunConfig:
    """A contract run's settings from the config file: writes, request budget and pacing,
    retries, and each API's section."""

    writes: bool | None = None  # None: the target decides (fakes this run starts: yes)
    budget: int | None = None  # at most this many requests (None: no limit)
    rate_per_second: float = 0.0
    retries: int = 3
    max_retry_after: float = 60.0
    admin_token_env: str | None = None
    apis: Mapping[str, ApiConfig] = field(default_factory=dict)
    source: str | None = None

    def api(self, name: str) -> ApiConfig:
        return self.apis.get(name) or ApiConfig()

    @classmethod
    def load(cls, path: Path | None, environ: Mapping[str, str] | None = None) -> RunConfig:
        environ = os.environ if environ is None else environ
        if path is None:
            named = environ.get(CONFIG_ENV)
            if not named:
                return cls()
            path = Path(named)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ConfigError(f"{path}: {exc.strerror}") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: {exc}") from None
        return cls.from_dict(data, str(path))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], source: str = "<config>") -> RunConfig:
        unknown = set(data) - {"run", "admin", "apis"}
        if unknown:
            raise ConfigError(f"{source}: unknown section(s) {', '.join(sorted(unknown))}")
        run = _table(
            data,
            "run",
            source,
            {"writes", "budget", "rate_per_second", "retries", "max_retry_after"},
        )
        admin = _table(data, "admin", source, {"token_env"})
        apis: dict[str, ApiConfig] = {}
        for name, raw in (data.get("apis") or {}).items():
            table = _table(
                {name: raw}, name, f"{source}: apis", {"key_env", "states", "unreachable"}
            )
            apis[name] = ApiConfig(
                key_env=_str_or_none(table.get("key_env"), f"{source}: apis.{name}.key_env"),
                states=MappingProxyType(_strings(table.get("states"), f"apis.{name}.states")),
                unreachable=MappingProxyType(
                    _strings(table.get("unreachable"), f"apis.{name}.unreachable")
                ),
            )
        try:
            return cls(
                writes=None if run.get("writes") is None else bool(run["writes"]),
                budget=None if not run.get("budget") else int(run["budget"]),
                rate_per_second=float(run.get("rate_per_second", 0.0)),
                retries=int(run.get("retries", 3)),
                max_retry_after=float(run.get("max_retry_after", 60.0)),
                admin_token_env=_str_or_none(admin.get("token_env"), f"{source}: admin"),
                apis=MappingProxyType(apis),
                source=source,
            )
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"{source}: [run]: {exc}") from None


def _table(data: Mapping[str, Any], name: str, where: str, allowed: set[str]) -> dict[str, Any]:
    table = data.get(name) or {}
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: [{name}] must be a table")
    unknown = set(table) - allowed
    if unknown:
        raise ConfigError(f"{where}: [{name}] has unknown key(s) {', '.join(sorted(unknown))}")
    return table


def _strings(value: Any, where: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise ConfigError(f"{where} must map names to strings")
    return dict(value)


def _str_or_none(value: Any, where: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise ConfigError(f"{where} must be a string")

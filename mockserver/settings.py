"""Every knob of the server, with one name in three places: the ``--flag`` of ``mockserver
serve``, the ``MOCKSERVER_*`` environment variable, and (where it makes sense) the admin API.

Values are parsed once, strictly, into a frozen :class:`Settings`: ``false`` is false, a typo is
an error at startup, and nothing reads the environment after that.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from mockserver.core.clock import ClockMode, parse_rfc3339
from mockserver.core.keys import DEFAULT_KEYS, ApiKey
from mockserver.core.ratelimit import MIN_RATE

ENV_PREFIX = "MOCKSERVER_"


class SettingsError(ValueError):
    """A setting has a value that cannot be used; the message names the setting and its source."""


def parse_bool(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"{text!r} is not a boolean (use true/false, yes/no, on/off or 1/0)")


def _integer(text: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise ValueError(f"{text!r} is not an integer") from None


def _non_negative_int(text: str) -> int:
    """An integer >= 0."""
    value = _integer(text)
    if value < 0:
        raise ValueError(f"{text!r} must not be negative")
    return value


def _at_least_one(text: str) -> int:
    value = _integer(text)
    if value < 1:
        raise ValueError(f"{text!r} must be at least 1")
    return value


def _positive_seconds(text: str) -> float:
    try:
        value = float(text.strip())
    except ValueError:
        raise ValueError(f"{text!r} is not a number") from None
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"{text!r} must be a number of seconds > 0")
    return value


def _port(text: str) -> int:
    value = _integer(text)
    if not 0 <= value <= 65535:
        raise ValueError(f"{text!r} is not a port number (0..65535; 0 picks a free port)")
    return value


def _rate(text: str) -> float:
    try:
        value = float(text.strip())
    except ValueError:
        raise ValueError(f"{text!r} is not a number") from None
    if not (math.isfinite(value) and value >= MIN_RATE):
        raise ValueError(f"{text!r} must be a number >= {MIN_RATE}")
    return value


def _keys(text: str) -> tuple[ApiKey, ...]:
    return tuple(ApiKey.parse(part) for part in text.split(",") if part.strip())


def _summary_latency(text: str) -> str:
    value = text.strip().lower()
    if value not in ("off", "realistic"):
        raise ValueError(f"{text!r} is not off or realistic")
    return value


def _optional_path(text: str) -> Path | None:
    return Path(text) if text.strip() else None


def _optional_str(text: str) -> str | None:
    return text if text.strip() else None


def _clock_mode(text: str) -> ClockMode:
    try:
        return ClockMode(text.strip().lower())
    except ValueError:
        modes = ", ".join(mode.value for mode in ClockMode)
        raise ValueError(f"{text!r} is not a clock mode ({modes})") from None


def _time(text: str) -> datetime:
    try:
        return parse_rfc3339(text.strip())
    except ValueError:
        raise ValueError(
            f"{text!r} is not an RFC 3339 time with a zone (like 2026-09-01T00:00:00Z)"
        ) from None


def _optional_time(text: str) -> datetime | None:
    return _time(text) if text.strip() else None


# uvicorn's names; anything else would stop the server with a traceback after the world is built.
LOG_LEVELS = ("critical", "error", "warning", "info", "debug", "trace")


def _log_level(text: str) -> str:
    value = text.strip().lower()
    if value not in LOG_LEVELS:
        raise ValueError(f"{text!r} is not a log level ({', '.join(LOG_LEVELS)})")
    return value


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything a server is configured with, from flags, MOCKSERVER_* variables or code;
    each field's metadata gives its help and how text becomes its value."""

    host: str = field(default="127.0.0.1", metadata={"help": "address to bind", "cast": str})
    port: int = field(default=8787, metadata={"help": "port to bind", "cast": _port})
    seed: int = field(default=1, metadata={"help": "world seed", "cast": _integer})
    users: int = field(
        default=1000, metadata={"help": "users per tenant", "cast": _non_negative_int}
    )
    epoch: datetime = field(
        default=parse_rfc3339("2026-09-01T00:00:00Z"),
        metadata={"help": "the world's timeline anchor (RFC 3339)", "cast": _time},
    )
    scenario: str = field(
        default="default",
        metadata={"help": "scenario: a name in fixtures/, a YAML path, or 'none'", "cast": str},
    )
    keys: tuple[ApiKey, ...] = field(
        default=DEFAULT_KEYS,
        metadata={
            "help": (
                "an API key SECRET=TENANT:LEVEL[:EMAIL]; repeat the flag or separate keys with "
                "commas (the variable takes the same list); replaces the default keys"
            ),
            "cast": _keys,
            "repeat": True,
            "flag": "key",  # one key per flag reads best: --key A --key B
            "metavar": "SECRET=TENANT:LEVEL[:EMAIL]",
        },
    )
    clock: ClockMode = field(
        default=ClockMode.SYSTEM,
        metadata={"help": "clock mode: system, frozen or manual", "cast": _clock_mode},
    )
    clock_start: datetime | None = field(
        default=None,
        metadata={
            "help": "the clock's starting time (RFC 3339); default: now",
            "cast": _optional_time,
        },
    )
    max_body_bytes: int = field(
        default=1_048_576, metadata={"help": "largest request body accepted", "cast": _at_least_one}
    )
    validate_responses: bool = field(
        default=False,
        metadata={
            "help": "check every response against the spec (500 if one is wrong)",
            "cast": parse_bool,
        },
    )
    journal_cap: int = field(
        default=1000,
        metadata={"help": "journal entries kept per tenant (ring buffer)", "cast": _at_least_one},
    )
    journal_text_limit: int = field(
        default=64 * 1024,
        metadata={
            "help": "bytes of each request/response body journaled",
            "cast": _non_negative_int,
        },
    )
    journal_target_limit: int = field(
        default=8 * 1024,
        metadata={
            "help": "bytes of memory the path and query of one journal entry may take",
            "cast": _non_negative_int,
        },
    )
    # FullStory publishes no numbers for its limiter; these defaults are generous enough that a
    # normal test suite never meets them, and low enough that a runaway loop does.
    rate_limits: bool = field(
        default=True,
        metadata={"help": "enforce rate limits (429 + Retry-After)", "cast": parse_bool},
    )
    rate_limit_rps: float = field(
        default=50.0,
        metadata={
            "help": "sustained requests per second per key and operation group",
            "cast": _rate,
        },
    )
    rate_limit_burst: int = field(
        default=100,
        metadata={"help": "burst allowance per key and operation group", "cast": _at_least_one},
    )
    summary_latency: str = field(
        default="off",
        metadata={
            "help": "AI summary generation time: off, or realistic (seconds, driven by the clock)",
            "cast": _summary_latency,
        },
    )
    state_file: Path | None = field(
        default=None,
        metadata={
            "help": "persist state to this JSON file across restarts",
            "cast": _optional_path,
        },
    )
    admin_token: str | None = field(
        default=None,
        metadata={"help": "require this bearer token on /__admin/*", "cast": _optional_str},
    )
    # Limits against hostile or broken clients (see mockserver/http/server_protocol.py).
    header_timeout: float = field(
        default=10.0,
        metadata={
            "help": "seconds a connection may take to send a request's headers before it is closed",
            "cast": _positive_seconds,
        },
    )
    max_target_bytes: int = field(
        default=16 * 1024,
        metadata={
            "help": "longest request target (path and query); 414 above",
            "cast": _at_least_one,
        },
    )
    max_header_bytes: int = field(
        default=64 * 1024,
        metadata={"help": "total size of a request's headers; 431 above", "cast": _at_least_one},
    )
    max_header_count: int = field(
        default=100,
        metadata={"help": "number of request headers; 431 above", "cast": _at_least_one},
    )
    max_connections: int = field(
        default=1000,
        metadata={
            "help": "concurrent connections and requests (uvicorn answers 503 above; keep it "
            "below the open-files limit)",
            "cast": _at_least_one,
        },
    )
    # The Opal tools service (/opal): the FullStory connector's settings.
    opal_key: str = field(
        default="mock-admin-key",
        metadata={"help": "FullStory API key the Opal connector's tools use", "cast": str},
    )
    opal_fullstory_url: str | None = field(
        default=None,
        metadata={
            "help": "FullStory base URL the Opal tools call (default: this server, in process)",
            "cast": _optional_str,
        },
    )
    opal_token: str | None = field(
        default=None,
        metadata={"help": "require this bearer token on /opal/tools/*", "cast": _optional_str},
    )
    opal_ai_analysis: bool = field(
        default=True,
        metadata={
            "help": "offer the AI-analysis tools (the connector's 'AI-powered session analysis')",
            "cast": parse_bool,
        },
    )
    access_log: bool = field(
        default=False, metadata={"help": "log every request (slower)", "cast": parse_bool}
    )
    log_level: str = field(
        default="info",
        metadata={"help": f"log level: {', '.join(LOG_LEVELS)}", "cast": _log_level},
    )

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Settings:
        return cls.from_sources(environ, {})

    @classmethod
    def from_sources(cls, environ: Mapping[str, str], cli: Mapping[str, str | None]) -> Settings:
        """Defaults, overridden by ``MOCKSERVER_*`` variables, overridden by CLI flags."""
        values: dict[str, Any] = {}
        for spec in dataclasses.fields(cls):
            env_name = ENV_PREFIX + spec.name.upper()
            for source, raw in (
                (f"--{flag(spec.name)}", cli.get(spec.name)),
                (env_name, environ.get(env_name)),
            ):
                if raw is None:
                    continue
                cast: Callable[[str], Any] = spec.metadata["cast"]
                try:
                    values[spec.name] = cast(raw)
                except ValueError as exc:
                    raise SettingsError(f"{source}: {exc}") from None
                break
        return cls(**values)

    @classmethod
    def add_arguments(cls, parser: argparse.ArgumentParser, skip: Sequence[str] = ()) -> None:
        for spec in dataclasses.fields(cls):
            if spec.name in skip:
                continue
            parser.add_argument(
                f"--{flag(spec.name)}",
                dest=spec.name,
                default=None,
                action="append" if spec.metadata.get("repeat") else "store",
                metavar=spec.metadata.get("metavar"),
                help=f"{spec.metadata['help']} [env {ENV_PREFIX}{spec.name.upper()}]",
            )

    @classmethod
    def from_arguments(cls, args: argparse.Namespace, environ: Mapping[str, str]) -> Settings:
        cli: dict[str, str | None] = {}
        for spec in dataclasses.fields(cls):
            value = getattr(args, spec.name, None)
            cli[spec.name] = ",".join(value) if isinstance(value, list) else value
        return cls.from_sources(environ, cli)


def flag(name: str) -> str:
    """A setting's flag without the dashes: its name, or the one its metadata gives."""
    for spec in dataclasses.fields(Settings):
        if spec.name == name and "flag" in spec.metadata:
            return str(spec.metadata["flag"])
    return name.replace("_", "-")

"""Settings: one name in three places, strict parsing, errors that name their source."""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

import pytest

from mockserver.core.clock import ClockMode
from mockserver.settings import ENV_PREFIX, LOG_LEVELS, Settings, SettingsError, flag, parse_bool


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("true", True),
        ("TRUE", True),
        ("yes", True),
        ("on", True),
        ("1", True),
        (" false ", False),
        ("False", False),
        ("no", False),
        ("off", False),
        ("0", False),
    ],
)
def test_booleans(text: str, value: bool) -> None:
    assert parse_bool(text) is value
    assert Settings.from_env({"MOCKSERVER_RATE_LIMITS": text}).rate_limits is value


@pytest.mark.parametrize("text", ["", "nope", "2", "truee", "y"])
def test_bad_booleans_name_the_variable(text: str) -> None:
    with pytest.raises(SettingsError, match="MOCKSERVER_RATE_LIMITS"):
        Settings.from_env({"MOCKSERVER_RATE_LIMITS": text})


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("PORT", "eighty"),
        ("PORT", "70000"),
        ("PORT", "-1"),
        ("SEED", "1.5"),
        ("USERS", "-3"),
        ("JOURNAL_CAP", "0"),
        ("JOURNAL_TEXT_LIMIT", "-1"),
        ("RATE_LIMIT_RPS", "0"),
        ("RATE_LIMIT_RPS", "nan"),
        ("RATE_LIMIT_RPS", "fast"),
        ("RATE_LIMIT_BURST", "0"),
        ("CLOCK", "sundial"),
        ("CLOCK_START", "2026-09-01T00:00:00"),
        ("EPOCH", "last tuesday"),
        ("KEYS", "no-equals-sign"),
        ("KEYS", "s=tenant:emperor"),
        ("VALIDATE_RESPONSES", "maybe"),
        ("LOG_LEVEL", "loud"),
    ],
)
def test_bad_values_name_the_variable(name: str, text: str) -> None:
    with pytest.raises(SettingsError, match=f"^MOCKSERVER_{name}: "):
        Settings.from_env({f"MOCKSERVER_{name}": text})


def parse(argv: list[str], environ: dict[str, str] | None = None) -> Settings:
    parser = argparse.ArgumentParser()
    Settings.add_arguments(parser)
    return Settings.from_arguments(parser.parse_args(argv), environ or {})


def test_flags_override_the_environment() -> None:
    settings = parse(["--rate-limit-burst", "7"], {"MOCKSERVER_RATE_LIMIT_BURST": "3"})
    assert settings.rate_limit_burst == 7
    assert parse([], {"MOCKSERVER_RATE_LIMIT_BURST": "3"}).rate_limit_burst == 3


def test_bad_flags_name_the_flag() -> None:
    with pytest.raises(SettingsError, match=r"^--rate-limits: "):
        parse(["--rate-limits", "sometimes"])
    with pytest.raises(SettingsError, match=r"^--journal-cap: "):
        parse(["--journal-cap", "0"])


def test_every_setting_has_a_flag_and_a_variable() -> None:
    parser = argparse.ArgumentParser()
    Settings.add_arguments(parser)
    options = {option for action in parser._actions for option in action.option_strings}
    for field in dataclasses.fields(Settings):
        assert f"--{flag(field.name)}" in options
        assert f"{ENV_PREFIX}{field.name.upper()}" in parser.format_help().replace("\n", " ")


def test_control_plane_settings_parse() -> None:
    settings = Settings.from_env(
        {
            "MOCKSERVER_STATE_FILE": "/tmp/x.json",
            "MOCKSERVER_ADMIN_TOKEN": "t0k",
            "MOCKSERVER_CLOCK": "frozen",
            "MOCKSERVER_CLOCK_START": "2026-09-01T00:00:00Z",
            "MOCKSERVER_RATE_LIMIT_RPS": "2.5",
            "MOCKSERVER_JOURNAL_TEXT_LIMIT": "0",
        }
    )
    assert settings.state_file == Path("/tmp/x.json") and settings.admin_token == "t0k"
    assert settings.clock is ClockMode.FROZEN and settings.rate_limit_rps == 2.5
    assert settings.journal_text_limit == 0
    empty = Settings.from_env({"MOCKSERVER_STATE_FILE": "", "MOCKSERVER_ADMIN_TOKEN": " "})
    assert empty.state_file is None and empty.admin_token is None


def test_defaults_are_generous_and_on() -> None:
    settings = Settings()
    assert settings.rate_limits is True
    assert (settings.rate_limit_rps, settings.rate_limit_burst) == (50.0, 100)
    assert settings.journal_cap == 1000 and settings.host == "127.0.0.1"


def test_log_levels_are_uvicorns() -> None:
    from uvicorn.config import LOG_LEVELS as UVICORN_LEVELS

    assert set(LOG_LEVELS) == set(UVICORN_LEVELS)
    assert Settings.from_env({"MOCKSERVER_LOG_LEVEL": "TRACE"}).log_level == "trace"

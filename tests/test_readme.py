"""The README says what the code does: every setting is documented under its two names."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from mockserver.settings import ENV_PREFIX, Settings, flag

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


def test_every_setting_is_in_the_readme() -> None:
    for field in dataclasses.fields(Settings):
        env = ENV_PREFIX + field.name.upper()
        cli = "--key" if field.name == "keys" else f"--{flag(field.name)}"
        assert f"`{cli}`" in README, cli
        assert f"`{env}`" in README, env


def test_quick_start_is_two_make_commands() -> None:
    quick_start = README.split("## Quick start", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in quick_start.strip().splitlines()]
    assert commands == ["make serve", "make test"]

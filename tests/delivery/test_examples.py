"""The CI example in examples/ agrees with the image and the CLI it drives."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

import yaml

from mockserver.cli import build_parser
from mockserver.settings import Settings

from .dockerfile import Dockerfile

WORKFLOW = Path(__file__).resolve().parents[2] / "examples" / "github-actions.yml"


def steps() -> dict[str, str]:
    document: dict[str, Any] = yaml.safe_load(WORKFLOW.read_text())
    return {step.get("name", ""): step.get("run", "") for step in document["jobs"]["test"]["steps"]}


def command_words(script: str, program: str) -> list[str]:
    joined = script.replace("\\\n", " ")
    line = next(line for line in joined.splitlines() if line.strip().startswith(program))
    return shlex.split(line)


def test_the_container_runs_with_the_image_s_port_volume_and_real_settings() -> None:
    dockerfile = Dockerfile.read()
    words = command_words(
        steps()["Start the fake (state on a volume, published on loopback only)"], "docker run"
    )
    published = words[words.index("-p") + 1]
    assert published == f"127.0.0.1:{dockerfile.env['MOCKSERVER_PORT']}:{dockerfile.last('EXPOSE')}"
    volume = words[words.index("-v") + 1]
    assert volume.split(":", 1)[1] == dockerfile.last("VOLUME")
    variables = dict(words[i + 1].split("=", 1) for i, word in enumerate(words) if word == "-e")
    settings = Settings.from_env(variables)  # raises on an unknown value
    assert settings.seed == 7 and settings.clock == "frozen"
    assert set(variables) <= {
        f"MOCKSERVER_{name.upper()}" for name in Settings.__dataclass_fields__
    }


def test_the_health_wait_reads_the_image_s_healthcheck() -> None:
    script = steps()["Start the fake (state on a volume, published on loopback only)"]
    assert "{{.State.Health.Status}}" in script
    _, command = Dockerfile.read().healthcheck
    assert "/__admin/health" in command[-1]


def test_the_contract_step_uses_real_flags() -> None:
    words = command_words(steps()["The contract kit against the same fake"], "mockserver contract")
    args = build_parser().parse_args(
        [w.replace("$FAKE_URL", "http://127.0.0.1:8787") for w in words[1:]]
    )
    assert args.target == "http://127.0.0.1:8787"
    # The kit's suites ship in the package: no checkout's contract_tests/ to point at.
    assert args.writes and str(args.out) == "contract-report"

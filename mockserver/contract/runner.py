"""``mockserver contract``: run the packaged suites on one target, or on two and report drift.

Each run is a separate ``pytest`` process over ``mockserver.contract.suite`` (the suites inside
the installed package, so no checkout is needed), which writes its observations; the drift
report compares two of them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mockserver.contract.drift import CANNOT_COMPARE, CannotCompare, DriftReport, compare_files
from mockserver.contract.environment import CONFIG_ENV, EXAMPLES_ENV, WRITES_ENV
from mockserver.contract.plugin import APIS_ENV
from mockserver.contract.specs import PHASES_ENV
from mockserver.contract.targets import TargetSpec

SUITE = "mockserver.contract.suite"
# The run's own pytest settings, so a user's pytest.ini or pyproject.toml in the current
# directory cannot change what the kit does.
INI = "[pytest]\naddopts = -p no:cacheprovider\n"
# Nor the pytest plugins installed beside it: only those the suites need are loaded. (Autoloaded,
# every module of each plugin's distribution, mockserver's own included, would be rewritten for
# assertions at start: most of a short run's time.)
PLUGINS = ("mockserver.contract.plugin", "schemathesis.pytest.plugin", "_hypothesis_pytestplugin")


@dataclass(frozen=True)
class RunOptions:
    """How to run the contract suites once: config file, examples per operation, writes,
    progress output, and which APIs and phases."""

    config: Path | None = None
    max_examples: int | None = None
    writes: bool = False
    progress: bool = True
    apis: str | None = None  # comma-separated spec names
    phases: str | None = None  # comma-separated conformance phases
    pytest_args: Sequence[str] = field(default_factory=tuple)


def run_suite(target: str, observations: Path, options: RunOptions | None = None) -> int:
    """One run; pytest's exit code (0 passed, 1 failures, 2+ the run could not complete)."""
    command, env = suite_command(target, observations, options)
    return subprocess.run(command, env=env, stdin=subprocess.DEVNULL, check=False).returncode


def suite_command(
    target: str, observations: Path, options: RunOptions | None = None
) -> tuple[list[str], dict[str, str]]:
    """The pytest command line and environment of one run."""
    options = options or RunOptions()
    TargetSpec.parse(target)  # refuse a bad or not-opted-in target before starting anything
    folder = observations.parent
    folder.mkdir(parents=True, exist_ok=True)
    ini = folder / "pytest.ini"
    ini.write_text(INI, encoding="utf-8")
    env = dict(os.environ)
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    if options.max_examples is not None:
        env[EXAMPLES_ENV] = str(options.max_examples)
    if options.config is not None:
        env[CONFIG_ENV] = str(options.config.resolve())
    if options.writes:
        env[WRITES_ENV] = "1"
    if options.apis:
        env[APIS_ENV] = options.apis
    if options.phases:
        env[PHASES_ENV] = options.phases
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-c",
        str(ini),
        f"--rootdir={folder}",
        "--noconftest",
        *(arg for plugin in PLUGINS for arg in ("-p", plugin)),
        "--pyargs",
        SUITE,
        "-q",
        f"--contract-target={target}",
        f"--contract-observations={observations}",
        *(["--contract-progress"] if options.progress else []),
        *options.pytest_args,
    ]
    return command, env


def run_drift(
    target_a: str, target_b: str, out: Path, options: RunOptions | None = None
) -> tuple[DriftReport | None, int]:
    """Both runs, then the report in ``out/drift.md`` and ``out/drift.json``; the exit code says
    no drift (0), drift (1) or could not compare (2)."""
    TargetSpec.parse(target_a)  # both targets are checked before either run starts
    TargetSpec.parse(target_b)
    a, b = out / "a" / "observations.json", out / "b" / "observations.json"
    for path in (a, b):
        path.unlink(missing_ok=True)
    run_suite(target_a, a, options)
    run_suite(target_b, b, options)
    try:
        report = compare_files(a, b)
    except CannotCompare as exc:
        print(f"mockserver contract: could not compare: {exc}", file=sys.stderr)
        return None, CANNOT_COMPARE
    report.write(out)
    return report, report.exit_code

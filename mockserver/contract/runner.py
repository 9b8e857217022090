"""``mockserver contract``: run the contract suite on one target, or on two and report drift.

Each run is a separate ``pytest`` process over ``contract_tests/`` (the same suite CI runs), which
writes its observations; the drift report compares two of them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from mockserver.contract.drift import DriftReport, compare_files
from mockserver.contract.specs import EXAMPLES_ENV
from mockserver.contract.targets import TargetSpec

PACKAGE_ROOT = Path(__file__).resolve().parents[2]


def default_suite() -> Path:
    for candidate in (Path.cwd() / "contract_tests", PACKAGE_ROOT / "contract_tests"):
        if (candidate / "conftest.py").is_file():
            return candidate
    raise FileNotFoundError("contract_tests/ not found; pass --suite")


def run_suite(
    target: str,
    observations: Path,
    suite: Path | None = None,
    max_examples: int | None = None,
    pytest_args: Sequence[str] = (),
) -> int:
    TargetSpec.parse(target)  # refuse a bad or not-opted-in target before starting anything
    suite = suite or default_suite()
    env = dict(os.environ)
    if max_examples is not None:
        env[EXAMPLES_ENV] = str(max_examples)
    command = [
        sys.executable,
        "-m",
        "pytest",
        str(suite),
        "-p",
        "no:cacheprovider",
        "-q",
        f"--rootdir={suite.parent}",
        f"--contract-target={target}",
        f"--contract-observations={observations}",
        *pytest_args,
    ]
    return subprocess.run(command, cwd=suite.parent, env=env, check=False).returncode


def run_drift(
    target_a: str,
    target_b: str,
    out: Path,
    *,
    suite: Path | None = None,
    max_examples: int | None = None,
    pytest_args: Sequence[str] = (),
) -> tuple[DriftReport, int, int]:
    """Both runs, then the report in ``out/drift.md`` and ``out/drift.json``."""
    a, b = out / "observations-a.json", out / "observations-b.json"
    code_a = run_suite(target_a, a, suite, max_examples, pytest_args)
    code_b = run_suite(target_b, b, suite, max_examples, pytest_args)
    report = compare_files(a, b)
    report.write(out)
    return report, code_a, code_b

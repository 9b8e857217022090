"""Build this project's wheel the way a release would, for the tests of what it installs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def build_wheel(directory: Path) -> Path:
    """``pip wheel`` of the checkout into ``directory`` (no download: setuptools is a dev
    dependency, so the build needs no isolated environment); returns the wheel's path."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(directory),
            str(REPO),
        ],
        check=True,
        capture_output=True,
    )
    return next(directory.glob("fullstory_mockserver-*.whl"))

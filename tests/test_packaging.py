"""An installed copy works from any directory: the wheel carries the specs and fixtures."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from .wheel import build_wheel

REPO = Path(__file__).resolve().parents[1]


def test_wheel_ships_specs_and_fixtures_and_finds_them(tmp_path: Path) -> None:
    wheel = build_wheel(tmp_path)
    names = set(zipfile.ZipFile(wheel).namelist())
    for spec in REPO.glob("openapi/*.yaml"):
        assert f"mockserver/_data/openapi/{spec.name}" in names
    for fixture in REPO.glob("fixtures/*.yaml"):
        assert f"mockserver/_data/fixtures/{fixture.name}" in names
    assert "mockserver/py.typed" in names
    # Run from an unrelated folder with only the wheel on the path: the data is found inside it.
    unpacked = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(unpacked)
    probe = (
        "from mockserver.resources import data_dir; "
        "print(data_dir('openapi')); print(data_dir('fixtures'))"
    )
    out = subprocess.run(
        [sys.executable, "-S", "-c", f"import sys; sys.path.insert(0, {str(unpacked)!r}); {probe}"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    assert out == [
        str(unpacked / "mockserver/_data/openapi"),
        str(unpacked / "mockserver/_data/fixtures"),
    ]


def test_the_installed_version_is_the_one_in_version_py() -> None:
    # pyproject.toml reads it from mockserver/version.py (no metadata lookup at run time).
    from importlib.metadata import version as installed_version

    from mockserver.version import DISTRIBUTION, __version__

    assert installed_version(DISTRIBUTION) == __version__

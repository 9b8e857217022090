"""The kit ships in the wheel: installed from it (here: unpacked onto the path, dependencies from
this environment), ``python -m mockserver contract`` runs from an unrelated directory with no
checkout, and leaves the target's tenants as it found them."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from mockserver.contract.environment import ADMIN_TOKEN_ENV
from mockserver.contract.targets import CONTRACT_TOKEN, TargetSpec
from mockserver.testing.fake import start_fake_server
from tests.wheel import build_wheel

# The explicit cases only: what is proved here is the packaging, not the fake (the URL run
# and the Makefile's runs do the whole kit).
RUN = ["--apis", "fullstory", "--phases", "examples", "--max-examples", "1", "--quiet"]
SELECT = ["--", "-k", "provider_state_cases"]


def test_the_installed_wheel_runs_the_kit_from_any_directory(tmp_path: Path) -> None:
    wheel = build_wheel(tmp_path / "dist")
    archive = zipfile.ZipFile(wheel)
    names = set(archive.namelist())
    assert {
        "mockserver/contract/plugin.py",
        "mockserver/contract/suite/test_conformance.py",
        "mockserver/contract/apis/fullstory.py",
        "mockserver/contract/example-config.toml",
    } <= names
    metadata = archive.read(next(n for n in names if n.endswith("METADATA"))).decode()
    assert "Provides-Extra: contract" in metadata
    assert 'schemathesis==4.32.5; extra == "contract"' in metadata
    site = tmp_path / "site"
    archive.extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site), ADMIN_TOKEN_ENV: CONTRACT_TOKEN}
    command = [sys.executable, "-m", "mockserver", "contract"]

    helped = subprocess.run(
        [*command, "--help"],
        cwd=elsewhere,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        check=False,
    )
    assert helped.returncode == 0 and b"--example-config" in helped.stdout

    settings = TargetSpec.parse("uvicorn", environ={}).fake_settings()
    with start_fake_server(settings, "server") as server:
        before = server.state.tenant_ids()
        result = subprocess.run(
            [*command, "--target", server.base_url, *RUN, "--out", "report", *SELECT],
            cwd=elsewhere,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
        )
        after = server.state.tenant_ids()
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "passed" in result.stdout and "contract coverage" in result.stdout
    assert (elsewhere / "report" / "observations.json").is_file()
    assert after == before, "the kit left its tenant behind"

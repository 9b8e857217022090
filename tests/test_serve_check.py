"""`mockserver serve --check`: builds what serve builds, so it warms the start caches a later
serve reads (the Dockerfile runs it at image build time), and writes no state and binds no port."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from mockserver.cli import main

# serve's own build (mockserver.cli._build), from the MOCKSERVER_* variables as serve reads
# them: how many dataclass method texts it compiled, and whether it needed PyYAML.
SERVE_BUILD = """
import os, sys
from mockserver import cli
from mockserver.core import code_cache
from mockserver.settings import Settings

compiled = []

class Counted(code_cache.CompiledTexts):
    def code(self, source):
        before = self.compiled
        found = super().code(source)
        compiled.append(self.compiled - before)
        return found

code_cache.CompiledTexts = Counted  # what dataclass_code_cached makes
assert cli._build(Settings.from_sources(os.environ, {}), False) is not None
print(sum(compiled), len(compiled), "yaml" in sys.modules)
"""


def environment(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOCKSERVER_")}
    (tmp_path / "state").mkdir()
    return env | {
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "MOCKSERVER_STATE_FILE": str(tmp_path / "state" / "state.json"),
        "MOCKSERVER_USERS": "50",
    }


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mockserver", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_check_warms_both_caches_and_the_next_serve_build_compiles_nothing(
    tmp_path: Path,
) -> None:
    env = environment(tmp_path)
    checked = run(["serve", "--check"], env)
    assert checked.returncode == 0, checked.stderr
    assert str(tmp_path / "cache" / "mockserver") in checked.stdout
    cache = tmp_path / "cache" / "mockserver"
    specs = {path.name.split(".yaml-")[0] for path in (cache / "yaml").glob("*.json")}
    assert {"fullstory", "cognigy", "opal", "admin", "storage"} <= specs
    (code_file,) = (cache / "code").glob("dataclass-methods-*.marshal")
    assert not any((tmp_path / "state").iterdir())  # no state file, no journal beside it
    written = code_file.stat()

    build = subprocess.run(
        [sys.executable, "-c", SERVE_BUILD], env=env, capture_output=True, text=True, check=True
    )
    compiled, texts, parsed_yaml = build.stdout.split()
    assert (int(compiled), parsed_yaml) == (0, "False")  # every text and spec from the caches
    assert int(texts) > 300
    assert code_file.stat().st_ino == written.st_ino  # not rewritten
    assert (tmp_path / "state" / "state.json").is_file()  # serve's build attaches the state file


def test_check_where_no_cache_can_be_written_still_says_serve_would_start(
    tmp_path: Path,
) -> None:
    """A read-only container: the caches are neither read nor written, and nothing fails."""
    env = environment(tmp_path)
    (tmp_path / "a-file").write_text("where the cache folder would be")
    env["XDG_CACHE_HOME"] = str(tmp_path / "a-file")
    checked = run(["serve", "--check"], env)
    assert checked.returncode == 0, checked.stderr
    assert (tmp_path / "a-file").is_file() and not any((tmp_path / "state").iterdir())


def test_check_reads_the_state_file_and_refuses_a_damaged_one_without_touching_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    damaged = tmp_path / "state.json"
    damaged.write_text("{not json")
    assert main(["serve", "--check", "--state-file", str(damaged), "--users", "20"]) == 2
    assert str(damaged) in capsys.readouterr().err
    assert damaged.read_text() == "{not json"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["cache", "state.json"]


def test_check_is_in_serve_s_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["serve", "--help"])
    assert "--check" in capsys.readouterr().out

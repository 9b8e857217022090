"""The benchmark suite's structure (never its speed): quick mode writes a well-formed RESULTS.md,
a section that fails is reported in the file, and the pieces that talk to wrk, exports.py and
the access log read and write what those tools use."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BENCH_DIR = Path(__file__).resolve().parents[2] / "bench"  # on sys.path (conftest.py)

SECTION_NAMES = ["throughput", "in_process", "fixture", "cold_start", "world_scale", "exports",
                 "contract"]  # fmt: skip


def test_quick_mode_writes_a_well_formed_results_file(tmp_path: Path) -> None:
    out = tmp_path / "RESULTS.md"
    argv = [sys.executable, str(BENCH_DIR / "suite.py"), "--quick", "--only", "in_process",
            "--no-install", "--prism-dir", str(tmp_path / "none"), "--out", str(out)]  # fmt: skip
    done = subprocess.run(argv, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    text = out.read_text()
    assert text.startswith("# Benchmark results\n")
    assert "**Quick mode (`--quick`)" in text
    header = dict(re.findall(r"^\| ([A-Za-z][A-Za-z ]*) \| (.+) \|$", text, flags=re.MULTILINE))
    for fact in ("date", "command", "mode", "took", "CPU", "cores", "memory", "OS", "Python",
                 "load average before", "load average after", "wrk", "Prism"):  # fmt: skip
        assert header.get(fact), fact
    assert "--quick --only in_process" in header["command"]
    assert re.fullmatch(r"[\d.]+, [\d.]+, [\d.]+", header["load average before"])
    headings = re.findall(r"^## (\d+)\. ", text, flags=re.MULTILINE)
    assert headings == [str(n) for n in range(1, len(SECTION_NAMES) + 1)]
    assert "## Targets" in text
    assert text.count("- skipped: --skip/--only") == len(SECTION_NAMES) - 1
    in_process = text.split("## 2. ", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in in_process.splitlines() if line.startswith("| ") and "---" not in line]
    apis = [row.split(" | ")[0].removeprefix("| ") for row in rows[1:]]
    assert apis == ["FullStory", "Cognigy", "Opal"]  # quick mode: the first endpoint of each API
    assert all(len(row.split(" | ")) == len(rows[0].split(" | ")) for row in rows)


def test_a_section_that_fails_is_written_into_the_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import suite
    from plan import QUICK, Context
    from report import render_section

    def broken(ctx: object) -> None:
        raise RuntimeError("npm unreachable")

    monkeypatch.setitem(suite.SECTIONS, "exports", ("A large export download", broken))
    section = suite.run_section("exports", Context(QUICK, tmp_path, None, "-", None, "-"))
    text = "\n".join(render_section(6, section))
    assert "## 6. A large export download" in text
    assert "**Not measured in this run:**" in text
    assert "the section failed to run: RuntimeError('npm unreachable')" in text


def test_wrk_scripts_carry_method_headers_and_body() -> None:
    from catalogue import FULLSTORY_KEY, post
    from wrk_load import lua_script, lua_string

    assert lua_string("a]]b") == "[=[a]]b]=]"
    script = lua_script(post("Opal", "tool", "opal", "/t", FULLSTORY_KEY, body={"x": "]]"}))
    assert script.splitlines() == [
        "wrk.method = [[POST]]",
        'wrk.body = [=[{"x":"]]"}]=]',
        "wrk.headers[ [[Authorization]] ] = [[Basic mock-admin-key]]",
        "wrk.headers[ [[Content-Type]] ] = [[application/json]]",
    ]


def test_export_lines_and_access_lines_are_read() -> None:
    from contract_run import access_count
    from export_download import parse, tables

    stdout = (
        "pipeline only: {'format': 'FORMAT_CSV', 'rows': 10}\nserver: serve ...\n"
        "download: {'format': 'FORMAT_CSV', 'rows': 10, 'rss_growth_mib': 1.5}\n"
    )
    assert parse(stdout) == [
        ("pipeline", {"format": "FORMAT_CSV", "rows": 10}),
        ("download", {"format": "FORMAT_CSV", "rows": 10, "rss_growth_mib": 1.5}),
    ]
    # exports.py's figures grow as the exports work lands: the columns follow what it reports.
    newer = parse("download: {'format': 'FORMAT_CSV', 'rows': 10, 'load_average': (1.0, 2.0, 3.0)}")
    assert tables(newer) == [
        "**download**",
        "",
        "| format | rows | load_average |",
        "| --- | ---: | ---: |",
        "| FORMAT_CSV | 10 | 1.0, 2.0, 3.0 |",
        "",
    ]
    log = Path(__file__).with_name("access-sample.log")
    assert access_count(log) == 2


def test_missing_tools_are_reported_not_substituted(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import prism
    import wrk_load
    from plan import QUICK, Context
    from throughput import throughput

    monkeypatch.setattr(shutil, "which", lambda name: None)  # no wrk, no node, no npm
    wrk, why = wrk_load.ensure_wrk(install=False)
    assert wrk is None
    assert why is not None and "apt-get install wrk" in why
    with pytest.raises(prism.PrismUnavailable, match="node is not installed"):
        prism.ensure_prism(tmp_path, install=False)
    section = throughput(Context(QUICK, tmp_path, None, why, None, "no node"))
    assert section.problems == [f"every row: {why}"]
    assert not section.lines


def test_prism_is_not_installed_when_installing_is_off(tmp_path: Path) -> None:
    import prism

    if shutil.which("node") is None:
        pytest.skip("node is not installed: ensure_prism stops before looking at the folder")
    with pytest.raises(prism.PrismUnavailable, match="installing was turned off"):
        prism.ensure_prism(tmp_path / "empty", install=False)
    assert not (tmp_path / "empty").exists()

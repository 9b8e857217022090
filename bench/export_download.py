"""A large export download, through ``bench/exports.py``'s own command line (it starts its
served fake, creates an ``everyone`` event export per format, streams it through the signed
link and prints one dict per measure). The suite reads those dicts; it does not copy the
script, so the exports work going on there is measured as it lands."""

from __future__ import annotations

import ast
import json
import subprocess
import time
from typing import Any

from plan import Context
from report import Section, table
from run import BENCH_DIR, REPO_DIR

PREFIXES = {"pipeline only:": "pipeline", "download:": "download"}
# The columns shown when exports.py reports them (its figures grow as the exports work lands).
SHOWN = {
    "pipeline": ["gzip_level", "rows", "rows_per_second", "gzip_mib"],
    "download": ["rows", "seconds", "rows_per_second", "rows_per_server_cpu_second",
                 "rss_before_mib", "peak_rss_mib", "rss_growth_mib", "load_average"],
}  # fmt: skip


def parse(stdout: str) -> list[tuple[str, dict[str, Any]]]:
    """(kind, numbers) for each ``pipeline only: {...}`` / ``download: {...}`` line."""
    found = []
    for line in stdout.splitlines():
        for prefix, kind in PREFIXES.items():
            if line.startswith(prefix):
                value = literal(line.removeprefix(prefix).strip())
                if isinstance(value, dict):
                    found.append((kind, value))
    return found


def literal(text: str) -> Any:
    """A Python literal (what exports.py prints today) or JSON (should it print that)."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        try:
            return json.loads(text)
        except ValueError:
            return None


def export_download(ctx: Context) -> Section:
    section = Section("exports")
    plan = ctx.plan
    argv = [ctx.python, str(BENCH_DIR / "exports.py"), "--rows", str(plan.export_rows),
            "--formats", *plan.export_formats]  # fmt: skip
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=REPO_DIR, capture_output=True, text=True, check=False,
                          timeout=1800)  # fmt: skip
    seconds = time.perf_counter() - started
    results = parse(done.stdout)
    section.add(
        f"`bench/exports.py --rows {plan.export_rows} --formats "
        f"{' '.join(plan.export_formats)}` ({seconds:.1f} s): a served fake with a world big "
        "enough for the rows, the export downloaded through its signed link by a streaming "
        "client that inflates and counts rows, stopping at the row count. **download**: "
        "rows/s of wall time and the server's RSS before and its peak (VmHWM) after; "
        "**pipeline**: the encoder and gzip stream alone over synthetic rows.",
        "",
    )
    section.add(*tables(results))
    if done.returncode != 0 or not results:
        tail = (done.stdout + done.stderr).strip()[-600:]
        section.problem(f"`bench/exports.py` exited {done.returncode}: {tail}")
    return section


def tables(results: list[tuple[str, dict[str, Any]]]) -> list[str]:
    """One table per kind of measure, with the SHOWN columns this exports.py reported."""
    out = []
    for kind, wanted in SHOWN.items():
        found = [r for k, r in results if k == kind]
        columns = [c for c in wanted if any(c in r for r in found)]
        rows = [[str(r.get("format", "?")), *(format_cell(r.get(c)) for c in columns)]
                for r in found]  # fmt: skip
        if rows:
            out += [f"**{kind}**", "", *table(["format", *columns], rows), ""]
    return out


def format_cell(value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:,}"
    if isinstance(value, list | tuple):
        return ", ".join(format_cell(v) for v in value)
    return "n/a" if value is None else str(value)

"""The benchmark suite: one command, one run on 127.0.0.1, every figure issue 14 asks for, written
to ``bench/RESULTS.md`` with the machine, the date and the exact command. Measured, never
asserted: a slow figure is a FAIL in the file, never a failing process.

Sections (``--skip``/``--only`` take these names):

* ``throughput``  - every API's main read endpoints under uvicorn, next to a bare Starlette app
  serving the same bytes and Prism serving our spec (wrk);
* ``in_process``  - requests/s through the pytest plugin's in-process transport;
* ``fixture``     - the per-test cost of the ``fullstory`` fixture;
* ``cold_start``  - process start to the first 200, ours and Prism's;
* ``world_scale`` - 1,000 vs 1,000,000 users per tenant: start, memory, list latency;
* ``exports``     - a large export download: rows/s and the server's peak RSS growth;
* ``contract``    - the contract kit's wall time and request count against a served fake.

A part that cannot run (no wrk, npm unreachable, a crash) is written into RESULTS.md as such.

Run: ``make bench`` (8 to 9 minutes on 2 busy cores), ``make bench BENCH_ARGS=--quick`` (about 3:
mostly fixed costs, server and Prism starts and the contract kit), or ``.venv/bin/python
bench/suite.py --help``.
"""

from __future__ import annotations

import argparse
import shlex
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import machine
from contract_run import contract_kit
from export_download import export_download
from plan import FULL, QUICK, Context, Plan
from plugin_costs import fixture, in_process
from prism import PRISM_PACKAGE, Prism, PrismUnavailable, default_dir, ensure_prism
from report import Section, render_section, render_targets, table
from run import BENCH_DIR
from startup import cold_start, world_scale
from throughput import throughput
from wrk_load import ensure_wrk

SECTIONS: dict[str, tuple[str, Callable[[Context], Section]]] = {
    "throughput": ("Throughput and latency of the main read endpoints (uvicorn)", throughput),
    "in_process": ("In process: the pytest plugin's transport", in_process),
    "fixture": ("Per-test cost of the `fullstory` fixture", fixture),
    "cold_start": ("Cold start to the first successful response", cold_start),
    "world_scale": ("World scale: users per tenant", world_scale),
    "exports": ("A large export download", export_download),
    "contract": ("The contract kit against a served fake", contract_kit),
}
NEEDS_PRISM = {"throughput", "cold_start"}


def names(text: str) -> list[str]:
    chosen = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in chosen if n not in SECTIONS]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown section(s) {unknown}; known: {list(SECTIONS)}")
    return chosen


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short runs, for development")
    parser.add_argument("--out", type=Path, default=BENCH_DIR / "RESULTS.md")
    parser.add_argument("--skip", type=names, default=[], help="comma-separated sections")
    parser.add_argument("--only", type=names, default=None, help="comma-separated sections")
    parser.add_argument(
        "--no-install", action="store_true", help="never install wrk (apt-get) or Prism (npm)"
    )
    parser.add_argument("--prism-dir", type=Path, default=None, help="Prism's npm folder")
    return parser.parse_args(argv)


def find_prism(folder: Path, install: bool) -> tuple[Prism | None, str | None]:
    try:
        return ensure_prism(folder, install), None
    except PrismUnavailable as exc:
        return None, str(exc)


def run_section(key: str, ctx: Context) -> Section:
    title, measure = SECTIONS[key]
    print(f"== {key}", flush=True)
    started = time.perf_counter()
    try:
        section = measure(ctx)
        section.title = title
    except (Exception, SystemExit) as exc:  # every failure goes into RESULTS.md
        section = Section(key, title)
        lines = traceback.format_exception(exc)
        section.problem(f"the section failed to run: {exc!r}")
        section.add("```", *"".join(lines[-6:]).rstrip().splitlines(), "```")
        print(f"   failed: {exc!r}", file=sys.stderr, flush=True)
    section.seconds = time.perf_counter() - started
    print(f"   {section.seconds:.1f} s", flush=True)
    return section


def skipped(key: str, why: str) -> Section:
    section = Section(key, SECTIONS[key][0])
    section.problem(f"skipped: {why}")
    return section


def document(plan: Plan, sections: Sequence[Section], header: list[tuple[str, str]]) -> list[str]:
    lines = [
        "# Benchmark results",
        "",
        "Written by `bench/suite.py` (`make bench`): measured on 127.0.0.1, never asserted. "
        'How to read it: the README\'s "Benchmarks" section. Numbers from a loaded or '
        "different machine are not comparable; compare ratios within one run.",
        "",
        *table(["", ""], header, right_from=99),
        "",
        "## Targets",
        "",
        *render_targets(sections),
    ]
    if plan.quick:
        lines[2:2] = ["**Quick mode (`--quick`): short runs for development, not results.**", ""]
    for number, section in enumerate(sections, start=1):
        lines += render_section(number, section)
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    opts = parse_args(argv)
    plan = QUICK if opts.quick else FULL
    chosen = [k for k in (opts.only or SECTIONS) if k not in opts.skip]
    started, when = time.perf_counter(), datetime.now(UTC)
    load_before, facts = machine.loadavg_text(), machine.facts()
    command = shlex.join([sys.executable, *sys.argv]) if argv is None else shlex.join(argv)
    install = not opts.no_install
    bytecode = machine.compile_bytecode()
    wrk, wrk_problem = ensure_wrk(install) if "throughput" in chosen else (None, "not needed")
    prism, prism_problem = (
        find_prism(opts.prism_dir or default_dir(), install)
        if NEEDS_PRISM & set(chosen)
        else (None, "not needed")
    )
    with tempfile.TemporaryDirectory(prefix="mockserver-suite-") as tmp:
        ctx = Context(plan, Path(tmp), wrk, wrk_problem, prism, prism_problem)
        sections = []
        for key in SECTIONS:
            sections.append(
                run_section(key, ctx) if key in chosen else skipped(key, "--skip/--only")
            )
    header = [
        ("date", when.strftime("%Y-%m-%d %H:%M:%S UTC")),
        ("command", f"`{command}`"),
        ("mode", "quick (`--quick`)" if plan.quick else "full"),
        ("took", f"{time.perf_counter() - started:.0f} s"),
        *facts,
        ("load average before", load_before),
        ("mockserver's bytecode", bytecode),
        ("load average after", machine.loadavg_text()),
        ("wrk", wrk.version or wrk.path if wrk else f"not used: {wrk_problem}"),
        ("Prism", f"{PRISM_PACKAGE} {prism.version}" if prism else f"not used: {prism_problem}"),
    ]
    opts.out.parent.mkdir(parents=True, exist_ok=True)
    opts.out.write_text("\n".join(document(plan, sections, header)).rstrip() + "\n")
    print(f"wrote {opts.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

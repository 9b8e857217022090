"""Throughput and p50/p99 of every API's main read endpoints under uvicorn, next to a bare
Starlette app serving the fake's exact bytes and next to Prism serving our own spec.

One fake (``mockserver serve``, rate limits off) and one bare app stay up for the whole section;
Prism runs once per spec (FullStory, Cognigy, Opal). For every endpoint the three are loaded
back to back with the same wrk settings, so slow drift on a shared machine hits all three.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import httpx
from catalogue import Answer, Call, bare_manifest, prepare, select, send
from plan import Context
from report import Section, Target, mib, num, ratio, table, verdict
from run import (
    BENCH_DIR,
    LoadResult,
    Server,
    fake_command,
    free_port,
    running,
    start_server,
    stop_server,
    wait_ready,
)
from wrk_load import run_wrk

BARE_TARGET = 0.5  # ours / bare Starlette, at least
PRISM_TARGET = 3.0  # ours / Prism, at least


@dataclass(slots=True)
class Row:
    answer: Answer
    ours: LoadResult | None = None
    bare: LoadResult | None = None
    prism: LoadResult | None = None
    prism_answer: str = "n/a"  # Prism's status and body size before the load


def client_for(port: int) -> httpx.Client:
    return httpx.Client(base_url=f"http://127.0.0.1:{port}", trust_env=False, timeout=120)


def bare_command(ctx: Context, answers: Sequence[Answer], port: int) -> list[str]:
    bodies = []
    for n, a in enumerate(answers):
        path = ctx.work / f"bare-{n}.body"
        path.write_bytes(a.body)
        bodies.append(str(path))
    manifest = ctx.work / "bare-routes.json"
    manifest.write_text(json.dumps(bare_manifest(answers, bodies)))
    return [ctx.python, str(BENCH_DIR / "bare_app.py"), "--host", "127.0.0.1",
            "--port", str(port), "--routes", str(manifest)]  # fmt: skip


def same_bytes(port: int, answers: Sequence[Answer]) -> list[str]:
    """Calls on which the bare app's answer differs from the fake's (should be none)."""
    with client_for(port) as client:
        return [a.call.name for a in answers if send(client, a.call).content != a.body]


@contextlib.contextmanager
def prism_for(ctx: Context, spec: str, section: Section) -> Iterator[Server | None]:
    """Prism serving ``openapi/<spec>.yaml``, or None (and the reason noted) if it cannot run."""
    if ctx.prism is None:
        yield None
        return
    port = free_port()
    server = start_server(f"prism-{spec}", ctx.prism.command(spec, port), port, ctx.work)
    try:
        wait_ready(server)
    except RuntimeError as exc:  # did not start: said in RESULTS.md, the other columns go on
        stop_server(server)
        section.problem(f"Prism on openapi/{spec}.yaml did not start: {exc}")
        yield None
        return
    try:
        yield server
    finally:
        stop_server(server)


def measure(ctx: Context, port: int, c: Call, label: str) -> LoadResult:
    plan, wrk = ctx.plan, ctx.wrk
    assert wrk is not None

    def once(seconds: int) -> LoadResult:
        return run_wrk(wrk, port, c, seconds=seconds, threads=plan.threads,
                       connections=plan.connections, script=ctx.work / f"{label}.lua")  # fmt: skip

    if plan.warmup:
        once(plan.warmup)
    return once(plan.seconds)


def try_measure(ctx: Context, section: Section, port: int, c: Call, who: str) -> LoadResult | None:
    try:
        return measure(ctx, port, c, who)
    except (subprocess.SubprocessError, ValueError) as exc:
        section.problem(f"{who} on {c.api} {c.name}: wrk failed: {str(exc)[:300]}")
        return None


def prism_probe(server: Server, c: Call) -> str:
    try:
        with client_for(server.port) as client:
            answer = send(client, c)
    except httpx.HTTPError as exc:  # the load run below will show it too
        return f"no answer: {exc!r}"
    return f"{answer.status_code}, {len(answer.content):,} B"


def failures(m: LoadResult | None) -> str:
    """Non-2xx answers, plus socket errors (connect, read, write, timeout) if any."""
    if m is None:
        return "-"
    return f"{m.non_2xx}" + (f"+{m.socket_errors}e" if m.socket_errors else "")


def load_all(
    ctx: Context, section: Section, answers: Sequence[Answer], ours: Server, bare: Server
) -> tuple[list[Row], dict[str, int | None]]:
    rows: list[Row] = []
    prism_rss: dict[str, int | None] = {}
    for spec in dict.fromkeys(a.call.spec for a in answers):
        with prism_for(ctx, spec, section) as prism:
            for a in (a for a in answers if a.call.spec == spec):
                row = Row(a)
                row.ours = try_measure(ctx, section, ours.port, a.call, "ours")
                row.bare = try_measure(ctx, section, bare.port, a.call, "bare")
                if prism is not None:
                    row.prism_answer = prism_probe(prism, a.call)
                    row.prism = try_measure(ctx, section, prism.port, a.call, "prism")
                rows.append(row)
                print(f"  throughput: {a.call.api} {a.call.name} done", flush=True)
        if prism is not None:
            prism_rss[spec] = prism.peak_rss_kib
    return rows, prism_rss


def throughput(ctx: Context) -> Section:
    section = Section("throughput")
    if ctx.wrk is None:
        section.problem(f"every row: {ctx.wrk_problem}")
        return section
    if ctx.prism is None:
        section.problem(f"the Prism columns: {ctx.prism_problem}")
    plan = ctx.plan
    port = free_port()
    with running("fake", fake_command(port, plan.users), port, ctx.work) as ours:
        with client_for(port) as client:
            prepared = prepare(client, plan.users, ctx.events_user(), plan.profiles)
        answers = select(prepared.answers, plan.quick)
        bare_port = free_port()
        with running("bare", bare_command(ctx, answers, bare_port), bare_port, ctx.work) as bare:
            differ = same_bytes(bare_port, answers)
            rows, prism_rss = load_all(ctx, section, answers, ours, bare)
    describe(section, ctx, rows, prepared.notes, differ)
    rss = [f"ours {mib(ours.peak_rss_kib)}", f"bare {mib(bare.peak_rss_kib)}"]
    rss += [f"Prism ({spec}) {mib(kib)}" for spec, kib in prism_rss.items()]
    section.add("", "Peak RSS (VmHWM, MiB) after the load: " + ", ".join(rss) + ".")
    return section


def rps(m: LoadResult | None) -> float | None:
    return None if m is None else m.rps


def cells(m: LoadResult | None) -> list[str]:
    if m is None:
        return ["n/a", "n/a", "n/a"]
    return [num(m.rps), num(m.p50_ms, 2), num(m.p99_ms, 2)]


def describe(
    section: Section, ctx: Context, rows: Sequence[Row], notes: Sequence[str], differ: list[str]
) -> None:
    plan = ctx.plan
    assert ctx.wrk is not None
    section.add(
        f"wrk ({ctx.wrk.version or ctx.wrk.path}) `--latency -t{plan.threads} "
        f"-c{plan.connections} -d{plan.seconds}s`"
        + (f" after a {plan.warmup} s warm-up run" if plan.warmup else ", no warm-up")
        + ", per server and endpoint, all on 127.0.0.1. **ours**: `mockserver serve "
        f"--users {plan.users} --rate-limits false` (auth, validation, journal on; access log "
        "off). **bare**: `bench/bare_app.py`, a Starlette route per endpoint returning the "
        "fake's recorded answer bytes under the same uvicorn. **Prism**: `prism mock -v error "
        "openapi/<api>.yaml` (its own made-up bodies, sizes in the last column; on the "
        "FullStory spec it also logs, at error level, each place where a body it made up breaks "
        "the spec's id patterns: part of its cost as shipped).",
        "",
    )
    table_rows = []
    ratios_bare: list[tuple[float, str]] = []
    ratios_prism: list[tuple[float, str]] = []
    for row in rows:
        c = row.answer.call
        over_bare = ratio(rps(row.ours), rps(row.bare))
        over_prism = ratio(rps(row.ours), rps(row.prism))
        label = f"{c.api}: {c.name}"
        if over_bare is not None:
            ratios_bare.append((over_bare, label))
        if over_prism is not None:
            ratios_prism.append((over_prism, label))
        table_rows.append([
            c.api, f"{c.method} {c.name}", *cells(row.ours), *cells(row.bare), *cells(row.prism),
            num(over_bare, 2), verdict(None if over_bare is None else over_bare >= BARE_TARGET),
            num(over_prism, 2),
            verdict(None if over_prism is None else over_prism >= PRISM_TARGET),
            "/".join(failures(m) for m in (row.ours, row.bare, row.prism)),
            f"{len(row.answer.body):,} B", row.prism_answer,
        ])  # fmt: skip
    header = ["API", "endpoint", "ours rps", "p50 ms", "p99 ms", "bare rps", "p50 ms", "p99 ms",
              "Prism rps", "p50 ms", "p99 ms", "ours/bare", "≥0.5x", "ours/Prism", "≥3x",
              "non-2xx(+socket errors) ours/bare/Prism", "our body", "Prism's answer"]  # fmt: skip
    section.add(*table(header, table_rows, right_from=2))
    section.add("", *[f"- {note}" for note in notes])
    if differ:
        section.problem(f"the bare app's bytes differ from the fake's on: {', '.join(differ)}")
    section.targets.append(worst("throughput vs bare Starlette", "≥ 0.5x on every endpoint",
                                 ratios_bare, BARE_TARGET))  # fmt: skip
    section.targets.append(worst("throughput vs Prism", "≥ 3x on every endpoint",
                                 ratios_prism, PRISM_TARGET))  # fmt: skip


def worst(what: str, goal: str, ratios: list[tuple[float, str]], target: float) -> Target:
    if not ratios:
        return Target(what, goal, "not measured", None)
    low, label = min(ratios)
    failing = sum(1 for r, _ in ratios if r < target)
    measured = f"lowest {low:.2f}x ({label}); {failing} of {len(ratios)} below"
    return Target(what, goal, measured, failing == 0)

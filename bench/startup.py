"""Starting up: cold start to the first successful answer (ours next to Prism's), and how start
time, memory and list latency change from 1,000 to 1,000,000 users per tenant."""

from __future__ import annotations

import contextlib
import os
import statistics
import subprocess
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import world_start
from catalogue import FULLSTORY_KEY
from plan import Context
from report import Section, Target, mib, num, ratio, table
from run import (
    PINNED_EMAIL,
    Server,
    fake_command,
    free_port,
    peak_rss_kib,
    percentile,
    start_server,
    stop_server,
)

from mockserver.core.keys import DEFAULT_TENANT

COLD_START_TARGET_S = 0.5
FLAT = 1.5  # 10**6 users / 10**3 users at or below this counts as flat (run-to-run noise)
POLL_S = 0.005


def poller() -> httpx.Client:
    """The client that polls a starting server. Made before the clock starts: making one
    loads the TLS trust store (0.05 to 0.15 s), which is the client's cost, not the server's."""
    return httpx.Client(trust_env=False, timeout=10.0, headers=FULLSTORY_KEY)


def first_ok(
    client: httpx.Client, server: Server, url: str, started: float, timeout: float = 120.0
) -> float:
    """Seconds from ``started`` to the first 200 on ``url`` (connection refusals retried)."""
    while time.perf_counter() - started < timeout:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited: {server.log_path.read_text()[-500:]}")
        try:
            if client.get(url).status_code == 200:
                return time.perf_counter() - started
        except httpx.TransportError:
            pass
        time.sleep(POLL_S)  # polling a child process we started (a benchmark, not a test)
    raise RuntimeError(f"{server.name}: no 200 from {url} in {timeout:.0f} s")


def list_url(port: int, email: str) -> str:
    return f"http://127.0.0.1:{port}/sessions/v2?" + str(httpx.QueryParams({"email": email}))


def cpu_seconds(pid: int) -> float | None:
    """User plus system CPU seconds the process has used so far (Linux only)."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return None


def cold_starts(
    ctx: Context, name: str, command: Callable[[int], list[str]], n: int
) -> tuple[list[float], list[float]]:
    """Seconds to the first 200 of ``n`` starts, and the CPU seconds the started process had
    used by then (where the system tells)."""
    times, cpu = [], []
    for _ in range(n):
        port = free_port()
        with poller() as client:
            started = time.perf_counter()
            server = start_server(name, command(port), port, ctx.work)
            try:
                times.append(first_ok(client, server, list_url(port, PINNED_EMAIL), started))
                used = cpu_seconds(server.process.pid)
                if used is not None:
                    cpu.append(used)
            finally:
                stop_server(server)
    return times, cpu


@contextlib.contextmanager
def empty_cache_folder() -> Iterator[None]:
    """Started servers see an empty user cache folder (as on a machine's very first start):
    no JSON copies of the specs, no compiled dataclass methods; they write both."""
    previous = os.environ.get("XDG_CACHE_HOME")
    with tempfile.TemporaryDirectory(prefix="mockserver-bench-cache-") as empty:
        os.environ["XDG_CACHE_HOME"] = empty
        try:
            yield
        finally:
            if previous is None:
                os.environ.pop("XDG_CACHE_HOME", None)
            else:
                os.environ["XDG_CACHE_HOME"] = previous


def mockserver_command(ctx: Context) -> list[str]:
    """`mockserver` as a user types it, through the console script."""
    script = Path(ctx.python).with_name("mockserver")
    return [str(script)] if script.exists() else [ctx.python, "-m", "mockserver"]


def serve_command(ctx: Context, port: int) -> list[str]:
    """`mockserver serve` as a user types it (default settings)."""
    return [*mockserver_command(ctx), "serve", "--host", "127.0.0.1", "--port", str(port)]


def first_starts_after_check(ctx: Context, n: int) -> list[float]:
    """``n`` first starts, each in its own empty cache folder warmed by ``serve --check`` (what
    the Dockerfile runs at build time: a new container's first start)."""
    times = []
    for _ in range(n):
        with empty_cache_folder():
            subprocess.run([*mockserver_command(ctx), "serve", "--check"], check=True,
                           capture_output=True)  # fmt: skip
            first, _ = cold_starts(ctx, "cold-checked", lambda port: serve_command(ctx, port), 1)
            times += first
    return times


PHASES = """
import sys, time
marks = [time.perf_counter()]
import mockserver.cli
marks.append(time.perf_counter())
from mockserver.core.code_cache import dataclass_code_cached
with mockserver.cli.collector_paused(), dataclass_code_cached():  # as `serve` builds the app
    from mockserver.http.uvicorn_parts import lazy_uvicorn_package
    lazy_uvicorn_package()  # as `serve` does: uvicorn without uvicorn.main
    import uvicorn.config, uvicorn.server
    from mockserver.app import create_app
    from mockserver.settings import Settings
    marks.append(time.perf_counter())
    app = create_app(Settings())
    marks.append(time.perf_counter())
from mockserver.testing.transport import in_process_client  # httpx: not part of a start
with in_process_client(app, headers={"Authorization": "Basic mock-admin-key"}) as client:
    before = time.perf_counter()
    assert client.get(sys.argv[1]).status_code == 200
    marks.append(time.perf_counter() - before + marks[-1])
print(*(b - a for a, b in zip(marks, marks[1:])))
"""
PHASE_NAMES = ["`import mockserver.cli` (what every command needs)",
               "importing uvicorn and the app", "`create_app(Settings())`",
               "the first listing, in process"]  # fmt: skip


def phases(ctx: Context) -> list[list[str]]:
    """Where a start goes, in fresh interpreters: the interpreter alone; then in one more,
    importing the CLI, importing uvicorn and the app, building the app (specs, scenario, the default
    tenant), and the first listing (through the in-process transport). The rest of a served
    start is uvicorn's own start and the first request over the socket."""
    started = time.perf_counter()
    subprocess.run([ctx.python, "-c", "pass"], check=True)
    rows = [["Python starts (`python -c pass`)", f"{time.perf_counter() - started:.3f}"]]
    path = list_url(0, PINNED_EMAIL).partition(":0")[2]
    done = subprocess.run([ctx.python, "-c", PHASES, path], check=True, capture_output=True,
                          text=True)  # fmt: skip
    seconds = [float(x) for x in done.stdout.split()]
    rows += [[name, f"{s:.3f}"] for name, s in zip(PHASE_NAMES, seconds, strict=True)]
    return rows


def cold_start(ctx: Context) -> Section:
    section = Section("cold_start")
    plan = ctx.plan
    with empty_cache_folder():  # first, so that the starts below find the caches written
        first, _ = cold_starts(ctx, "cold-first", lambda port: serve_command(ctx, port), 1)
    checked = first_starts_after_check(ctx, 3)
    ours, ours_cpu = cold_starts(
        ctx, "cold-ours", lambda port: serve_command(ctx, port), plan.cold_starts
    )
    prism: list[float] = []
    if ctx.prism is None:
        section.problem(f"Prism's cold start: {ctx.prism_problem}")
    else:
        spec_command = ctx.prism.command
        try:
            prism, _ = cold_starts(
                ctx, "cold-prism", lambda port: spec_command("fullstory", port),
                plan.prism_cold_starts,
            )  # fmt: skip
        except RuntimeError as exc:
            section.problem(f"Prism's cold start: {exc}")
    section.add(
        "From starting the process to the first `200` on `GET /sessions/v2?email="
        f"{PINNED_EMAIL}` (polled every {POLL_S * 1000:.0f} ms; the interpreter's own start "
        "included). **ours**: `mockserver serve --host 127.0.0.1 --port P` (default settings, "
        "1,000 users); **Prism**: `prism mock -v error openapi/fullstory.yaml`. A start reads "
        "the JSON copies of the specs and the compiled dataclass methods that the first start "
        "on a machine writes to the user's cache folder (`mockserver/core/yaml_cache.py`, "
        "`code_cache.py`); **ours, first start** is one start with an empty cache folder; "
        "**ours, first start after `serve --check`** is the first start in an empty folder "
        "that `mockserver serve --check` warmed (as the Docker image does at build time).",
        "",
    )
    rows = [
        [who, str(len(t)), num(statistics.median(t), 3), num(min(t), 3), num(max(t), 3)]
        for who, t in (
            ("ours", ours),
            ("ours, first start", first),
            ("ours, first start after `serve --check`", checked),
            ("Prism", prism),
        )
        if t
    ]
    section.add(*table(["server", "starts", "median s", "min s", "max s"], rows))
    if ours_cpu:
        section.add("", "CPU our server process had used by its first `200` (user + system; on a "
                    "shared machine less sensitive to the load than the wall time): median "
                    f"{statistics.median(ours_cpu):.2f} s, min {min(ours_cpu):.2f} s, max "
                    f"{max(ours_cpu):.2f} s.")  # fmt: skip
    section.add("", "Where our start goes (one fresh interpreter each; `-X importtime` breaks "
                "the import down further):", "", *table(["phase", "s"], phases(ctx)))  # fmt: skip
    median = statistics.median(ours)
    goal, measured = f"< {COLD_START_TARGET_S} s", f"{median:.3f} s median"
    if prism:
        measured += f" (Prism {statistics.median(prism):.3f} s)"
    section.targets.append(
        Target("cold start (ours)", goal, measured, median < COLD_START_TARGET_S)
    )
    return section


def far_user(users: int) -> str:
    """A user with sessions near the end of the population, found in process."""
    world = world_start.build(users).tenant(DEFAULT_TENANT).fullstory.world
    for index in range(users - 1, max(-1, users - 200), -1):
        user = world.user_at(index)
        if world.session_count(user) > 0:
            return user.email
    return PINNED_EMAIL


def build_times(users: int, builds: int) -> tuple[float, int]:
    """Median seconds of ``world_start.build`` (after one warm build) and one build's peak
    traced allocation in bytes."""
    world_start.build(users)
    times = []
    for _ in range(builds):
        started = time.perf_counter()
        world_start.build(users)
        times.append(time.perf_counter() - started)
    tracemalloc.start()
    world_start.build(users)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return statistics.median(times), peak


def rss_kib(pid: int) -> int | None:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return None


@dataclass(slots=True)
class Scale:
    users: int
    email: str
    build_ms: float
    alloc_kib: int
    first_ok_s: float = 0.0
    rss_start_kib: int | None = None
    peak_kib: int | None = None
    p50_ms: float = 0.0
    p99_ms: float = 0.0

    def cells(self) -> list[str]:
        return [f"{self.users:,}", self.email, num(self.build_ms, 1), num(self.alloc_kib),
                num(self.first_ok_s, 3), mib(self.rss_start_kib), mib(self.peak_kib),
                num(self.p50_ms, 2), num(self.p99_ms, 2)]  # fmt: skip


def start_scaled(ctx: Context, row: Scale, stack: contextlib.ExitStack) -> tuple[Server, str]:
    """Start ``serve --users N`` and time it to its first listing of the row's user."""
    port = free_port()
    client = stack.enter_context(poller())
    started = time.perf_counter()
    server = start_server(f"scale-{row.users}", fake_command(port, row.users), port, ctx.work)
    stack.callback(stop_server, server)
    url = list_url(port, row.email)
    row.first_ok_s = first_ok(client, server, url, started)
    row.rss_start_kib = rss_kib(server.process.pid)
    return server, url


def served_scale(ctx: Context, rows: list[Scale]) -> None:
    """All populations served at once; their listings alternate, request by request, so that
    a shared machine's drifting load falls on every population alike."""
    with contextlib.ExitStack() as stack:
        served = [start_scaled(ctx, row, stack) for row in rows]
        latencies: list[list[float]] = [[] for _ in rows]
        with httpx.Client(trust_env=False, timeout=30.0, headers=FULLSTORY_KEY) as client:
            for _ in range(ctx.plan.scale_requests):
                for (_, url), samples in zip(served, latencies, strict=True):
                    began = time.perf_counter()
                    client.get(url).raise_for_status()
                    samples.append(time.perf_counter() - began)
        for row, (server, _), samples in zip(rows, served, latencies, strict=True):
            samples.sort()
            row.p50_ms = percentile(samples, 50) * 1000
            row.p99_ms = percentile(samples, 99) * 1000
            row.peak_kib = peak_rss_kib(server.process.pid)


def world_scale(ctx: Context) -> Section:
    section = Section("world_scale")
    plan = ctx.plan
    rows = []
    for users in plan.scale_users:
        build_s, peak_alloc = build_times(users, plan.scale_builds)
        rows.append(Scale(users, far_user(users), build_s * 1000, peak_alloc // 1024))
    served_scale(ctx, rows)
    section.add(
        "Per population: the server state and default tenant's world built in process as "
        f"`serve` does (`bench/world_start.py`'s `build`, median of {plan.scale_builds} after "
        "one warm build, and one build's peak traced allocation); then `mockserver serve "
        "--users N --rate-limits false` started (one population after the other) and timed to "
        "its first `200` listing the sessions of a user near the end of the population, its "
        f"RSS then; with all of them up, {plan.scale_requests} keep-alive listings of that "
        "user each, the populations taking turns request by request; and the peak RSS.",
        "",
    )
    header = ["users", "listed user", "state build ms", "peak alloc KiB", "serve → first 200 s",
              "RSS then MiB", "peak RSS MiB", "list p50 ms", "list p99 ms"]  # fmt: skip
    section.add(*table(header, [row.cells() for row in rows], right_from=2))
    if len(rows) >= 2:
        small, large = rows[0], rows[-1]
        pairs: list[tuple[str, float | None, float | None]] = [
            ("start (serve → first list)", small.first_ok_s, large.first_ok_s),
            ("memory (peak RSS)", small.peak_kib, large.peak_kib),
            ("list latency (p50)", small.p50_ms, large.p50_ms),
        ]
        goal = f"flat from {small.users:,} to {large.users:,} users (≤ {FLAT}x)"
        for what, low, high in pairs:
            grow = ratio(high, low)
            measured = "n/a" if grow is None else f"{grow:.2f}x"
            met = None if grow is None else grow <= FLAT
            section.targets.append(Target(f"world scale: {what}", goal, measured, met))
        section.add("", f"Flat: the {large.users:,}-user figure is at most {FLAT}x the "
                    f"{small.users:,}-user one (run-to-run noise allowed).")  # fmt: skip
    return section

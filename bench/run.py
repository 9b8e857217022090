"""Benchmark the fake against a bare Starlette app serving the same bytes: measured, never asserted.

One run, on 127.0.0.1 only:

1. ``mockserver serve`` (default settings except ``--rate-limits false``) under uvicorn, loaded
   with wrk (or a small asyncio/httpx keep-alive load generator if wrk is missing) on
   ``GET /sessions/v2?email=...`` and ``GET /v2/sessions/{id}/events``;
2. ``bench/bare_app.py`` under the same uvicorn, returning the fake's exact answer bytes;
3. the fake and the bare app in-process through ``httpx.ASGITransport`` (no sockets at all).

Prints a Markdown table and writes every number to ``bench/results/<UTC date>-<name>.json``.
Nothing here fails on a slow result: the numbers are for people to read.

Run: ``make bench`` or ``.venv/bin/python bench/run.py --help``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import dataclasses
import importlib.metadata
import json
import os
import platform
import pstats
import re
import shlex
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from starlette.types import ASGIApp

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
LOOPBACK = "127.0.0.1"  # the only address this script ever talks to
AUTH = {"Authorization": "Basic mock-admin-key"}
PINNED_EMAIL = "jane.checkout@example.com"  # pinned by the default scenario (fixtures/default.yaml)
ENDPOINTS = ("sessions", "events")


# -- small value types -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LoadResult:
    """One measured load run against one URL."""

    target: str  # "fake" or "bare"
    endpoint: str  # "sessions" or "events"
    round: int
    tool: str  # "wrk" or "python"
    command: str
    requests: int
    duration_s: float
    rps: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    socket_errors: int
    loadavg_before: tuple[float, float, float]


@dataclass(frozen=True, slots=True)
class InProcessResult:
    target: str
    endpoint: str
    concurrency: int  # 1 = a sequential loop
    requests: int
    duration_s: float
    rps: float
    p50_ms: float
    p99_ms: float
    statuses: dict[str, int]


@dataclass(slots=True)
class Server:
    name: str
    port: int
    command: list[str]
    process: subprocess.Popen[bytes]
    log_path: Path
    peak_rss_kib: int | None = None


@dataclass(frozen=True, slots=True)
class Probe:
    """What the fake answered before any load: the bytes the bare app will serve."""

    email: str
    email_source: str
    session_id: str
    paths: dict[str, str]  # endpoint -> path with query
    bodies: dict[str, bytes]
    content_types: dict[str, str]


@dataclass(slots=True)
class Report:
    started_utc: str
    command: str
    options: dict[str, Any]
    machine: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    probe: dict[str, Any] = field(default_factory=dict)
    servers: dict[str, Any] = field(default_factory=dict)
    load: list[LoadResult] = field(default_factory=list)
    summary: list[dict[str, Any]] = field(default_factory=list)
    in_process: list[InProcessResult] = field(default_factory=list)
    profiles: list[dict[str, Any]] = field(default_factory=list)


# -- options and machine facts ---------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=10.0, help="seconds measured per target")
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured seconds first")
    parser.add_argument("--connections", type=int, default=32, help="open keep-alive connections")
    parser.add_argument("--threads", type=int, default=2, help="wrk -t (ignored by the python one)")
    parser.add_argument("--rounds", type=int, default=1, help="fake/bare pairs per endpoint")
    parser.add_argument("--loadgen", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument("--users", type=int, default=1000, help="mockserver serve --users")
    parser.add_argument("--email", default="auto", help="user to list; auto: a generated user")
    parser.add_argument("--no-events", action="store_true", help="skip the events endpoint")
    parser.add_argument(
        "--events-size", type=int, default=0, help="pick a session with about this many events"
    )
    parser.add_argument("--inproc-requests", type=int, default=3000, help="0 skips in-process")
    parser.add_argument("--inproc-concurrency", type=int, default=8, help="0 skips that part")
    parser.add_argument("--profile", action="store_true", help="cProfile one in-process loop")
    parser.add_argument("--profile-top", type=int, default=10)
    parser.add_argument("--name", default="local", help="short name in the results file name")
    parser.add_argument("--results-dir", type=Path, default=BENCH_DIR / "results")
    parser.add_argument("--no-save", action="store_true", help="print only, write no JSON")
    return parser.parse_args(argv)


def package_version(name: str) -> str | None:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def cpu_model() -> str | None:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.partition(":")[2].strip()
    return None


def wrk_version(wrk: str | None) -> str | None:
    if wrk is None:
        return None
    # `wrk --version` prints its banner and exits non-zero; only the first line matters.
    done = subprocess.run(
        [wrk, "--version"], check=False, capture_output=True, text=True, timeout=10
    )
    lines = (done.stdout or done.stderr).strip().splitlines()
    return lines[0] if lines else None


def machine_info(wrk: str | None) -> dict[str, Any]:
    return {
        "nproc": os.cpu_count(),
        "usable_cpus": len(os.sched_getaffinity(0)),
        "cpu_model": cpu_model(),
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "python_executable": sys.executable,
        "packages": {
            name: package_version(name)
            for name in (
                "fullstory-mockserver",
                "starlette",
                "uvicorn",
                "httpx",
                "orjson",
                "jsonschema-rs",
            )
        },
        # uvicorn's "standard" extras: with both present, uvicorn picks uvloop + httptools.
        "uvicorn_extras": {name: package_version(name) for name in ("uvloop", "httptools")},
        "wrk": wrk_version(wrk),
    }


def loadavg() -> tuple[float, float, float]:
    return os.getloadavg()


# -- servers ---------------------------------------------------------------------------------


def free_port() -> int:
    """A port the kernel says is free on loopback; the server binds it a moment later."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        port: int = sock.getsockname()[1]
        return port


def loopback_url(port: int, path: str) -> str:
    return f"http://{LOOPBACK}:{port}{path}"


def start_server(name: str, command: list[str], port: int, log_dir: Path) -> Server:
    log_path = log_dir / f"{name}.log"
    with log_path.open("wb") as log:
        # The child keeps its own copy of the log descriptor; ours can close right away.
        process = subprocess.Popen(
            command, cwd=REPO_DIR, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
    return Server(name=name, port=port, command=command, process=process, log_path=log_path)


def wait_ready(server: Server, timeout: float = 60.0) -> None:
    """Poll until the port answers anything over HTTP; fail early if the process died."""
    deadline = time.monotonic() + timeout
    with httpx.Client(trust_env=False, timeout=2.0) as client:
        while time.monotonic() < deadline:
            if server.process.poll() is not None:
                raise RuntimeError(f"{server.name} exited: {server.log_path.read_text()[-2000:]}")
            with contextlib.suppress(httpx.TransportError):
                client.get(loopback_url(server.port, "/"))
                return
            time.sleep(0.2)
    raise RuntimeError(f"{server.name} did not answer on port {server.port} in {timeout}s")


def peak_rss_kib(pid: int) -> int | None:
    """VmHWM: the process's high-water resident set, in KiB (Linux only)."""
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return None


def stop_server(server: Server) -> None:
    """Terminate, then kill: never leave a server behind, and only ever the one we started."""
    if server.process.poll() is None:
        server.peak_rss_kib = peak_rss_kib(server.process.pid)
        server.process.terminate()
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(timeout=10)


@contextlib.contextmanager
def running(name: str, command: list[str], port: int, log_dir: Path) -> Iterator[Server]:
    server = start_server(name, command, port, log_dir)
    try:
        wait_ready(server)
        yield server
    finally:
        stop_server(server)


def fake_command(port: int, users: int) -> list[str]:
    # Rate limits off: the default 50 rps per key would turn most of the load into 429s, and
    # that would measure the limiter's rejections instead of the request path.
    return [
        sys.executable, "-m", "mockserver", "serve",
        "--host", LOOPBACK, "--port", str(port), "--users", str(users),
        "--rate-limits", "false",
    ]  # fmt: skip


def bare_command(port: int, probe_files: dict[str, Path], media_type: str) -> list[str]:
    return [
        sys.executable, str(BENCH_DIR / "bare_app.py"),
        "--host", LOOPBACK, "--port", str(port),
        "--sessions-body", str(probe_files["sessions"]),
        "--events-body", str(probe_files["events"]),
        "--media-type", media_type,
    ]  # fmt: skip


# -- the request under test ------------------------------------------------------------------


def generated_user_email(users: int, events_size: int = 0) -> str | None:
    """The first generated (not scenario-pinned) user with sessions, found in-process.

    A generated user is what most requests hit, so it is the default. The world is deterministic,
    so the served fake (same seed, users and scenario) has the same user. Any failure here falls
    back to the pinned user: the benchmark should not depend on generator internals.
    """
    try:
        from mockserver.core.keys import DEFAULT_TENANT
        from mockserver.settings import Settings
        from mockserver.state import ServerState

        world = ServerState(Settings(users=users)).tenant(DEFAULT_TENANT).fullstory.world
        if events_size > 0:
            return user_with_session_size(world, users, events_size)
        for index in range(min(users, 500)):
            user = world.user_at(index)
            if world.session_count(user) > 0:
                return user.email
    except Exception as exc:  # any failure: use the pinned user
        print(f"note: could not scan the world for a user ({exc!r}); using {PINNED_EMAIL}")
    return None


def user_with_session_size(world: Any, users: int, events_size: int) -> str | None:
    """The generated user whose most recent session's event count is closest to
    ``events_size`` (among the first 3000 users): the events request the load then hits."""
    best: tuple[int, str] | None = None
    for index in range(min(users, 3000)):
        user = world.user_at(index)
        refs = world.sessions_of(user)
        if refs:
            size = len(world.session(refs[0].session_id).events)
            if best is None or abs(size - events_size) < best[0]:
                best = (abs(size - events_size), user.email)
    return best[1] if best is not None else None


def choose_email(requested: str, users: int, events_size: int = 0) -> tuple[str, str]:
    if requested != "auto":
        return requested, "--email"
    email = generated_user_email(users, events_size)
    if email is None:
        return PINNED_EMAIL, "pinned by the default scenario"
    if events_size > 0:
        return email, f"generated user whose latest session is closest to {events_size} events"
    return email, "first generated user with sessions"


def probe_fake(port: int, email: str, email_source: str) -> Probe:
    """Fetch the fake's answers once: they define the bare app's bytes and the events path."""
    with httpx.Client(trust_env=False, timeout=10.0, headers=AUTH) as client:
        sessions_path = "/sessions/v2?" + httpx.QueryParams({"email": email}).__str__()
        listing = client.get(loopback_url(port, sessions_path))
        if listing.status_code != 200 or not listing.json().get("sessions"):
            raise RuntimeError(
                f"the fake has no sessions for {email}: {listing.status_code} {listing.text[:300]}"
            )
        first = listing.json()["sessions"][0]
        session_id = f"{first['userId']}:{first['sessionId']}"
        events_path = f"/v2/sessions/{session_id}/events"
        events = client.get(loopback_url(port, events_path))
        if events.status_code != 200:
            raise RuntimeError(f"events for {session_id}: {events.status_code} {events.text[:300]}")
    responses = {"sessions": listing, "events": events}
    return Probe(
        email=email,
        email_source=email_source,
        session_id=session_id,
        paths={"sessions": sessions_path, "events": events_path},
        bodies={name: r.content for name, r in responses.items()},
        content_types={name: r.headers.get("content-type", "") for name, r in responses.items()},
    )


def check_bare_matches(port: int, probe: Probe) -> dict[str, bool]:
    """Confirm the bare app really serves the same bytes and content type as the fake."""
    matches: dict[str, bool] = {}
    with httpx.Client(trust_env=False, timeout=10.0, headers=AUTH) as client:
        for endpoint, path in probe.paths.items():
            answer = client.get(loopback_url(port, path))
            matches[endpoint] = (
                answer.content == probe.bodies[endpoint]
                and answer.headers.get("content-type") == probe.content_types[endpoint]
            )
    return matches


# -- load generators -------------------------------------------------------------------------


def to_ms(value: str) -> float:
    """wrk prints latencies like 812.00us, 1.23ms or 1.02s."""
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value)
    if match is None:
        raise ValueError(f"cannot read wrk latency {value!r}")
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[match[2]]
    return float(match[1]) * scale


def parse_wrk(output: str) -> dict[str, float]:
    def number(pattern: str, default: float | None = None) -> float:
        match = re.search(pattern, output)
        if match is None:
            if default is None:
                raise ValueError(f"wrk output has no {pattern!r}:\n{output}")
            return default
        return float(match[1])

    socket_errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", output, flags=re.MULTILINE))
    return {
        "requests": number(r"(\d+) requests in"),
        "rps": number(r"Requests/sec:\s+([\d.]+)"),
        "p50_ms": to_ms(latency["50"]),
        "p99_ms": to_ms(latency["99"]),
        "non_2xx": number(r"Non-2xx or 3xx responses: (\d+)", 0.0),
        "socket_errors": float(socket_errors),
    }


def wrk_argv(wrk: str, url: str, duration: float, opts: argparse.Namespace) -> list[str]:
    header = f"{next(iter(AUTH))}: {next(iter(AUTH.values()))}"
    threads = max(1, min(opts.threads, opts.connections))
    return [
        wrk, "--latency", f"-t{threads}", f"-c{opts.connections}", f"-d{duration:g}s",
        "-H", header, url,
    ]  # fmt: skip


def run_wrk(
    wrk: str, url: str, duration: float, opts: argparse.Namespace
) -> tuple[str, dict[str, float]]:
    argv = wrk_argv(wrk, url, duration, opts)
    done = subprocess.run(argv, capture_output=True, text=True, timeout=duration + 60, check=True)
    return shlex.join(argv), parse_wrk(done.stdout)


def percentile(sorted_values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile of already sorted values (q in 0..100)."""
    if not sorted_values:
        return float("nan")
    rank = max(1, round(q / 100 * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


async def python_load(url: str, duration: float, connections: int) -> dict[str, float]:
    """Keep-alive load from `connections` tasks until the deadline; bounded in time and count.

    Much slower than wrk (it shares the 2 cores and runs Python per request), so its numbers
    are a floor for the server, not a measurement of it.
    """
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    errors = 0
    async with httpx.AsyncClient(
        trust_env=False, limits=limits, timeout=10.0, headers=AUTH
    ) as client:
        deadline = time.perf_counter() + duration

        async def worker() -> None:
            nonlocal errors
            while time.perf_counter() < deadline:
                began = time.perf_counter()
                try:
                    answer = await client.get(url)
                except httpx.TransportError:
                    errors += 1
                    continue
                latencies.append(time.perf_counter() - began)
                statuses[answer.status_code] += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(connections)))
        elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "requests": float(len(latencies)),
        "rps": len(latencies) / elapsed,
        "p50_ms": percentile(latencies, 50) * 1000,
        "p99_ms": percentile(latencies, 99) * 1000,
        "non_2xx": float(sum(n for code, n in statuses.items() if not 200 <= code < 300)),
        "socket_errors": float(errors),
    }


def measure(
    target: str, endpoint: str, round_: int, url: str, *, opts: argparse.Namespace, wrk: str | None
) -> LoadResult:
    """Warm up, then measure one URL with whichever load generator was chosen."""
    if not url.startswith(f"http://{LOOPBACK}:"):
        raise ValueError(f"refusing to load anything but loopback: {url}")
    before = loadavg()
    if wrk is not None:
        if opts.warmup > 0:
            run_wrk(wrk, url, opts.warmup, opts)
        command, numbers = run_wrk(wrk, url, opts.duration, opts)
        tool = "wrk"
    else:
        if opts.warmup > 0:
            asyncio.run(python_load(url, opts.warmup, opts.connections))
        numbers = asyncio.run(python_load(url, opts.duration, opts.connections))
        command = f"python_load({url!r}, {opts.duration:g}s, {opts.connections} connections)"
        tool = "python"
    return load_result(
        numbers,
        target=target,
        endpoint=endpoint,
        round=round_,
        tool=tool,
        command=command,
        duration_s=opts.duration,
        loadavg_before=before,
    )


def load_result(numbers: dict[str, float], **measured: Any) -> LoadResult:
    """A LoadResult from a load generator's numbers (``parse_wrk``, ``python_load``) and the
    facts of the run (target, endpoint, round, tool, command, duration_s, loadavg_before)."""
    return LoadResult(
        requests=int(numbers["requests"]),
        rps=numbers["rps"],
        p50_ms=numbers["p50_ms"],
        p99_ms=numbers["p99_ms"],
        non_2xx=int(numbers["non_2xx"]),
        socket_errors=int(numbers["socket_errors"]),
        **measured,
    )


def pick_wrk(choice: str) -> str | None:
    wrk = shutil.which("wrk")
    if choice == "wrk" and wrk is None:
        raise SystemExit("--loadgen wrk: wrk is not installed (apt-get install -y wrk)")
    return None if choice == "python" else wrk


# -- in-process ------------------------------------------------------------------------------


async def in_process(
    app: ASGIApp,
    path: str,
    *,
    target: str,
    endpoint: str,
    requests: int,
    concurrency: int,
    profiler: cProfile.Profile | None = None,
) -> InProcessResult:
    """Requests through httpx.ASGITransport: the app's own cost plus httpx's, no sockets.

    A profiler, if given, sees only the measured requests, not the warm-up.
    """
    transport = httpx.ASGITransport(app=app)
    base = f"http://{LOOPBACK}"  # never dialled: ASGITransport calls the app directly
    async with httpx.AsyncClient(transport=transport, base_url=base, headers=AUTH) as client:
        for _ in range(min(200, requests)):  # warm-up: caches, lazy imports, first-call costs
            await client.get(path)
        latencies: list[float] = []
        statuses: Counter[int] = Counter()

        async def worker(count: int) -> None:
            for _ in range(count):
                began = time.perf_counter()
                answer = await client.get(path)
                latencies.append(time.perf_counter() - began)
                statuses[answer.status_code] += 1

        share, extra = divmod(requests, concurrency)
        if profiler is not None:
            profiler.enable()
        started = time.perf_counter()
        await asyncio.gather(*(worker(share + (i < extra)) for i in range(concurrency)))
        elapsed = time.perf_counter() - started
        if profiler is not None:
            profiler.disable()
    latencies.sort()
    return InProcessResult(
        target=target,
        endpoint=endpoint,
        concurrency=concurrency,
        requests=requests,
        duration_s=elapsed,
        rps=requests / elapsed,
        p50_ms=percentile(latencies, 50) * 1000,
        p99_ms=percentile(latencies, 99) * 1000,
        statuses={str(code): n for code, n in sorted(statuses.items())},
    )


def in_process_apps(probe: Probe, users: int) -> dict[str, ASGIApp]:
    """The fake with the served settings, and the bare app with the same bytes."""
    from bare_app import build_app

    from mockserver.app import create_app
    from mockserver.settings import Settings

    fake = create_app(Settings(users=users, rate_limits=False))
    media_type = probe.content_types["sessions"]
    bare = build_app(probe.bodies["sessions"], probe.bodies["events"], media_type)
    return {"fake": fake, "bare": bare}


def run_in_process(
    apps: dict[str, ASGIApp], probe: Probe, opts: argparse.Namespace, endpoints: Sequence[str]
) -> list[InProcessResult]:
    results: list[InProcessResult] = []
    levels = [1] + ([opts.inproc_concurrency] if opts.inproc_concurrency > 1 else [])
    for endpoint in endpoints:
        for concurrency in levels:
            for target, app in apps.items():
                coro = in_process(
                    app,
                    probe.paths[endpoint],
                    target=target,
                    endpoint=endpoint,
                    requests=opts.inproc_requests,
                    concurrency=concurrency,
                )
                results.append(asyncio.run(coro))
    return results


def profile_in_process(
    app: ASGIApp, path: str, endpoint: str, requests: int, top: int
) -> dict[str, Any]:
    """cProfile one sequential in-process loop; report self time inside mockserver's code."""
    profiler = cProfile.Profile()
    coro = in_process(
        app,
        path,
        target="fake",
        endpoint=endpoint,
        requests=requests,
        concurrency=1,
        profiler=profiler,
    )
    asyncio.run(coro)
    stats = pstats.Stats(profiler)
    package_dir = str(REPO_DIR / "mockserver")
    rows: list[dict[str, Any]] = []
    total = 0.0
    raw: dict[tuple[str, int, str], tuple[int, int, float, float, Any]] = stats.stats  # type: ignore[attr-defined]
    for (filename, line, function), (_, calls, self_s, cumulative_s, _) in raw.items():
        total += self_s
        if filename.startswith(package_dir):
            rows.append(
                {
                    "function": f"{Path(filename).relative_to(REPO_DIR)}:{line}({function})",
                    "calls": calls,
                    "self_s": self_s,
                    "cumulative_s": cumulative_s,
                    "self_us_per_request": self_s / requests * 1e6,
                }
            )
    rows.sort(key=lambda row: row["self_s"], reverse=True)
    mockserver_self = sum(row["self_s"] for row in rows)
    return {
        "endpoint": endpoint,
        "requests": requests,
        "path": path,
        "total_self_s": total,
        "mockserver_self_s": mockserver_self,
        "mockserver_share": mockserver_self / total if total else None,
        "top_self_time": rows[:top],
    }


# -- summary and output ----------------------------------------------------------------------


def summarise(load: Sequence[LoadResult]) -> list[dict[str, Any]]:
    """Median over rounds per (endpoint, target), and the fake/bare ratios."""
    rows: list[dict[str, Any]] = []
    for endpoint in dict.fromkeys(r.endpoint for r in load):
        medians: dict[str, dict[str, float]] = {}
        for target in ("fake", "bare"):
            runs = [r for r in load if r.endpoint == endpoint and r.target == target]
            if runs:
                medians[target] = {
                    "rps": statistics.median(r.rps for r in runs),
                    "p50_ms": statistics.median(r.p50_ms for r in runs),
                    "p99_ms": statistics.median(r.p99_ms for r in runs),
                    "non_2xx": float(sum(r.non_2xx for r in runs)),
                    "rounds": float(len(runs)),
                }
        row: dict[str, Any] = {"endpoint": endpoint, **medians}
        if "fake" in medians and "bare" in medians and medians["bare"]["rps"]:
            row["ratio_rps_fake_over_bare"] = medians["fake"]["rps"] / medians["bare"]["rps"]
            row["ratio_p50_fake_over_bare"] = medians["fake"]["p50_ms"] / medians["bare"]["p50_ms"]
        rows.append(row)
    return rows


def markdown(report: Report) -> str:
    tool = report.load[0].tool if report.load else "-"
    lines = [
        f"Load: {tool}, {report.options['connections']} connections, "
        f"{report.options['duration']:g}s after {report.options['warmup']:g}s warm-up, "
        f"{report.options['rounds']} round(s) (medians).",
        "",
        "| endpoint | server | rps | p50 ms | p99 ms | non-2xx | fake/bare rps |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for row in report.summary:
        for target in ("fake", "bare"):
            if target not in row:
                continue
            m = row[target]
            ratio = row.get("ratio_rps_fake_over_bare") if target == "fake" else None
            lines.append(
                f"| {row['endpoint']} | {target} | {m['rps']:,.0f} | {m['p50_ms']:.2f} | "
                f"{m['p99_ms']:.2f} | {int(m['non_2xx'])} | "
                f"{'' if ratio is None else f'{ratio:.2f}'} |"
            )
    if report.in_process:
        lines += [
            "",
            "In-process (httpx.ASGITransport, no sockets):",
            "",
            "| endpoint | app | tasks | requests | rps | p50 ms | p99 ms | statuses |",
            "|---|---|---:|---:|---:|---:|---:|---|",
        ]
        for r in report.in_process:
            lines.append(
                f"| {r.endpoint} | {r.target} | {r.concurrency} | {r.requests} | {r.rps:,.0f} | "
                f"{r.p50_ms:.3f} | {r.p99_ms:.3f} | {r.statuses} |"
            )
    rss = {name: s.get("peak_rss_kib") for name, s in report.servers.items()}
    lines += ["", "Peak RSS (VmHWM): " + ", ".join(f"{n} {kib_to_mib(v)}" for n, v in rss.items())]
    lines += [f"Note: {note}" for note in report.notes]
    return "\n".join(lines)


def kib_to_mib(kib: int | None) -> str:
    return "n/a" if kib is None else f"{kib / 1024:.1f} MiB"


def profile_markdown(profile: dict[str, Any]) -> str:
    lines = [
        f"cProfile, {profile['requests']} sequential in-process requests to {profile['path']}: "
        f"mockserver code is {profile['mockserver_share']:.0%} of all self time.",
        "",
        "| function | calls | self s | self µs/request | cumulative s |",
        "|---|---:|---:|---:|---:|",
    ]
    for row in profile["top_self_time"]:
        lines.append(
            f"| `{row['function']}` | {row['calls']} | {row['self_s']:.3f} | "
            f"{row['self_us_per_request']:.1f} | {row['cumulative_s']:.3f} |"
        )
    return "\n".join(lines)


def to_jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: to_jsonable(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    return value


def save(report: Report, results_dir: Path, name: str) -> Path:
    results_dir.mkdir(parents=True, exist_ok=True)
    date = datetime.now(UTC).strftime("%Y-%m-%d")
    path = results_dir / f"{date}-{name}.json"
    path.write_text(json.dumps(to_jsonable(report), indent=2) + "\n")
    return path


# -- the run ---------------------------------------------------------------------------------


def load_servers(
    report: Report, probe: Probe, servers: dict[str, Server], *, opts: argparse.Namespace,
    wrk: str | None, endpoints: Sequence[str],
) -> None:  # fmt: skip
    # Interleave fake and bare in every round so slow drift on a shared machine hits both.
    for round_ in range(1, opts.rounds + 1):
        for endpoint in endpoints:
            for target in ("fake", "bare"):
                url = loopback_url(servers[target].port, probe.paths[endpoint])
                result = measure(target, endpoint, round_, url, opts=opts, wrk=wrk)
                report.load.append(result)
                print(
                    f"  {target:4} {endpoint:8} round {round_}: {result.rps:,.0f} rps, "
                    f"p50 {result.p50_ms:.2f} ms, p99 {result.p99_ms:.2f} ms",
                    flush=True,
                )


def server_record(server: Server) -> dict[str, Any]:
    return {
        "command": shlex.join(server.command),
        "port": server.port,
        "pid": server.process.pid,
        "peak_rss_kib": server.peak_rss_kib,
    }


def run(opts: argparse.Namespace) -> Report:
    wrk = pick_wrk(opts.loadgen)
    endpoints = ENDPOINTS[:1] if opts.no_events else ENDPOINTS
    report = Report(
        started_utc=datetime.now(UTC).isoformat(timespec="seconds"),
        command=shlex.join([sys.executable, *sys.argv]),
        options={k: to_jsonable(v) for k, v in vars(opts).items()},
        machine=machine_info(wrk),
    )
    report.notes.append(
        "fake runs with default settings (request validation, auth, journal on; access log off) "
        "except rate limits, turned off with --rate-limits false so the limiter does not answer "
        "429 under load"
    )
    if wrk:
        report.notes.append(f"load generator: wrk ({wrk}), -t{opts.threads} -c{opts.connections}")
    else:
        # Said loudly: this client tops out near 1k rps on 2 cores, below both servers.
        report.notes.append(
            "load generator: python asyncio/httpx (wrk not used or not found); it saturates "
            "before either server does, so its rps and ratio measure the client, not the fake"
        )
    email, source = choose_email(opts.email, opts.users, opts.events_size)
    with tempfile.TemporaryDirectory(prefix="mockserver-bench-") as tmp:
        tmp_dir = Path(tmp)
        fake_port = free_port()
        with running("fake", fake_command(fake_port, opts.users), fake_port, tmp_dir) as fake:
            probe = probe_fake(fake.port, email, source)
            files = {name: tmp_dir / f"{name}.body" for name in ENDPOINTS}
            for name, path in files.items():
                path.write_bytes(probe.bodies[name])
            bare_port = free_port()
            bare_cmd = bare_command(bare_port, files, probe.content_types["sessions"])
            with running("bare", bare_cmd, bare_port, tmp_dir) as bare:
                report.probe = probe_record(probe, check_bare_matches(bare.port, probe))
                servers = {"fake": fake, "bare": bare}
                load_servers(report, probe, servers, opts=opts, wrk=wrk, endpoints=endpoints)
        report.servers = {"fake": server_record(fake), "bare": server_record(bare)}
    report.summary = summarise(report.load)
    if opts.inproc_requests > 0:
        try:
            in_process_phase(report, probe, opts, endpoints)
        except Exception as exc:
            # The load numbers above took a minute to measure: keep them and say what broke.
            report.notes.append(f"in-process phase failed: {exc!r}")
            print(f"in-process phase failed: {exc!r}", file=sys.stderr)
    return report


def in_process_phase(
    report: Report, probe: Probe, opts: argparse.Namespace, endpoints: Sequence[str]
) -> None:
    apps = in_process_apps(probe, opts.users)
    report.in_process = run_in_process(apps, probe, opts, endpoints)
    if opts.profile:
        # Every measured endpoint: the events path can cost far more than the listing.
        report.profiles = [
            profile_in_process(
                apps["fake"], probe.paths[e], e, opts.inproc_requests, opts.profile_top
            )
            for e in endpoints
        ]


def probe_record(probe: Probe, bare_matches: dict[str, bool]) -> dict[str, Any]:
    return {
        "email": probe.email,
        "email_source": probe.email_source,
        "session_id": probe.session_id,
        "paths": probe.paths,
        "body_bytes": {name: len(body) for name, body in probe.bodies.items()},
        "events_in_session": len(json.loads(probe.bodies["events"])["events"]),
        "content_types": probe.content_types,
        "bare_serves_same_bytes": bare_matches,
    }


def main(argv: Sequence[str] | None = None) -> int:
    opts = parse_args(argv)
    report = run(opts)
    print()
    print(markdown(report))
    for profile in report.profiles:
        print()
        print(profile_markdown(profile))
    print()
    print(f"Command: {report.command}")
    if not opts.no_save:
        print(f"Results: {save(report, opts.results_dir, opts.name)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

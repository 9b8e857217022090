"""CPU time per request of every main read endpoint, in process: the fake's app and the bare
Starlette app (``bare_app.py``, the same bytes) called as raw ASGI apps, with no server and no
client in between.

wrk's requests/s on a shared 2-core machine move with the neighbours' load; the process's own CPU
time per request (``time.process_time``) moves much less (it still rises when a neighbour shares
the core's caches), so this is the measure to compare changes to the shared request path with:
the lowest of many short rounds, the two apps taking turns. It leaves out what uvicorn costs
(about the same for both apps).

Run: .venv/bin/python bench/cpu_per_request.py [-n 5000] [--only summary] [--profile NAME]
(``--profile`` prints cProfile's top functions for the endpoints whose name contains NAME).

``--served`` measures the same under uvicorn instead: ``mockserver serve`` and the bare app as
the throughput section runs them, loaded by wrk (``-t1 -c8``), and the server process's own CPU
time (``/proc/<pid>/stat``, user + system) divided by the requests wrk counted: uvicorn's share
included. It is noisier than the in-process measure: the fewer requests the event loop finds at
each wake-up (a loaded machine), the more CPU each one costs.

Why the fake's extra cost over bare is about twice as large served as in process: not extra
work. Under callgrind (uvicorn's protocol driven with a fake transport, no sockets, list
sessions) the fake's extra instructions per request over bare are the same served and in
process (73k and 73k before the validated-inputs cache, 34k and 35k after it); what differs is
how fast they run. In process, one request follows another in a tight loop and the request
path's code and data stay in the CPU's caches and branch predictors; served, uvicorn, uvloop,
the kernel and wrk run between two requests and evict them, so the same instructions run at a
lower rate (evicting L1 and L2 between in-process requests adds about 33 us to the fake's
request and 6 us to bare's). So every microsecond cut in process saves about two served, and
the way to cut the served cost is to run less of our own code per request.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from statistics import median
from typing import Any

from catalogue import Answer, largest_session_user, prepare
from plan import FULL, Context
from plugin_costs import bare_app_for
from run import fake_command, free_port, loadavg, running
from starlette.types import ASGIApp, Message, Scope
from throughput import bare_command, client_for
from wrk_load import ensure_wrk, run_wrk

from mockserver.app import create_app
from mockserver.settings import Settings
from mockserver.testing.transport import in_process_client

HOST = "127.0.0.1:8000"
# What wrk sends besides the call's own headers.
WRK_HEADERS = ((b"host", HOST.encode()),)


def scope_for(a: Answer) -> Scope:
    path, _, query = a.call.path.partition("?")
    headers = [*WRK_HEADERS, *((k.lower().encode(), v.encode()) for k, v in a.call.headers)]
    if a.call.body is not None:
        headers.append((b"content-length", str(len(a.call.body)).encode()))
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": a.call.method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": headers,
        "server": ("127.0.0.1", 8000),
        "client": ("127.0.0.1", 50000),
        "state": {},
        "extensions": {},
    }


def caller(app: ASGIApp, a: Answer) -> Callable[[], Awaitable[None]]:
    """One request of ``a``'s call on ``app``; checks its status is the recorded one (a body may
    move with the clock: an export operation's progress)."""
    template = scope_for(a)
    request: Message = {"type": "http.request", "body": a.call.body or b"", "more_body": False}
    status: list[int] = []
    body: list[bytes] = []

    async def receive() -> Message:
        return request

    async def send(message: Message) -> None:
        if message["type"] == "http.response.start":
            status.append(message["status"])
        elif message["type"] == "http.response.body":
            body.append(message.get("body", b""))

    async def once() -> None:
        status.clear()
        body.clear()
        await app(dict(template), receive, send)
        if status != [a.status]:
            raise RuntimeError(f"{a.call.name}: {status} {b''.join(body)[:300]!r}")

    return once


async def rounds_of(
    calls: Sequence[Callable[[], Awaitable[None]]], n: int, rounds: int
) -> list[list[float]]:
    """CPU microseconds per call of each of ``calls`` in each of ``rounds`` short rounds of
    ``n // rounds`` calls, the calls taking turns round by round (a neighbour's burst then
    spoils a round of each, not one's whole measure). After a short warm-up."""
    for once in calls:
        for _ in range(min(200, n)):
            await once()
    size = max(1, n // rounds)
    found: list[list[float]] = [[] for _ in calls]
    for _ in range(rounds):
        for i, once in enumerate(calls):
            began = time.process_time()
            for _ in range(size):
                await once()
            found[i].append((time.process_time() - began) / size * 1e6)
    return found


def measure(apps: Sequence[ASGIApp], a: Answer, n: int, rounds: int) -> list[list[float]]:
    """CPU us per request of ``a`` on each app, round by round (see :func:`rounds_of`)."""
    return asyncio.run(rounds_of([caller(app, a) for app in apps], n, rounds))


def profile(app: ASGIApp, a: Answer, n: int, top: int) -> None:
    once = caller(app, a)

    async def loop() -> None:
        for _ in range(n):
            await once()

    asyncio.run(loop())  # warm
    profiler = cProfile.Profile()
    profiler.enable()
    asyncio.run(loop())
    profiler.disable()
    print(f"\n== {a.call.name}: cProfile over {n} calls ==")
    pstats.Stats(profiler).sort_stats("tottime").print_stats(top)


def served(args: argparse.Namespace) -> None:
    wrk, problem = ensure_wrk(install=False)
    if wrk is None:
        raise SystemExit(problem)
    ticks = os.sysconf("SC_CLK_TCK")

    def cpu_seconds(pid: int) -> float:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / ticks  # utime, stime

    def load(pid: int, port: int, a: Answer, label: str, tmp: Path) -> tuple[float, float]:
        run_wrk(wrk, port, a.call, seconds=1, threads=1, connections=8,
                script=tmp / f"{label}.lua")  # fmt: skip
        before = cpu_seconds(pid)
        result = run_wrk(wrk, port, a.call, seconds=seconds, threads=1, connections=8,
                         script=tmp / f"{label}.lua")  # fmt: skip
        used = cpu_seconds(pid) - before
        requests = result.rps * seconds
        return used / requests * 1e6, result.rps

    seconds = args.seconds
    events_user = largest_session_user(args.users, args.scan_users)
    with tempfile.TemporaryDirectory() as scratch:
        tmp = Path(scratch)
        ours_port, bare_port = free_port(), free_port()
        with running("fake", fake_command(ours_port, args.users), ours_port, tmp) as ours:
            with client_for(ours_port) as client:
                answers = prepare(client, args.users, events_user, args.profiles).answers
            chosen = [a for a in answers if args.only in a.call.name]
            ctx = Context(FULL, tmp, wrk, None, None, None)
            bare_argv = bare_command(ctx, answers, bare_port)
            with running("bare", bare_argv, bare_port, tmp) as bare:
                print(f"server CPU us/request under wrk -t1 -c8 -d{seconds}s; load {loadavg()}")
                print(f"{'API':10} {'endpoint':40} {'ours':>8} {'bare':>8} {'ours rps':>9} "
                      f"{'bare rps':>9}")  # fmt: skip
                for a in chosen:
                    ours_us, ours_rps = load(ours.process.pid, ours_port, a, "ours", tmp)
                    bare_us, bare_rps = load(bare.process.pid, bare_port, a, "bare", tmp)
                    print(f"{a.call.api:10} {a.call.name:40} {ours_us:8.1f} {bare_us:8.1f} "
                          f"{ours_rps:9.0f} {bare_rps:9.0f}")  # fmt: skip
                print(f"load after: {loadavg()}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=5000, help="requests per endpoint and round")
    parser.add_argument("--rounds", type=int, default=25, help="rounds per endpoint (lowest kept)")
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--scan-users", type=int, default=300)
    parser.add_argument("--profiles", type=int, default=200, help="Cognigy profiles created")
    parser.add_argument("--only", default="", help="endpoints whose name contains this")
    parser.add_argument("--profile", default="", help="cProfile endpoints whose name has this")
    parser.add_argument("--top", type=int, default=35)
    parser.add_argument("--served", action="store_true", help="under uvicorn and wrk instead")
    parser.add_argument("--seconds", type=int, default=4, help="wrk run per server (--served)")
    args = parser.parse_args(argv)
    if args.served:
        served(args)
        return

    app: Any = create_app(Settings(users=args.users, rate_limits=False))
    events_user = largest_session_user(args.users, args.scan_users)
    with in_process_client(app) as client:
        answers = prepare(client, args.users, events_user, args.profiles).answers
    bare = bare_app_for(answers)
    chosen = [a for a in answers if args.only in a.call.name]
    if args.profile:
        for a in (a for a in chosen if args.profile in a.call.name):
            profile(app, a, args.n, args.top)
        return
    size = max(1, args.n // args.rounds)
    print(f"CPU us/request, in process: lowest of {args.rounds} rounds of {size} calls")
    print(f"{'':51} {'lowest':>17} {'median':>17} {'ours/bare':>6}")
    print(f"{'API':10} {'endpoint':40} {'ours':>8} {'bare':>8} {'ours':>8} {'bare':>8} "
          f"{'median':>6}")  # fmt: skip
    for a in chosen:
        ours, base = measure([app, bare], a, args.n, args.rounds)
        ratios = [o / b for o, b in zip(ours, base, strict=True)]
        print(f"{a.call.api:10} {a.call.name:40} {min(ours):8.1f} {min(base):8.1f} "
              f"{median(ours):8.1f} {median(base):8.1f} {median(ratios):6.2f}")  # fmt: skip


if __name__ == "__main__":
    main()

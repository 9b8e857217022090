"""CPU time per request of the main read endpoints, in process: ours next to bare Starlette.

wrk on a shared 2-core machine measures the neighbours as much as the server; CPU time spent by
this process per request (``time.process_time``) barely depends on them. Each endpoint's request
is sent as a raw ASGI call (a prebuilt scope with the headers wrk sends, a receive and a send:
no HTTP client, no sockets), ``--requests`` times in a row on one event loop, to the fake
(``create_app``: 1,000 users, rate limits off; auth, validation and journal on, as the
throughput section serves it) and to ``bare_app.py`` serving the fake's recorded answers. The
server-side HTTP parsing and socket work uvicorn adds is the same for both and not counted.

    .venv/bin/python bench/cpu_per_request.py [--requests 5000] [--only cognigy,opal]
        [--profile 'list contact profiles'] [--repeat 3]

Measured, never asserted; prints a table (µs of CPU per request, best of ``--repeat``).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import time
from collections.abc import Sequence
from typing import Any

from bare_app import build_routes_app
from catalogue import Answer, bare_manifest, largest_session_user, prepare

from mockserver.app import create_app
from mockserver.settings import Settings
from mockserver.testing.transport import in_process_client

USERS = 1000
PROFILES = 200
SCAN = 200  # users scanned for a large session (the events endpoint is not the point here)
# What wrk sends besides the call's own headers.
WRK_HEADERS = ((b"host", b"127.0.0.1:8080"),)


def scope_of(answer: Answer) -> dict[str, Any]:
    c = answer.call
    path, _, query = c.path.partition("?")
    headers = list(WRK_HEADERS)
    headers += [(k.lower().encode(), v.encode()) for k, v in c.headers]
    if c.body is not None:
        headers.append((b"content-length", str(len(c.body)).encode()))
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "server": ("127.0.0.1", 8080),
        "client": ("127.0.0.1", 50000),
        "scheme": "http",
        "method": c.method,
        "root_path": "",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "headers": headers,
        "state": {},
    }


async def drive(app: Any, answer: Answer, n: int) -> tuple[float, int, bytes]:
    """CPU seconds for ``n`` calls; the last status and body."""
    scope = scope_of(answer)
    request = {"type": "http.request", "body": answer.call.body or b"", "more_body": False}
    status = 0
    chunks: list[bytes] = []

    async def receive() -> dict[str, Any]:
        return request

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
            chunks.clear()
        else:
            chunks.append(message.get("body", b""))

    start = time.process_time()
    for _ in range(n):
        await app(dict(scope), receive, send)
    return time.process_time() - start, status, b"".join(chunks)


def measure(apps: Sequence[Any], answers: Sequence[Answer], n: int, rounds: int) -> list[Any]:
    """Per app and answer, the least CPU seconds of ``rounds`` runs of ``n`` calls, and the last
    status and body. Rounds interleave apps and endpoints, so a busy spell on the machine hits
    all of them rather than one."""
    found: list[Any] = [[None] * len(answers) for _ in apps]
    for _ in range(rounds):
        for a, app in enumerate(apps):
            for e, answer in enumerate(answers):
                run = asyncio.run(drive(app, answer, n))
                if found[a][e] is None or run[0] < found[a][e][0]:
                    found[a][e] = run
    return found


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=5, help="rounds; the best counts")
    parser.add_argument("--only", default="", help="comma-separated API names (lower case)")
    parser.add_argument("--profile", default="", help="cProfile this endpoint's calls to ours")
    parser.add_argument("--top", type=int, default=35)
    args = parser.parse_args(argv)

    app = create_app(Settings(users=USERS, rate_limits=False))
    with in_process_client(app) as client:
        prepared = prepare(client, USERS, largest_session_user(USERS, SCAN), PROFILES)
    wanted = {a.strip().lower() for a in args.only.split(",") if a.strip()}
    answers = [a for a in prepared.answers if not wanted or a.call.api.lower() in wanted]
    manifest = bare_manifest(answers, [""] * len(answers))
    bare = build_routes_app([{**m, "body": a.body} for m, a in zip(manifest, answers, strict=True)])
    print(f"CPU µs per request: best of {args.repeat} rounds of {args.requests:,} calls")
    print("| API | endpoint | ours µs | bare µs | bare/ours | status | body bytes |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    ours, bare_runs = measure([app, bare], answers, args.requests, args.repeat)
    for answer, (ours_s, status, body), (bare_s, _, _) in zip(
        answers, ours, bare_runs, strict=True
    ):
        ours_us, bare_us = ours_s / args.requests * 1e6, bare_s / args.requests * 1e6
        print(f"| {answer.call.api} | {answer.call.name} | {ours_us:.1f} | {bare_us:.1f} | "
              f"{bare_us / ours_us:.2f} | {status} | {len(body):,} |")  # fmt: skip
    for answer in answers:
        if args.profile and args.profile == answer.call.name:
            profiler = cProfile.Profile()
            profiler.enable()
            asyncio.run(drive(app, answer, args.requests))
            profiler.disable()
            stats = pstats.Stats(profiler).sort_stats("cumulative")
            stats.print_stats(args.top)
            stats.sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()

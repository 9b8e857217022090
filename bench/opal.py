"""Opal tool calls per second next to the FullStory endpoint each one calls.

Measured, never asserted. Pairs (tool → the endpoint it wraps):

* ``fullstory_list_sessions``               → ``GET /sessions/v2``
* ``fullstory_get_session_support_summary`` → ``GET /v2/sessions/{id}/summary`` (``support``)

Each pair runs in process (httpx over an ASGI transport, sequential requests) and, with
``--served``, over uvicorn on a free 127.0.0.1 port with one keep-alive client. A tool call
costs its own pipeline pass plus one whole FullStory request, which the tool makes in process
(the default backend); ``--served`` puts only the outer request on a socket. Rate limits are
off so no call is refused.

    .venv/bin/python bench/opal.py [--requests 2000] [--served] [--no-save]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from mockserver.app import create_app
from mockserver.http.in_process import AsyncASGITransport
from mockserver.settings import Settings
from mockserver.testing.server import serve_in_thread

BENCH_DIR = Path(__file__).resolve().parent
KEY = {"Authorization": "Basic mock-admin-key"}
UID = "jane-checkout"
SESSION = "5914802517630194781:7210365481229753190"

Pair = tuple[str, str, dict[str, Any] | None, dict[str, Any] | None]


def pairs() -> list[tuple[str, Pair, Pair]]:
    """(label, tool request, endpoint request) as (method, path, json body, query)."""
    return [
        (
            "list sessions",
            ("POST", "/opal/tools/fullstory_list_sessions", {"parameters": {"uid": UID}}, None),
            ("GET", "/sessions/v2", None, {"uid": UID}),
        ),
        (
            "support summary",
            (
                "POST",
                "/opal/tools/fullstory_get_session_support_summary",
                {"parameters": {"sessionId": SESSION}},
                None,
            ),
            ("GET", f"/v2/sessions/{SESSION}/summary", None, {"config_profile": "support"}),
        ),
    ]


async def measure(client: httpx.AsyncClient, request: Pair, n: int) -> dict[str, float]:
    method, path, body, query = request
    for _ in range(min(50, n)):  # warm caches and code paths
        await client.request(method, path, json=body, params=query)
    latencies = []
    started = time.perf_counter()
    for _ in range(n):
        t0 = time.perf_counter()
        response = await client.request(method, path, json=body, params=query)
        latencies.append(time.perf_counter() - t0)
        if response.status_code != 200:
            raise RuntimeError(f"{method} {path} answered {response.status_code}: {response.text}")
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "calls_per_s": round(n / elapsed, 1),
        "p50_ms": round(latencies[len(latencies) // 2] * 1000, 3),
        "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 3),
    }


async def run_all(client: httpx.AsyncClient, n: int) -> list[dict[str, Any]]:
    rows = []
    for label, tool, endpoint in pairs():
        tool_result = await measure(client, tool, n)
        endpoint_result = await measure(client, endpoint, n)
        rows.append(
            {
                "pair": label,
                "tool": tool_result,
                "endpoint": endpoint_result,
                "tool_over_endpoint": round(
                    tool_result["calls_per_s"] / endpoint_result["calls_per_s"], 3
                ),
            }
        )
    return rows


def settings() -> Settings:
    return Settings(users=1000, rate_limits=False)


async def in_process(n: int) -> list[dict[str, Any]]:
    app = create_app(settings())
    transport = AsyncASGITransport(app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench", headers=KEY) as c:
        return await run_all(c, n)


def served(n: int) -> list[dict[str, Any]]:
    app = create_app(settings())
    with serve_in_thread(app) as base_url:

        async def go() -> list[dict[str, Any]]:
            async with httpx.AsyncClient(base_url=base_url, headers=KEY) as client:
                return await run_all(client, n)

        return asyncio.run(go())


def show(title: str, rows: list[dict[str, Any]]) -> None:
    print(f"\n{title}")
    header = f"{'pair':<16} {'tool calls/s':>13} {'endpoint req/s':>15} {'ratio':>6}"
    print(f"{header}  p50 tool/endpoint ms")
    for row in rows:
        tool, endpoint = row["tool"], row["endpoint"]
        print(
            f"{row['pair']:<16} {tool['calls_per_s']:>13,.0f} {endpoint['calls_per_s']:>15,.0f} "
            f"{row['tool_over_endpoint']:>6.2f}  {tool['p50_ms']:.2f} / {endpoint['p50_ms']:.2f}"
        )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="sequential calls per target")
    parser.add_argument("--served", action="store_true", help="also over uvicorn on 127.0.0.1")
    parser.add_argument("--name", default="local")
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args(argv)
    result: dict[str, Any] = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "nproc": os.cpu_count(),
            "python": platform.python_version(),
            "loadavg_before": os.getloadavg(),
        },
        "requests": args.requests,
        "in_process": asyncio.run(in_process(args.requests)),
    }
    show("in process (httpx ASGI transport, sequential)", result["in_process"])
    if args.served:
        result["served"] = served(args.requests)
        show("over uvicorn on 127.0.0.1 (one keep-alive client, sequential)", result["served"])
    if not args.no_save:
        out = BENCH_DIR / "results" / f"{datetime.now(UTC):%Y-%m-%d}-opal-{args.name}.json"
        out.write_text(json.dumps(result, indent=2) + "\n")
        print(f"\nsaved {out.relative_to(BENCH_DIR.parent)}")


if __name__ == "__main__":
    main()

"""Summary requests/s for a built-in profile next to the events endpoint, on the same session.

In process (httpx.ASGITransport: no sockets; httpx's own cost is included), sequential, after a
warm-up. Three lines:

* ``events``: ``GET /v2/sessions/{id}/events`` (cached encoded answer);
* ``summary``: ``GET /v2/sessions/{id}/summary?config_profile=<profile>`` (cached, keyed by the
  effective profile: what a client asking again gets);
* ``summary-cold``: the same with a fresh ``end_timestamp`` per request, so every answer is
  computed (event selection, Events-model rendering, facts, text, response).

Measured, never asserted. Writes ``bench/results/<UTC date>-summaries.json`` and prints a table.
Only 127.0.0.1 is involved (no socket is even opened).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from mockserver.app import create_app
from mockserver.settings import Settings

SESSION = "5914802517630194781:7210365481229753190"  # the default scenario's failed checkout
AUTH = {"Authorization": "Basic mock-admin-key"}


async def measure(client: httpx.AsyncClient, paths: list[str], warmup: int) -> dict[str, float]:
    for path in paths[:warmup]:
        assert (await client.get(path)).status_code == 200
    latencies = []
    started = time.perf_counter()
    for path in paths[warmup:]:
        began = time.perf_counter()
        answer = await client.get(path)
        latencies.append(time.perf_counter() - began)
        assert answer.status_code == 200, answer.text
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50_ms": latencies[len(latencies) // 2] * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99)] * 1000,
    }


async def run(requests: int, profile: str) -> dict[str, Any]:
    app = create_app(Settings(rate_limits=False, users=1000))
    transport = httpx.ASGITransport(app=app)
    base = "http://127.0.0.1"  # never dialled: ASGITransport calls the app directly
    events_path = f"/v2/sessions/{SESSION}/events"
    summary_path = f"/v2/sessions/{SESSION}/summary?config_profile={profile}"
    async with httpx.AsyncClient(transport=transport, base_url=base, headers=AUTH) as client:
        events = (await client.get(events_path)).json()["events"]
        last = datetime.fromisoformat(events[-1]["event_time"].replace("Z", "+00:00"))
        warm = min(200, requests)
        cold_paths = [
            f"{summary_path}&end_timestamp="
            + (last + timedelta(milliseconds=n + 1)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
            for n in range(requests // 4 + warm)
        ]
        results = {
            "events": await measure(client, [events_path] * (requests + warm), warm),
            "summary": await measure(client, [summary_path] * (requests + warm), warm),
            "summary-cold": await measure(client, cold_paths, warm),
        }
    return {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "session": SESSION,
        "session_events": len(events),
        "profile": profile,
        "python": platform.python_version(),
        "results": results,
        "summary_over_events": results["summary"]["rps"] / results["events"]["rps"],
        "cold_summary_over_events": results["summary-cold"]["rps"] / results["events"]["rps"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--profile", default="support", help="a built-in profile id")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results")
    opts = parser.parse_args()
    report = asyncio.run(run(opts.requests, opts.profile))
    print(f"session {report['session']} ({report['session_events']} events), "
          f"profile {report['profile']}, in process, sequential")  # fmt: skip
    print("| endpoint | requests | rps | p50 ms | p99 ms |\n|---|---:|---:|---:|---:|")
    for name, r in report["results"].items():
        cells = [name, str(r["requests"]), f"{r['rps']:,.0f}", f"{r['p50_ms']:.2f}"]
        print("| " + " | ".join([*cells, f"{r['p99_ms']:.2f}"]) + " |")
    print(f"summary/events rps: {report['summary_over_events']:.2f} "
          f"(cold: {report['cold_summary_over_events']:.2f})")  # fmt: skip
    opts.out.mkdir(parents=True, exist_ok=True)
    path = opts.out / f"{datetime.now(UTC):%Y-%m-%d}-summaries.json"
    path.write_text(json.dumps(report, indent=2) + "\n")
    print(f"saved {path}")


if __name__ == "__main__":
    main()

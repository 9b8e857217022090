"""Cognigy contact profiles at scale: measured, never asserted.

1. create throughput: ``--profiles`` (default 100,000) profiles into one tenant's store, the way
   the handler does it (schema check, contact-id uniqueness, every index), then ``--http``
   (default 2,000) more through ``POST /new/v2.0/profiles`` in process (auth, validation,
   handler, journal; no sockets);
2. list latency over that store: ``GET /new/v2.0/profiles`` with a filter and a sort, first
   pages and cursor pages (p50/p99 over ``--pages`` requests each, in process), and the store
   call alone.

Prints a Markdown table and writes the numbers to ``bench/results/<UTC date>-cognigy.json``.

Run: ``.venv/bin/python bench/cognigy.py`` (``--help`` for the knobs).
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from mockserver.app import create_app
from mockserver.cognigy.ids import user_id
from mockserver.cognigy.store import ListQuery, ProfileStore
from mockserver.core.rng import derive_rng
from mockserver.settings import Settings
from mockserver.testing.transport import in_process_client

PROJECT = "5ce7c2d833ea1e04d7e6c432"
KEY = "mock-admin-key"
FIRST = ["Max", "Anna", "Ben", "Clara", "David", "Eva", "Felix", "Greta", "Hans", "Ida"]
LAST = ["Mustermann", "Schmidt", "Meyer", "Weber", "Wagner", "Becker", "Hoffmann", "Koch"]
TASKS = ["buyer", "seller", "support", "returns", "vip"]
RESULTS = Path(__file__).parent / "results"


def profile_body(n: int) -> dict[str, Any]:
    rng = derive_rng(12, "bench-profile", n)
    first, last = rng.choice(FIRST), rng.choice(LAST)
    return {
        "projectId": PROJECT,
        "active": rng.random() < 0.9,
        "contactIds": [f"user-{n}@example.com"],
        "profile": {
            "firstname": first,
            "lastname": last,
            "email": f"{first.lower()}.{last.lower()}.{n}@example.com",
            "accepted_gdpr": True,
            "tasks": [rng.choice(TASKS)],
        },
    }


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 3),
        "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, 3),
        "n": len(ordered),
    }


def timed(call: Callable[[], Any], times: int) -> list[float]:
    samples = []
    for _ in range(times):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return samples


def get(client: httpx.Client, params: dict[str, Any]) -> Callable[[], Any]:
    return lambda: client.get("/new/v2.0/profiles", params=params)


def store_call(store: ProfileStore, params: dict[str, str]) -> Callable[[], Any]:
    query = ListQuery(PROJECT, params.get("filter", ""), params.get("sort"))
    return lambda: store.list_profiles(query)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profiles", type=int, default=100_000)
    parser.add_argument("--http", type=int, default=2_000, help="creates through HTTP")
    parser.add_argument("--pages", type=int, default=300, help="requests per list case")
    parser.add_argument("--name", default="cognigy")
    args = parser.parse_args(argv)

    app = create_app(Settings(users=100, rate_limits=False))
    state = app.state.server
    tenant = state.tenant(state.keys.find(KEY).tenant)
    store: ProfileStore = tenant.cognigy
    user = user_id(state.keys.find(KEY).key_id)

    start = time.perf_counter()
    for n in range(args.profiles):
        body = profile_body(n)
        store.create(PROJECT, body, user)
    direct_seconds = time.perf_counter() - start

    results: dict[str, Any] = {
        "profiles": args.profiles,
        "create_store_per_s": round(args.profiles / direct_seconds),
    }
    with in_process_client(app, headers={"X-API-Key": KEY}) as client:
        start = time.perf_counter()
        for n in range(args.profiles, args.profiles + args.http):
            assert client.post("/new/v2.0/profiles", json=profile_body(n)).status_code == 201
        results["create_http_per_s"] = round(args.http / (time.perf_counter() - start))

        cases: dict[str, dict[str, str]] = {
            "filter 'anna', sort lastname:asc": {"filter": "anna", "sort": "lastname:asc"},
            "filter 'anna vip', sort createdAt:desc": {
                "filter": "anna vip",
                "sort": "createdAt:desc",
            },
            "filter 'mustermann', sort firstname:desc": {
                "filter": "mustermann",
                "sort": "firstname:desc",
            },
            "no filter, sort lastChanged:desc": {"sort": "lastChanged:desc"},
        }
        lists: dict[str, Any] = {}
        for label, params in cases.items():
            query: dict[str, Any] = {"projectId": PROJECT, "limit": 25, **params}
            first = client.get("/new/v2.0/profiles", params=query).json()
            cursor = first["nextCursor"]
            deep = client.get("/new/v2.0/profiles", params={**query, "skip": 1000}).json()
            lists[label] = {
                "total": first["total"],
                "first_page": percentiles(timed(get(client, query), args.pages)),
                "next_page": percentiles(timed(get(client, {**query, "next": cursor}), args.pages)),
                "store_only": percentiles(timed(store_call(store, params), args.pages)),
                "skip_1000_items": len(deep["items"]),
            }
        results["lists"] = lists
    results["machine"] = {"python": platform.python_version(), "cpu": platform.processor()}
    results["command"] = "bench/cognigy.py " + " ".join(argv or [])
    print(f"create: {results['create_store_per_s']:,}/s into the store, "
          f"{results['create_http_per_s']:,}/s through HTTP in process")  # fmt: skip
    print("| list | total | first page p50/p99 ms | cursor page p50/p99 ms | store p50/p99 ms |")
    print("|---|---:|---:|---:|---:|")
    for label, row in results["lists"].items():
        first, nxt, only = row["first_page"], row["next_page"], row["store_only"]
        print(f"| {label} | {row['total']:,} | {first['p50_ms']}/{first['p99_ms']} | "
              f"{nxt['p50_ms']}/{nxt['p99_ms']} | {only['p50_ms']}/{only['p99_ms']} |")  # fmt: skip
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"{datetime.now(UTC):%Y-%m-%d}-{args.name}.json"
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"saved {out}")


if __name__ == "__main__":
    main()

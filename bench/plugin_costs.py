"""What the pytest plugin's users pay: requests/s through its in-process transport, and the
per-test cost of the ``fullstory`` fixture (``fixture_cost.py``'s two measures)."""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import fixture_cost
import httpx
from bare_app import build_routes_app
from catalogue import Answer, prepare, select, send
from plan import Context
from report import Section, num, table
from run import percentile
from starlette.types import ASGIApp

from mockserver.app import create_app
from mockserver.settings import Settings
from mockserver.testing.transport import in_process_client


def sequential(client: httpx.Client, a: Answer, requests: int) -> dict[str, float]:
    for _ in range(min(50, requests)):  # warm-up: caches, lazy imports, first-call costs
        send(client, a.call)
    latencies = []
    non_2xx = 0
    started = time.perf_counter()
    for _ in range(requests):
        began = time.perf_counter()
        status = send(client, a.call).status_code
        latencies.append(time.perf_counter() - began)
        non_2xx += not 200 <= status < 300
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "rps": requests / elapsed,
        "p50_ms": percentile(latencies, 50) * 1000,
        "p99_ms": percentile(latencies, 99) * 1000,
        "non_2xx": float(non_2xx),
    }


def bare_app_for(answers: Sequence[Answer]) -> ASGIApp:
    routes: list[dict[str, Any]] = [
        {"method": a.call.method, "path": a.call.path.partition("?")[0], "status": a.status,
         "media_type": a.media_type, "body": a.body}
        for a in answers
    ]  # fmt: skip
    return build_routes_app(routes)


def in_process(ctx: Context) -> Section:
    section = Section("in_process")
    plan = ctx.plan
    app = create_app(Settings(users=plan.users, rate_limits=False))
    with in_process_client(app) as client:
        prepared = prepare(client, plan.users, ctx.events_user(), plan.profiles)
        answers = select(prepared.answers, plan.quick)
        ours = [sequential(client, a, plan.inproc_requests) for a in answers]
    with in_process_client(bare_app_for(answers)) as client:
        bare = [sequential(client, a, plan.inproc_requests) for a in answers]
    section.add(
        f"`mockserver.testing.transport.in_process_client` (the sync httpx client the "
        f"`fullstory` fixture hands out: no sockets), {plan.inproc_requests:,} sequential "
        "requests per endpoint after 50 warm-up requests; the same app settings as the served "
        "fake, and the bare Starlette app with the same bytes through the same transport.",
        "",
    )
    rows = [
        [a.call.api, f"{a.call.method} {a.call.name}", num(o["rps"]), num(o["p50_ms"], 3),
         num(o["p99_ms"], 3), num(b["rps"]), num(o["rps"] / b["rps"], 2), num(o["non_2xx"])]
        for a, o, b in zip(answers, ours, bare, strict=True)
    ]  # fmt: skip
    header = ["API", "endpoint", "ours req/s", "p50 ms", "p99 ms", "bare req/s", "ours/bare",
              "non-2xx"]  # fmt: skip
    section.add(*table(header, rows, right_from=2))
    return section


def fixture(ctx: Context) -> Section:
    section = Section("fixture")
    plan = ctx.plan
    samples = fixture_cost.direct(plan.fixture_tests)
    with_times, without_times = [], []
    with tempfile.TemporaryDirectory(prefix="bench-fixture-") as tmp:
        folder = Path(tmp)
        for _ in range(plan.fixture_rounds):
            with_times.append(
                fixture_cost.run_pytest(folder, fixture_cost.WITH_FIXTURE, plan.fixture_tests)
            )
            without_times.append(
                fixture_cost.run_pytest(folder, fixture_cost.WITHOUT_FIXTURE, plan.fixture_tests)
            )
    with_s, without_s = statistics.median(with_times), statistics.median(without_times)
    per_test = (with_s - without_s) / plan.fixture_tests * 1000
    section.add(
        f"Two measures (`bench/fixture_cost.py`): building and closing {plan.fixture_tests} "
        "`Fake`s directly (what the fixture does per test), and a generated file of "
        f"{plan.fixture_tests} trivial tests run by pytest with and without the fixture (both "
        f"start the session fake; pytest's test loop only, medians of {plan.fixture_rounds}).",
        "",
        *table(
            ["measure", "value"],
            [
                ["one `Fake`, median", f"{statistics.median(samples):.2f} ms"],
                ["one `Fake`, mean", f"{statistics.fmean(samples):.2f} ms"],
                ["pytest loop with the fixture", f"{with_s:.2f} s"],
                ["pytest loop without it", f"{without_s:.2f} s"],
                ["cost per test through pytest", f"{per_test:.2f} ms"],
            ],
        ),
    )
    return section

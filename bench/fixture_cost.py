"""The per-test cost of the pytest plugin's ``fullstory`` fixture: measured, never asserted.

Two ways, on this machine only (no sockets: the fixture runs in process):

1. **direct**: build and close N :class:`~mockserver.testing.fake.Fake` objects (what the fixture
   does per test) on one session server, after a warm-up; reports the median and mean per Fake.
2. **pytest**: run a generated file of N trivial tests twice in a fresh pytest process, once
   using the ``fullstory`` fixture and once not (both start the session fake); reports
   (with - without) / N over pytest's test loop: the cost a user sees per test, start-up and
   imports excluded.

Run: ``.venv/bin/python bench/fixture_cost.py [--tests 300] [--rounds 3]``.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from mockserver.settings import Settings
from mockserver.testing.fake import Fake, start_fake_server

WITH_FIXTURE = """
def test_{n}(fullstory):
    assert fullstory.tenant_id
"""
WITHOUT_FIXTURE = """
def test_{n}():
    assert True
"""
CONFTEST = """
import time
import pytest

@pytest.fixture(scope="session", autouse=True)
def _session(mockserver):  # start the session fake in both runs: only the per-test part differs
    yield

@pytest.hookimpl(wrapper=True)
def pytest_runtestloop(session):  # the test loop alone: start-up and imports are not counted
    start = time.perf_counter()
    try:
        return (yield)
    finally:
        with open("loop-seconds.txt", "w") as out:
            out.write(str(time.perf_counter() - start))
"""


def direct(count: int) -> list[float]:
    """Milliseconds per Fake (build, then close), one sample per Fake."""
    samples = []
    with start_fake_server(Settings(validate_responses=True)) as server:
        for n in range(10):  # warm-up: imports, caches, the first tenant
            Fake(server, f"warm-{n}").close()
        for n in range(count):
            start = time.perf_counter()
            Fake(server, f"bench-{n}").close()
            samples.append((time.perf_counter() - start) * 1000)
    return samples


def run_pytest(folder: Path, template: str, count: int) -> float:
    """Seconds of pytest's test loop for ``count`` tests made from ``template``."""
    (folder / "conftest.py").write_text(CONFTEST)
    tests = "".join(template.format(n=n) for n in range(count))
    (folder / "test_generated.py").write_text(textwrap.dedent(tests))
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:cacheprovider",
               "-n", "0", str(folder)]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=folder)
    if done.returncode != 0:
        raise SystemExit(f"pytest failed:\n{done.stdout}\n{done.stderr}")
    return float((folder / "loop-seconds.txt").read_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tests", type=int, default=300, help="tests (or Fakes) per run")
    parser.add_argument("--rounds", type=int, default=3, help="pytest runs of each kind")
    args = parser.parse_args()
    samples = direct(args.tests)
    print(
        f"direct: {len(samples)} Fakes, median {statistics.median(samples):.2f} ms, "
        f"mean {statistics.fmean(samples):.2f} ms, p90 "
        f"{statistics.quantiles(samples, n=10)[-1]:.2f} ms per test"
    )
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        with_times, without_times = [], []
        for _ in range(args.rounds):
            with_times.append(run_pytest(folder, WITH_FIXTURE, args.tests))
            without_times.append(run_pytest(folder, WITHOUT_FIXTURE, args.tests))
    with_s, without_s = statistics.median(with_times), statistics.median(without_times)
    print(
        f"pytest: {args.tests} tests, median of {args.rounds}: {with_s:.2f} s with the fixture, "
        f"{without_s:.2f} s without: {(with_s - without_s) / args.tests * 1000:.2f} ms per test"
    )


if __name__ == "__main__":
    main()

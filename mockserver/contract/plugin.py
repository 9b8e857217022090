"""The contract kit's pytest plugin: which target, what was observed, coverage, progress.

Loaded by ``mockserver contract`` (``-p mockserver.contract.plugin``) and by a checkout's
``contract_tests/conftest.py``. Choose the target with ``--contract-target`` or
``MOCKSERVER_CONTRACT_TARGET`` (see :mod:`mockserver.contract.targets`).
"""

from __future__ import annotations

import contextvars
import os
import time
from pathlib import Path

import pytest

from mockserver.contract.config import ConfigError, RunConfig
from mockserver.contract.coverage import coverage_rows, render
from mockserver.contract.environment import TARGET_ENV
from mockserver.contract.observe import Observations
from mockserver.contract.specs import SpecInfo, discover_specs
from mockserver.contract.targets import Target, TargetError, TargetSpec

APIS_ENV = "MOCKSERVER_CONTRACT_APIS"

TARGET = pytest.StashKey[Target]()
OBSERVATIONS = pytest.StashKey[Observations]()
STARTED = pytest.StashKey[float]()
PROGRESS = pytest.StashKey[dict[str, int]]()

# The run's target, for test modules that build Schemathesis schemas while they are imported
# (collection needs the provider states, and pytest offers modules no other way to reach the
# run's config). Set once per pytest process in pytest_configure; a ContextVar, not a global.
ACTIVE: contextvars.ContextVar[tuple[Target, Observations]] = contextvars.ContextVar(
    "mockserver_contract_active"
)


def suite_specs() -> list[SpecInfo]:
    """The specs this run tests: every one in ``openapi/``, or those ``--contract-apis`` names."""
    target, _ = active()
    if target.specs is None:  # parsed once per run, not once per suite module
        target.specs = discover_specs(names=target.apis)
    return target.specs


def active() -> tuple[Target, Observations]:
    try:
        return ACTIVE.get()
    except LookupError:
        raise RuntimeError(
            "the contract suites need the plugin: pytest -p mockserver.contract.plugin"
        ) from None


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("contract", "mockserver contract kit")
    group.addoption(
        "--contract-target",
        default=None,
        help=f"inprocess (default), uvicorn, a 127.0.0.1 URL, or real [env {TARGET_ENV}]",
    )
    group.addoption(
        "--contract-apis",
        default=None,
        help=f"only these APIs (comma-separated spec names, e.g. fullstory) [env {APIS_ENV}]",
    )
    group.addoption(
        "--contract-config",
        default=None,
        help="the kit's TOML config (key, known identities, writes, pacing, unreachable ops)",
    )
    group.addoption(
        "--contract-observations",
        default=None,
        help="write per-operation observations (JSON) here, for drift reports",
    )
    group.addoption(
        "--contract-progress",
        action="store_true",
        default=False,
        help="print a progress line after every test (tests done / total, requests, failures)",
    )
    group.addoption(
        "--contract-no-coverage-gate",
        action="store_true",
        default=False,
        help="report coverage but do not fail an operation that never answered 2xx",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "fake_only(why): needs in-process hooks of a fake this run starts"
    )
    config.addinivalue_line("markers", "contract_last: may disturb the others, so runs last")
    text = config.getoption("--contract-target") or os.environ.get(TARGET_ENV) or "inprocess"
    path = config.getoption("--contract-config")
    try:
        run_config = RunConfig.load(Path(path) if path else None)
        target = Target(TargetSpec.parse(text), dict(os.environ), run_config)
        apis = config.getoption("--contract-apis") or os.environ.get(APIS_ENV)
        if apis:
            target.apis = frozenset(name.strip() for name in apis.split(",") if name.strip())
    except (TargetError, ConfigError) as exc:
        raise pytest.UsageError(str(exc)) from None
    observations = Observations(target.label)
    config.stash[TARGET] = target
    config.stash[OBSERVATIONS] = observations
    config.stash[STARTED] = time.monotonic()
    config.stash[PROGRESS] = {"done": 0, "failed": 0, "total": 0}
    ACTIVE.set((target, observations))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    target = config.stash[TARGET]
    config.stash[PROGRESS]["total"] = len(items)
    if not target.is_fake:
        for item in items:
            marker = item.get_closest_marker("fake_only")
            if marker is not None:
                why = marker.args[0] if marker.args else "needs a fake this run starts"
                item.add_marker(pytest.mark.skip(reason=f"fake-only ({why})"))
    # Whatever may disturb the others (a whole-server reset, the control plane on a shared
    # server) runs last; otherwise the order is the suites' own.
    items.sort(key=_runs_last)


def _runs_last(item: pytest.Item) -> int:
    labels = getattr(getattr(item, "function", None), "contract_last_labels", ())
    if any(item.name.endswith(f"[{label}]") for label in labels):
        return 2
    return 1 if item.get_closest_marker("contract_last") else 0


def pytest_report_teststatus(report: pytest.TestReport, config: pytest.Config) -> None:
    if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
        progress = config.stash[PROGRESS]
        progress["done"] += 1
        progress["failed"] += int(report.outcome == "failed")
        if config.getoption("--contract-progress"):
            target = config.stash[TARGET]
            elapsed = time.monotonic() - config.stash[STARTED]
            reporter = config.pluginmanager.get_plugin("terminalreporter")
            if reporter is not None:
                reporter.write_line(
                    f"[contract {progress['done']}/{progress['total']} tests, "
                    f"{target.requests} requests, {progress['failed']} failed, "
                    f"{elapsed:.0f}s] {report.nodeid.rsplit('::', 1)[-1]} {report.outcome}"
                )


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    if OBSERVATIONS not in config.stash or hasattr(config, "workerinput"):
        return
    target, observations = config.stash[TARGET], config.stash[OBSERVATIONS]
    for binding in list(target._bindings.values()):
        for operation_id, why in binding.unreachable.items():
            observations.mark_unreachable(binding.spec.name, operation_id, why)
    uncovered = [row.operation for row in coverage_rows(observations) if row.uncovered]
    if uncovered and not config.getoption("--contract-no-coverage-gate") and exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    target = config.stash.get(TARGET, None)
    observations = config.stash.get(OBSERVATIONS, None)
    if target is None or observations is None or not target.requests:
        return
    rows = coverage_rows(observations)
    write = terminalreporter.write_line
    terminalreporter.section("contract coverage")
    write(render(rows))
    elapsed = time.monotonic() - config.stash[STARTED]
    line = f"contract target {target.label}: {target.requests} requests in {elapsed:.1f}s"
    recorded = target.journal_total()
    if recorded is not None:
        line += f", {recorded} recorded by the fakes' journals (including checks' own requests)"
    write(line)
    stats = target.pacer.stats
    if stats.throttled:
        write(
            f"429 answers met: {stats.throttled} (waited {stats.waited:.1f}s, gave up on "
            f"{stats.gave_up}, refused again after waiting: {stats.refused_after_wait})"
        )
    reasons: dict[str, int] = {}
    for report in terminalreporter.stats.get("skipped", []):
        longrepr = getattr(report, "longrepr", None)
        reason = str(longrepr[2]) if isinstance(longrepr, tuple) else "skipped"
        reason = reason.removeprefix("Skipped: ")
        reasons[reason] = reasons.get(reason, 0) + 1
    for reason, count in sorted(reasons.items()):
        write(f"skipped {count}: {reason}")
    uncovered = [row.operation for row in rows if row.uncovered]
    if uncovered and not config.getoption("--contract-no-coverage-gate"):
        write(
            "FAILED coverage: never answered 2xx: "
            + ", ".join(uncovered)
            + " (mark an operation [apis.<api>.unreachable] in the config if it cannot be)",
            red=True,
        )


def pytest_unconfigure(config: pytest.Config) -> None:
    target = config.stash.get(TARGET, None)
    path = config.getoption("--contract-observations", None)
    if path and OBSERVATIONS in config.stash and not hasattr(config, "workerinput"):
        config.stash[OBSERVATIONS].write(Path(path))
    if target is not None:
        target.close()


@pytest.fixture(scope="session")
def contract_target(pytestconfig: pytest.Config) -> Target:
    return pytestconfig.stash[TARGET]


@pytest.fixture(scope="session")
def contract_observations(pytestconfig: pytest.Config) -> Observations:
    return pytestconfig.stash[OBSERVATIONS]

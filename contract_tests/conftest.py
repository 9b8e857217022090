"""The contract kit's pytest wiring: which target, what was observed, how many requests.

``pytest contract_tests`` runs against a fresh in-process fake. Choose another target with
``--contract-target`` or ``MOCKSERVER_CONTRACT_TARGET`` (see mockserver/contract/targets.py);
``--contract-observations PATH`` writes what each operation answered (for drift reports).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mockserver.contract.observe import Observations
from mockserver.contract.targets import TARGET_ENV, Target, TargetError, TargetSpec

TARGET = pytest.StashKey[Target]()
OBSERVATIONS = pytest.StashKey[Observations]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("contract", "mockserver contract kit")
    group.addoption(
        "--contract-target",
        default=None,
        help=f"inprocess (default), uvicorn, a 127.0.0.1 URL, or real [env {TARGET_ENV}]",
    )
    group.addoption(
        "--contract-observations",
        default=None,
        help="write per-operation observations (JSON) here, for `mockserver contract --against`",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "fake_only: needs a fake this run controls (skipped against real services)"
    )
    text = config.getoption("--contract-target") or os.environ.get(TARGET_ENV) or "inprocess"
    try:
        target = Target(TargetSpec.parse(text))
    except TargetError as exc:
        raise pytest.UsageError(str(exc)) from None
    config.stash[TARGET] = target
    config.stash[OBSERVATIONS] = Observations(target.label)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    target = config.stash[TARGET]
    if target.is_fake:
        return
    skip = pytest.mark.skip(reason=f"fake-only: {target.label} is not a fake this run controls")
    for item in items:
        if item.get_closest_marker("fake_only") is not None:
            item.add_marker(skip)


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    target = config.stash.get(TARGET, None)
    if target is None or not target.requests:
        return
    line = f"contract target {target.label}: {target.requests} requests sent by the kit"
    recorded = target.journal_total()
    if recorded is not None:
        line += f", {recorded} recorded by the fakes' journals (including checks' own requests)"
    terminalreporter.write_line(line)


def pytest_unconfigure(config: pytest.Config) -> None:
    target = config.stash.get(TARGET, None)
    path = config.getoption("--contract-observations", None)
    if path and OBSERVATIONS in config.stash:
        config.stash[OBSERVATIONS].write(Path(path))
    if target is not None:
        target.close()


@pytest.fixture(scope="session")
def contract_target(pytestconfig: pytest.Config) -> Target:
    return pytestconfig.stash[TARGET]


@pytest.fixture(scope="session")
def contract_observations(pytestconfig: pytest.Config) -> Observations:
    return pytestconfig.stash[OBSERVATIONS]

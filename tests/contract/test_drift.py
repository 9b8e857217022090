"""Drift reports compare like with like: unit-level classification, and the CLI on two fakes
(identical: no drift; one with a fault rule: exactly the faulted operation)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mockserver.cli import main
from mockserver.contract.drift import (
    CANNOT_COMPARE,
    DRIFT,
    NO_DRIFT,
    CannotCompare,
    compare,
    compare_files,
)
from mockserver.contract.runner import RunOptions, run_suite
from mockserver.contract.specs import discover_specs


def run(target: str, cases: dict[str, dict[str, Any]], skipped: str | None = None) -> Any:
    return {
        "target": target,
        "operations": {
            "fullstory getMe": {"requests": len(cases), "cases": cases, "skipped": None},
            "admin resetAll": {"requests": 0, "cases": {}, "skipped": skipped},
        },
    }


def answer(status: int = 200, shape: str = "s", body: str = "b", **extra: Any) -> dict[str, Any]:
    return {"status": status, "shape": shape, "body": body, "headers": [], "failures": [], **extra}


def test_only_requests_both_runs_sent_are_compared_and_classified() -> None:
    a = run("A", {"GET /me 1": answer(), "GET /me 2": answer(), "GET /me 3": answer()})
    b = run(
        "B",
        {"GET /me 1": answer(500), "GET /me 2": answer(shape="t"), "GET /me 4": answer()},
        skipped="writes not allowed",
    )
    report = compare(a, b)
    kinds = {(d.operation, d.kind, d.count) for d in report.differences}
    assert kinds == {("fullstory getMe", "status", 1), ("fullstory getMe", "schema", 1)}
    assert report.compared == {"fullstory getMe": 2}
    assert report.only_a == {"fullstory getMe": 1} and report.only_b == {"fullstory getMe": 1}
    assert report.skipped == {"admin resetAll": "writes not allowed"}  # apart, not drift
    assert report.exit_code == DRIFT
    markdown = report.to_markdown()
    assert "| `fullstory getMe` | status | 1 |" in markdown and "Not compared" in markdown
    assert compare(a, a).exit_code == NO_DRIFT


def test_body_values_and_headers_are_their_own_classes() -> None:
    a = run("A", {"k": answer()})
    b = run("B", {"k": answer(body="c", headers=["retry-after"])})
    assert {d.kind for d in compare(a, b).differences} == {"body", "headers"}


def test_nothing_in_common_cannot_be_compared() -> None:
    with pytest.raises(CannotCompare):
        compare(run("A", {"x": answer()}), run("B", {"y": answer()}))


# Examples (the spec's and the provider states') and one generated case per operation: every
# operation has cases in both runs, which is what a drift report needs; more fuzzing would only
# compare more of the same.
FULLSTORY_ONLY = RunOptions(
    max_examples=1,
    progress=False,
    apis="fullstory",
    phases="examples,fuzzing",
    pytest_args=("-k", "conforms or provider_state", "--contract-no-coverage-gate"),
)


def test_drift_between_fakes_names_exactly_the_faulted_operation(tmp_path: Path) -> None:
    """Three runs of the FullStory suite (one test, so the runs are not repeated on each xdist
    worker): two identical fakes do not drift, in any operation; a fault rule drifts exactly
    the operation it faults."""
    targets = {"a": "inprocess", "same": "uvicorn", "faulted": "inprocess:fault=getMe/500"}
    runs = {name: tmp_path / name / "observations.json" for name in targets}
    for name, target in targets.items():
        run_suite(target, runs[name], FULLSTORY_ONLY)

    report = compare_files(runs["a"], runs["same"])
    assert (report.exit_code, report.differences) == (NO_DRIFT, ())
    fullstory = next(spec for spec in discover_specs() if spec.name == "fullstory")
    assert len(report.compared) == len(fullstory.operations())  # every operation compared

    report = compare_files(runs["a"], runs["faulted"])
    assert report.exit_code == DRIFT
    assert report.drifted_operations() == ["fullstory getMe"]
    assert {d.kind for d in report.differences} == {"status"}


def test_cli_says_when_it_cannot_compare(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["contract", "--against", "inprocess:no_such_setting=1", "--out", str(tmp_path)])
    assert code == CANNOT_COMPARE
    assert "no_such_setting" in capsys.readouterr().err

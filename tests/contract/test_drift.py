"""Drift reports: unit-level comparison, and the CLI proving it on two fakes that differ."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mockserver.cli import main
from mockserver.contract.drift import compare
from mockserver.contract.targets import TargetError, TargetSpec


def test_compare_lists_what_differs_per_operation() -> None:
    a = {"target": "A", "operations": {"fullstory getMe": {"statuses": {"200": 3}}}}
    b = {"target": "B", "operations": {"fullstory getMe": {"statuses": {"200": 1, "503": 2}}}}
    report = compare(a, b)
    assert report.has_drift
    [difference] = report.differences
    assert (difference.operation, difference.aspect) == ("fullstory getMe", "statuses")
    assert difference.only_b == ("503",)
    assert "| `fullstory getMe` | statuses | — | `503` |" in report.to_markdown()
    assert not compare(a, a).has_drift


def test_targets_outside_loopback_need_the_opt_in() -> None:
    with pytest.raises(TargetError, match=r"127\.0\.0\.1"):
        TargetSpec.parse("https://api.fullstory.com", environ={})
    with pytest.raises(TargetError, match="opt-in"):
        TargetSpec.parse("real", environ={"FULLSTORY_API_KEY": "k"})
    with pytest.raises(TargetError, match="unknown setting"):
        TargetSpec.parse("inprocess:no_such_thing=1", environ={})
    spec = TargetSpec.parse("uvicorn:seed=3,fault=getMe/503", environ={})
    assert spec.faults == (("getMe", 503),) and spec.fake_settings().seed == 3


def test_cli_reports_drift_between_two_fakes(tmp_path: Path) -> None:
    out = tmp_path / "report"
    code = main(
        [
            "contract",
            "--target",
            "inprocess",
            "--against",
            "inprocess:fault=getMe/500",
            "--out",
            str(out),
            "--max-examples",
            "3",
            "--",
            "-k",
            "fullstory_conforms and me",
        ]
    )
    assert code == 1  # drift found
    report = json.loads((out / "drift.json").read_text())
    statuses = [
        d
        for d in report["differences"]
        if d["operation"] == "fullstory getMe" and d["aspect"] == "statuses"
    ]
    assert statuses and statuses[0]["only_b"] == ["500"]
    assert "fullstory getMe" in (out / "drift.md").read_text()

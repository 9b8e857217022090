"""Drift between two contract runs: per operation, what one target did that the other did not."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

ASPECTS = MappingProxyType(
    {
        "statuses": "statuses",
        "content_types": "content types",
        "headers": "headers",
        "error_shapes": "error shapes",
        "error_codes": "error codes",
        "failures": "check failures",
    }
)


@dataclass(frozen=True)
class Difference:
    operation: str
    aspect: str
    only_a: tuple[str, ...]
    only_b: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "operation": self.operation,
            "aspect": self.aspect,
            "only_a": list(self.only_a),
            "only_b": list(self.only_b),
        }


@dataclass(frozen=True)
class DriftReport:
    target_a: str
    target_b: str
    differences: tuple[Difference, ...]
    operations: tuple[str, ...]

    @property
    def has_drift(self) -> bool:
        return bool(self.differences)

    def to_dict(self) -> dict[str, Any]:
        return {
            "target_a": self.target_a,
            "target_b": self.target_b,
            "operations": list(self.operations),
            "drift": bool(self.differences),
            "differences": [d.to_dict() for d in self.differences],
        }

    def to_markdown(self) -> str:
        lines = [
            f"# Contract drift: `{self.target_a}` (A) vs `{self.target_b}` (B)",
            "",
            f"{len(self.operations)} operations compared; "
            + (f"{len(self.differences)} differences." if self.differences else "no drift."),
            "",
        ]
        if self.differences:
            lines += ["| operation | aspect | only in A | only in B |", "|---|---|---|---|"]
            for d in self.differences:
                cells = f"{_cell(d.only_a)} | {_cell(d.only_b)}"
                lines.append(f"| `{d.operation}` | {ASPECTS[d.aspect]} | {cells} |")
        same = sorted(set(self.operations) - {d.operation for d in self.differences})
        if same:
            lines += ["", "Operations with no drift: " + ", ".join(f"`{op}`" for op in same)]
        return "\n".join(lines) + "\n"

    def write(self, folder: Path) -> tuple[Path, Path]:
        folder.mkdir(parents=True, exist_ok=True)
        md, js = folder / "drift.md", folder / "drift.json"
        md.write_text(self.to_markdown(), encoding="utf-8")
        js.write_text(json.dumps(self.to_dict(), indent=2) + "\n", encoding="utf-8")
        return md, js


def _cell(values: tuple[str, ...]) -> str:
    return "<br>".join(f"`{v}`" for v in values) if values else "—"


def _keys(aspect: str, value: Any) -> set[str]:
    # Counts differ between targets for harmless reasons (shrinking, retries); compare sets.
    return set(value) if isinstance(value, (list, dict)) else set()


def compare(a: dict[str, Any], b: dict[str, Any]) -> DriftReport:
    ops_a, ops_b = a.get("operations", {}), b.get("operations", {})
    differences = []
    operations = sorted(set(ops_a) | set(ops_b))
    for operation in operations:
        left, right = ops_a.get(operation, {}), ops_b.get(operation, {})
        for aspect in ASPECTS:
            x, y = _keys(aspect, left.get(aspect)), _keys(aspect, right.get(aspect))
            if x != y:
                differences.append(
                    Difference(operation, aspect, tuple(sorted(x - y)), tuple(sorted(y - x)))
                )
    return DriftReport(
        str(a.get("target")), str(b.get("target")), tuple(differences), tuple(operations)
    )


def compare_files(a: Path, b: Path) -> DriftReport:
    return compare(json.loads(a.read_text("utf-8")), json.loads(b.read_text("utf-8")))

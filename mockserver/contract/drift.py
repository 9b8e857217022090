"""Drift between two contract runs, like with like: only requests both runs sent (same
fingerprint: method, path, query, body, header names) are compared, and each difference is
classified: ``status``, ``schema`` (the body's shape, or a schema check failing on one side
only), ``headers`` (which contract headers came back), ``body`` (deterministic values; keys an
entry calls volatile are left out). Requests only one run sent, and operations one run skipped,
are listed apart and never counted as drift."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CLASSES = ("status", "schema", "headers", "body")
SCHEMA_CHECKS = ("ST1",)  # Schemathesis codes of response conformance failures (ST108: schema)
EXAMPLES_PER_DIFFERENCE = 3

NO_DRIFT, DRIFT, CANNOT_COMPARE = 0, 1, 2


class CannotCompare(ValueError):
    """The two runs have nothing in common to compare (or a run left no observations)."""


@dataclass(frozen=True)
class Difference:
    """One kind of disagreement between two runs on one operation, with how often and a few
    examples."""

    operation: str
    kind: str  # one of CLASSES
    count: int
    examples: tuple[str, ...]  # "GET /me ab12…: 200 → 500"

    def to_dict(self) -> dict[str, Any]:
        return {
            "operation": self.operation,
            "class": self.kind,
            "count": self.count,
            "examples": list(self.examples),
        }


@dataclass(frozen=True)
class DriftReport:
    """How two runs' observations compare, operation by operation."""

    target_a: str
    target_b: str
    compared: Mapping[str, int]  # operation -> requests compared
    differences: tuple[Difference, ...]
    only_a: Mapping[str, int] = field(default_factory=dict)  # operation -> requests only A sent
    only_b: Mapping[str, int] = field(default_factory=dict)
    skipped: Mapping[str, str] = field(default_factory=dict)  # operation -> why (either run)

    @property
    def has_drift(self) -> bool:
        return bool(self.differences)

    @property
    def exit_code(self) -> int:
        return DRIFT if self.has_drift else NO_DRIFT

    def drifted_operations(self) -> list[str]:
        return sorted({d.operation for d in self.differences})

    def to_dict(self) -> dict[str, Any]:
        return {
            "target_a": self.target_a,
            "target_b": self.target_b,
            "drift": self.has_drift,
            "compared": dict(self.compared),
            "differences": [d.to_dict() for d in self.differences],
            "only_a": dict(self.only_a),
            "only_b": dict(self.only_b),
            "skipped": dict(self.skipped),
        }

    def to_markdown(self) -> str:
        total = sum(self.compared.values())
        lines = [
            f"# Contract drift: `{self.target_a}` (A) vs `{self.target_b}` (B)",
            "",
            f"{total} requests sent by both runs compared over {len(self.compared)} operations; "
            + (
                f"{len(self.differences)} differences in {len(self.drifted_operations())} "
                "operations."
                if self.differences
                else "no drift."
            ),
            "",
        ]
        if self.differences:
            lines += ["| operation | class | requests | examples |", "|---|---|---|---|"]
            for d in self.differences:
                examples = "<br>".join(f"`{e}`" for e in d.examples)
                lines.append(f"| `{d.operation}` | {d.kind} | {d.count} | {examples} |")
        if self.only_a or self.only_b or self.skipped:
            lines += ["", "## Not compared (not drift)", ""]
            for name, side in (("A", self.only_a), ("B", self.only_b)):
                for operation, count in sorted(side.items()):
                    lines.append(f"- `{operation}`: {count} requests sent by {name} only")
            for operation, why in sorted(self.skipped.items()):
                lines.append(f"- `{operation}`: skipped ({why})")
        return "\n".join(lines) + "\n"

    def write(self, folder: Path) -> tuple[Path, Path]:
        folder.mkdir(parents=True, exist_ok=True)
        md, js = folder / "drift.md", folder / "drift.json"
        md.write_text(self.to_markdown(), encoding="utf-8")
        js.write_text(json.dumps(self.to_dict(), indent=2) + "\n", encoding="utf-8")
        return md, js


def _classify(a: Mapping[str, Any], b: Mapping[str, Any]) -> list[tuple[str, str]]:
    """``(class, what)`` for each way two answers to the same request differ."""
    found = []
    if a["status"] != b["status"]:
        found.append(("status", f"{a['status']} → {b['status']}"))
        return found  # a different status explains the rest
    schema_a = sorted(f for f in a["failures"] if f.startswith(SCHEMA_CHECKS))
    schema_b = sorted(f for f in b["failures"] if f.startswith(SCHEMA_CHECKS))
    if a["shape"] != b["shape"] or schema_a != schema_b:
        found.append(("schema", f"shape {a['shape']}/{schema_a} → {b['shape']}/{schema_b}"))
    elif a["body"] != b["body"]:
        found.append(("body", f"values {a['body']} → {b['body']}"))
    if a["headers"] != b["headers"]:
        found.append(("headers", f"{a['headers']} → {b['headers']}"))
    return found


def compare(a: Mapping[str, Any], b: Mapping[str, Any]) -> DriftReport:
    ops_a, ops_b = a.get("operations") or {}, b.get("operations") or {}
    compared: dict[str, int] = {}
    differences: list[Difference] = []
    only_a: dict[str, int] = {}
    only_b: dict[str, int] = {}
    skipped: dict[str, str] = {}
    for operation in sorted(set(ops_a) | set(ops_b)):
        left, right = ops_a.get(operation) or {}, ops_b.get(operation) or {}
        why = left.get("skipped") or right.get("skipped")
        if why and not (left.get("requests") and right.get("requests")):
            skipped[operation] = why
            continue
        cases_a, cases_b = left.get("cases") or {}, right.get("cases") or {}
        common = sorted(set(cases_a) & set(cases_b))
        if set(cases_a) - set(cases_b):
            only_a[operation] = len(set(cases_a) - set(cases_b))
        if set(cases_b) - set(cases_a):
            only_b[operation] = len(set(cases_b) - set(cases_a))
        if not common:
            continue
        compared[operation] = len(common)
        by_class: dict[str, list[str]] = {}
        for key in common:
            for kind, what in _classify(cases_a[key], cases_b[key]):
                by_class.setdefault(kind, []).append(f"{key}: {what}")
        for kind in CLASSES:
            seen = by_class.get(kind)
            if seen:
                examples = tuple(seen[:EXAMPLES_PER_DIFFERENCE])
                differences.append(Difference(operation, kind, len(seen), examples))
    if not compared:
        raise CannotCompare("the two runs sent no request in common")
    return DriftReport(
        str(a.get("target")),
        str(b.get("target")),
        compared,
        tuple(differences),
        only_a,
        only_b,
        skipped,
    )


def compare_files(a: Path, b: Path) -> DriftReport:
    try:
        left, right = json.loads(a.read_text("utf-8")), json.loads(b.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise CannotCompare(f"a run left no readable observations: {exc}") from None
    return compare(left, right)

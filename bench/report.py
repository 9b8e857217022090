"""RESULTS.md's building blocks: sections, tables, verdicts. Plain text in, Markdown out."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(slots=True)
class Target:
    """One target from issue 14 and whether this run met it (None: not measured)."""

    what: str
    goal: str
    measured: str
    met: bool | None


@dataclass(slots=True)
class Section:
    key: str
    title: str = ""  # the suite's name for the section (suite.SECTIONS)
    lines: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # parts that could not be run, and why
    targets: list[Target] = field(default_factory=list)
    seconds: float = 0.0

    def add(self, *lines: str) -> None:
        self.lines.extend(lines)

    def problem(self, text: str) -> None:
        self.problems.append(text)


def table(header: Sequence[str], rows: Sequence[Sequence[str]], right_from: int = 1) -> list[str]:
    """A Markdown table; columns from ``right_from`` on are right-aligned (numbers)."""
    align = ["---" if i < right_from else "---:" for i in range(len(header))]
    out = ["| " + " | ".join(header) + " |", "| " + " | ".join(align) + " |"]
    out += ["| " + " | ".join(cells) + " |" for cells in rows]
    return out


def verdict(met: bool | None) -> str:
    return "n/a" if met is None else ("PASS" if met else "FAIL")


def num(value: float | None, digits: int = 0) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return f"{value:,.{digits}f}"


def ratio(top: float | None, bottom: float | None) -> float | None:
    if top is None or bottom is None or bottom == 0:
        return None
    return top / bottom


def mib(kib: int | None) -> str:
    return "n/a" if kib is None else f"{kib / 1024:,.1f}"


def render_section(number: int, section: Section) -> list[str]:
    out = [f"## {number}. {section.title}", ""]
    out += section.lines
    if section.problems:
        out += ["", "**Not measured in this run:**", ""]
        out += [f"- {problem}" for problem in section.problems]
    out += ["", f"_Section time: {section.seconds:.1f} s._", ""]
    return out


def render_targets(sections: Sequence[Section]) -> list[str]:
    rows = [[t.what, t.goal, t.measured, verdict(t.met)] for s in sections for t in s.targets]
    if not rows:
        return ["No target was measured in this run.", ""]
    return [*table(["target", "goal", "measured", "result"], rows, right_from=99), ""]

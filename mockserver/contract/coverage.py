"""Coverage, reported and enforced: per operation, requests sent, 2xx answers, documented error
answers, 429s met and checks failed. An operation that was exercised and never answered 2xx fails
the run, unless the config marks it unreachable on that target (shown apart)."""

from __future__ import annotations

from dataclasses import dataclass

from mockserver.contract.observe import Observations


@dataclass(frozen=True)
class CoverageRow:
    """One operation's line in the coverage report: requests sent and how they were
    answered."""

    operation: str
    requests: int
    successes: int
    documented_errors: int
    undocumented: int
    throttled: int
    failures: int
    note: str

    @property
    def uncovered(self) -> bool:
        """Exercised, never a 2xx, and not excused by the config."""
        return self.requests > 0 and self.successes == 0 and not self.note.startswith("unreach")


def coverage_rows(observations: Observations) -> list[CoverageRow]:
    rows = []
    for name, op in observations.items():
        if op.unreachable:
            note = f"unreachable: {op.unreachable}"
        elif op.requests == 0:
            note = f"not run: {op.skipped}" if op.skipped else "not run"
        elif op.successes == 0:
            note = "NO 2xx ANSWER"
        else:
            note = "ok"
        rows.append(
            CoverageRow(
                name,
                op.requests,
                op.successes,
                op.documented_errors,
                op.undocumented,
                op.throttled,
                sum(op.failures.values()),
                note,
            )
        )
    return rows


HEADER = ("operation", "requests", "2xx", "documented errors", "undocumented", "429", "failed")


def render(rows: list[CoverageRow]) -> str:
    """A plain-text table (also valid Markdown)."""
    table = [
        (
            r.operation,
            str(r.requests),
            str(r.successes),
            str(r.documented_errors),
            str(r.undocumented),
            str(r.throttled),
            str(r.failures),
            r.note,
        )
        for r in rows
    ]
    header = (*HEADER, "")
    widths = [max(len(cells[i]) for cells in [header, *table]) for i in range(len(header))]

    def line(cells: tuple[str, ...]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(header), rule, *(line(cells) for cells in table)])

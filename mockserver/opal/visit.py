"""The visit-profile report: one user's recent sessions folded into one cross-session view.

Its inputs are FullStory answers only: each session's Generate Context (``pages[].events[]``
with typed, described events) and its Generate Summary text. Every finding lists the sessions
it was seen in, so a reader can open exactly those replays; a finding seen in two or more
sessions is marked ``recurring``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

FRUSTRATION_TYPES = ("rage-click", "dead-click", "error-click", "mouse-thrash")
ERROR_TYPES = ("console-error", "network-error")
GOAL_TYPES = ("custom",)


@dataclass(frozen=True, slots=True)
class SessionFacts:
    """What one session contributes: its id, link, time, summary and context events."""

    session_id: str
    app_url: str
    created_time: str
    summary: str
    pages: Sequence[Mapping[str, Any]]

    def events(self, types: Iterable[str]) -> list[Mapping[str, Any]]:
        wanted = set(types)
        return [
            event
            for page in self.pages
            for event in page.get("events") or ()
            if event.get("type") in wanted
        ]


@dataclass(slots=True)
class _Finding:
    """Something the visit profile found in events (its kind and label, an example) and the
    sessions it was seen in."""

    kind: str
    label: str
    example: str
    sessions: list[str] = field(default_factory=list)
    count: int = 0

    def seen(self, session_id: str) -> None:
        self.count += 1
        if session_id not in self.sessions:
            self.sessions.append(session_id)

    def render(self, key: str) -> dict[str, Any]:
        return {
            "type": self.kind,
            key: self.label,
            "example": self.example,
            "occurrences": self.count,
            "sessions": list(self.sessions),
            "recurring": len(self.sessions) > 1,
        }


def _group(facts: Sequence[SessionFacts], types: Sequence[str], label_of: Any) -> list[_Finding]:
    found: dict[tuple[str, str], _Finding] = {}
    for session in facts:
        for event in session.events(types):
            kind = str(event.get("type"))
            label = label_of(event)
            finding = found.setdefault(
                (kind, label), _Finding(kind, label, str(event.get("description", "")))
            )
            finding.seen(session.session_id)
    # Recurring first, then the most frequent, then by name: stable for the same input.
    return sorted(found.values(), key=lambda f: (-len(f.sessions), -f.count, f.kind, f.label))


def _goal_label(event: Mapping[str, Any]) -> str:
    description = str(event.get("description", ""))
    # "Custom event "Checkout Started" (...)": the quoted name is the goal signal.
    parts = description.split('"')
    return parts[1] if len(parts) > 2 else description


def _target_label(event: Mapping[str, Any]) -> str:
    properties = event.get("properties") or {}
    nested = properties.get("target") or {}  # the Events model's target{text, raw_selector}
    target = (
        properties.get("target_text") or properties.get("target_selector")
        or nested.get("text") or nested.get("raw_selector")
    )  # fmt: skip
    return str(target) if target else str(event.get("description", ""))


def _error_label(event: Mapping[str, Any]) -> str:
    properties = event.get("properties") or {}
    if event.get("type") == "network-error":
        # Flat names (older worlds) or the Events model's request_* properties.
        request_url = properties.get("request_url") or {}
        method = properties.get("method") or properties.get("request_method")
        url = properties.get("url") or request_url.get("full_url")
        status = (
            properties.get("status_code") or properties.get("status")
            or properties.get("request_status")
        )  # fmt: skip
        if url:
            return f"{method or 'request'} {url}" + (f" -> HTTP {status}" if status else "")
    message = properties.get("message")
    return str(message) if message else str(event.get("description", ""))


_ADVICE = {
    "rage-click": 'Make "{label}" respond visibly and fix what blocks it (users rage-clicked it)',
    "dead-click": '"{label}" looks clickable but does nothing: make it work or restyle it',
    "error-click": 'Clicking "{label}" was followed by an error: trace and fix the failing action',
    "mouse-thrash": "Users thrashed the mouse at {label}: review that area for confusion",
    "console-error": "Fix the script error {label!r} raised in the user's browser",
    "network-error": "Investigate the failing request {label}",
}


def _recommendations(findings: Sequence[_Finding]) -> list[dict[str, Any]]:
    advice = []
    for finding in findings:
        text = _ADVICE[finding.kind].format(label=finding.label)
        if len(finding.sessions) > 1:
            text += f" (seen in {len(finding.sessions)} sessions)"
        advice.append(
            {"recommendation": text, "because": finding.kind, "sessions": list(finding.sessions)}
        )
    return advice


def build_report(
    user: Mapping[str, Any], facts: Sequence[SessionFacts], llm: Mapping[str, Any]
) -> dict[str, Any]:
    goals = _group(facts, GOAL_TYPES, _goal_label)
    frustrations = _group(facts, FRUSTRATION_TYPES, _target_label)
    errors = _group(facts, ERROR_TYPES, _error_label)
    recommendations = _recommendations([*errors, *frustrations])
    if not recommendations:
        recommendations = [
            {
                "recommendation": "No frustration signals or technical errors were found in "
                "these sessions; no action is needed for this user.",
                "because": "none",
                "sessions": [f.session_id for f in facts],
            }
        ]
    return {
        "user": dict(user),
        "sessions_analyzed": len(facts),
        "analysis": dict(llm),
        "sessions": [
            {
                "session_id": f.session_id,
                "app_url": f.app_url,
                "created_time": f.created_time,
                "pages": len(f.pages),
                "summary": f.summary,
            }
            for f in facts
        ],
        "goals": [g.render("goal") for g in goals],
        "frustrations": [f.render("target") for f in frustrations],
        "technical_errors": [e.render("error") for e in errors],
        "recommendations": recommendations,
    }

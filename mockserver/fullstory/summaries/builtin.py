"""The built-in summary profiles every tenant starts with, one per summary kind the Opal
connector offers (seed 002): quick, behavioral, support, technical, conversion funnel, user
intent, and CMP / error detection. Each has prompts that say what to cover and a structured
``response_schema`` in FullStory's dialect.

They are ordinary profiles (readable, listable, updatable, deletable); a tenant reset brings
them back. Their ids are fixed so tests and clients can name them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mockserver.fullstory.summaries.vocabulary import FUNNEL, INTENTS


def _s(description: str, enum: tuple[str, ...] = ()) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "STRING", "description": description}
    if enum:
        out["enum"] = list(enum)
        out["format"] = "enum"
    return out


def _list(description: str, items: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"type": "ARRAY", "description": description, "items": items or {"type": "STRING"}}


def _object(title: str, properties: dict[str, Any], required: tuple[str, ...]) -> dict[str, Any]:
    return {"type": "OBJECT", "title": title, "properties": properties, "required": list(required)}


_SENTIMENT = _s("Overall sentiment of the experience", ("positive", "neutral", "negative"))
_ERROR_ITEM = _object(
    "Error",
    {
        "timestamp": _s("When it happened (RFC 3339)"),
        "kind": _s("exception or console error"),
        "message": _s("The error message"),
        "page": _s("The page path it happened on"),
    },
    ("timestamp", "kind", "message"),
)
_REQUEST_ITEM = _object(
    "FailedRequest",
    {
        "timestamp": _s("When it failed (RFC 3339)"),
        "method": _s("HTTP method"),
        "url": _s("Request URL"),
        "status": {"type": "INTEGER", "description": "HTTP status code"},
    },
    ("timestamp", "method", "url", "status"),
)


@dataclass(frozen=True, slots=True)
class BuiltinProfile:
    """One of FullStory's built-in summary profiles: its prompts, temperature and response
    schema."""

    id: str
    name: str
    pre_prompt: str
    post_prompt: str
    temperature: float
    response_schema: dict[str, Any]

    def body(self) -> dict[str, Any]:
        """The profile as a v2 create body."""
        return {
            "name": self.name,
            "llm": {
                "pre_prompt": self.pre_prompt,
                "post_prompt": self.post_prompt,
                "temperature": self.temperature,
                "response_schema": self.response_schema,
            },
        }


_PRE = "You are analysing one FullStory session recording for {who}."

BUILTIN_PROFILES: tuple[BuiltinProfile, ...] = (
    BuiltinProfile(
        "quick",
        "Quick summary",
        _PRE.format(who="a quick triage"),
        "Summarize the session briefly in two to three sentences: what the user did, whether "
        "they achieved their goal, and any issues encountered.",
        0.2,
        _object(
            "QuickSummary",
            {
                "summary": _s("Two to three sentence summary"),
                "sentiment": _SENTIMENT,
                "issues": _list("Problems the user ran into"),
            },
            ("summary",),
        ),
    ),
    BuiltinProfile(
        "behavioral",
        "Behavioral analysis",
        _PRE.format(who="UX research"),
        "Analyze the user's behavior: persona, feature interaction patterns, navigation style, "
        "engagement level and inferred goals.",
        0.2,
        _object(
            "BehavioralSummary",
            {
                "summary": _s("Behavioral summary"),
                "persona": _s("The persona the session suggests"),
                "navigation_style": _s("How the user moved through the site"),
                "engagement_level": _s("Engagement", ("low", "medium", "high")),
                "features_used": _list("Elements the user clicked"),
                "inferred_goal": _s("The user's likely goal"),
                "pages_visited": _list("Pages in the order visited"),
            },
            ("summary", "persona", "engagement_level"),
        ),
    ),
    BuiltinProfile(
        "support",
        "Support summary",
        _PRE.format(who="a customer support agent"),
        "Write a support-focused summary: every issue and error the user hit, frustration "
        "indicators, the outcome, and recommendations for the support team.",
        0.2,
        _object(
            "SupportSummary",
            {
                "summary": _s("Support-focused summary"),
                "issues": _list("Every problem the user hit"),
                "errors": _list("Errors and failed requests", _ERROR_ITEM),
                "rage_clicks": _list("Rage clicks, with the element clicked"),
                "outcome": _s("How the session ended"),
                "sentiment": _SENTIMENT,
                "recommendations": _list("What support should do next"),
            },
            ("summary", "issues", "outcome"),
        ),
    ),
    BuiltinProfile(
        "technical",
        "Technical summary",
        _PRE.format(who="a developer debugging it"),
        "List every console error and warning, network request failure, JavaScript exception "
        "and slow page load with its timestamp, and the user action that triggered it.",
        0.1,
        _object(
            "TechnicalSummary",
            {
                "summary": _s("Technical summary with timestamps"),
                "console_warnings": _list("Console warnings"),
                "exceptions_and_console_errors": _list(
                    "JavaScript exceptions and console errors", _ERROR_ITEM
                ),
                "network_failures": _list("Failed network requests", _REQUEST_ITEM),
                "rage_clicks": _list("Rage clicks, with the element clicked"),
                "slow_loads": _list("Slow page loads"),
                "error_count": {"type": "INTEGER", "description": "Errors and failed requests"},
            },
            ("summary", "exceptions_and_console_errors", "network_failures"),
        ),
    ),
    BuiltinProfile(
        "conversion_funnel",
        "Conversion funnel summary",
        _PRE.format(who="conversion optimisation"),
        "Analyze the conversion funnel: the stages reached, the drop-off point, hesitation "
        "signals, conversion blockers and purchase intent.",
        0.2,
        _object(
            "ConversionFunnelSummary",
            {
                "summary": _s("Funnel summary"),
                "funnel_stage_reached": _s("Furthest funnel stage", FUNNEL),
                "converted": {"type": "BOOLEAN", "description": "Whether the user purchased"},
                "drop_off_point": _s("Page where the user left without converting"),
                "conversion_blockers": _list("Problems that stood in the way"),
                "hesitation_signals": _list("Dead clicks and rage clicks"),
            },
            ("summary", "funnel_stage_reached", "converted"),
        ),
    ),
    BuiltinProfile(
        "user_intent",
        "User intent summary",
        _PRE.format(who="intent classification"),
        "Classify the user's intent (one of the categories of the response schema) with a "
        "confidence level, the likely goal and the signals from the first actions.",
        0.2,
        _object(
            "UserIntentSummary",
            {
                "summary": _s("Intent summary"),
                "intent": _s("The user's intent", INTENTS),
                "confidence": {"type": "NUMBER", "description": "Confidence from 0 to 1"},
                "goal": _s("The likely goal"),
                "signals": _list("Behavioral signals behind the classification"),
            },
            ("summary", "intent", "confidence"),
        ),
    ),
    BuiltinProfile(
        "cmp_error_detection",
        "CMP and error detection",
        _PRE.format(who="error and consent-management (CMP) monitoring"),
        "Detect error messages, failure notifications, banners, toasts, alerts and modals shown "
        "on screen, consent management platform (CMP) issues, and console and network errors.",
        0.1,
        _object(
            "CmpErrorDetection",
            {
                "summary": _s("What errors and CMP issues were found"),
                "visual_errors": _list("Error banners, toasts, alerts and modals seen"),
                "cmp_issues": _list("Consent management problems"),
                "console_errors": _list("Exceptions and console errors", _ERROR_ITEM),
                "network_errors": _list("Failed network requests", _REQUEST_ITEM),
                "has_cmp_issue": {"type": "BOOLEAN", "description": "A CMP problem was seen"},
                "has_errors": {"type": "BOOLEAN", "description": "Any error was seen"},
            },
            ("summary", "has_errors"),
        ),
    ),
)

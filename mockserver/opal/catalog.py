"""The fifteen tools of FullStory's Opal connector (seed ``002_*.txt``): names, when to use
each (in our own words), parameters, and whether it needs "AI-powered session analysis"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from mockserver.opal import tools
from mockserver.opal.client import ToolRun
from mockserver.opal.params import SESSION_ID, Param, Rules, Signature
from mockserver.opal.profiles import CUSTOM_SUMMARY_TEMPERATURE, VISIT_PROFILE_TEMPERATURE

TOOLS_PATH = "/tools/"


@dataclass(frozen=True, slots=True)
class Tool:
    """One Opal tool: its name, description, parameters and what it does, and whether it
    needs AI-powered session analysis."""

    name: str
    description: str
    signature: Signature
    run: ToolRun
    ai: bool = False  # hidden when AI-powered session analysis is off

    @property
    def endpoint(self) -> str:
        return f"{TOOLS_PATH}{self.name}"

    def discovery(self) -> dict[str, Any]:
        # The field order of the SDK's Function.to_dict.
        return {
            "name": self.name,
            "description": self.description,
            "parameters": self.signature.discovery(),
            "endpoint": self.endpoint,
            "http_method": "POST",
        }


# -- shared parameters ------------------------------------------------------------------------

SESSION = Param(
    "sessionId",
    "string",
    "The session to analyze, as userId:sessionNumber (e.g. 1234567890:0987654321), the form "
    "fullstory_list_sessions returns.",
    required=True,
    pattern=SESSION_ID,
    pattern_hint="userId:sessionNumber (e.g. 1234567890:0987654321)",
)
# The lengths FullStory's List Sessions accepts (openapi/fullstory.yaml).
UID = Param(
    "uid",
    "string",
    "The user's id as the site sets it with FS.identify, e.g. user123.",
    min_length=1,
    max_length=256,
)
EMAIL = Param(
    "email",
    "string",
    "The user's email as set with FS.identify or FS.setUserVars.",
    min_length=1,
    max_length=320,
)
LIST_LIMIT = Param(
    "limit",
    "integer",
    "How many to return, 1 to 100 (default 20).",
    default=20,
    minimum=1,
    maximum=100,
)
TEMPERATURE_TEXT = "How free the analysis is, 0.0 (factual) to 1.0 (creative); default {:.1f}."
# An RFC 3339 time, or "" (an open end: the start of time, or now; api-facts section 2).
RFC3339_OR_EMPTY = re.compile(
    r"([0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2}))?"
)
TIME_HINT = "an RFC 3339 time such as 2024-01-31T23:59:59Z, or empty"


def _prompt(name: str, description: str, required: bool) -> Param:
    return Param(name, "string", description, required=required)


def _temperature(default: float) -> Param:
    return Param(
        "temperature",
        "number",
        TEMPERATURE_TEXT.format(default),
        default=default,
        minimum=0.0,
        maximum=1.0,
    )


def _object(name: str, description: str, fields: tuple[Param, ...], required: bool) -> Param:
    """An object parameter; its ``schema`` is what the SDK publishes for a pydantic model."""
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {f.name: {"type": f.type, "description": f.description} for f in fields},
    }
    needed = [f.name for f in fields if f.required]
    if needed:
        schema["required"] = needed
    schema["description"] = description
    return Param(name, "object", description, required=required, fields=fields, schema=schema)


TIME_RANGE = _object(
    "timeRange",
    'The period to export, e.g. {"start": "2024-01-01T00:00:00Z", "end": '
    '"2024-01-31T23:59:59Z"}. An empty start means from the beginning, an empty end means now.',
    (
        Param("start", "string", "Start of the period (RFC 3339, UTC).", default="",
              pattern=RFC3339_OR_EMPTY, pattern_hint=TIME_HINT),
        Param("end", "string", "End of the period (RFC 3339, UTC).", default="",
              pattern=RFC3339_OR_EMPTY, pattern_hint=TIME_HINT),
    ),
    required=True,
)  # fmt: skip
LLM = _object(
    "llm",
    "Optional prompts that steer the analysis: pre_prompt (the analyst's role and focus), "
    "post_prompt (what to report and how), temperature (0.0 to 1.0, default 0.2).",
    (
        _prompt("pre_prompt", "Context that sets the analysis perspective.", required=False),
        _prompt("post_prompt", "What to focus on and how to lay out the result.", required=False),
        _temperature(VISIT_PROFILE_TEMPERATURE),
    ),
    required=False,
)


def _summary_tool(name: str, description: str) -> Tool:
    return Tool(name, description, Signature((SESSION,)), tools.builtin_summary(name), ai=True)


TOOLS: tuple[Tool, ...] = (
    Tool(
        "fullstory_create_segment_export",
        "Start an export of a FullStory segment's data (users, events, sessions or pages) for a "
        "period, as CSV, JSON or NDJSON. Use it when someone needs the raw data of a group of "
        "users outside FullStory, e.g. all users last month as CSV, or a segment's events as "
        "JSON. It returns an operationId: poll fullstory_get_operation_status until the export "
        "is complete to get the download link. Needs an Architect or Admin API key.",
        Signature(
            (
                Param("segmentId", "string", "The segment to export: a custom segment id or a "
                      "built-in one such as everyone.", required=True),
                Param("type", "string", "What to export: TYPE_INDIVIDUAL (one row per user), "
                      "TYPE_EVENT (events), TYPE_SESSIONS (session-level events) or TYPE_PAGES "
                      "(page-level events).", required=True,
                      enum=("TYPE_INDIVIDUAL", "TYPE_EVENT", "TYPE_SESSIONS", "TYPE_PAGES")),
                TIME_RANGE,
                Param("format", "string", "File format: FORMAT_CSV for spreadsheets, "
                      "FORMAT_JSON for scripts, FORMAT_NDJSON for large streaming loads.",
                      required=True, enum=("FORMAT_CSV", "FORMAT_JSON", "FORMAT_NDJSON")),
                Param("fields", "string", "Optional comma-separated list of the fields to "
                      "include, e.g. user_email_str,evt_price_real (keeps CSV headers stable)."),
                Param("timezone", "string", "Optional IANA time zone for the export's "
                      "timestamps, e.g. America/New_York (default UTC)."),
            )
        ),
        tools.create_segment_export,
    ),
    Tool(
        "fullstory_get_operation_status",
        "Check how far a segment export started with fullstory_create_segment_export has got. "
        "Use it after creating an export and again until its state is COMPLETED (or FAILED); "
        "once complete the answer carries downloadUrl, a short-lived link to the file.",
        Signature(
            (
                Param("operationId", "string", "The operationId that "
                      "fullstory_create_segment_export returned.", required=True),
            )
        ),
        tools.get_operation_status,
    ),
    Tool(
        "fullstory_get_search_export_results",
        "Get a fresh, short-lived download link for a completed search export, given its id "
        "(the searchExportId of a finished SEARCH_EXPORT operation). Use it when a link from an "
        "earlier status check has expired or you only have the export id. Needs an Architect "
        "or Admin API key.",
        Signature(
            (
                Param("id", "string", "The search export id (results.searchExportId of a "
                      "completed export operation).", required=True),
            )
        ),
        tools.get_search_export_results,
    ),
    Tool(
        "fullstory_get_segment",
        "Look up one FullStory segment by id: its name, creator, creation time and a link to it "
        "in FullStory. Use it to check a segment exists before exporting it, or to answer "
        "questions about a segment someone names.",
        Signature(
            (
                Param("id", "string", "The segment id: a custom id such as 12345abcdefg or a "
                      "built-in one such as everyone.", required=True),
            )
        ),
        tools.get_segment,
    ),
    Tool(
        "fullstory_list_segments",
        "List the segments this FullStory account can see, a page at a time, optionally only "
        "those one person created. Use it to find a segment's id for the other segment tools, "
        "or to give an overview of how users are grouped.",
        Signature(
            (
                LIST_LIMIT,
                Param("paginationToken", "string", "The nextPaginationToken of the previous "
                      "page, to get the page after it."),
                Param("creator", "string", "Only segments created by this email address."),
            )
        ),
        tools.list_segments,
    ),
    _summary_tool(
        "fullstory_get_session_quick_summary",
        "A two-to-three sentence AI summary of one session: what the user did, whether they got "
        "what they came for, and what went wrong. Use it to triage many sessions fast or to "
        "share a one-line account of a session.",
    ),
    _summary_tool(
        "fullstory_get_session_behavior_summary",
        "An AI analysis of how the user behaved in one session: likely persona, the features "
        "they used, how they navigated, how engaged they were and what they seemed to want. "
        "Use it for UX research on a particular journey.",
    ),
    _summary_tool(
        "fullstory_get_session_support_summary",
        "An AI summary of one session written for support agents: the problems the user hit, "
        "errors, signs of frustration, how it ended and what support should do next. Use it "
        "when working a customer ticket or a reported problem.",
    ),
    _summary_tool(
        "fullstory_get_session_technical_summary",
        "An AI technical analysis of one session: console errors and warnings, failed network "
        "requests, JavaScript exceptions, slow or broken page loads, and the user actions that "
        "set them off. Use it when a problem looks like a bug.",
    ),
    _summary_tool(
        "fullstory_get_session_conversion_funnel_summary",
        "An AI analysis of one session as a trip through a funnel (signup, checkout, booking): "
        "which stages the user reached, where they dropped off or hesitated, what blocked them "
        "and how strong their intent to buy was. Use it to find why a conversion did not happen.",
    ),
    _summary_tool(
        "fullstory_get_session_user_intent_summary",
        "An AI classification of what the user meant to do in one session (exploring, "
        "researching, ready to buy, seeking support, comparing), how sure that is, and the "
        "signals behind it. Use it for personalisation or to sort sessions by motive.",
    ),
    Tool(
        "fullstory_get_custom_session_summary",
        "An AI analysis of one session steered by your own prompts. Use it when none of the "
        "ready-made summaries asks the question you have: pre_prompt sets the analyst's role "
        "and focus, post_prompt says what to report and in what form.",
        Signature(
            (
                SESSION,
                _prompt("pre_prompt", "Sets the analysis context and the AI's role, e.g. "
                        "'You are a product analyst.'", required=True),
                _prompt("post_prompt", "Says what to extract and how to lay it out.",
                        required=True),
                _temperature(CUSTOM_SUMMARY_TEMPERATURE),
            )
        ),
        tools.custom_summary,
        ai=True,
    ),
    Tool(
        "fullstory_list_sessions",
        "List one user's recorded sessions, most recent first, with a replay link for each. "
        "Give uid or email (with both, sessions of either are returned). Use it to find the "
        "sessions to investigate for a user, and their ids for the summary tools.",
        Signature((UID, EMAIL, LIST_LIMIT), Rules(one_of_required=("uid", "email"))),
        tools.list_sessions,
    ),
    Tool(
        "fullstory_visit_profile",
        "One report across a user's recent sessions: their goals, recurring frustrations, "
        "technical errors and recommendations, each naming the sessions it comes from. Give uid "
        "or email, not both. Use it before a customer call or to spot users who keep struggling.",
        Signature(
            (
                UID,
                EMAIL,
                Param("limit", "integer", "How many recent sessions to analyze, 1 to 20 "
                      "(default 5); more gives a fuller picture but takes longer.",
                      default=5, minimum=1, maximum=20),
                LLM,
            ),
            Rules(one_of_required=("uid", "email"), exclusive=True),
        ),
        tools.visit_profile,
        ai=True,
    ),
    _summary_tool(
        "fullstory_get_cmp_error_detection",
        "Scan one session for errors the user saw or caused: error banners, toasts, alerts and "
        "modals, consent-management (CMP) problems, console errors and failed requests. Use it "
        "when a user reports an error or a consent banner misbehaving.",
    ),
)  # fmt: skip

TOOLS_BY_NAME = MappingProxyType({tool.name: tool for tool in TOOLS})


def discovery(ai_analysis: bool) -> dict[str, Any]:
    """The ``GET /discovery`` document; AI tools only when AI-powered analysis is on."""
    return {"functions": [t.discovery() for t in TOOLS if ai_analysis or not t.ai]}

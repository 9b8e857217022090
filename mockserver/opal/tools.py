"""What each tool does, as calls to FullStory's documented API (api-facts sections 1 to 3).

Every function takes the FullStory client and the validated parameters and returns the tool's
answer. None of them reads the fake's state: they would run unchanged against the real API.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable
from typing import Any
from zoneinfo import ZoneInfo

from mockserver.opal.client import FullStoryClient, FullStoryError, segment
from mockserver.opal.errors import level_error, tool_error
from mockserver.opal.params import ParameterError, comma_list
from mockserver.opal.profiles import BUILTIN_PROFILES, prompt_profile
from mockserver.opal.visit import SessionFacts, build_report

ARCHITECT = "Architect"
SUPPORT_PROFILE = BUILTIN_PROFILES["fullstory_get_session_support_summary"]
# The seed's export types beyond FullStory's two: session- and page-scoped event exports.
EVENT_SCOPES = {"TYPE_SESSIONS": "SCOPE_SESSIONS", "TYPE_PAGES": "SCOPE_PAGES"}


# A tool that is one FullStory call hands back the client's awaitable rather than awaiting it in
# a coroutine of its own (one coroutine a tool call saved; the service awaits either way).


def list_sessions(fs: FullStoryClient, p: dict[str, Any]) -> Awaitable[Any]:
    return fs.get("/sessions/v2", uid=p["uid"], email=p["email"], limit=p["limit"])


def get_segment(fs: FullStoryClient, p: dict[str, Any]) -> Awaitable[Any]:
    return fs.get(f"/segments/v1/{segment(p['id'])}")


def list_segments(fs: FullStoryClient, p: dict[str, Any]) -> Awaitable[Any]:
    return fs.get(
        "/segments/v1",
        limit=p["limit"],
        paginationToken=p["paginationToken"],
        creator=p["creator"],
    )


async def create_segment_export(fs: FullStoryClient, p: dict[str, Any]) -> Any:
    body: dict[str, Any] = {
        "segmentId": p["segmentId"],
        "type": "TYPE_EVENT" if p["type"] in EVENT_SCOPES else p["type"],
        "format": p["format"],
        "timeRange": p["timeRange"],
    }
    if p["type"] in EVENT_SCOPES:
        body["eventDetails"] = {"scope": EVENT_SCOPES[p["type"]]}
    fields = comma_list(p["fields"])
    if fields:
        body["fields"] = fields
    if p["timezone"]:
        body["timezone"] = _timezone(p["timezone"])
    return await _architect(
        fs, "fullstory_create_segment_export", fs.post("/segments/v1/exports", body)
    )


def _timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ValueError, OSError, KeyError):  # ZoneInfoNotFoundError is a KeyError
        raise ParameterError(
            f"timezone must be an IANA time zone such as America/New_York, not {name!r}"
        ) from None
    return name


async def get_operation_status(fs: FullStoryClient, p: dict[str, Any]) -> Any:
    operation = await fs.get(f"/operations/v1/{segment(p['operationId'])}")
    results = operation.get("results") if isinstance(operation, dict) else None
    export_id = results.get("searchExportId") if isinstance(results, dict) else None
    if operation.get("state") == "COMPLETED" and export_id:
        # The seed: "When the export is complete, the response includes a download URL".
        download = await _export_results(fs, "fullstory_get_operation_status", str(export_id))
        operation = {
            **operation,
            "downloadUrl": download.get("location"),
            "downloadUrlExpires": download.get("expires"),
        }
    return operation


async def get_search_export_results(fs: FullStoryClient, p: dict[str, Any]) -> Any:
    return await _export_results(fs, "fullstory_get_search_export_results", p["id"])


async def _export_results(fs: FullStoryClient, tool: str, export_id: str) -> Any:
    return await _architect(fs, tool, fs.get(f"/search/v1/exports/{segment(export_id)}/results"))


async def _architect(fs: FullStoryClient, tool: str, call: Awaitable[Any]) -> Any:
    """An Architect-level endpoint's answer; its 403 explained with the key's own level."""
    try:
        return await call
    except FullStoryError as error:
        if error.status == 403:
            raise await _below_level(fs, tool, error) from None
        raise


async def _below_level(fs: FullStoryClient, tool: str, error: FullStoryError) -> Exception:
    """A 403 from an Architect endpoint, explained with the key's own level from ``/me``."""
    try:
        me = await fs.get("/me")
        role = str(me.get("role")) if isinstance(me, dict) and me.get("role") else None
    except FullStoryError:
        role = None
    return level_error(tool, ARCHITECT, role, error)


async def summarize(fs: FullStoryClient, session_id: str, profile: str) -> Any:
    answer = await fs.get(f"/v2/sessions/{segment(session_id)}/summary", config_profile=profile)
    return {"session_id": session_id, "config_profile": profile, **answer}


def builtin_summary(tool: str) -> Any:
    profile = BUILTIN_PROFILES[tool]

    async def run(fs: FullStoryClient, p: dict[str, Any]) -> Any:
        return await summarize(fs, p["sessionId"], profile)

    run.__name__ = tool
    return run


class PromptProfile:
    """A summary profile built from the caller's prompts for one call, deleted afterwards (a
    connector that left one behind per call would fill the account with them)."""

    def __init__(self, fs: FullStoryClient, body: dict[str, Any]) -> None:
        self.fs = fs
        self.body = body
        self.id = ""

    async def __aenter__(self) -> str:
        created = await self.fs.post("/v2/visit_profile", self.body)
        self.id = str(created["id"])
        return self.id

    async def __aexit__(self, *exc: object) -> None:
        # The answer is what matters; a leftover profile is harmless.
        with contextlib.suppress(FullStoryError):
            await self.fs.delete(f"/v2/visit_profile/{segment(self.id)}")


async def custom_summary(fs: FullStoryClient, p: dict[str, Any]) -> Any:
    body = prompt_profile(
        "Opal custom session summary", p["pre_prompt"], p["post_prompt"], p["temperature"]
    )
    async with PromptProfile(fs, body) as profile_id:
        answer = await summarize(fs, p["sessionId"], profile_id)
    return {**answer, "config_profile": None, "llm": body["llm"]}


async def visit_profile(fs: FullStoryClient, p: dict[str, Any]) -> Any:
    who = {"uid": p["uid"]} if p["uid"] is not None else {"email": p["email"]}
    listed = await fs.get("/sessions/v2", limit=p["limit"], **who)
    sessions = listed.get("sessions") or []
    if not sessions:
        name, value = next(iter(who.items()))
        raise tool_error(
            "fullstory_visit_profile",
            FullStoryError(404, "resource_not_found", f"no sessions found for {name} {value!r}"),
        )
    llm = p["llm"]
    if llm is None:
        return await _report(
            fs, who, sessions, SUPPORT_PROFILE, {"config_profile": SUPPORT_PROFILE}
        )
    body = prompt_profile(
        "Opal visit profile", llm["pre_prompt"] or "", llm["post_prompt"] or "", llm["temperature"]
    )
    async with PromptProfile(fs, body) as profile_id:
        return await _report(fs, who, sessions, profile_id, {"llm": body["llm"]})


async def _report(
    fs: FullStoryClient,
    who: dict[str, Any],
    sessions: list[dict[str, Any]],
    profile: str,
    analysis: dict[str, Any],
) -> Any:
    facts = []
    for item in sessions:
        session_id = f"{item['userId']}:{item['sessionId']}"
        context = await fs.post(f"/v2/sessions/{segment(session_id)}/context", {})
        summary = await fs.get(
            f"/v2/sessions/{segment(session_id)}/summary", config_profile=profile
        )
        facts.append(
            SessionFacts(
                session_id=session_id,
                app_url=str(item.get("fsUrl", "")),
                created_time=str(item.get("createdTime", "")),
                summary=str(summary.get("summary") or ""),
                pages=context.get("context_data", {}).get("pages") or [],
            )
        )
    return build_report(who, facts, analysis)

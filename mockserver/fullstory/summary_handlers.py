"""Generate Summary: ``GET``/``POST /v2/sessions/{session_id}/summary`` and the beta ``GET``.

The answer is a pure function of the session and the effective profile (the stored profile with
the request's overrides merged on), so it is cached like the events answer, keyed by that
effective profile's content: an updated profile is a different key, never a stale answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

from mockserver.fullstory.context import ContextRequest, ContextRequestError
from mockserver.fullstory.profile_handlers import profile_errors
from mockserver.fullstory.profiles.merge import merge_overrides
from mockserver.fullstory.session_lookup import session_for
from mockserver.fullstory.summaries.options import LlmOptions, LlmOptionsError
from mockserver.fullstory.summaries.selection import selected_events
from mockserver.fullstory.tenant import FullStoryTenant
from mockserver.http.errors import InvalidArgument
from mockserver.http.pipeline import Call, Handler
from mockserver.http.rendering import Reply

Ctx = Call[FullStoryTenant]


def _profile_id(values: Mapping[str, Any]) -> str | None:
    """``config_profile``, or seed 001's spelling ``config_profile_id`` (an accepted alias)."""
    chosen = values.get("config_profile") or values.get("config_profile_id")
    return str(chosen) if chosen else None


def generate(call: Ctx, profile_id: str | None, overrides: Mapping[str, Any]) -> Reply:
    tenant = call.context
    session = session_for(call)
    with profile_errors():
        base = tenant.profiles.get(profile_id).flat() if profile_id else {}
    effective = merge_overrides(base, overrides)
    session_id = str(session.session_id)
    canonical = orjson.dumps(effective, option=orjson.OPT_SORT_KEYS)

    def build() -> dict[str, Any]:
        # Parsed only on a cache miss: an answer is cached only once its profile parsed.
        try:
            request = ContextRequest.from_body(effective)
            llm = LlmOptions.from_body(effective.get("llm"))
        except (ContextRequestError, LlmOptionsError) as exc:
            raise InvalidArgument(str(exc)) from None
        # Imported at the first summary, not at start: the generator's tables and patterns
        # are a tenth of a server's import time, and most starts never summarise.
        from mockserver.fullstory.summaries.summarize import summarize

        events = selected_events(session, request)
        return summarize(session_id, events, llm, request.context.elements())

    raw = tenant.world_answer(("summary", session_id, canonical), build)
    latency = tenant.latency
    model = (effective.get("llm") or {}).get("model")
    delay = latency.seconds(f"{session_id}|{canonical.decode()}", len(session.events), model)
    return Reply(raw=raw, pause=latency.waiter(delay))


def generate_summary(call: Ctx) -> Reply:
    end = call.query.get("end_timestamp")
    overrides = {"slice": {"end_timestamp": end}} if end else {}
    return generate(call, _profile_id(call.query), overrides)


def generate_summary_with_overrides(call: Ctx) -> Reply:
    body: Mapping[str, Any] = call.body or {}
    return generate(call, _profile_id(body), body)


def handlers() -> dict[str, Handler]:
    return {
        "generateSessionSummary": generate_summary,
        "generateSessionSummaryWithOverrides": generate_summary_with_overrides,
        "generateBetaSessionSummary": generate_summary,
    }

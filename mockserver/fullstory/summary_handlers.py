"""Generate Summary: ``GET``/``POST /v2/sessions/{session_id}/summary`` and the beta ``GET``.

The answer is a pure function of the session and the effective profile (the stored profile with
the request's overrides merged on), so it is cached like the events answer, keyed by that
effective profile's content: an updated profile is a different key, never a stale answer.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any

import orjson

from mockserver.fullstory.context import ContextRequest, ContextRequestError
from mockserver.fullstory.profiles.merge import merge_overrides
from mockserver.fullstory.profiles.store import ProfileNotFound
from mockserver.fullstory.session_lookup import session_for
from mockserver.fullstory.summaries.options import LlmOptions, LlmOptionsError
from mockserver.fullstory.summaries.selection import selected_events
from mockserver.fullstory.tenant import FullStoryTenant
from mockserver.http.errors import InvalidArgument, NotFound
from mockserver.http.pipeline import Call, Handler
from mockserver.http.rendering import Reply

Ctx = Call[FullStoryTenant]


def _profile_id(values: Mapping[str, Any]) -> str | None:
    """``config_profile``, or seed 001's spelling ``config_profile_id`` (an accepted alias)."""
    chosen = values.get("config_profile") or values.get("config_profile_id")
    return str(chosen) if chosen else None


def effective_profile(
    tenant: FullStoryTenant,
    profile_id: str | None,
    overrides: Mapping[str, Any],
    memo_key: Hashable | None,
) -> tuple[dict[str, Any], bytes]:
    """The profile ``profile_id`` names (none: empty) with ``overrides`` merged on, and its
    canonical bytes (the cache key of its answers).

    With ``memo_key`` (a GET's few query overrides) the pair is remembered with the stored
    profile it came from, and reused only while that profile is the very same object: an
    update or a re-creation stores a new one, a reset builds a new tenant.
    """
    try:
        profile = tenant.profiles.get(profile_id) if profile_id else None
    except ProfileNotFound as exc:  # as profile_errors() says it, without a context manager
        raise NotFound(str(exc)) from None
    memo = tenant.summary_profiles
    if memo_key is not None:
        known = memo.peek(memo_key)
        if known is not None and known[0] is profile:
            return known[1], known[2]
    effective = merge_overrides(profile.flat() if profile is not None else {}, overrides)
    canonical = orjson.dumps(effective, option=orjson.OPT_SORT_KEYS)
    if memo_key is not None:
        memo.put(memo_key, (profile, effective, canonical))
    return effective, canonical


def generate(
    call: Ctx,
    profile_id: str | None,
    overrides: Mapping[str, Any],
    memo_key: Hashable | None = None,
) -> Reply:
    tenant = call.context
    session = session_for(call)
    effective, canonical = effective_profile(tenant, profile_id, overrides, memo_key)
    session_id = str(session.session_id)

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
    if not latency.enabled:
        return Reply(raw=raw)
    model = (effective.get("llm") or {}).get("model")
    delay = latency.seconds(f"{session_id}|{canonical.decode()}", len(session.events), model)
    return Reply(raw=raw, pause=latency.waiter(delay))


def generate_summary(call: Ctx) -> Reply:
    end = call.query.get("end_timestamp")
    overrides = {"slice": {"end_timestamp": end}} if end else {}
    profile_id = _profile_id(call.query)
    return generate(call, profile_id, overrides, memo_key=(profile_id, end))


def generate_summary_with_overrides(call: Ctx) -> Reply:
    body: Mapping[str, Any] = call.body or {}
    return generate(call, _profile_id(body), body)


def handlers() -> dict[str, Handler]:
    return {
        "generateSessionSummary": generate_summary,
        "generateSessionSummaryWithOverrides": generate_summary_with_overrides,
        "generateBetaSessionSummary": generate_summary,
    }

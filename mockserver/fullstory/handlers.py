"""FullStory operation handlers: typed inputs in, plain data out, typed errors raised.

Routing, auth, validation, status codes and rendering come from the spec and the pipeline.
"""

from __future__ import annotations

from typing import Any

from mockserver.fullstory.context import ContextRequest, ContextRequestError, build_context
from mockserver.fullstory.events_model import session_events_json
from mockserver.fullstory.exports.handlers import handlers as export_handlers
from mockserver.fullstory.profile_handlers import handlers as profile_handlers
from mockserver.fullstory.segments.handlers import handlers as segment_handlers
from mockserver.fullstory.session_lookup import session_for as _session
from mockserver.fullstory.sessions import legacy_item, recent_sessions, users_named, v2_item
from mockserver.fullstory.summary_handlers import handlers as summary_handlers
from mockserver.fullstory.tenant import FullStoryTenant
from mockserver.http.errors import InvalidArgument
from mockserver.http.pipeline import Call, Handler
from mockserver.http.rendering import Reply, raw_reply

Ctx = Call[FullStoryTenant]


# "uid or email" and "session_uid alone" are the spec's x-query-rules, checked before here.


def list_sessions(call: Ctx) -> Reply:
    uid, email, limit = call.query.get("uid"), call.query.get("email"), call.query["limit"]
    world = call.context.world

    def build() -> dict[str, Any]:
        refs = recent_sessions(world, users_named(world, uid, email), limit)
        return {"sessions": [legacy_item(ref) for ref in refs]}

    return raw_reply(call.context.world_answer(("listSessions", uid, email, limit), build))


def list_sessions_v2(call: Ctx) -> Reply:
    uid, email, limit = call.query.get("uid"), call.query.get("email"), call.query["limit"]
    session_uid = call.query.get("session_uid")
    world = call.context.world

    def build() -> dict[str, Any]:
        if session_uid is not None:
            session = world.session_by_uid(session_uid)
            return {"results": [v2_item(session.ref)] if session is not None else []}
        refs = recent_sessions(world, users_named(world, uid, email), limit)
        return {"results": [v2_item(ref) for ref in refs]}

    key = ("listSessionsV2", uid, email, session_uid, limit)
    return raw_reply(call.context.world_answer(key, build))


def get_session_events(call: Ctx) -> Reply:
    session = _session(call)
    key = ("getSessionEvents", str(session.session_id))
    return raw_reply(call.context.world_answer_raw(key, lambda: session_events_json(session)))


def generate_session_context(call: Ctx) -> dict[str, Any]:
    session = _session(call)
    try:
        request = ContextRequest.from_body(call.body)
    except ContextRequestError as exc:  # what the schema cannot say: bad int64 text, naive time
        raise InvalidArgument(str(exc)) from None
    return build_context(session, call.context.world.org, request)


def get_me(call: Ctx) -> dict[str, Any]:
    principal = call.principal
    return {"email": principal.email, "orgId": call.context.tenant_id, "role": principal.level.role}


def handlers() -> dict[str, Handler]:
    return {
        "listSessions": list_sessions,
        "listSessionsV2": list_sessions_v2,
        "getSessionEvents": get_session_events,
        "generateSessionContext": generate_session_context,
        "getMe": get_me,
        **profile_handlers(),
        **summary_handlers(),
        **segment_handlers(),
        **export_handlers(),
    }

"""The session a ``{session_id}`` path parameter names, or the documented 404."""

from __future__ import annotations

from typing import Any

from mockserver.fullstory.ids import InvalidSessionId, parse_session_id
from mockserver.fullstory.tenant import FullStoryTenant
from mockserver.fullstory.world.models import Session
from mockserver.http.errors import NotFound
from mockserver.http.pipeline import Call


def session_for(call: Call[FullStoryTenant] | Call[Any]) -> Session:
    raw = call.path["session_id"]
    try:
        session_id = parse_session_id(raw)
    except InvalidSessionId:
        # The spec's pattern already turned malformed ids into 400s; what is left (an int64
        # overflow) is well-formed text naming no session.
        raise NotFound(f"session {raw} does not exist") from None
    session: Session | None = call.context.world.session(session_id)
    if session is None:
        raise NotFound(f"session {raw} does not exist")
    return session

"""Which events of a session a summary reads: the Generate Context filters and slice (the same
functions, so both endpoints agree on what a profile's ``events`` and ``slice`` select), rendered
in the Events model the facts are read from."""

from __future__ import annotations

from typing import Any

from mockserver.fullstory.context import ContextRequest, apply_slice, filter_events
from mockserver.fullstory.events_model import render_events
from mockserver.fullstory.world.models import Session


def selected_events(session: Session, request: ContextRequest) -> list[dict[str, Any]]:
    chosen = apply_slice(filter_events(session.events, request.events), request.slice)
    return render_events(session, chosen)

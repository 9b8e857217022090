"""The parts of a session's events that segment rules read, taken straight from the world.

Rules read events as the events endpoint renders them (``event_type``, the rendered
``event_properties`` and ``source_properties.url.path``). Rendering a whole session
(``session_events``: every nested object built and copied) costs more than generating it, and a
membership check or an export reads only these three parts, so they are built here from the same
functions the events endpoint uses (:func:`~mockserver.fullstory.events_model.event_properties`,
:func:`~mockserver.fullstory.world.event_props.url_properties`), which keeps the two in step.
``tests/fullstory/segments/test_matchable.py`` holds them to the rendered events.
"""

from __future__ import annotations

from typing import Any

from mockserver.fullstory.events_model import event_properties
from mockserver.fullstory.world.event_props import url_properties
from mockserver.fullstory.world.models import Session

MatchableEvent = dict[str, Any]


def matchable_events(session: Session) -> list[MatchableEvent]:
    """One mapping per event of ``session`` (same order) with ``event_type``,
    ``event_properties`` and ``source_properties: {"url": {"path": ...}}``."""
    sources = [{"url": {"path": url_properties(page.url)["path"]}} for page in session.pages]
    return [
        {
            "event_type": event.type,
            "event_properties": event_properties(event),
            "source_properties": sources[event.page_index],
        }
        for event in session.events
    ]

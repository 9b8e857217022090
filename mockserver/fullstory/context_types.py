"""Generate Context's event-type names, mapped onto Events-model events.

The context endpoint documents its own filter names (``rage-click``, ``network-error``, ...)
for ``events.include_types`` / ``exclude_types``; the events themselves are in the Events model,
where rage, dead and error clicks are attributes of ``click`` events and a network error is a
``request`` with status >= 400. Each event has at most one context name.
"""

from __future__ import annotations

from collections.abc import Sequence

from mockserver.fullstory.world.event_props import click_kind
from mockserver.fullstory.world.models import Event

# The names Generate Context documents as valid event types (contract, 2026-09).
CONTEXT_EVENT_TYPES: tuple[str, ...] = (
    "navigate",
    "click",
    "dead-click",
    "error-click",
    "rage-click",
    "input-change",
    "network-error",
    "console-error",
    "mouse-thrash",
    "highlight",
    "copy",
    "paste",
    "element-seen",
)
_SAME_NAME = {"navigate", "highlight", "copy", "paste", "custom"}
_RENAMED = {
    "change": "input-change",
    "mouse_thrash": "mouse-thrash",
    "element_seen": "element-seen",
}


def context_type(event: Event) -> str | None:
    """The event's Generate Context name, or None for events the context leaves out.

    INFERRED: events with no documented context name (successful requests, non-error console
    messages, load, page_properties, identify) are not part of the context unless a filter
    names their Events-model type; an uncaught ``exception`` counts as a ``console-error``
    (browsers print it to the console as one).
    """
    kind = event.type
    if kind in _SAME_NAME:
        return kind
    if kind == "click":
        return click_kind(event.properties)
    if kind in _RENAMED:
        return _RENAMED[kind]
    if kind == "request":
        return "network-error" if int(event.properties.get("request_status", 0)) >= 400 else None
    if kind == "exception":
        return "console-error"
    if kind == "console_message" and event.properties.get("level") == "error":
        return "console-error"
    return None


def event_matches_types(event: Event, names: Sequence[str]) -> bool:
    """An event matches a filter name by its context name, by a custom event's name, or (an
    alias, harmless since the vocabularies only share names that mean the same events) by its
    Events-model type for names the context does not document (``request``, ``exception``)."""
    own = context_type(event)
    for name in names:
        if name == own or (event.name is not None and name == event.name):
            return True
        if name not in CONTEXT_EVENT_TYPES and name == event.type:
            return True
    return False

"""Rendering sessions in FullStory's Events model (the Get Session Events response).

Shape follows the contract example (GET /v2/sessions/{id}/events) and
shared/reference/events-model.md: ids are int64s rendered as strings, ``event_time`` is RFC 3339
UTC with milliseconds, ``event_type`` is an Events-model type (``click``, ``request``, ...; never
a hyphenated Generate Context filter name), ``event_properties`` has that type's shape, and
``source_properties`` carries the user agent, the page URL (with a parsed query) and the
session's initial referrer as a URL object (or null).

:func:`session_events` is the one entry point: summaries and exports read events through it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import orjson

from mockserver.fullstory.world.event_props import url_properties
from mockserver.fullstory.world.models import Event, Session

__all__ = [
    "event_properties",
    "event_to_api",
    "format_event_time",
    "plain",
    "render_events",
    "session_events",
    "session_events_json",
    "url_properties",
]


def format_event_time(at: datetime) -> str:
    """RFC 3339, UTC, always with milliseconds (the contract shows ``...:12.290Z``)."""
    at = at.astimezone(UTC)
    return at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"


def plain(value: Any) -> Any:
    """A fresh, mutable, JSON-ready copy (cached sessions hold read-only mappings)."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def event_properties(event: Event) -> dict[str, Any]:
    """The event's ``event_properties``: a shallow copy (nested values are shared with the
    cached session; :func:`session_events` deep-copies the whole answer)."""
    defs = event.definition_ids
    props: dict[str, Any] = dict(event.properties)
    if event.type == "navigate":
        # Exactly the contract's navigate shape; the URL itself lives in source_properties.
        # INFERRED: an undefined navigate reports event_definition_id "" (the contract only
        # shows a defined one).
        props["event_definition_id"] = defs[0] if defs else ""
        props["additional_event_definition_ids"] = list(defs[1:])
        return props
    if event.type == "custom":
        props = {"event_name": event.name, **props}
    if defs:
        props["event_definition_id"] = defs[0]
        props["additional_event_definition_ids"] = list(defs[1:])
    return props


def _user_agent(session: Session) -> dict[str, Any]:
    device = session.device
    return {
        "raw_user_agent": device.raw_user_agent,
        "device": device.device,
        "operating_system": device.operating_system,
        "browser": device.browser,
        "browser_version": device.browser_version,
    }


def _shared_events(session: Session, events: Sequence[Event] | None = None) -> list[dict[str, Any]]:
    """The rendered events (all of the session's, or ``events``) with their nested parts shared
    between events (and with the session): what a serializer needs, never what a caller may
    mutate."""
    agent = _user_agent(session)
    referrer = url_properties(session.initial_referrer) if session.initial_referrer else None
    sources = [
        {"user_agent": agent, "url": url_properties(page.url), "initial_referrer": referrer}
        for page in session.pages
    ]
    device_id = session.session_id.user_part
    session_part = session.session_id.session_part
    pages = session.pages
    return [
        {
            "device_id": device_id,
            "session_id": session_part,
            "view_id": pages[event.page_index].view_id,
            "event_time": format_event_time(event.at),
            "event_type": event.type,
            "event_properties": event_properties(event),
            "source_type": "web",
            "source_properties": sources[event.page_index],
        }
        for event in (session.events if events is None else events)
    ]


def render_events(session: Session, events: Sequence[Event]) -> list[dict[str, Any]]:
    """Some of the session's events (a filtered selection), rendered as
    :func:`session_events` renders them: fresh, mutable dicts."""
    rendered: list[dict[str, Any]] = orjson.loads(orjson.dumps(_shared_events(session, events)))
    return rendered


def event_to_api(session: Session, event: Event) -> dict[str, Any]:
    """One event as :func:`session_events` renders it."""
    return render_events(session, (event,))[0]


def session_events_json(session: Session) -> bytes:
    """The Get Session Events answer, encoded: ``{"events": [...]}``."""
    return orjson.dumps({"events": _shared_events(session)})


def session_events(session: Session) -> list[dict[str, Any]]:
    """Every event of the session, in time order, in the Events model.

    Each call returns fresh, mutable dicts (one orjson round trip is much cheaper than copying
    nested dicts in Python)."""
    events: list[dict[str, Any]] = orjson.loads(orjson.dumps(_shared_events(session)))
    return events

"""The rows of an export, pulled lazily from the world: one member at a time, one session at a
time, so memory stays flat whatever the export's size.

Event exports take the events of the segment's members whose ``EventStart`` is inside the
export's time range, chosen by scope (the contract's description): ``SCOPE_EVENTS`` only the
events matching the segment's event conditions (all events when it has none), ``SCOPE_PAGES``
every event of a page holding a matching event, ``SCOPE_SESSIONS`` every event of such a session,
``SCOPE_INDIVIDUALS`` every event of the member. Individual exports take the members who have
events inside the time range.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

from mockserver.fullstory.exports.columns import EventRowBuilder, individual_row
from mockserver.fullstory.exports.request import ExportRequest, ExportType, Scope
from mockserver.fullstory.segments.membership import (
    RenderedSession,
    TimeRange,
    all_users,
    is_member,
    render,
)
from mockserver.fullstory.segments.rules import Rule
from mockserver.fullstory.world.generator import World
from mockserver.fullstory.world.models import SessionRef, User

# A session's events happen within a day of its start: sessions that start earlier than that
# before the range cannot have events inside it.
SESSION_SPAN = timedelta(days=1)

Row = dict[str, Any]


def export_rows(world: World, rule: Rule, request: ExportRequest) -> Iterator[Row]:
    if request.type is ExportType.INDIVIDUAL:
        return _individual_rows(world, rule, request)
    return _event_rows(world, rule, request)


def _event_time(event: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(str(event["event_time"]))


def _candidates(world: World, user: User, window: TimeRange) -> list[SessionRef]:
    """The user's sessions (oldest first) that may hold events inside ``window``."""
    earliest = window.start - SESSION_SPAN if window.start is not None else None
    return [
        ref
        for ref in reversed(world.sessions_of(user))
        if (window.end is None or ref.created < window.end)
        and (earliest is None or ref.created >= earliest)
    ]


def _has_events_in(world: World, ref: SessionRef, window: TimeRange) -> bool:
    if window.contains(ref.created):
        return True  # every session opens with an event at its start (its first page load)
    rendered = render(world, ref)
    return rendered is not None and any(window.contains(_event_time(e)) for e in rendered.events)


def _individual_rows(world: World, rule: Rule, request: ExportRequest) -> Iterator[Row]:
    zone = request.zone
    for user in all_users(world):
        if not is_member(world, user, rule, request.segment_time_range):
            continue
        if not any(
            _has_events_in(world, ref, request.time_range)
            for ref in _candidates(world, user, request.time_range)
        ):
            continue
        starts = [ref.created for ref in reversed(world.sessions_of(user))]
        yield individual_row(user, starts, zone)


def _event_rows(world: World, rule: Rule, request: ExportRequest) -> Iterator[Row]:
    zone, window = request.zone, request.time_range
    for user in all_users(world):
        if not is_member(world, user, rule, request.segment_time_range):
            continue
        first_start = world.sessions_of(user)[-1].created
        for ref in _candidates(world, user, window):
            rendered = render(world, ref)
            if rendered is None:
                continue
            chosen = _chosen(rendered, rule, request.scope)
            if not chosen:
                continue
            builder = EventRowBuilder(rendered.session, first_start, zone, _page_starts(rendered))
            for event in chosen:
                at = _event_time(event)
                if window.contains(at):
                    yield builder.row(event, at)


def _chosen(rendered: RenderedSession, rule: Rule, scope: Scope) -> list[dict[str, Any]]:
    events = rendered.events
    if scope is Scope.INDIVIDUALS:
        return events
    if not rule.matches_device(rendered.session.device.device):
        return []
    if not rule.has_event_criteria:
        return events
    matches: Callable[[dict[str, Any]], bool] = rule.matches_event
    if scope is Scope.EVENTS:
        return [e for e in events if matches(e)]
    if scope is Scope.SESSIONS:
        return events if any(matches(e) for e in events) else []
    views = {e.get("view_id") for e in events if matches(e)}
    return [e for e in events if e.get("view_id") in views]


def _page_starts(rendered: RenderedSession) -> dict[str, datetime]:
    starts: dict[str, datetime] = {}
    for event in rendered.events:
        view = str(event.get("view_id", ""))
        if view not in starts:
            starts[view] = _event_time(event)
    return starts

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

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from mockserver.fullstory.exports.columns import individual_row
from mockserver.fullstory.exports.layout import EventCells
from mockserver.fullstory.exports.played import PlayedEvent, played_session
from mockserver.fullstory.exports.request import ExportRequest, ExportType, Scope
from mockserver.fullstory.exports.session_rows import SessionRows, user_cells
from mockserver.fullstory.exports.times import TimeText, epoch_ms
from mockserver.fullstory.segments.membership import (
    ScannedSession,
    TimeRange,
    UserScan,
    all_users,
    is_member,
)
from mockserver.fullstory.segments.rules import Rule
from mockserver.fullstory.world.generator import World
from mockserver.fullstory.world.models import Event, SessionRef, User, epoch_us

# A session's events happen within a day of its start: sessions that start earlier than that
# before the range cannot have events inside it.
SESSION_SPAN = timedelta(days=1)

# A row in two parts (session_rows.py): the columns shared by the page's events (the same dict
# object for all of them, so encoders write it once per page) and the event's own cells. An
# individual row is all shared part.
Row = tuple[Mapping[str, Any], EventCells]
_NO_CELLS: EventCells = ("", (), {})


@dataclass(frozen=True, slots=True)
class PlayedRows:
    """The rows of one played session (played.py), handed to the encoder whole: files.py writes
    them in one loop rather than pulling each through a chain of generators. Its events inside
    ``[low, high)`` (epoch milliseconds) are rows, as :meth:`rows` gives them one by one."""

    session_rows: SessionRows
    events: Sequence[PlayedEvent]
    time_text: TimeText
    low: int | None
    high: int | None

    def rows(self) -> Iterator[Row]:
        page_values, time_text = self.session_rows.page_values, self.time_text
        low, high = self.low, self.high
        for time_us, page_index, key, variables in self.events:
            at = time_us // 1000  # epoch_ms, inlined: once per row
            if (low is None or at >= low) and (high is None or at < high):
                yield page_values(page_index), (time_text(at), key, variables)


# What export_rows yields: a row, or a played session's rows.
RowsItem = Row | PlayedRows


def export_rows(world: World, rule: Rule, request: ExportRequest) -> Iterator[RowsItem]:
    if request.type is ExportType.INDIVIDUAL:
        return _individual_rows(world, rule, request)
    return _event_rows(world, rule, request)


def _candidates(world: World, user: User, window: TimeRange) -> list[SessionRef]:
    """The user's sessions (oldest first) that may hold events inside ``window``."""
    return [ref for _, ref in _numbered_candidates(world, user, window)]


def _numbered_candidates(
    world: World, user: User, window: TimeRange
) -> list[tuple[int, SessionRef]]:
    """:func:`_candidates` with each one's number among the user's sessions, oldest first."""
    earliest = window.start - SESSION_SPAN if window.start is not None else None
    return [
        (number, ref)
        for number, ref in enumerate(reversed(world.sessions_of(user)))
        if (window.end is None or ref.created < window.end)
        and (earliest is None or ref.created >= earliest)
    ]


def ms_bounds(window: TimeRange) -> tuple[int | None, int | None]:
    """``window`` in epoch milliseconds, ``[low, high)``: an event's millisecond time ``at`` is
    inside ``window`` when ``low <= at < high`` (bounds rounded up: at * 1000 µs >= start µs
    exactly when at >= ceil(start / 1000))."""
    low = -(-epoch_us(window.start) // 1000) if window.start is not None else None
    high = -(-epoch_us(window.end) // 1000) if window.end is not None else None
    return low, high


def _has_events_in(scan: UserScan, user: User, ref: SessionRef, window: TimeRange) -> bool:
    if window.contains(ref.created):
        return True  # every session opens with an event at its start (its first page load)
    scanned = scan.session(user, ref)
    low, high = ms_bounds(window)
    return scanned is not None and any(
        (low is None or at >= low) and (high is None or at < high)
        for at in (epoch_ms(e.time_us) for e in scanned.session.events)
    )


def _individual_rows(world: World, rule: Rule, request: ExportRequest) -> Iterator[Row]:
    zone, scan = request.zone, UserScan(world)
    for user in all_users(world):
        if not is_member(scan, user, rule, request.segment_time_range):
            continue
        if not any(
            _has_events_in(scan, user, ref, request.time_range)
            for ref in _candidates(world, user, request.time_range)
        ):
            continue
        starts = [ref.created for ref in reversed(world.sessions_of(user))]
        yield individual_row(user, starts, zone), _NO_CELLS


def _event_rows(world: World, rule: Rule, request: ExportRequest) -> Iterator[RowsItem]:
    zone, window, scan = request.zone, request.time_range, UserScan(world)
    start, end = ms_bounds(window)
    time_text = TimeText(zone)
    # A rule without event or device conditions takes every event of a member's sessions
    # whatever the scope, and decides membership without generating one: the sessions are
    # generated for the rows alone, the export's way (played.py).
    every_event = not rule.has_event_criteria and rule.device is None
    for user in all_users(world):
        if not is_member(scan, user, rule, request.segment_time_range):
            continue
        first_start = world.sessions_of(user)[-1].created
        cells = user_cells(user, first_start, time_text)  # the same in each of their sessions
        for number, ref in _numbered_candidates(world, user, window):
            played = played_session(world, ref, number) if every_event else None
            if played is not None:
                session_rows = SessionRows(played, first_start, zone, time_text, cells)
                yield PlayedRows(session_rows, played.rows, time_text, start, end)
                continue
            scanned = scan.session(user, ref)
            if scanned is None:
                continue
            chosen = _chosen(scanned, rule, request.scope)
            if not chosen:
                continue
            rows = SessionRows(scanned.session, first_start, zone, time_text, cells)
            page_values, event_cells = rows.page_values, rows.event_cells
            for event in chosen:
                at = event.time_us // 1000  # epoch_ms, inlined: once per row
                if (start is None or at >= start) and (end is None or at < end):
                    yield page_values(event.page_index), event_cells(event, at)


def _chosen(scanned: ScannedSession, rule: Rule, scope: Scope) -> tuple[Event, ...] | list[Event]:
    events = scanned.session.events
    if scope is Scope.INDIVIDUALS:
        return events
    if not rule.matches_device(scanned.session.device.device):
        return []
    if not rule.has_event_criteria:
        return events
    matching = [rule.matches_event(e) for e in scanned.matchable]
    if scope is Scope.EVENTS:
        return [e for e, hit in zip(events, matching, strict=True) if hit]
    if scope is Scope.SESSIONS:
        return events if any(matching) else []
    pages = scanned.session.pages
    views = {pages[e.page_index].view_id for e, hit in zip(events, matching, strict=True) if hit}
    return [e for e in events if pages[e.page_index].view_id in views]

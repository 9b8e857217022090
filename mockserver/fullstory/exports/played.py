"""An export's own way of generating a session: the world's journey played on a timeline that
records each event as the export row needs it (:class:`ExportEvent`: time, page, key and custom
variables), not as an Events-model event with its properties (which the export would only read
the key back out of).

A generated event's properties are most of the cost of generating it (a target dict, a copy of
it, a URL shape, a read-only view) and none of them but the key and a custom event's variables
reach an export row. The recorder draws the same random numbers in the same order as the world's
:class:`~mockserver.fullstory.world.timeline.Timeline` (it changes only what is recorded, never a
draw), so the session's times, pages and events are the same; its keys are what
:func:`~mockserver.fullstory.exports.session_rows.event_key` reads from the full event
(``tests/fullstory/exports/test_played.py`` holds every event of many sessions to that).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from mockserver.fullstory.exports.session_rows import EventKey, event_key
from mockserver.fullstory.ids import SessionId
from mockserver.fullstory.world.generator import World
from mockserver.fullstory.world.models import Device, Page, SessionRef, User
from mockserver.fullstory.world.timeline import Timeline

_NO_VARIABLES: Mapping[str, Any] = {}
_new_row = tuple.__new__
_REQUEST_KEY: EventKey = ("request", "", "", "", "")
# Kinds whose key is the kind alone when the event has no target (every page load's load and
# page_properties, a console message, an identify): event_key's answer, without asking it.
_UNTARGETED = frozenset({"target", "target_text", "target_selector"})
_PLAIN_KEYS: dict[str, EventKey] = {
    kind: (kind, "", "", "", "")
    for kind in ("load", "page_properties", "console_message", "exception", "identify", "request")
}


class ExportEvent(NamedTuple):
    """One event as an export row reads it (the fields an export reads of ``models.Event``,
    by the same names, and the key and variables of ``session_rows.event_key``)."""

    time_us: int
    page_index: int
    key: EventKey
    variables: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class PlayedSession:
    """A generated session as an export reads it (``session_rows.SessionRows``)."""

    ref: SessionRef
    device: Device
    pages: tuple[Page, ...]
    events: tuple[ExportEvent, ...]
    initial_referrer: str | None

    @property
    def user(self) -> User:
        return self.ref.user

    @property
    def session_id(self) -> SessionId:
        return self.ref.session_id


def played_session(world: World, ref: SessionRef, number: int) -> PlayedSession | None:
    """Session ``ref`` (its user's ``number``-th, oldest first) generated for an export, or
    None when it is not a generated session (a scenario's pinned one: read it from the
    world)."""
    played = world.played_timeline(ref, number, ExportTimeline)
    if played is None:
        return None
    timeline = played.timeline
    return PlayedSession(
        ref, played.device, tuple(timeline.pages), tuple(timeline.rows), timeline.referrer
    )


class ExportTimeline(Timeline):
    """Records :class:`ExportEvent` rows in ``rows`` (``events`` stays empty). Each override
    keeps its base method's draws, in order; events whose properties only this module builds
    (element seen, request, click) skip building them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows: list[ExportEvent] = []

    def recorded(self) -> int:
        return len(self.rows)

    def _row(self, key: EventKey, variables: Mapping[str, Any], gap: tuple[float, float]) -> None:
        rows = self.rows
        if rows:  # not the session start: Timeline._tick, inlined (once per event)
            low, high = gap
            step = int((low + (high - low) * self.rng.random()) * 1000)
            self._elapsed_ms += step if step > 0 else 1
        at = self._start_us + self._elapsed_ms * 1000
        # tuple.__new__ with every field, in order: ExportEvent(...) without its generated
        # Python-level __new__ (once per event; the world's Timeline does the same for Event).
        rows.append(_new_row(ExportEvent, (at, self._page, key, variables)))

    def _record(
        self,
        kind: str,
        props: dict[str, Any],
        name: str | None,
        gap: tuple[float, float],
        definition: str | None,
    ) -> None:
        key = _PLAIN_KEYS.get(kind)
        if key is not None and _UNTARGETED.isdisjoint(props):
            self._row(key, _NO_VARIABLES, gap)  # no target, no sub type: the kind's one key
        else:
            self._row(*event_key(kind, props, name), gap)

    def _add(
        self,
        at: int,
        kind: str,
        props: dict[str, Any],
        name: str | None,
        defs: tuple[str, ...],
    ) -> None:
        key, variables = event_key(kind, props, name)
        self.rows.append(ExportEvent(at, self._page, key, variables))

    def click(
        self,
        text: str,
        selector: str,
        *,
        definition: str | None = None,
        gap: tuple[float, float] = (1.5, 12.0),
        **flags: Any,
    ) -> None:
        if flags:  # a flavoured click: its key read from its properties, as the export reads it
            super().click(text, selector, definition=definition, gap=gap, **flags)
        else:
            self._row(("click", "", "", text or "", selector or ""), _NO_VARIABLES, gap)

    def seen(self, text: str, selector: str, *, gap: tuple[float, float] = (0.3, 3.0)) -> None:
        self.rng.random()  # the visible duration's draw
        self._row(("element_seen", "", "", text or "", selector or ""), _NO_VARIABLES, gap)

    def request(
        self,
        method: str,
        path: str,
        status: int,
        duration_ms: int,
        *,
        gap: tuple[float, float] = (0.05, 0.6),
    ) -> None:
        self._row(_REQUEST_KEY, _NO_VARIABLES, gap)

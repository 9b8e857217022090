"""The event rows of one session, read straight from the world's events.

An event row has two parts (``columns.EVENT_LEVEL_COLUMNS``): the columns that are the same for
every event of a page (user, session, page) and the few that change per event. The first part is
one dict per page, built once and handed out for each of the page's events (encoders write it
once per page: they see the same object again); the second is a small dict per event.

Values are what the events endpoint shows for the same event (``events_model``): ids, the page
URL, the user agent and the initial referrer of ``source_properties``, the rendered
``event_properties``; times are the endpoint's millisecond times in the export's time zone.
Nothing is rendered to the endpoint's nested JSON shape and parsed back: that costs more than
generating the session. ``tests/fullstory/exports/test_session_rows.py`` holds each column to
the events endpoint's answer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, tzinfo
from typing import Any, NamedTuple, Protocol

from mockserver.fullstory.exports.columns import PAGE_COLUMNS, event_vars, json_scalar, user_vars
from mockserver.fullstory.exports.layout import EventCells, PageValues, own_values
from mockserver.fullstory.exports.times import TimeText, epoch_ms
from mockserver.fullstory.ids import SessionId
from mockserver.fullstory.segments.event_kinds import click_flavour_of
from mockserver.fullstory.world.models import Device, Event, Page, SessionRef, User, epoch_us

Values = dict[str, Any]
EventKey = tuple[Any, ...]
_NO_VALUES: Mapping[str, Any] = {}
# The variables of every event without any: one empty mapping, shared, never written.
NO_VARIABLES: Mapping[str, Any] = {}


class TimedEvent(Protocol):
    """What a session's rows read of each of its events to find its views' starts."""

    @property
    def time_us(self) -> int: ...
    @property
    def page_index(self) -> int: ...


class RowSession(Protocol):
    """What the rows read of a session: a world's ``Session`` or an export's
    ``played.PlayedSession``."""

    @property
    def ref(self) -> SessionRef: ...
    @property
    def device(self) -> Device: ...
    @property
    def pages(self) -> tuple[Page, ...]: ...
    @property
    def events(self) -> Sequence[TimedEvent]: ...
    @property
    def initial_referrer(self) -> str | None: ...
    @property
    def user(self) -> User: ...
    @property
    def session_id(self) -> SessionId: ...


class UserCells(NamedTuple):
    """A user's columns that are the same in each of their sessions' rows and cost the most
    to write (the time's text, a dict of custom variables): an export makes them once per user
    (:func:`user_cells`), not once per session."""

    created: str  # UserCreated
    variables: Values  # user_* (read, never written)


def user_cells(user: User, user_created: datetime, time_text: TimeText) -> UserCells:
    """``user``'s :class:`UserCells`; ``user_created``: when the user was first seen."""
    return UserCells(time_text(epoch_ms(epoch_us(user_created))), user_vars(user))


class SessionRows:
    """The row parts of one session's events in one time zone; ``time_text`` formats instants
    in that zone (one per export: it caches per minute)."""

    def __init__(
        self,
        session: RowSession,
        user_created: datetime,
        zone: tzinfo,
        time_text: TimeText,
        cells: UserCells | None = None,
    ) -> None:
        """``cells``: the session's user's, when the caller has them (an export, once per
        user); they must be what :func:`user_cells` makes of ``user_created`` and
        ``time_text``, which only make them when none are given."""
        self.session = session
        self.zone = zone
        self.time_text = time_text
        user, device = session.user, session.device
        location = user.location
        if cells is None:
            cells = user_cells(user, user_created, time_text)
        self.session_values: Values = {
            "IndvId": user.device_id,
            "UserId": session.session_id.user_part,
            "SessionId": session.session_id.session_part,
            "UserCreated": cells.created,
            "UserAppKey": user.uid,
            "UserDisplayName": user.display_name,
            "UserEmail": user.email,
            "SessionStart": time_text(epoch_ms(epoch_us(session.ref.created))),
            "PageRefererUrl": session.initial_referrer or "",
            "PageBrowser": device.browser,
            "PageBrowserVersion": device.browser_version,
            "PageDevice": device.device,
            "PagePlatform": device.operating_system,
            "PageUserAgent": device.raw_user_agent,
            # The events endpoint's source_properties carry no location: the user's it is.
            "PageCountry": location.country,
            "PageRegion": location.region,
            "PageCity": location.city,
            **cells.variables,
        }
        self._pages: dict[int, Values] = {}
        self._view_starts: dict[str, int] | None = None

    def page_values(self, page_index: int) -> Values:
        """The columns shared by the events of page ``page_index`` (the same dict each time)."""
        values = self._pages.get(page_index)
        if values is None:
            page = self.session.pages[page_index]
            # A view's start is its first event (an in-page route change keeps the view).
            own = self.page_own_values(page, self.view_starts()[page.view_id])
            values = self._pages[page_index] = PageValues(self.session_values, own)
        return values

    def page_own_values(self, page: Page, view_start: int) -> Values:
        """A page's ``PAGE_COLUMNS`` (:meth:`page_cells` by name); ``view_start``: its view's
        first event (epoch ms)."""
        return dict(zip(PAGE_COLUMNS, self.page_cells(page, view_start), strict=True))

    def page_cells(self, page: Page, view_start: int) -> tuple[str, str, str]:
        """A page's ``PAGE_COLUMNS`` values, in that order (templates.py fills a page's cells
        from them, once per page of every played session)."""
        return page.view_id, self.time_text(view_start), page.url

    def view_starts(self) -> dict[str, int]:
        """Each view's start in epoch milliseconds."""
        if self._view_starts is None:
            starts: dict[str, int] = {}
            pages = self.session.pages
            for event in self.session.events:  # in time order
                starts.setdefault(pages[event.page_index].view_id, epoch_ms(event.time_us))
            self._view_starts = starts
        return self._view_starts

    def event_values(self, event: Event, at: int) -> Values:
        """The per-event columns (:meth:`event_cells` as a dict); ``at``: the event's time in
        epoch milliseconds (``epoch_ms``)."""
        return own_values(self.event_cells(event, at))

    def event_cells(self, event: Event, at: int) -> EventCells:
        """The per-event columns as :data:`~mockserver.fullstory.exports.layout.EventCells`."""
        key, variables = event_key(event.type, event.properties, event.name)
        return self.time_text(at), key, variables


def event_key(
    kind: str, props: Mapping[str, Any], name: str | None
) -> tuple[EventKey, Mapping[str, Any]]:
    """An event's own cells but its time: its key (``EVENT_LEVEL_COLUMNS`` after
    ``EventStart``) and its ``evt_`` variables, from its type, properties and custom name.

    Runs once per exported row, so the common cases are tested first: no target or one that
    is a plain dict, text that is already a string, a type that cannot be a flavoured
    click."""
    target = props.get("target")
    # Most events (requests, loads...) have none: decided before the ABC isinstance check.
    if target is None or (target.__class__ is not dict and not isinstance(target, Mapping)):
        target = _NO_VALUES
    text = target.get("text") or props.get("target_text") or ""
    selector = target.get("raw_selector") or props.get("target_selector") or ""
    if text.__class__ is not str:
        text = json_scalar(text)
    if selector.__class__ is not str:
        selector = json_scalar(selector)
    if kind == "custom":
        # The endpoint renders a custom event's properties as {"event_name": name, **props}.
        custom_name = json_scalar(props.get("event_name", name))
        return (kind, "", custom_name, text, selector), event_vars(props)
    if kind == "navigate":
        sub_type = str(props.get("navigate_reason", ""))
    else:
        sub_type = click_flavour_of(kind, props) if "click" in kind else ""
    return (kind, sub_type, "", text, selector), NO_VARIABLES

"""The world's immutable value objects: users, sessions, pages and events.

Mapping fields hold read-only ``MappingProxyType`` views: sessions are cached and shared between
requests, so nobody may mutate one in place.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import MappingProxyType
from typing import Any, NamedTuple

from mockserver.fullstory.ids import SessionId

DEVICE_KINDS: tuple[str, ...] = ("Desktop", "Mobile", "Tablet")
UNIX_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def epoch_us(at: datetime) -> int:
    """``at`` (aware) as integer microseconds since the Unix epoch: exact, whatever its zone."""
    return (at - UNIX_EPOCH) // _MICROSECOND


def from_epoch_us(us: int) -> datetime:
    """The UTC datetime of :func:`epoch_us` ``us``."""
    return UNIX_EPOCH + timedelta(microseconds=us)


def frozen_map(values: Mapping[str, Any] | None = None) -> Mapping[str, Any]:
    return MappingProxyType(dict(values or {}))


@dataclass(frozen=True, slots=True)
class Location:
    """Where a user is: country, region and city."""

    country: str
    region: str
    city: str


@dataclass(frozen=True, slots=True)
class OrgInfo:
    """What ``org_context`` reports about the organisation that owns the world."""

    org_id: str
    name: str
    industry: str
    domain: str
    country: str


@dataclass(frozen=True, slots=True)
class User:
    """An identified user. ``index`` is the generator's dense index; pinned users have < 0."""

    index: int
    uid: str
    email: str
    display_name: str
    device_id: str
    properties: Mapping[str, str]
    location: Location


@dataclass(frozen=True, slots=True)
class Device:
    """The browser, operating system and screen a session ran on."""

    browser: str
    browser_version: str
    operating_system: str
    device: str  # "Desktop" | "Mobile" | "Tablet"
    raw_user_agent: str
    screen: tuple[int, int]  # (width, height) in CSS pixels
    viewport: tuple[int, int]


@dataclass(frozen=True, slots=True)
class SessionRef:
    """What session listings need, without generating pages and events."""

    session_id: SessionId
    user: User
    created: datetime
    session_uid: str
    app_url: str


class Page(NamedTuple):
    """One page view of a session. A named tuple, as :class:`Event` is and for its reason: a
    session makes one per page view, and an export makes them by the hundred thousand."""

    view_id: str  # int64 decimal, unique per page view
    url: str
    title: str
    tab: int  # 1-based browser tab
    started: datetime


_NO_PROPERTIES: Mapping[str, Any] = MappingProxyType({})


class Event(NamedTuple):
    """One captured (or API-sent) event, in FullStory's Events model.

    A named tuple rather than a frozen dataclass: just as immutable, and built about three times
    faster, which counts because a session is made of hundreds of them and an export of a
    million-event file generates every one (a frozen dataclass sets each field through
    ``object.__setattr__``).

    ``type`` is the Events-model ``event_type`` (``click``, ``request``, ...) and ``properties``
    its ``event_properties`` (built by :mod:`mockserver.fullstory.world.event_props`), without
    the definition ids, which come from ``definition_ids`` when rendered.

    ``time_us`` is the event's instant in integer microseconds since the Unix epoch, not a
    ``datetime``: building a datetime per event (a timedelta and an addition) cost about as much
    as the rest of the event, and an export reads the time as a number (its range, its per-minute
    time text) anyway. Microseconds, not milliseconds, so a world whose epoch has microseconds
    keeps them exactly, as the datetimes did; :attr:`at` gives the datetime at the API edge.

    ``name`` is set for custom (API) events only, e.g. "Added to Cart". ``definition_ids`` lists
    the org's *defined events* this event matches (most specific first), as FullStory adds
    ``event_definition_id`` / ``additional_event_definition_ids`` to matching events.
    """

    time_us: int
    type: str
    page_index: int
    description: str | None  # None: derived when asked (see descriptions.event_description)
    name: str | None = None
    properties: Mapping[str, Any] = _NO_PROPERTIES
    definition_ids: tuple[str, ...] = ()

    @property
    def at(self) -> datetime:
        """The event's instant as a UTC datetime (for the API edge; the hot paths read
        ``time_us``)."""
        return from_epoch_us(self.time_us)

    @property
    def is_api_event(self) -> bool:
        return self.type == "custom"


@dataclass(frozen=True, slots=True)
class Session:
    """A session with its device, pages and events, its journey and outcome."""

    ref: SessionRef
    device: Device
    pages: tuple[Page, ...]
    events: tuple[Event, ...]
    journey: str
    outcome: str
    initial_referrer: str | None = None

    @property
    def session_id(self) -> SessionId:
        return self.ref.session_id

    @property
    def user(self) -> User:
        return self.ref.user

"""Generate Context (POST /v2/sessions/{id}/context): request options and the response body.

The filters are separate functions (:func:`filter_events`, :func:`apply_slice`,
:func:`render_event`) so summaries can reuse them. Where the docs leave behaviour open, the
choice is marked INFERRED at the code that makes it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import Any

from mockserver.core.clock import format_rfc3339, parse_rfc3339
from mockserver.fullstory.context_types import context_type, event_matches_types
from mockserver.fullstory.events_model import format_event_time, plain
from mockserver.fullstory.world.descriptions import event_description
from mockserver.fullstory.world.models import Event, OrgInfo, Session

SLICE_MODES: tuple[str, ...] = ("UNSPECIFIED", "FIRST", "LAST", "TIMESTAMP")
CONTEXT_ELEMENTS: tuple[str, ...] = ("user", "org", "location", "device")
_SELECTOR_SEPARATOR = " > "
_CLICK_DEFAULTS: Mapping[str, object] = MappingProxyType(
    {"is_rage_click": False, "is_dead_click": False, "is_error_click": False, "click_count": 1}
)


class ContextRequestError(ValueError):
    """A body that passed schema validation but still makes no sense (e.g. a bad int64)."""


@dataclass(frozen=True, slots=True)
class SliceSpec:
    """Which part of a session Generate Context returns: first or last events, or a time
    window, with optional event and duration limits."""

    mode: str = "FIRST"  # UNSPECIFIED is normalised to FIRST, the documented default
    event_limit: int = 0  # <= 0: no limit
    duration_limit_ms: int = 0  # <= 0: no limit
    start_timestamp: datetime | None = None
    end_timestamp: datetime | None = None

    @classmethod
    def from_body(cls, body: Mapping[str, Any] | None) -> SliceSpec:
        body = body or {}
        mode = str(body.get("mode") or "FIRST")
        if mode not in SLICE_MODES:
            raise ContextRequestError(f"slice.mode must be one of {list(SLICE_MODES)}")
        return cls(
            mode="FIRST" if mode == "UNSPECIFIED" else mode,
            event_limit=_int(body.get("event_limit", 0), "slice.event_limit"),
            duration_limit_ms=_int(body.get("duration_limit_ms", 0), "slice.duration_limit_ms"),
            start_timestamp=_time(body.get("start_timestamp"), "slice.start_timestamp"),
            end_timestamp=_time(body.get("end_timestamp"), "slice.end_timestamp"),
        )


@dataclass(frozen=True, slots=True)
class ContextSpec:
    """Which context elements (user, org, location, device) a Generate Context answer
    includes."""

    include: tuple[str, ...] | None = None
    exclude: tuple[str, ...] | None = None
    exclude_org_context: bool = False
    exclude_user_context: bool = False
    exclude_location: bool = False
    exclude_device: bool = False
    exclude_descriptions: bool | None = None  # deprecated alias of events.include_descriptions

    @classmethod
    def from_body(cls, body: Mapping[str, Any] | None) -> ContextSpec:
        body = body or {}
        return cls(
            include=_elements(body.get("include"), "context.include"),
            exclude=_elements(body.get("exclude"), "context.exclude"),
            exclude_org_context=bool(body.get("exclude_org_context", False)),
            exclude_user_context=bool(body.get("exclude_user_context", False)),
            exclude_location=bool(body.get("exclude_location", False)),
            exclude_device=bool(body.get("exclude_device", False)),
            exclude_descriptions=_opt_bool(body.get("exclude_descriptions")),
        )

    def elements(self) -> frozenset[str]:
        """The context elements to render.

        The include/exclude lists "take precedence over individual inclusion fields": when
        either list is given the booleans are ignored. INFERRED: with both lists, an element
        must be included and not excluded; empty lists count as "not specified".
        """
        if self.include or self.exclude:
            chosen = set(self.include or CONTEXT_ELEMENTS)
            return frozenset(chosen - set(self.exclude or ()))
        dropped = {
            "org": self.exclude_org_context,
            "user": self.exclude_user_context,
            "location": self.exclude_location,
            "device": self.exclude_device,
        }
        return frozenset(name for name in CONTEXT_ELEMENTS if not dropped[name])


@dataclass(frozen=True, slots=True)
class EventsSpec:
    """Which events a Generate Context answer includes, and which of their details."""

    include_types: tuple[str, ...] = ()
    exclude_types: tuple[str, ...] = ()
    exclude_defined_events: bool = False
    exclude_api_events: bool = False
    exclude_event_timestamps: bool = False
    exclude_selectors: bool = False
    include_selector_tags: bool = False
    trim_to_last_n_selectors: int = 0
    include_tab_index: bool = False
    include_descriptions: bool | None = None  # None: not given (see ContextRequest)

    @classmethod
    def from_body(cls, body: Mapping[str, Any] | None) -> EventsSpec:
        body = body or {}
        return cls(
            include_types=_strings(body.get("include_types"), "events.include_types"),
            exclude_types=_strings(body.get("exclude_types"), "events.exclude_types"),
            exclude_defined_events=bool(body.get("exclude_defined_events", False)),
            exclude_api_events=bool(body.get("exclude_api_events", False)),
            exclude_event_timestamps=bool(body.get("exclude_event_timestamps", False)),
            exclude_selectors=bool(body.get("exclude_selectors", False)),
            include_selector_tags=bool(body.get("include_selector_tags", False)),
            trim_to_last_n_selectors=_int(
                body.get("trim_to_last_n_selectors", 0), "events.trim_to_last_n_selectors"
            ),
            include_tab_index=bool(body.get("include_tab_index", False)),
            include_descriptions=_opt_bool(body.get("include_descriptions")),
        )


@dataclass(frozen=True, slots=True)
class CacheSpec:
    """Generate Context's cache options (accepted and echoed)."""

    enable_event_cache: bool = False  # accepted and echoed; a generated world has no cache

    @classmethod
    def from_body(cls, body: Mapping[str, Any] | None) -> CacheSpec:
        return cls(enable_event_cache=bool((body or {}).get("enable_event_cache", False)))


@dataclass(frozen=True, slots=True)
class ContextRequest:
    """A parsed Generate Context body: slice, context, events and cache options."""

    slice: SliceSpec = field(default_factory=SliceSpec)
    context: ContextSpec = field(default_factory=ContextSpec)
    events: EventsSpec = field(default_factory=EventsSpec)
    cache: CacheSpec = field(default_factory=CacheSpec)

    @classmethod
    def from_body(cls, body: Mapping[str, Any] | None) -> ContextRequest:
        body = body or {}
        return cls(
            slice=SliceSpec.from_body(_object(body.get("slice"), "slice")),
            context=ContextSpec.from_body(_object(body.get("context"), "context")),
            events=EventsSpec.from_body(_object(body.get("events"), "events")),
            cache=CacheSpec.from_body(_object(body.get("cache"), "cache")),
        )

    @property
    def include_descriptions(self) -> bool:
        """events.include_descriptions wins; else the deprecated context.exclude_descriptions.

        INFERRED: with neither set, descriptions are included: the deprecated flag was an
        opt-out, so the historical default is "descriptions on".
        """
        if self.events.include_descriptions is not None:
            return self.events.include_descriptions
        if self.context.exclude_descriptions is not None:
            return not self.context.exclude_descriptions
        return True


# -- reusable filters ---------------------------------------------------------------------------


def filter_events(events: Sequence[Event], spec: EventsSpec) -> list[Event]:
    """Apply the ``events`` type filters (not the rendering options).

    * Types are Generate Context's names (``rage-click``, ``network-error``, ...), mapped onto
      the Events-model events by :mod:`mockserver.fullstory.context_types`.
    * Without ``include_types``, events with no context name (successful requests, load, ...)
      are left out (INFERRED).
    * ``include_types``: keep only matching events (types or custom event names, e.g.
      "Added to Cart"); ``exclude_types`` then removes matches (exclusion wins).
    * ``exclude_api_events``: drop events sent through the FS API (type "custom").
    * ``exclude_defined_events``: INFERRED, drop events that match one of the org's defined
      events (they carry an ``event_definition_id``).
    """
    kept: list[Event] = []
    for event in events:
        if spec.include_types:
            if not event_matches_types(event, spec.include_types):
                continue
        elif context_type(event) is None:
            continue
        if spec.exclude_types and event_matches_types(event, spec.exclude_types):
            continue
        if spec.exclude_api_events and event.is_api_event:
            continue
        if spec.exclude_defined_events and event.definition_ids:
            continue
        kept.append(event)
    return kept


def apply_slice(events: Sequence[Event], spec: SliceSpec) -> list[Event]:
    """Keep the slice of (already filtered, time-ordered) events the ``slice`` asks for.

    * ``end_timestamp``: only events strictly before it, in every mode.
    * ``start_timestamp``: INFERRED, a lower bound in every mode, and the anchor the limits
      count from in FIRST/TIMESTAMP mode ("applied to the time beginning at this timestamp").
    * FIRST (and UNSPECIFIED, and TIMESTAMP without a start): the earliest ``event_limit``
      events, within ``duration_limit_ms`` of the first event (or the start timestamp).
    * LAST: the latest ``event_limit`` events, within ``duration_limit_ms`` of the last one.
    * Filters run before the slice (INFERRED): the limit counts events that reach the context.
    """
    kept = [e for e in events if spec.end_timestamp is None or e.at < spec.end_timestamp]
    if spec.start_timestamp is not None:
        kept = [e for e in kept if e.at >= spec.start_timestamp]
    if not kept:
        return kept
    duration = timedelta(milliseconds=spec.duration_limit_ms)
    if spec.mode == "LAST":
        if spec.duration_limit_ms > 0:
            kept = [e for e in kept if kept[-1].at - e.at <= duration]
        return kept[-spec.event_limit :] if spec.event_limit > 0 else kept
    anchor = spec.start_timestamp or kept[0].at
    if spec.duration_limit_ms > 0:
        kept = [e for e in kept if e.at - anchor <= duration]
    return kept[: spec.event_limit] if spec.event_limit > 0 else kept


def transform_selector(selector: str, spec: EventsSpec) -> str:
    """Apply ``include_selector_tags`` and ``trim_to_last_n_selectors`` to one selector.

    INFERRED: without ``include_selector_tags`` element tag names are dropped from each
    compound selector that still has a class or id (``button.btn.add`` -> ``.btn.add``);
    ``trim_to_last_n_selectors`` keeps the last N compounds of the ``a > b > c`` path.
    """
    parts = selector.split(_SELECTOR_SEPARATOR)
    if not spec.include_selector_tags:
        parts = [_strip_tag(part) for part in parts]
    if spec.trim_to_last_n_selectors > 0:
        parts = parts[-spec.trim_to_last_n_selectors :]
    return _SELECTOR_SEPARATOR.join(parts)


def _strip_tag(compound: str) -> str:
    cut = min((i for i in (compound.find("."), compound.find("#")) if i >= 0), default=-1)
    return compound[cut:] if cut > 0 else compound


def render_properties(event: Event, spec: EventsSpec) -> dict[str, Any]:
    """The event's properties for a prompt: the Events-model ``event_properties`` with the
    element ``target`` flattened (``target_text``, ``target_selector`` shaped by the selector
    options, and the element's properties), as the context's selector options describe."""
    props: dict[str, Any] = {}
    if event.name is not None:
        props["event_name"] = event.name
    for key, value in event.properties.items():
        if key == "target" and isinstance(value, Mapping):
            props.update(_target_properties(value, spec))
        elif key in _CLICK_DEFAULTS and _CLICK_DEFAULTS[key] == value:
            continue  # a prompt needs the flags that are set, not the ones that are not
        else:
            props[key] = plain(value)
    return props


def _target_properties(element: Mapping[str, Any], spec: EventsSpec) -> dict[str, Any]:
    flat: dict[str, Any] = {}
    if element.get("text"):
        flat["target_text"] = element["text"]
    selector = element.get("raw_selector")
    if selector and not spec.exclude_selectors:
        flat["target_selector"] = transform_selector(str(selector), spec)
    extra = element.get("element_properties")
    if isinstance(extra, Mapping):
        flat.update(plain(extra))
    return flat


def render_event(event: Event, request: ContextRequest) -> dict[str, Any]:
    spec = request.events
    rendered: dict[str, Any] = {"type": context_type(event) or event.type}
    if request.include_descriptions:
        rendered["description"] = event_description(event)
    if not spec.exclude_event_timestamps:
        rendered["timestamp"] = format_event_time(event.at)
    element = event.properties.get("target")
    if event.type in ("copy", "highlight") and isinstance(element, Mapping) and element.get("text"):
        rendered["content"] = element["text"]  # the copied / highlighted text itself
    rendered["properties"] = render_properties(event, spec)
    return rendered


# -- the response -------------------------------------------------------------------------------


def build_context(session: Session, org: OrgInfo, request: ContextRequest) -> dict[str, Any]:
    """The Generate Context response body: ``{"context_data": {"context", "pages"}}``."""
    elements = request.context.elements()
    ref, user, device = session.ref, session.user, session.device
    context: dict[str, Any] = {
        "session_id": str(ref.session_id),
        "session_url": ref.app_url,
        "session_created_at": format_rfc3339(ref.created),
    }
    if "org" in elements:
        context["org_context"] = {
            "org_id": org.org_id,
            "name": org.name,
            "industry": org.industry,
            "domain": org.domain,
            "country": org.country,
        }
    if "user" in elements:
        context["user_context"] = {
            "user_uid": user.uid,
            "display_name": user.display_name,
            "email": user.email,
            "properties": dict(user.properties),
        }
    if "location" in elements:
        loc = user.location
        context["location_context"] = {
            "country": loc.country,
            "region": loc.region,
            "city": loc.city,
        }
    if "device" in elements:
        context["device_context"] = {
            "browser": device.browser,
            "operating_system": device.operating_system,
            "screen_size": {"height_pixels": device.screen[1], "width_pixels": device.screen[0]},
            "viewport_size": {
                "height_pixels": device.viewport[1],
                "width_pixels": device.viewport[0],
            },
        }
    return {"context_data": {"context": context, "pages": build_pages(session, request)}}


def build_pages(session: Session, request: ContextRequest) -> list[dict[str, Any]]:
    """Pages in view order, each with its surviving events; pages left empty are omitted.

    INFERRED: ``tab`` is rendered only when ``events.include_tab_index`` is true (the option
    would be pointless if the tab were always present).
    """
    selected = apply_slice(filter_events(session.events, request.events), request.slice)
    by_page: dict[int, list[dict[str, Any]]] = {}
    for event in selected:
        by_page.setdefault(event.page_index, []).append(render_event(event, request))
    pages: list[dict[str, Any]] = []
    for index in sorted(by_page):
        page = session.pages[index]
        rendered: dict[str, Any] = {"url": page.url, "title": page.title}
        if request.events.include_tab_index:
            rendered["tab"] = page.tab
        rendered["events"] = by_page[index]
        pages.append(rendered)
    return pages


# -- body parsing helpers -----------------------------------------------------------------------


def _object(value: Any, name: str) -> Mapping[str, Any] | None:
    if value is None or isinstance(value, Mapping):
        return value
    raise ContextRequestError(f"{name} must be an object")


def _int(value: Any, name: str) -> int:
    # int64 fields arrive as JSON strings (proto3 JSON); accept plain numbers too.
    if isinstance(value, bool):
        raise ContextRequestError(f"{name} must be an integer")
    if isinstance(value, int):
        return value
    # 2037.0 is an integer to JSON Schema (the spec) and to proto3 JSON parsing (zero fraction).
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    raise ContextRequestError(f"{name} must be an integer (or an int64 string), got {value!r}")


def _time(value: Any, name: str) -> datetime | None:
    if value is None or value == "":
        return None
    try:
        return parse_rfc3339(str(value))
    except ValueError as exc:
        raise ContextRequestError(f"{name} must be an RFC 3339 timestamp, got {value!r}") from exc


def _opt_bool(value: Any) -> bool | None:
    return None if value is None else bool(value)


def _strings(value: Any, name: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ContextRequestError(f"{name} must be a list of strings")
    return tuple(value)


def _elements(value: Any, name: str) -> tuple[str, ...] | None:
    if value is None:
        return None
    items = _strings(value, name)
    unknown = sorted(set(items) - set(CONTEXT_ELEMENTS))
    if unknown:
        raise ContextRequestError(
            f"{name} has unknown element(s) {unknown}; use {list(CONTEXT_ELEMENTS)}"
        )
    return items

"""FullStory's Events model: the event types and the shape of each type's ``event_properties``.

Source: shared/reference/events-model.md (FullStory's docs and its own dbt package over the same
model). Journeys and scenario files build properties only through these functions, so every
event of a type has the same keys. Names no first-party source confirms are marked UNCONFIRMED
here and listed in the README's fidelity table.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs, urlsplit

# The Events-model types this fake produces (underscores, never the hyphenated Generate Context
# filter names).
ELEMENT_TYPES: tuple[str, ...] = ("click", "change", "copy", "paste", "highlight")
EVENT_TYPES: tuple[str, ...] = (
    "navigate",
    *ELEMENT_TYPES,
    "element_seen",
    "mouse_thrash",
    "request",
    "console_message",
    "exception",
    "custom",
    "identify",
    "load",
    "page_properties",
)
# Types the Events model has but this fake's journeys never produce (mobile-only or consent
# APIs). The spec still accepts them, so the contract kit passes against the real API.
OTHER_EVENT_TYPES: tuple[str, ...] = (
    "consent",
    "form_abandon",
    "first_input_delay",
    "cumulative_layout_shift",
    "background",
    "crash",
    "keyboard_open",
    "keyboard_close",
    "low_memory",
    "pinch_gesture",
)
NAVIGATE_REASONS: tuple[str, ...] = ("navigate", "reload", "back_forward", "prerender")
CONSOLE_LEVELS: tuple[str, ...] = ("log", "info", "warn", "error", "debug")
ELEMENT_START_TYPES: tuple[str, ...] = ("rendered", "visible", "end")


def url_properties(url: str) -> dict[str, Any]:
    """The Events model's url shape: ``full_url``, ``host``, ``path``, a parsed ``query`` and,
    only when the URL has a fragment, ``hash_path`` / ``hash_query``."""
    if "#" not in url:  # the common cases (every generated URL), without urlsplit
        plain = _plain_url_properties(url)
        if plain is not None:
            return plain
    return split_url_properties(url)


class UrlShapes:
    """:func:`url_properties` of URLs seen before, shared: a page's own API calls repeat the
    same few URLs on every page load of every session, and shaping one costs more than the
    rest of its event. The shapes are shared between events as every nested part of an event's
    properties may be (models.Event: nobody mutates them; answers are deep copies). Bounded:
    emptied when full (unique URLs, such as paging cursors, pass through it)."""

    MAX_URLS = 1024

    def __init__(self) -> None:
        self._shapes: dict[str, dict[str, Any]] = {}

    def of(self, url: str) -> dict[str, Any]:
        shape = self._shapes.get(url)
        if shape is None:
            if len(self._shapes) >= self.MAX_URLS:
                self._shapes.clear()
            shape = self._shapes[url] = url_properties(url)
        return shape


def split_url_properties(url: str) -> dict[str, Any]:
    """:func:`url_properties` of any URL, by urlsplit and parse_qs."""
    parts = urlsplit(url)
    query = parse_qs(parts.query, keep_blank_values=True)
    shape: dict[str, Any] = {
        "full_url": url,
        "host": parts.netloc,
        "path": parts.path or "/",
        "query": {key: {"values": values} for key, values in query.items()},
    }
    if parts.fragment:
        hash_path, _, hash_query = parts.fragment.partition("?")
        shape["hash_path"] = hash_path
        shape["hash_query"] = hash_query
    return shape


def _plain_url_properties(url: str) -> dict[str, Any] | None:
    """:func:`url_properties` of an ``http(s)://host/path[?query]`` URL whose query needs no
    decoding (no ``%``, ``+`` or ``;``), or None. Generated events carry such URLs by the
    million (request events, page URLs), and urlsplit + parse_qs cost more than the rest of
    the event; test_event_props holds this to the general path."""
    scheme_end = url.find("://")
    slash = url.find("/", scheme_end + 3) if scheme_end > 0 else -1
    if slash < 0:
        return None
    host, rest = url[scheme_end + 3 : slash], url[slash:]
    path, mark, query_text = rest.partition("?")
    if (
        "?" in host
        or "%" in query_text
        or "+" in query_text
        or ";" in query_text
        or not _plain_text(url, scheme_end)
    ):
        return None  # urlsplit would clean or parse_qs decode something: leave it to them
    query: dict[str, dict[str, list[str]]] = {}
    if mark:
        for pair in query_text.split("&"):
            if pair:
                key, _, value = pair.partition("=")
                query.setdefault(key, {"values": []})["values"].append(value)
    return {"full_url": url, "host": host, "path": path, "query": query}


def _plain_text(url: str, scheme_end: int) -> bool:
    """An ASCII URL with a letters-only scheme and no whitespace or control characters (which
    urlsplit would strip or remove)."""
    return url[:scheme_end].isalpha() and url.isascii() and url.isprintable() and " " not in url


def target(
    text: str,
    selector: str,
    *,
    masked: bool = False,
    element_properties: Mapping[str, Any] | None = None,
    element_definition_id: str = "",
    additional_element_definition_ids: tuple[str, ...] = (),
) -> dict[str, Any]:
    """``event_properties.target`` of an element event. A masked element's text is never
    captured, so it is empty. INFERRED: an element matching no element definition reports
    ``element_definition_id`` "" and ``additional_element_definition_ids`` [] (the proto3
    defaults), as the contract's navigate example does for event definitions."""
    return {
        "text": "" if masked else text,
        "masked": masked,
        "raw_selector": selector,
        # Fresh containers either way; {} and [] without a call when there is nothing to copy
        # (nearly every generated element): this runs once per element event.
        "element_properties": dict(element_properties) if element_properties else {},
        "element_definition_id": element_definition_id,
        "additional_element_definition_ids": (
            list(additional_element_definition_ids) if additional_element_definition_ids else []
        ),
    }


def click(
    element: Mapping[str, Any],
    *,
    rage: bool = False,
    dead: bool = False,
    error: bool = False,
    click_count: int = 1,
) -> dict[str, Any]:
    """A ``click``. UNCONFIRMED names: rage, dead and error clicks are attributes of the click
    (``is_rage_click``, ``is_dead_click``, ``is_error_click``, always present), and a rage click
    is one event whose ``click_count`` says how many clicks the burst held."""
    return {
        "target": dict(element),
        "is_rage_click": rage,
        "is_dead_click": dead,
        "is_error_click": error,
        "click_count": click_count,
    }


def element_event(element: Mapping[str, Any]) -> dict[str, Any]:
    """``change``, ``copy``, ``paste``, ``highlight``: the target alone."""
    return {"target": dict(element)}


def element_seen(
    element: Mapping[str, Any], *, start_type: str = "visible", duration_millis: int
) -> dict[str, Any]:
    """UNCONFIRMED: ``element_start_type`` is named in the reference; the duration's name
    (``visible_duration_millis``) is ours."""
    return {
        "target": dict(element),
        "element_start_type": start_type,
        "visible_duration_millis": duration_millis,
    }


def mouse_thrash(element: Mapping[str, Any]) -> dict[str, Any]:
    """UNCONFIRMED: the element under the pointer as ``target`` (no source shows the shape)."""
    return {"target": dict(element)}


def request(
    method: str,
    url: str,
    status: int,
    duration_millis: int,
    *,
    shapes: UrlShapes | None = None,
) -> dict[str, Any]:
    """A captured network request; network errors are requests with status >= 400.
    ``shapes``: a cache of URL shapes to take ``request_url`` from (see :class:`UrlShapes`)."""
    return {
        "request_method": method,
        "request_url": shapes.of(url) if shapes is not None else url_properties(url),
        "request_status": status,
        "request_duration_millis": duration_millis,
    }


def console_message(message: str, level: str) -> dict[str, Any]:
    return {"message": message, "level": level}


def exception(message: str, file_url: str, line: int, column: int) -> dict[str, Any]:
    """An uncaught JavaScript error. UNCONFIRMED: the source-location names (``file_url``,
    ``line_number``, ``column_number``)."""
    return {"message": message, "file_url": file_url, "line_number": line, "column_number": column}


def identify(
    user_id: str, email: str, display_name: str, properties: Mapping[str, Any]
) -> dict[str, Any]:
    return {
        "user_id": user_id,
        "user_email": email,
        "user_display_name": display_name,
        "user_properties": dict(properties),
    }


def load(load_time_millis: int) -> dict[str, Any]:
    return {"load_time_millis": load_time_millis}


def page_properties(page_name: str) -> dict[str, Any]:
    return {"page_name": page_name}


def navigate(reason: str) -> dict[str, Any]:
    """The definition ids are added when rendering (they come from ``Event.definition_ids``)."""
    if reason not in NAVIGATE_REASONS:
        raise ValueError(f"navigate_reason must be one of {list(NAVIGATE_REASONS)}, not {reason!r}")
    return {"navigate_reason": reason}


def click_kind(props: Mapping[str, Any]) -> str:
    """Which Generate Context click name a click's attributes give. A click with several flags
    counts once, by the strongest signal (INFERRED order: rage, error, dead)."""
    if props.get("is_rage_click"):
        return "rage-click"
    if props.get("is_error_click"):
        return "error-click"
    if props.get("is_dead_click"):
        return "dead-click"
    return "click"

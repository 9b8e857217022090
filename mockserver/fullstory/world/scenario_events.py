"""Scenario-file events to Events-model events: defaults filled in, and the old spellings.

Scenario files write events in the Events model (``type: click`` with ``properties.target``,
``type: request`` with ``request_*``). Files written before the Events model used Generate
Context's hyphenated names with flat properties (``type: rage-click`` with ``target_text``,
``type: network-error`` with ``status_code``); they still load, converted here, because the
conversion is exact (an alias that changes nothing else).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mockserver.fullstory.world import event_props as ep

_LEGACY_CLICKS = {"rage-click": "rage", "dead-click": "dead", "error-click": "error"}
_LEGACY_RENAMES = {
    "input-change": "change",
    "mouse-thrash": "mouse_thrash",
    "element-seen": "element_seen",
}
LEGACY_TYPES: tuple[str, ...] = (
    *_LEGACY_CLICKS,
    *_LEGACY_RENAMES,
    "network-error",
    "console-error",
)
# Old navigate reasons, invented before the Events model: both were ordinary navigations.
_LEGACY_REASONS = {"link": "navigate", "pushstate": "navigate"}
_TARGET_KEYS = ("target_text", "target_selector", "field", "text", "element")


def from_legacy(kind: str, props: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """An old hyphenated event (or an old-style flat element event) in the Events model."""
    rest = {k: v for k, v in props.items() if k not in _TARGET_KEYS}
    element = _legacy_target(props)
    if kind in _LEGACY_CLICKS or (kind == "click" and "target" not in props):
        flag = _LEGACY_CLICKS.get(kind)
        count = int(rest.pop("click_count", 1))
        flags = {flag: True} if flag else {}
        return "click", {**ep.click(element, click_count=count, **flags), **rest}
    if kind in _LEGACY_RENAMES or (kind in ep.ELEMENT_TYPES and "target" not in props):
        new_kind = _LEGACY_RENAMES.get(kind, kind)
        if new_kind == "element_seen":
            seen = ep.element_seen(element, duration_millis=int(rest.pop("duration_ms", 1000)))
            return new_kind, {**seen, **rest}
        return new_kind, {"target": element, **rest}
    if kind == "network-error":
        request = ep.request(
            str(props.get("method", "GET")),
            str(props.get("url", "")),
            int(props.get("status_code", 500)),
            int(props.get("duration_ms", 0)),
        )
        return "request", request
    if kind == "console-error":
        message = str(props.get("message", ""))
        if message.startswith("Uncaught"):  # an uncaught error is an exception, not a message
            source = str(props.get("source", ""))
            file_url, line, column = _split_source(source)
            return "exception", ep.exception(message, file_url, line, column)
        return "console_message", ep.console_message(message, "error")
    if kind == "navigate" and "navigate_reason" in props:
        reason = str(props["navigate_reason"])
        return kind, {**props, "navigate_reason": _LEGACY_REASONS.get(reason, reason)}
    return kind, dict(props)


def complete(kind: str, props: Mapping[str, Any]) -> dict[str, Any]:
    """Fill the Events-model defaults a scenario may leave out (``target`` keys, click flags,
    a navigate's reason) and expand a ``request_url`` given as text, so every event of a type
    has the same keys."""
    filled = dict(props)
    element = filled.get("target")
    if isinstance(element, Mapping):
        filled["target"] = {**ep.target("", ""), **element}
    if kind == "click":
        filled = {**ep.click(filled.get("target", ep.target("", ""))), **filled}
    if kind == "navigate":
        filled.setdefault("navigate_reason", "navigate")
    if kind == "request" and isinstance(filled.get("request_url"), str):
        filled["request_url"] = ep.url_properties(filled["request_url"])  # a URL may be text
    return filled


def _legacy_target(props: Mapping[str, Any]) -> dict[str, Any]:
    text = props.get("target_text", props.get("text", props.get("element", "")))
    label = props.get("field")
    return ep.target(
        str(text or ""),
        str(props.get("target_selector", "")),
        element_properties={"label": label} if label else None,
    )


def _split_source(source: str) -> tuple[str, int, int]:
    """``https://host/app.js:2:18764`` -> (url, line, column); zeros when absent."""
    head, _, column = source.rpartition(":")
    url, _, line = head.rpartition(":")
    if line.isdigit() and column.isdigit():
        return url, int(line), int(column)
    return source, 0, 0

"""What kind of thing an event (as the events endpoint renders it) is, in one vocabulary that
segment rules and export rows share.

The vocabulary is the Events model's ``event_type`` names (``click``, ``navigate``, ``change``,
``request``, ``console_message``, ``exception``, ...) plus the click flavours and error kinds
FullStory's analytics expose (``rage_click``, ``dead_click``, ``error_click``, ``network_error``,
``console_error``). A rage click is also a ``click``; a failed request is also a ``request``.

It reads the rendered event, never the generator's internals, so it follows the world's model:
an event typed ``rage-click`` and a ``click`` carrying a rage attribute are both rage clicks.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# The hyphenated names of the context filters (and the older world model) -> Events model names.
_ALIASES: Mapping[str, tuple[str, ...]] = {
    "rage-click": ("click", "rage_click"),
    "dead-click": ("click", "dead_click"),
    "error-click": ("click", "error_click"),
    "input-change": ("change",),
    "network-error": ("request", "network_error"),
    "console-error": ("console_message", "console_error"),
    "mouse-thrash": ("mouse_thrash",),
    "element-seen": ("element_seen",),
}
_CLICK_FLAVOURS = ("rage", "dead", "error")
# Per flavour: the property names that flag it, then the two count names (see _flag). Spelled
# out once: exports ask for a click's flavour once per exported click.
_FLAG_NAMES: tuple[tuple[tuple[str, ...], str, str], ...] = tuple(
    ((f, f"is_{f}", f"{f}_click", f"is_{f}_click"), f"{f}_click_count", f"{f}_count")
    for f in _CLICK_FLAVOURS
)

KNOWN_KINDS: frozenset[str] = frozenset(
    {
        "navigate", "click", "change", "copy", "paste", "highlight", "element_seen",
        "mouse_thrash", "request", "console_message", "exception", "custom", "identify", "load",
        "page_properties", "consent", "form_abandon", "first_input_delay",
        "cumulative_layout_shift", "background", "crash", "keyboard_open", "keyboard_close",
        "low_memory", "pinch_gesture", "rage_click", "dead_click", "error_click",
        "network_error", "console_error",
    }
)  # fmt: skip


def event_kinds(event: Mapping[str, Any]) -> frozenset[str]:
    """Every kind ``event`` (one item of ``session_events``) counts as."""
    event_type = str(event.get("event_type", ""))
    kinds = {event_type.replace("-", "_"), *_ALIASES.get(event_type, ())}
    properties = event.get("event_properties") or {}
    if event_type == "click":
        kinds.update(
            f"{flavour}_click" for flavour in _CLICK_FLAVOURS if _flag(properties, flavour)
        )
    elif event_type == "request":
        status = properties.get("request_status", properties.get("status_code"))
        if isinstance(status, int) and status >= 400:
            kinds.add("network_error")
    elif event_type == "console_message" and str(properties.get("level", "")).lower() == "error":
        kinds.add("console_error")
    if "console_error" in kinds and str(properties.get("message", "")).startswith("Uncaught"):
        kinds.add("exception")  # an uncaught error is an exception in the Events model
    return frozenset(kinds)


def click_flavour(event: Mapping[str, Any]) -> str:
    """``rage``, ``dead``, ``error`` or ``""``: the export's ``EventSubType`` of a click."""
    return click_flavour_of(str(event.get("event_type", "")), event.get("event_properties") or {})


def click_flavour_of(event_type: str, properties: Mapping[str, Any]) -> str:
    """:func:`click_flavour` from the type and properties alone, without building every kind:
    exports ask it once per exported event. Only a ``click``'s attributes, or a type that names
    a flavoured click itself (``rage-click``, ``rage_click``), give a flavour."""
    if "click" not in event_type:
        return ""
    named = {event_type.replace("-", "_"), *_ALIASES.get(event_type, ())}
    is_click = event_type == "click"
    for flavour in _CLICK_FLAVOURS:
        if f"{flavour}_click" in named or (is_click and _flag(properties, flavour)):
            return flavour
    return ""


def _flag(properties: Mapping[str, Any], flavour: str) -> bool:
    # INFERRED names: FullStory's raw property names for click flavours are not confirmed by a
    # first-party source (events-model.md), so any of the plausible spellings counts.
    names, click_count, count_name = _FLAG_NAMES[_CLICK_FLAVOURS.index(flavour)]
    for name in names:
        value = properties.get(name)
        if value:
            return True
    count = properties.get(click_count, properties.get(count_name))
    return isinstance(count, int) and count > 0


def event_url_path(event: Mapping[str, Any]) -> str:
    url = (event.get("source_properties") or {}).get("url") or {}
    return str(url.get("path") or "/")


def custom_event_name(event: Mapping[str, Any]) -> str:
    if event.get("event_type") != "custom":
        return ""
    return str((event.get("event_properties") or {}).get("event_name") or "")

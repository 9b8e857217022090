"""Human sentences for events, as Generate Context's ``description`` field shows them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mockserver.fullstory.world.models import Event


def event_description(event: Event) -> str:
    """The event's description: the pinned or generated text, else derived from its shape."""
    if event.description is not None:
        return event.description
    return describe_event(event.type, event.name, event.properties)


def describe_event(kind: str, name: str | None, props: Mapping[str, Any], url: str = "") -> str:
    """``kind`` is the Events-model type; ``props`` its ``event_properties``."""
    element = props.get("target")
    target = _target_phrase(element if isinstance(element, Mapping) else {})
    match kind:
        case "navigate":
            return f"Navigated to {url or 'a page'}"
        case "click":
            if props.get("is_rage_click"):
                return f"Rage clicked {target} {props.get('click_count', 'several')} times"
            if props.get("is_error_click"):
                return f"Clicked {target}, which was followed by an error"
            if props.get("is_dead_click"):
                return f"Clicked {target} but nothing happened"
            return f"Clicked {target}"
        case "change":
            return f'Changed the "{_label(element)}" field'
        case "copy":
            return f'Copied "{_text(element)}"'
        case "paste":
            return f'Pasted into the "{_label(element)}" field'
        case "highlight":
            return f'Highlighted "{_text(element)}"'
        case "mouse_thrash":
            return "Moved the mouse erratically (mouse thrash)"
        case "element_seen":
            return f"Saw {target}"
        case "request":
            request_url = props.get("request_url")
            where = request_url.get("full_url") if isinstance(request_url, Mapping) else None
            status = props.get("request_status", 0)
            verb = f"failed with HTTP {status}" if int(status) >= 400 else f"returned HTTP {status}"
            return f"{props.get('request_method', 'GET')} request to {where or 'the server'} {verb}"
        case "console_message":
            return f"Console {props.get('level', 'log')}: {props.get('message', '')}"
        case "exception":
            return f"Uncaught exception: {props.get('message', 'unknown error')}"
        case "identify":
            return f"Identified as {props.get('user_display_name') or props.get('user_id')}"
        case "load":
            return f"Page loaded in {props.get('load_time_millis', 0)} ms"
        case "page_properties":
            return f'Page named "{props.get("page_name", "")}"'
        case "custom":
            details = ", ".join(f"{k}: {v}" for k, v in props.items() if not isinstance(v, list))
            return f'Custom event "{name}"' + (f" ({details})" if details else "")
    return f"{kind} event"


def _text(element: object) -> str:
    return str(element.get("text") or "text") if isinstance(element, Mapping) else "text"


def _label(element: object) -> str:
    if isinstance(element, Mapping):
        props = element.get("element_properties")
        if isinstance(props, Mapping) and props.get("label"):
            return str(props["label"])
    return "text"


def _target_phrase(element: Mapping[str, Any]) -> str:
    text = element.get("text")
    what = _element_kind(str(element.get("raw_selector", "")))
    return f'"{text}" {what}' if text else f"a {what}"


def _element_kind(selector: str) -> str:
    last = selector.rsplit(">", 1)[-1].strip()
    tag = last.split(".", 1)[0].split("#", 1)[0]
    return {"a": "link", "button": "button", "input": "field", "img": "image"}.get(tag, "element")

"""The columns of export files and how one row is built from the world.

Column names are FullStory's documented export fields (api-facts.md section 2: ``IndvId``,
``UserId``, ``SessionId``, ``PageId``, ``EventStart``, ``EventType``, ...). Custom variables are
``user_<name>_<type>`` and ``evt_<name>_<type>``. Ids are written as decimal strings (they are
int64s; ``UserId:SessionId`` is the API's session id). Times are RFC 3339 with milliseconds in
the export's time zone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime, tzinfo
from typing import Any

from mockserver.fullstory.segments.event_kinds import click_flavour
from mockserver.fullstory.world.models import Session, User

INDIVIDUAL_COLUMNS: tuple[str, ...] = (
    "IndvId", "Uid", "DisplayName", "Email", "Created", "NumSessions", "FirstSessionStart",
    "LastSessionStart",
)  # fmt: skip
EVENT_COLUMNS: tuple[str, ...] = (
    "IndvId", "UserId", "SessionId", "PageId", "UserCreated", "UserAppKey", "UserDisplayName",
    "UserEmail", "SessionStart", "PageStart", "EventStart", "EventType", "EventSubType",
    "EventCustomName", "EventTargetText", "EventTargetSelector", "PageUrl", "PageRefererUrl",
    "PageBrowser", "PageBrowserVersion", "PageDevice", "PagePlatform", "PageUserAgent",
    "PageCountry", "PageRegion", "PageCity",
)  # fmt: skip
CUSTOM_FIELD = re.compile(
    r"(user|evt)_([A-Za-z0-9][A-Za-z0-9_]*?)_(str|int|real|bool|date|strs|ints|reals|bools|dates)"
)
ALL_USER_VARS, ALL_EVENT_VARS = "user_*", "evt_*"
_SKIPPED_EVENT_PROPS = frozenset(
    {"event_name", "event_definition_id", "additional_event_definition_ids"}
)


def format_time(at: datetime, zone: tzinfo) -> str:
    text = at.astimezone(zone).isoformat(timespec="milliseconds")
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def var_type(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "real"
    return "str"


def user_vars(user: User) -> dict[str, Any]:
    return {f"user_{name}_str": str(value) for name, value in user.properties.items()}


def event_vars(event: Mapping[str, Any]) -> dict[str, Any]:
    if event.get("event_type") != "custom":
        return {}
    props = event.get("event_properties") or {}
    return {
        f"evt_{name}_{var_type(value)}": value
        for name, value in props.items()
        if name not in _SKIPPED_EVENT_PROPS and not isinstance(value, Mapping | list)
    }


def individual_row(user: User, starts: list[datetime], zone: tzinfo) -> dict[str, Any]:
    """``starts``: the user's session starts, oldest first (never empty for an exported user)."""
    return {
        "IndvId": user.device_id,
        "Uid": user.uid,
        "DisplayName": user.display_name,
        "Email": user.email,
        "Created": format_time(starts[0], zone),
        "NumSessions": len(starts),
        "FirstSessionStart": format_time(starts[0], zone),
        "LastSessionStart": format_time(starts[-1], zone),
        **user_vars(user),
    }


class EventRowBuilder:
    """Rows of one session's rendered events (``session_events`` items)."""

    def __init__(
        self, session: Session, user_created: datetime, zone: tzinfo,
        page_starts: Mapping[str, datetime],
    ) -> None:  # fmt: skip
        user = session.user
        self.zone = zone
        self.page_starts = page_starts
        self.fixed = {
            "IndvId": user.device_id,
            "UserId": session.session_id.user_part,
            "SessionId": session.session_id.session_part,
        }
        self.user_part = {
            "UserCreated": format_time(user_created, zone),
            "UserAppKey": user.uid,
            "UserDisplayName": user.display_name,
            "UserEmail": user.email,
            "SessionStart": format_time(session.ref.created, zone),
        }
        self.location = user.location
        self.user_vars = user_vars(user)
        self.utc = zone is UTC
        self._page_start_text: dict[str, str] = {}

    def _page_start(self, view_id: str, at: datetime) -> str:
        text = self._page_start_text.get(view_id)
        if text is None:
            start = self.page_starts.get(view_id, at)
            text = self._page_start_text[view_id] = format_time(start, self.zone)
        return text

    def row(self, event: Mapping[str, Any], at: datetime) -> dict[str, Any]:
        props = event.get("event_properties") or {}
        source = event.get("source_properties") or {}
        agent = source.get("user_agent") or {}
        url = source.get("url") or {}
        location = source.get("location") or {}
        view_id = str(event.get("view_id", ""))
        raw_target = props.get("target")
        target: Mapping[str, Any] = raw_target if isinstance(raw_target, Mapping) else {}
        return {
            **self.fixed,
            "PageId": view_id,
            **self.user_part,
            "PageStart": self._page_start(view_id, at),
            # In UTC the events endpoint's own event_time is already the export's form.
            "EventStart": event["event_time"] if self.utc else format_time(at, self.zone),
            "EventType": event.get("event_type", ""),
            "EventSubType": _sub_type(event, props),
            "EventCustomName": props.get("event_name", "") if event.get("event_type") == "custom"
            else "",
            "EventTargetText": target.get("text") or props.get("target_text") or "",
            "EventTargetSelector": target.get("raw_selector") or props.get("target_selector")
            or "",
            "PageUrl": url.get("full_url", ""),
            "PageRefererUrl": _referrer(source.get("initial_referrer")),
            "PageBrowser": agent.get("browser", ""),
            "PageBrowserVersion": agent.get("browser_version", ""),
            "PageDevice": agent.get("device", ""),
            "PagePlatform": agent.get("operating_system", ""),
            "PageUserAgent": agent.get("raw_user_agent", ""),
            "PageCountry": location.get("country") or self.location.country,
            "PageRegion": location.get("region") or self.location.region,
            "PageCity": location.get("city") or self.location.city,
            **self.user_vars,
            **event_vars(event),
        }  # fmt: skip


def _sub_type(event: Mapping[str, Any], props: Mapping[str, Any]) -> str:
    if event.get("event_type") == "navigate":
        return str(props.get("navigate_reason", ""))
    return click_flavour(event)


def _referrer(value: Any) -> str:
    if isinstance(value, Mapping):  # the Events model's url object
        return str(value.get("full_url", ""))
    return str(value or "")

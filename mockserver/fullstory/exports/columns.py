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
from datetime import datetime, tzinfo
from typing import Any

import orjson

from mockserver.fullstory.world.models import User

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
_JSON_SCALARS = frozenset({str, int, float, bool})
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


def event_vars(properties: Mapping[str, Any]) -> dict[str, Any]:
    """``evt_<name>_<type>`` of a custom event's properties: its scalar properties (lists and
    objects have no export column), as the events endpoint renders them."""
    return {
        f"evt_{name}_{var_type(value)}": value
        for name, value in ((k, json_scalar(v)) for k, v in properties.items())
        if name not in _SKIPPED_EVENT_PROPS and not isinstance(value, Mapping | list | tuple)
    }


def json_scalar(value: Any) -> Any:
    """``value`` as the events endpoint's JSON carries it: scalars the way they are; anything
    else (a date a scenario file wrote, say) through one JSON round trip."""
    if value is None or value.__class__ in _JSON_SCALARS:
        return value
    return orjson.loads(orjson.dumps(value))


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


# The shared columns that change from one page of a session to the next; every other shared
# column is the session's (layout.PageValues).
PAGE_COLUMNS: tuple[str, ...] = ("PageId", "PageStart", "PageUrl")
# Columns that change from one event to the next, in file order; every other column of an event
# row is the same for all events of a page (user, session and page columns), so encoders write
# those once per page (files.py). An event's own part holds these first, in this order, then its
# custom variables (session_rows.py), which lets a default JSON row encode it whole.
EVENT_LEVEL_COLUMNS: tuple[str, ...] = (
    "EventStart", "EventType", "EventSubType", "EventCustomName", "EventTargetText",
    "EventTargetSelector",
)  # fmt: skip

"""The Create Export body, read the lenient way FullStory's gRPC-gateway front end reads it:
camelCase or snake_case keys, the seed's ``TYPE_SESSIONS`` / ``TYPE_PAGES`` spellings, singular
or plural scopes. Every problem is an :class:`ExportRequestError` naming the field."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from mockserver.core.clock import parse_rfc3339
from mockserver.fullstory.exports.columns import (
    ALL_EVENT_VARS,
    ALL_USER_VARS,
    CUSTOM_FIELD,
    EVENT_COLUMNS,
    INDIVIDUAL_COLUMNS,
)
from mockserver.fullstory.segments.membership import TimeRange

MAX_FIELDS = 200
DEFAULT_SEGMENT_DAYS = 30  # "the segment's time range defaults to the last 30 days"


class ExportType(StrEnum):
    EVENT = "TYPE_EVENT"
    INDIVIDUAL = "TYPE_INDIVIDUAL"


class ExportFormat(StrEnum):
    NDJSON = "FORMAT_NDJSON"
    CSV = "FORMAT_CSV"
    JSON = "FORMAT_JSON"

    @property
    def extension(self) -> str:
        return {"FORMAT_NDJSON": "ndjson", "FORMAT_CSV": "csv", "FORMAT_JSON": "json"}[self.value]


class Scope(StrEnum):
    EVENTS = "SCOPE_EVENTS"
    PAGES = "SCOPE_PAGES"
    SESSIONS = "SCOPE_SESSIONS"
    INDIVIDUALS = "SCOPE_INDIVIDUALS"


# type aliases: the seed's (and one doc revision's) TYPE_SESSIONS / TYPE_PAGES are event exports
# at that scope (api-facts.md section 6). A generated spec's lower-case `events` / `individuals`
# (S27) stay a 400: the spec's enum is what a contract run against the real API generates from,
# and the real API is documented with the upper-case names only (README fidelity table).
_TYPES: Mapping[str, tuple[ExportType, Scope | None]] = {
    "TYPE_EVENT": (ExportType.EVENT, None),
    "TYPE_INDIVIDUAL": (ExportType.INDIVIDUAL, None),
    "TYPE_SESSIONS": (ExportType.EVENT, Scope.SESSIONS),
    "TYPE_PAGES": (ExportType.EVENT, Scope.PAGES),
}
_SCOPES: Mapping[str, Scope] = {
    **{scope.value: scope for scope in Scope},
    "SCOPE_EVENT": Scope.EVENTS,
    "SCOPE_PAGE": Scope.PAGES,
    "SCOPE_SESSION": Scope.SESSIONS,
    "SCOPE_INDIVIDUAL": Scope.INDIVIDUALS,
}
# camelCase (the contract) -> snake_case (the prose, the segex CLI)
_ALIASES = {
    "segmentId": "segment_id",
    "timeRange": "time_range",
    "segmentTimeRange": "segment_time_range",
    "eventDetails": "event_details",
    "timezone": "time_zone",
}


class ExportRequestError(ValueError):
    def __init__(self, field: str, problem: str, *, missing: bool = False) -> None:
        super().__init__(f"{field} {problem}")
        self.field = field
        self.missing = missing


@dataclass(frozen=True, slots=True)
class ExportRequest:
    """A valid export request with its ranges resolved against the moment it was made."""

    segment_id: str
    type: ExportType
    format: ExportFormat
    time_range: TimeRange
    segment_time_range: TimeRange
    timezone: str
    scope: Scope
    fields: tuple[str, ...] = ()
    raw: Mapping[str, Any] = field(default_factory=dict)  # the body as sent, for the record

    @property
    def zone(self) -> tzinfo:
        return UTC if self.timezone == "UTC" else ZoneInfo(self.timezone)

    def to_dict(self) -> dict[str, Any]:
        return {
            "segment_id": self.segment_id,
            "type": self.type.value,
            "format": self.format.value,
            "time_range": _range_dict(self.time_range),
            "segment_time_range": _range_dict(self.segment_time_range),
            "timezone": self.timezone,
            "scope": self.scope.value,
            "fields": list(self.fields),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ExportRequest:
        return cls(
            segment_id=str(data["segment_id"]),
            type=ExportType(data["type"]),
            format=ExportFormat(data["format"]),
            time_range=_range_from(data["time_range"]),
            segment_time_range=_range_from(data["segment_time_range"]),
            timezone=_zone_name(data["timezone"], "timezone"),
            scope=Scope(data["scope"]),
            fields=tuple(str(f) for f in data["fields"]),
        )


def parse_export_request(body: Any, now: datetime, world_now: datetime) -> ExportRequest:
    """``now``: the clock (``end: ""`` means it); ``world_now``: what "the last 30 days" of a
    segment is counted back from when the body gives no ``now``."""
    if not isinstance(body, Mapping):
        raise ExportRequestError("body", "must be a JSON object")
    get = _Reader(body)
    segment_id = get.text("segmentId", required=True)
    export_type, implied_scope = get.choice("type", _TYPES, "TYPE_EVENT, TYPE_INDIVIDUAL")
    export_format = ExportFormat(
        get.choice("format", {f.value: f for f in ExportFormat}, ", ".join(ExportFormat))
    )
    pinned_now = get.time("now")
    time_range = get.time_range("timeRange", now, required=True)
    relative_now = pinned_now or world_now
    segment_range = get.time_range("segmentTimeRange", relative_now) or TimeRange(
        relative_now - timedelta(days=DEFAULT_SEGMENT_DAYS), relative_now
    )
    zone = get.text("timezone") or "UTC"
    zone = _zone_name(zone, get.name("timezone"))
    scope = implied_scope or Scope.EVENTS
    details = get.value("eventDetails")
    if details is not None:
        where = get.name("eventDetails")
        if not isinstance(details, Mapping):
            raise ExportRequestError(where, "must be an object")
        raw_scope = details.get("scope")
        if raw_scope is not None and raw_scope != "":
            if raw_scope not in _SCOPES:
                raise ExportRequestError(
                    f"{where}.scope",
                    f"must be one of {', '.join(Scope)} (singular spellings accepted), "
                    f"not {raw_scope!r}",
                )
            scope = _SCOPES[raw_scope]
    assert time_range is not None
    return ExportRequest(
        segment_id=segment_id,
        type=export_type,
        format=export_format,
        time_range=time_range,
        segment_time_range=segment_range,
        timezone=zone,
        scope=scope,
        fields=_fields(get.value("fields"), export_type),
        raw=dict(body),
    )


class _Reader:
    """Reads one field under its camelCase name or its snake_case alias (not both)."""

    def __init__(self, body: Mapping[str, Any]) -> None:
        self.body = body

    def name(self, camel: str) -> str:
        snake = _ALIASES.get(camel)
        return snake if snake is not None and snake in self.body else camel

    def value(self, camel: str) -> Any:
        snake = _ALIASES.get(camel)
        if snake is not None and camel in self.body and snake in self.body:
            raise ExportRequestError(camel, f"and {snake} are the same field; send one of them")
        return self.body.get(self.name(camel))

    def text(self, camel: str, *, required: bool = False) -> str:
        value = self.value(camel)
        if value is None or value == "":
            if required:
                raise ExportRequestError(camel, "is required", missing=True)
            return ""
        if not isinstance(value, str):
            raise ExportRequestError(self.name(camel), "must be a string")
        if len(value) > 256:
            raise ExportRequestError(self.name(camel), "is longer than 256 characters")
        return value

    def choice(self, camel: str, choices: Mapping[str, Any], listed: str) -> Any:
        value = self.text(camel, required=True)
        if value not in choices:
            raise ExportRequestError(self.name(camel), f"must be one of {listed}, not {value!r}")
        return choices[value]

    def time(self, camel: str) -> datetime | None:
        value = self.text(camel)
        return _timestamp(value, self.name(camel)) if value else None

    def time_range(self, camel: str, now: datetime, *, required: bool = False) -> TimeRange | None:
        value = self.value(camel)
        where = self.name(camel)
        if value is None:
            if required:
                raise ExportRequestError(camel, "is required", missing=True)
            return None
        if not isinstance(value, Mapping):
            raise ExportRequestError(where, "must be an object with start and end")
        start, end = (value.get(side, "") for side in ("start", "end"))
        for side, text in (("start", start), ("end", end)):
            if text is not None and not isinstance(text, str):
                raise ExportRequestError(f"{where}.{side}", 'must be an RFC 3339 string or ""')
        begin = _timestamp(start, f"{where}.start") if start else None
        finish = _timestamp(end, f"{where}.end") if end else now  # "" = up to the request
        if begin is not None and begin > finish:
            raise ExportRequestError(where, "start is after end")
        return TimeRange(begin, finish)


def _timestamp(text: str, where: str) -> datetime:
    try:
        return parse_rfc3339(text)
    except ValueError:
        raise ExportRequestError(where, f"is not an RFC 3339 timestamp: {text!r}") from None


def _zone_name(name: str, where: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ExportRequestError(where, f"is not a valid IANA time zone: {name!r}") from None
    return name


def _fields(value: Any, export_type: ExportType) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or len(value) > MAX_FIELDS:
        raise ExportRequestError("fields", f"must be a list of at most {MAX_FIELDS} names")
    known = EVENT_COLUMNS if export_type is ExportType.EVENT else INDIVIDUAL_COLUMNS
    seen: list[str] = []
    for i, name in enumerate(value):
        where = f"fields[{i}]"
        if not isinstance(name, str):
            raise ExportRequestError(where, "must be a string")
        is_event_var = name == ALL_EVENT_VARS or name.startswith("evt_")
        if is_event_var and export_type is ExportType.INDIVIDUAL:
            raise ExportRequestError(where, f"{name!r} is an event field; TYPE_INDIVIDUAL has none")
        special = name in known or name in (ALL_USER_VARS, ALL_EVENT_VARS)
        if not special and not CUSTOM_FIELD.fullmatch(name):
            raise ExportRequestError(where, f"is not a known export field: {name!r}")
        if name not in seen:
            seen.append(name)
    return tuple(seen)


def _range_dict(time_range: TimeRange) -> dict[str, str | None]:
    return {
        "start": time_range.start.isoformat() if time_range.start else None,
        "end": time_range.end.isoformat() if time_range.end else None,
    }


def _range_from(data: Mapping[str, Any]) -> TimeRange:
    start, end = data.get("start"), data.get("end")
    return TimeRange(
        datetime.fromisoformat(start) if start else None,
        datetime.fromisoformat(end) if end else None,
    )

"""A segment's definition: a small predicate over users, their sessions and their events.

A rule is JSON (the admin API and scenario files write it), every condition optional and all of
them required together (an empty rule is "everyone"):

* ``country``: the user's country (case-insensitive);
* ``user_properties``: ``{name: value}`` the user's properties must all have;
* ``device``: ``Desktop``, ``Mobile`` or ``Tablet``, the device of a qualifying session;
* ``event``: an event kind (:mod:`~mockserver.fullstory.segments.event_kinds`), e.g.
  ``rage_click`` or ``network_error``;
* ``page_path``: the URL path (a prefix, e.g. ``/checkout``) the qualifying event happened on;
* ``custom_event``: the name of a custom (API) event, e.g. ``Order Completed``.

The event conditions hold for one and the same event: ``{"event": "click", "page_path":
"/checkout"}`` is "clicked on a checkout page".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from mockserver.fullstory.segments.event_kinds import (
    KNOWN_KINDS,
    custom_event_name,
    event_kinds,
    event_url_path,
)
from mockserver.fullstory.world.models import DEVICE_KINDS, User

MAX_TEXT = 256
_KEYS = ("country", "user_properties", "device", "event", "page_path", "custom_event")


class RuleError(ValueError):
    """A rule that cannot be read; ``field`` is where (``rule.event``)."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


@dataclass(frozen=True, slots=True)
class Rule:
    """A segment's membership rule: every condition given must hold for a user to be a
    member."""

    country: str | None = None
    user_properties: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    device: str | None = None
    event: str | None = None
    page_path: str | None = None
    custom_event: str | None = None

    @property
    def has_event_criteria(self) -> bool:
        return any(v is not None for v in (self.event, self.page_path, self.custom_event))

    def matches_user(self, user: User) -> bool:
        if self.country is not None and user.location.country.lower() != self.country.lower():
            return False
        return all(user.properties.get(k) == v for k, v in self.user_properties.items())

    def matches_device(self, device_kind: str) -> bool:
        return self.device is None or device_kind.lower() == self.device.lower()

    def matches_event(self, event: Mapping[str, Any]) -> bool:
        """Whether one rendered event (``session_events`` item) meets the event conditions."""
        if self.event is not None and self.event not in event_kinds(event):
            return False
        if self.page_path is not None and not event_url_path(event).startswith(self.page_path):
            return False
        return self.custom_event is None or custom_event_name(event) == self.custom_event

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for key in _KEYS:
            value = getattr(self, key)
            if key == "user_properties":
                if value:
                    data[key] = dict(value)
            elif value is not None:
                data[key] = value
        return data

    @classmethod
    def from_dict(cls, data: Any, where: str = "rule") -> Rule:
        if not isinstance(data, Mapping):
            raise RuleError(where, "must be an object")
        unknown = sorted(str(k) for k in data if k not in _KEYS)
        if unknown:
            raise RuleError(where, f"unknown condition(s) {unknown}; known: {list(_KEYS)}")
        texts = {k: _text(data[k], f"{where}.{k}") for k in (*_KEYS[2:], "country") if k in data}
        device = texts.get("device")
        if device is not None and device.capitalize() not in DEVICE_KINDS:
            raise RuleError(f"{where}.device", f"must be one of {list(DEVICE_KINDS)}")
        event = texts.get("event")
        if event is not None:
            event = event.replace("-", "_")
            if event not in KNOWN_KINDS:
                raise RuleError(f"{where}.event", f"unknown event kind {event!r}")
        page_path = texts.get("page_path")
        if page_path is not None and not page_path.startswith("/"):
            raise RuleError(f"{where}.page_path", "must start with /")
        return cls(
            country=texts.get("country"),
            user_properties=MappingProxyType(
                _properties(data.get("user_properties"), f"{where}.user_properties")
            ),
            device=device.capitalize() if device is not None else None,
            event=event,
            page_path=page_path,
            custom_event=texts.get("custom_event"),
        )


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_TEXT:
        raise RuleError(where, f"must be a non-empty string of at most {MAX_TEXT} characters")
    return value.strip()


def _properties(value: Any, where: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping) or len(value) > 32:
        raise RuleError(where, "must be an object of at most 32 name: value pairs")
    return {_text(k, where): _text(v, f"{where}.{k}") for k, v in value.items()}

"""A segment: its id, name, creator, creation time and rule, and how it is defined in a scenario
file or through the admin API."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mockserver.core.clock import format_rfc3339, parse_rfc3339
from mockserver.fullstory.segments.rules import MAX_TEXT, Rule, RuleError

# Custom ids look like "12345abcdefg" or "patrick@fullstory.com:4241245858598272" (api-facts 2).
SEGMENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:@-]{0,127}")
DEFAULT_CREATOR = "mockserver@example.com"
_DEFINITION_KEYS = ("id", "name", "creator", "created", "rule")


@dataclass(frozen=True, slots=True)
class Segment:
    """A segment: its id, name and membership rule, who made it and when (None for built-
    ins)."""

    id: str
    name: str
    rule: Rule
    creator: str | None = None  # None for built-ins
    created: datetime | None = None  # None for built-ins
    # The API's spelling of ``created``, formatted once: a listing answers every segment and
    # strftime was a quarter of its cost.
    created_text: str | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        created = format_rfc3339(self.created) if self.created is not None else None
        object.__setattr__(self, "created_text", created)

    def to_api(self, app_host: str, org_id: str) -> dict[str, Any]:
        item: dict[str, Any] = {"id": self.id, "name": self.name}
        if self.creator is not None:
            item["creator"] = self.creator
        if self.created_text is not None:
            item["created"] = self.created_text
        item["url"] = f"{app_host}/ui/{org_id}/segments/{self.id}"
        return item

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "creator": self.creator,
            "created": self.created.isoformat() if self.created else None,
            "rule": self.rule.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Segment:
        created = data.get("created")
        return cls(
            id=str(data["id"]),
            name=str(data["name"]),
            rule=Rule.from_dict(data["rule"]),
            creator=str(data["creator"]) if data.get("creator") is not None else None,
            created=parse_rfc3339(created) if created else None,
        )


def parse_definition(
    data: Any, where: str, *, default_id: str | None, default_created: datetime
) -> Segment:
    """A custom segment from ``{id, name, creator?, created?, rule?}``; RuleError names the
    field. ``default_id`` is used when ``id`` is absent (None: the id is required)."""
    if not isinstance(data, Mapping):
        raise RuleError(where, "must be an object")
    unknown = sorted(str(k) for k in data if k not in _DEFINITION_KEYS)
    if unknown:
        raise RuleError(where, f"unknown key(s) {unknown}; allowed: {list(_DEFINITION_KEYS)}")
    segment_id = data.get("id", default_id)
    if not isinstance(segment_id, str) or not SEGMENT_ID.fullmatch(segment_id):
        raise RuleError(f"{where}.id", "must be 1-128 letters, digits or _ . : @ - characters")
    name = data.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_TEXT:
        raise RuleError(f"{where}.name", f"must be a non-empty string of at most {MAX_TEXT}")
    creator = data.get("creator", DEFAULT_CREATOR)
    if not isinstance(creator, str) or "@" not in creator or len(creator) > 320:
        raise RuleError(f"{where}.creator", "must be an email address")
    created = data.get("created")
    if isinstance(created, datetime):  # YAML reads unquoted timestamps as datetimes
        if created.tzinfo is None:
            raise RuleError(f"{where}.created", "needs a time zone (e.g. a trailing Z)")
        at = created
    elif created is None:
        at = default_created
    else:
        try:
            at = parse_rfc3339(str(created))
        except ValueError:
            raise RuleError(f"{where}.created", "must be an RFC 3339 timestamp") from None
    rule = Rule.from_dict(data.get("rule", {}), f"{where}.rule")
    return Segment(segment_id, name.strip(), rule, creator, at)

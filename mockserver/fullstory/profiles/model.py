"""A summary profile and its wire forms.

* v2 (``/v2/visit_profile``): requests are flat (``name``, ``slice``, ``context``, ``events``,
  ``cache``, ``llm``); reads nest the first four under ``configuration``; int64 fields such as
  ``duration_limit_ms`` are JSON strings. Unknown extra fields (fs-lexicon sends
  ``profile_id``) are ignored.
* beta (seed 000, ``/v2beta/visit_profile``): a client-defined ``id``, a ``configuration`` of
  ``exclude_event_types`` / ``include_event_types`` / ``screenshot_event_types``, flat prompts,
  ``model`` and ``temperature``. It is stored as the same profile (the type lists become
  ``events.exclude_types`` / ``include_types``), so both forms read and summarize alike.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mockserver.fullstory.context import ContextRequest, ContextRequestError
from mockserver.fullstory.summaries.options import LlmOptions, LlmOptionsError

MAX_NAME = 256
MAX_TYPES = 100
BETA_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._~-]{0,127}")
# The keys of each configuration section (the contract's); others are dropped on the way in.
SECTION_KEYS: Mapping[str, tuple[str, ...]] = {
    "slice": ("mode", "event_limit", "duration_limit_ms", "start_timestamp", "end_timestamp"),
    "context": (
        "include",
        "exclude",
        "exclude_org_context",
        "exclude_user_context",
        "exclude_location",
        "exclude_device",
        "exclude_descriptions",
    ),
    "events": (
        "exclude_types",
        "include_types",
        "exclude_defined_events",
        "exclude_api_events",
        "exclude_event_timestamps",
        "exclude_selectors",
        "include_selector_tags",
        "trim_to_last_n_selectors",
        "include_tab_index",
        "include_descriptions",
    ),
    "cache": ("enable_event_cache",),
}


class ProfileError(ValueError):
    """A profile body the schema let through but that cannot be stored; names the field."""

    def __init__(self, message: str, *, required: bool = False) -> None:
        super().__init__(message)
        self.required = required


@dataclass(frozen=True, slots=True)
class Profile:
    """A summary profile as stored: its id, creation order, name, prompt sections, LLM
    options and (beta) screenshot event types."""

    id: str
    seq: int  # creation order: listing order, and what page tokens point after
    name: str = ""
    sections: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    llm: LlmOptions = field(default_factory=LlmOptions)
    screenshot_event_types: tuple[str, ...] = ()  # beta only: kept and echoed

    def flat(self) -> dict[str, Any]:
        """The profile as a flat body (what overrides merge onto)."""
        body: dict[str, Any] = {name: dict(self.sections.get(name) or {}) for name in SECTION_KEYS}
        body["llm"] = self.llm.to_body()
        return body

    def v2(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "configuration": {name: dict(self.sections.get(name) or {}) for name in SECTION_KEYS},
            "llm": self.llm.to_body(),
        }

    def beta(self) -> dict[str, Any]:
        events = self.sections.get("events") or {}
        out: dict[str, Any] = {
            "id": self.id,
            "configuration": {
                "exclude_event_types": list(events.get("exclude_types") or []),
                "include_event_types": list(events.get("include_types") or []),
                "screenshot_event_types": list(self.screenshot_event_types),
            },
        }
        llm = self.llm.to_body()
        for key in ("pre_prompt", "post_prompt", "response_schema", "model", "temperature"):
            if key in llm:
                out[key] = llm[key]
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "seq": self.seq,
            "name": self.name,
            "sections": {k: dict(v) for k, v in self.sections.items()},
            "llm": self.llm.to_body(),
            "screenshot_event_types": list(self.screenshot_event_types),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Profile:
        """A profile from :meth:`to_dict` (a snapshot): checked like a request body."""
        seq = data["seq"]
        if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
            raise ValueError("profile seq must be a positive integer")
        body = {**data["sections"], "name": data.get("name", ""), "llm": data.get("llm")}
        try:
            parsed = from_v2(body, str(data["id"]), seq)
            shots = _types(data.get("screenshot_event_types"), "screenshot_event_types")
        except ProfileError as exc:
            raise ValueError(f"profile {data.get('id')!r}: {exc}") from None
        return Profile(parsed.id, seq, parsed.name, parsed.sections, parsed.llm, shots)


def from_v2(body: Mapping[str, Any], profile_id: str, seq: int) -> Profile:
    """A profile from a v2 create/update body (already schema-checked)."""
    name = body.get("name") or ""
    if not isinstance(name, str) or len(name) > MAX_NAME:
        raise ProfileError(f"name must be text of at most {MAX_NAME} characters")
    sections = _sections(body)
    try:
        llm = LlmOptions.from_body(_object(body.get("llm"), "llm"))
    except LlmOptionsError as exc:
        raise ProfileError(str(exc)) from None
    return Profile(profile_id, seq, name, sections, llm)


def from_beta(body: Mapping[str, Any], seq: int) -> Profile:
    """A profile from a beta create body (seed 000)."""
    profile_id = body.get("id")
    if profile_id is None or profile_id == "":
        raise ProfileError("id is required", required=True)
    if not isinstance(profile_id, str) or not BETA_ID.fullmatch(profile_id):
        raise ProfileError(
            "id must be 1 to 128 letters, digits, '.', '_', '~' or '-', starting with a letter "
            "or digit"
        )
    config = _object(body.get("configuration"), "configuration")
    events: dict[str, Any] = {}
    for source, target in (
        ("include_event_types", "include_types"),
        ("exclude_event_types", "exclude_types"),
    ):
        values = _types(config.get(source), f"configuration.{source}")
        if values:
            events[target] = list(values)
    shots = _types(config.get("screenshot_event_types"), "configuration.screenshot_event_types")
    llm_body = {
        k: body[k]
        for k in ("pre_prompt", "post_prompt", "response_schema", "model", "temperature")
        if body.get(k) is not None
    }
    try:
        llm = LlmOptions.from_body(llm_body, where="")
    except LlmOptionsError as exc:
        raise ProfileError(str(exc).lstrip(".")) from None
    sections = _sections({"events": events})
    return Profile(profile_id, seq, "", sections, llm, shots)


def _sections(body: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The four configuration sections, checked by the Generate Context parser and normalised:
    known keys only, no nulls, int64 as a JSON string."""
    try:
        ContextRequest.from_body({k: body.get(k) for k in SECTION_KEYS})
    except ContextRequestError as exc:
        raise ProfileError(str(exc)) from None
    sections: dict[str, dict[str, Any]] = {}
    for name, keys in SECTION_KEYS.items():
        given = _object(body.get(name), name)
        kept = {key: given[key] for key in keys if given.get(key) is not None}
        for key in ("include_types", "exclude_types"):
            if key in kept and len(kept[key]) > MAX_TYPES:
                raise ProfileError(f"{name}.{key} may list at most {MAX_TYPES} types")
        if "duration_limit_ms" in kept:
            kept["duration_limit_ms"] = str(int(kept["duration_limit_ms"]))
        sections[name] = kept
    return sections


def _object(value: Any, where: str) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ProfileError(f"{where} must be an object")
    return value


def _types(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ProfileError(f"{where} must be a list of event type names (no nulls)")
    if len(value) > MAX_TYPES:
        raise ProfileError(f"{where} may list at most {MAX_TYPES} types")
    return tuple(value)

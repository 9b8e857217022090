"""A project's contact-profile schema: the built-in fields and the custom ones a project adds
(``PUT /new/v2.0/profiles/schema/{projectId}``), each typed string, number, boolean or object.
Every profile written in the project is checked against it."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from mockserver.http.errors import InvalidArgument

FIELD_TYPES = ("string", "number", "boolean", "object")
MAX_CUSTOM_FIELDS = 100
INTERNAL_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")

# (internal name, display name, type): the client's IProfileSchema_2_0 plus ``tasks`` and
# ``memories``, which the current docs' profile carries (older docs call them goals).
BUILT_IN: tuple[tuple[str, str, str], ...] = (
    ("firstname", "First Name", "string"),
    ("lastname", "Last Name", "string"),
    ("email", "E-Mail", "string"),
    ("age", "Age", "number"),
    ("birthday", "Birthday", "string"),
    ("gender", "Gender", "string"),
    ("location", "Location", "string"),
    ("profilepic", "Profile Picture", "string"),
    ("prevent_data_collection", "Prevent Data Collection", "boolean"),
    ("accepted_gdpr", "Accepted GDPR", "boolean"),
    ("privacy_policy", "Privacy Policy", "object"),
    ("goals", "Goals", "object"),
    ("tasks", "Tasks", "object"),
    ("memories", "Memories", "object"),
)
BUILT_IN_TYPES: Mapping[str, str] = MappingProxyType({name: kind for name, _, kind in BUILT_IN})


@dataclass(frozen=True, slots=True)
class Field:
    """One field of a project's profile schema: its display name, its key in ``profile`` and
    its type."""

    field: str  # display name
    internal: str  # the key in ``profile``
    type: str

    def to_dict(self) -> dict[str, str]:
        return {"field": self.field, "internal": self.internal, "type": self.type}


def parse_details(details: Any) -> tuple[Field, ...]:
    """The custom fields of a PUT body's ``details`` (built-in entries may be sent back as
    read, with their own type; they are not stored)."""
    if not isinstance(details, list):
        raise InvalidArgument("details must be a list of {field, internal, type}")
    custom: dict[str, Field] = {}
    for entry in details:
        if not isinstance(entry, Mapping):
            raise InvalidArgument("each schema entry must be an object")
        internal, kind = entry.get("internal"), entry.get("type")
        display = entry.get("field", internal)
        if not isinstance(internal, str) or not INTERNAL_NAME.fullmatch(internal):
            raise InvalidArgument(
                f"schema entry internal name {internal!r} must be 1-64 letters, digits or _ "
                "(not starting with a digit)"
            )
        if kind not in FIELD_TYPES:
            raise InvalidArgument(
                f"schema entry {internal}: type must be one of {', '.join(FIELD_TYPES)}"
            )
        if not isinstance(display, str) or not 0 < len(display) <= 256:
            raise InvalidArgument(f"schema entry {internal}: field must be 1-256 characters")
        built_in = BUILT_IN_TYPES.get(internal)
        if built_in is not None:
            if kind != built_in:
                raise InvalidArgument(
                    f"{internal} is a built-in {built_in} field; its type cannot change"
                )
            continue
        if internal in custom:
            raise InvalidArgument(f"schema entry {internal} is listed twice")
        custom[internal] = Field(display, internal, str(kind))
    if len(custom) > MAX_CUSTOM_FIELDS:
        raise InvalidArgument(f"a project may have at most {MAX_CUSTOM_FIELDS} custom fields")
    return tuple(custom.values())


def describe(custom: Sequence[Field]) -> dict[str, Any]:
    """The GET answer: ``schema`` (internal name → type) and ``details`` (every field)."""
    fields = [Field(display, name, kind) for name, display, kind in BUILT_IN] + list(custom)
    return {
        "schema": {f.internal: f.type for f in fields},
        "details": [f.to_dict() for f in fields],
    }


def check_profile(profile: Mapping[str, Any], custom: Sequence[Field]) -> None:
    """Every field of ``profile`` must be in the project's schema, with a value of its type."""
    types = {**BUILT_IN_TYPES, **{f.internal: f.type for f in custom}}
    for name, value in profile.items():
        kind = types.get(name)
        if kind is None:
            raise InvalidArgument(
                f"profile field {name!r} is not in the project's profile schema; add it with "
                "PUT /new/v2.0/profiles/schema/{projectId}"
            )
        if not _is(kind, value):
            raise InvalidArgument(f"profile field {name!r} must be a {kind}")


def _is(kind: str, value: Any) -> bool:
    if kind == "string":
        return isinstance(value, str)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, dict | list)  # "object": JSON objects and arrays

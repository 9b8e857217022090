"""Tool parameters: how each is declared in discovery and how a call's values are checked.

A :class:`Param` is both halves at once, so discovery and validation can never disagree. The
rules are the seed's (``seeds/002_*.txt``, condensed in api-facts.md section 5): session ids as
``userId:sessionNumber``, limits with their ranges and defaults, temperatures 0.0 to 1.0, "uid or
email" (and for visit profile "not both"). A failed check raises :class:`ParameterError` whose
text names the parameter; the service answers it as 400 ``{"detail": ...}``, as the Opal SDK
does for a parameter model that does not validate.

Types are JSON Schema's, as ``openapi/opal.yaml`` states them: an integer is ``5`` or ``5.0``,
never ``"5"`` or ``true`` (the SDK's pydantic models would coerce ``"5"``; a deliberate,
documented difference). Parameters a tool does not declare are ignored, as pydantic ignores
extra fields.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

# FullStory session ids: DeviceID:SessionID, both int64 decimals (api-facts section 3). The
# seed's wording is "userId:sessionNumber"; the client-id form uuid:uuid is accepted too.
_INT64 = r"[0-9]{1,19}"
_UUID = r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}"
SESSION_ID = re.compile(rf"({_INT64}):({_INT64})|{_UUID}:{_UUID}")
MAX_TEXT = 10_000  # longest string a tool accepts (prompts included): every input is bounded


class ParameterError(ValueError):
    """A parameter the tool cannot take; the message names it."""


@dataclass(frozen=True, slots=True)
class Param:
    """One parameter: its discovery entry (name, type, description, required, schema) and its
    checks (range, pattern, enum, nested fields)."""

    name: str
    type: str  # string | integer | number | boolean | array | object
    description: str
    required: bool = False
    default: Any = None
    minimum: float | None = None
    maximum: float | None = None
    pattern: re.Pattern[str] | None = None
    pattern_hint: str = ""
    enum: tuple[str, ...] = ()
    fields: tuple[Param, ...] = ()  # an object's properties
    # The nested schema discovery shows for an object parameter (as the SDK emits it for a
    # pydantic-model field); None for scalars.
    schema: Mapping[str, Any] | None = None
    max_length: int = MAX_TEXT
    min_length: int = 0

    def discovery(self) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "name": self.name,
            "type": self.type,
            "description": self.description,
            "required": self.required,
            "in_context": False,
        }
        if self.schema is not None:
            entry["schema"] = dict(self.schema)
        return entry

    def check_in(self, values: Mapping[str, Any], where: str = "") -> Any:
        """This parameter's value in ``values``. An optional parameter sent as ``null`` is not
        given (its default applies): a connector built with the Opal tools SDK declares it as
        an ``Optional`` pydantic field, whose handler sees ``None`` alike for null and absent
        (tests/opal/test_sdk_oracle.py). A required one sent as ``null`` is refused, as
        pydantic refuses it; openapi/opal.yaml types optional parameters ``[type, "null"]``."""
        value = values.get(self.name)
        if value is None and self.required and self.name in values:
            raise ParameterError(f"{where}{self.name} must be {_NAMED[self.type]}, not null")
        return self.check(value, where)

    def check(self, value: Any, where: str = "") -> Any:
        """The value as the tool uses it (cast, within range), or ParameterError. ``where``
        names the object the parameter is in; the label is written only for an error."""
        if value is None:
            if self.required:
                raise ParameterError(f"{where}{self.name} is required")
            return self.default
        checked = _CHECKS[self.type](self, value, where)
        if self.enum and checked not in self.enum:
            raise ParameterError(
                f"{where}{self.name} must be one of {', '.join(self.enum)}, not {value!r}"
            )
        return checked


# Each check takes the parameter, the value and where the parameter is (see Param.check).


def _string(param: Param, value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise ParameterError(f"{where}{param.name} must be a string, not {_kind(value)}")
    if (not value.strip() and param.required) or len(value) < param.min_length:
        raise ParameterError(f"{where}{param.name} must not be empty")
    if len(value) > param.max_length:
        raise ParameterError(f"{where}{param.name} is longer than {param.max_length} characters")
    if param.pattern is not None and not param.pattern.fullmatch(value):
        raise ParameterError(f"{where}{param.name} must be {param.pattern_hint}, not {value!r}")
    return value


def _integer(param: Param, value: Any, where: str) -> int:
    # JSON Schema's integer: 5 and 5.0, never true or "5".
    if isinstance(value, bool) or not (
        isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    ):
        raise ParameterError(f"{where}{param.name} must be an integer, not {value!r}")
    number = int(value)
    _in_range(param, number, where)
    return number


def _number(param: Param, value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ParameterError(f"{where}{param.name} must be a number, not {value!r}")
    number = float(value)
    _in_range(param, number, where)
    return number


def _object(param: Param, value: Any, where: str) -> dict[str, Any]:
    label = f"{where}{param.name}"
    if not isinstance(value, Mapping):
        raise ParameterError(f"{label} must be an object, not {_kind(value)}")
    return {f.name: f.check_in(value, where=f"{label}.") for f in param.fields}


def _boolean(param: Param, value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise ParameterError(f"{where}{param.name} must be true or false, not {value!r}")
    return value


def _array(param: Param, value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise ParameterError(f"{where}{param.name} must be an array, not {_kind(value)}")
    return value


_NAMED = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "object": "an object",
    "boolean": "true or false",
    "array": "an array",
}

_CHECKS = {
    "string": _string,
    "integer": _integer,
    "number": _number,
    "object": _object,
    "boolean": _boolean,
    "array": _array,
}


def _in_range(param: Param, number: float, where: str) -> None:
    low, high = param.minimum, param.maximum
    if (low is not None and number < low) or (high is not None and number > high):
        shown = "{:.0f}" if param.type == "integer" else "{:.1f}"
        bounds = " and ".join(shown.format(b) for b in (low, high) if b is not None)
        raise ParameterError(f"{where}{param.name} must be between {bounds}, not {number:g}")


def _kind(value: Any) -> str:
    return {
        bool: "a boolean",
        int: "a number",
        float: "a number",
        str: "a string",
        list: "an array",
        dict: "an object",
    }.get(type(value), "null" if value is None else type(value).__name__)


@dataclass(frozen=True, slots=True)
class Rules:
    """What one parameter cannot say alone: "one of these is required", "not together"."""

    one_of_required: tuple[str, ...] = ()
    exclusive: bool = False  # the one_of_required names may not come together


@dataclass(frozen=True, slots=True)
class Signature:
    """A tool's parameters and the rules across them."""

    params: tuple[Param, ...]
    rules: Rules = field(default_factory=Rules)

    def validate(self, raw: Any) -> dict[str, Any]:
        if type(raw) is not dict and not isinstance(raw, Mapping):  # a dict: no ABC check
            raise ParameterError(f"parameters must be an object, not {_kind(raw)}")
        values: dict[str, Any] = {}
        get = raw.get
        for param in self.params:
            # What check_in returns, with fewer calls: a value given is checked; an optional
            # parameter absent or null takes its default (most calls leave most out); only a
            # required one missing or null goes through check_in (for its error).
            value = get(param.name)
            if value is not None:
                values[param.name] = param.check(value)
            elif param.required:
                values[param.name] = param.check_in(raw)
            else:
                values[param.name] = param.default
        named = [name for name in self.rules.one_of_required if values.get(name) is not None]
        if self.rules.one_of_required and not named:
            raise ParameterError(f"one of {' or '.join(self.rules.one_of_required)} is required")
        if self.rules.exclusive and len(named) > 1:
            raise ParameterError(f"give {' or '.join(named)}, not both")
        return values

    def discovery(self) -> list[dict[str, Any]]:
        return [p.discovery() for p in self.params]


def comma_list(value: str | Sequence[str] | None) -> list[str] | None:
    """The seed's ``fields`` ("a comma-separated list") as the list the export API takes."""
    if value is None:
        return None
    parts = value.split(",") if isinstance(value, str) else list(value)
    return [part.strip() for part in parts if part.strip()]

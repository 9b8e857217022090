"""FullStory's ``response_schema`` dialect: OpenAPI-like, with upper-case types.

The contract (``llm.response_schema``) allows exactly these keys: ``type`` (``OBJECT``,
``STRING``, ``NUMBER``, ``INTEGER``, ``BOOLEAN``, ``ARRAY``, or the zero value
``OPENAPI_TYPE_UNSPECIFIED``), ``title``, ``description``, ``items``, ``properties``,
``required``, ``nullable``, ``enum`` and ``format``; ``$schema`` / ``$id`` are "not supported".
:func:`check_schema` refuses anything else with a message naming the offending path, and
:func:`to_json_schema` translates an accepted schema into JSON Schema, so an answer can be
validated against the schema the client sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

TYPES: tuple[str, ...] = (
    "OPENAPI_TYPE_UNSPECIFIED",
    "STRING",
    "NUMBER",
    "INTEGER",
    "BOOLEAN",
    "ARRAY",
    "OBJECT",
)
KEYS: frozenset[str] = frozenset(
    {
        "type",
        "title",
        "description",
        "items",
        "properties",
        "required",
        "nullable",
        "enum",
        "format",
    }
)
# Bounds: a profile is stored, and everything a client can make the server store has a bound.
MAX_DEPTH = 8
MAX_NODES = 400
MAX_TEXT = 2000

_JSON_TYPES = {
    "STRING": "string",
    "NUMBER": "number",
    "INTEGER": "integer",
    "BOOLEAN": "boolean",
    "ARRAY": "array",
    "OBJECT": "object",
}


class DialectError(ValueError):
    """The schema is not in FullStory's dialect; the message names the path."""


def check_schema(schema: Any, where: str = "response_schema") -> None:
    """Raise :class:`DialectError` unless ``schema`` is a schema in FullStory's dialect."""
    counter = [0]
    _check(schema, where, 0, counter)


def _check(node: Any, where: str, depth: int, counter: list[int]) -> None:
    if not isinstance(node, Mapping):
        raise DialectError(f"{where} must be an object")
    counter[0] += 1
    if counter[0] > MAX_NODES:
        raise DialectError(f"{where}: a response_schema may have at most {MAX_NODES} nodes")
    if depth > MAX_DEPTH:
        raise DialectError(f"{where}: a response_schema may nest at most {MAX_DEPTH} levels")
    unknown = sorted(set(node) - KEYS)
    if unknown:
        raise DialectError(
            f"{where}.{unknown[0]} is not supported in a response_schema "
            f"(use {', '.join(sorted(KEYS))})"
        )
    kind = node.get("type", "OPENAPI_TYPE_UNSPECIFIED")
    if kind not in TYPES:
        hint = f" (types are upper case: {str(kind).upper()})" if str(kind).upper() in TYPES else ""
        raise DialectError(f"{where}.type must be one of {', '.join(TYPES)}, not {kind!r}{hint}")
    for text_key in ("title", "description", "format"):
        value = node.get(text_key)
        if value is not None and (not isinstance(value, str) or len(value) > MAX_TEXT):
            raise DialectError(f"{where}.{text_key} must be text of at most {MAX_TEXT} characters")
    if "nullable" in node and not isinstance(node["nullable"], bool):
        raise DialectError(f"{where}.nullable must be a boolean")
    _check_enum(node, where, kind)
    if "items" in node:
        if kind != "ARRAY":
            raise DialectError(f"{where}.items is only allowed on type ARRAY")
        _check(node["items"], f"{where}.items", depth + 1, counter)
    properties = node.get("properties")
    if properties is not None:
        if kind != "OBJECT":
            raise DialectError(f"{where}.properties is only allowed on type OBJECT")
        if not isinstance(properties, Mapping):
            raise DialectError(f"{where}.properties must be an object")
        for name, child in properties.items():
            _check(child, f"{where}.properties.{name}", depth + 1, counter)
    _check_required(node, where, kind, properties or {})


def _check_enum(node: Mapping[str, Any], where: str, kind: str) -> None:
    if "enum" not in node:
        return
    values = node["enum"]
    if kind != "STRING":
        raise DialectError(f"{where}.enum is only allowed on type STRING")
    if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
        raise DialectError(f"{where}.enum must be a non-empty list of strings")
    if len(values) != len(set(values)):
        raise DialectError(f"{where}.enum must not repeat a value")


def _check_required(
    node: Mapping[str, Any], where: str, kind: str, properties: Mapping[str, Any]
) -> None:
    if "required" not in node:
        return
    required = node["required"]
    if kind != "OBJECT":
        raise DialectError(f"{where}.required is only allowed on type OBJECT")
    if not isinstance(required, list) or not all(isinstance(v, str) for v in required):
        raise DialectError(f"{where}.required must be a list of property names")
    missing = [name for name in required if name not in properties]
    if missing:
        raise DialectError(f"{where}.required names {missing[0]!r}, which is not in properties")


def to_json_schema(schema: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON Schema an answer to ``schema`` must satisfy (``schema`` already checked).

    INFERRED: an OBJECT's properties are all the answer may hold (Gemini's structured output
    never adds keys), so ``additionalProperties`` is false.
    """
    out: dict[str, Any] = {}
    kind = schema.get("type", "OPENAPI_TYPE_UNSPECIFIED")
    if kind in _JSON_TYPES:
        json_type = _JSON_TYPES[kind]
        out["type"] = [json_type, "null"] if schema.get("nullable") else json_type
    if "enum" in schema:
        out["enum"] = [*schema["enum"], *([None] if schema.get("nullable") else [])]
    if "items" in schema:
        out["items"] = to_json_schema(schema["items"])
    if kind == "OBJECT":
        props = schema.get("properties") or {}
        out["properties"] = {name: to_json_schema(child) for name, child in props.items()}
        out["additionalProperties"] = False
        if schema.get("required"):
            out["required"] = list(schema["required"])
    return out

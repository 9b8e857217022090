"""Validation errors that say what was expected, not only what was wrong.

jsonschema's own messages name the failure ("... is not valid under any of the schemas listed in
the 'oneOf' keyword", "Additional properties are not allowed ('me' was unexpected)") but not the
fix. For the cases where the fix is not obvious from the message, this adds it from the schema
itself: the fields a ``oneOf`` alternative expects (the one whose ``const`` discriminator the
body chose, or all of them), the properties an object allows, and the description of a field
whose ``pattern`` failed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import orjson


def explain(root: Mapping[str, Any], error: Any) -> str:
    """``error``'s message (a jsonschema_rs ValidationError), with what was expected added."""
    where = "/".join(str(part) for part in error.instance_path)
    message = _expected(root, error) or str(error.message)
    return f"{where}: {message}" if where else message


def _expected(root: Mapping[str, Any], error: Any) -> str | None:
    kind = type(error.kind).__name__
    path = list(error.schema_path)
    if kind == "OneOfNotValid":
        alternatives = _at(root, path)
        if isinstance(alternatives, Sequence):
            return _one_of(error.instance, alternatives, error.kind.context)
    if kind == "AdditionalProperties":
        schema = _at(root, path[:-1])
        if isinstance(schema, Mapping) and isinstance(schema.get("properties"), Mapping):
            allowed = ", ".join(schema["properties"])
            return f"{error.message}; expected only: {allowed}"
    if kind == "Pattern":
        # A regular expression is a poor explanation; the field's description says it in words.
        schema = _at(root, path[:-1])
        if isinstance(schema, Mapping) and isinstance(schema.get("description"), str):
            return f"{error.message}; expected: {schema['description']}"
    return None


def _one_of(instance: Any, alternatives: Sequence[Any], context: Sequence[Any]) -> str:
    chosen = [
        (index, alternative)
        for index, alternative in enumerate(alternatives)
        if isinstance(alternative, Mapping) and _discriminated(instance, alternative)
    ]
    if len(chosen) == 1:
        index, alternative = chosen[0]
        problems = "; ".join(str(e.message) for e in context[index]) if index < len(context) else ""
        return f"{problems} (expected {_shape(alternative)})"
    candidates = [a for _, a in chosen] or [a for a in alternatives if isinstance(a, Mapping)]
    shapes = " or ".join(_shape(a) for a in candidates)
    return f"{_dumps(instance)} matches none of the allowed forms: expected {shapes}"


def _discriminated(instance: Any, alternative: Mapping[str, Any]) -> bool:
    """The body names this alternative: every ``const`` property it has matches."""
    consts = {
        name: schema["const"]
        for name, schema in (alternative.get("properties") or {}).items()
        if isinstance(schema, Mapping) and "const" in schema
    }
    return (
        bool(consts)
        and isinstance(instance, Mapping)
        and all(name in instance and instance[name] == value for name, value in consts.items())
    )


def _shape(alternative: Mapping[str, Any]) -> str:
    """``{"type": "latency", ms}``: consts with their value, required names, optional ones
    with ``?``."""
    required = set(alternative.get("required") or ())
    parts = []
    for name, schema in (alternative.get("properties") or {}).items():
        if isinstance(schema, Mapping) and "const" in schema:
            parts.append(f"{_dumps(name)}: {_dumps(schema['const'])}")
        else:
            parts.append(name if name in required else f"{name}?")
    return "{" + ", ".join(parts) + "}"


def _at(root: Any, path: Sequence[Any]) -> Any:
    node = root
    for part in path:
        in_mapping = isinstance(node, Mapping) and part in node
        in_sequence = isinstance(node, Sequence) and isinstance(part, int) and part < len(node)
        if not (in_mapping or in_sequence):
            return None
        node = node[part]
    return node


def _dumps(value: Any) -> str:
    return orjson.dumps(value).decode()

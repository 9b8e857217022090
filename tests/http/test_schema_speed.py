"""The discriminated-oneOf rewrite accepts and refuses exactly what the oneOf does."""

from __future__ import annotations

from typing import Any

import jsonschema_rs
import pytest

from mockserver.http.schema_speed import fast_schema

SHAPES: dict[str, Any] = {
    "type": "object",
    "required": ["kind"],
    "oneOf": [
        {
            "type": "object",
            "required": ["kind", "size"],
            "properties": {"kind": {"const": "box"}, "size": {"type": "integer"}},
        },
        {
            "type": "object",
            "required": ["kind"],
            "properties": {"kind": {"enum": ["ball", "ring"]}, "radius": {"type": "number"}},
        },
    ],
    "discriminator": {"propertyName": "kind"},
}


@pytest.mark.parametrize(
    "instance",
    [
        {"kind": "box", "size": 3},
        {"kind": "box"},
        {"kind": "box", "size": "big"},
        {"kind": "ball", "radius": 1.5},
        {"kind": "ring", "radius": "x"},
        {"kind": "cube"},
        {"size": 3},
        "not an object",
    ],
)
def test_rewrite_keeps_the_meaning(instance: Any) -> None:
    original = jsonschema_rs.validator_for(SHAPES)
    rewritten = jsonschema_rs.validator_for(fast_schema(SHAPES))
    assert original.is_valid(instance) == rewritten.is_valid(instance)


def test_rewrite_replaces_the_oneof_nested_anywhere() -> None:
    fast = fast_schema({"type": "array", "items": SHAPES})
    assert "oneOf" not in fast["items"] and "discriminator" not in fast["items"]


def test_branches_that_do_not_pin_the_property_keep_the_oneof() -> None:
    loose = {**SHAPES, "oneOf": [*SHAPES["oneOf"], {"type": "object"}]}
    assert fast_schema(loose)["oneOf"] == loose["oneOf"]
    overlapping = {**SHAPES, "oneOf": [SHAPES["oneOf"][0], SHAPES["oneOf"][0]]}
    assert "oneOf" in fast_schema(overlapping)

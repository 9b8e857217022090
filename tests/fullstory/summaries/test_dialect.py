from __future__ import annotations

import pytest

from mockserver.fullstory.summaries.dialect import DialectError, check_schema, to_json_schema

CONTRACT_EXAMPLE = {
    "type": "OBJECT",
    "title": "SessionSummary",
    "description": "Structured output for the LLM response",
    "properties": {
        "summary": {"type": "STRING", "description": "Concise session summary"},
        "sentiment": {
            "type": "STRING",
            "enum": ["positive", "neutral", "negative"],
            "format": "enum",
        },
        "issues": {"type": "ARRAY", "items": {"type": "STRING"}},
    },
    "required": ["summary"],
}


def test_the_contract_example_is_accepted_and_translated() -> None:
    check_schema(CONTRACT_EXAMPLE)
    translated = to_json_schema(CONTRACT_EXAMPLE)
    assert translated["type"] == "object"
    assert translated["required"] == ["summary"]
    assert translated["properties"]["issues"] == {"type": "array", "items": {"type": "string"}}


@pytest.mark.parametrize(
    ("schema", "named"),
    [
        ({"type": "object"}, "response_schema.type"),
        ({"type": "OBJECT", "$schema": "x"}, "response_schema.$schema"),
        ({"type": "OBJECT", "$id": "x"}, "response_schema.$id"),
        ({"type": "OBJECT", "properties": {"a": {"type": "string"}}}, "properties.a.type"),
        ({"type": "OBJECT", "additionalProperties": False}, "additionalProperties"),
        ({"type": "OBJECT", "required": ["missing"]}, "required names 'missing'"),
        ({"type": "NUMBER", "enum": ["1"]}, "enum is only allowed"),
        ({"type": "STRING", "items": {"type": "STRING"}}, "items is only allowed"),
        ({"type": "ARRAY", "items": "STRING"}, "items must be an object"),
        ({"type": "STRING", "nullable": "yes"}, "nullable"),
    ],
)
def test_outside_the_dialect_is_refused_naming_the_path(schema: object, named: str) -> None:
    with pytest.raises(DialectError, match=named.replace("$", r"\$")):
        check_schema(schema)


def test_nesting_is_bounded() -> None:
    schema: dict[str, object] = {"type": "STRING"}
    for _ in range(12):
        schema = {"type": "ARRAY", "items": schema}
    with pytest.raises(DialectError, match="nest at most"):
        check_schema(schema)


def test_nullable_allows_null() -> None:
    assert to_json_schema({"type": "STRING", "nullable": True, "enum": ["a"]}) == {
        "type": ["string", "null"],
        "enum": ["a", None],
    }

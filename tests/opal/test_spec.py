"""openapi/opal.yaml and the tool catalog say the same thing: one operation per tool, and each
tool's parameter schema has the catalog's names, types, requirements, ranges and enums."""

from __future__ import annotations

from typing import Any

import pytest

from mockserver.http.spec import load_spec
from mockserver.opal.catalog import TOOLS, Tool
from mockserver.opal.params import Param
from mockserver.resources import spec_path

SPEC = load_spec("opal", spec_path("opal"))


def test_one_operation_per_tool_and_discovery() -> None:
    ids = {op.operation_id for op in SPEC.operations}
    assert ids == {"opalDiscovery", *(tool.name for tool in TOOLS)}
    for tool in TOOLS:
        (operation,) = (op for op in SPEC.operations if op.operation_id == tool.name)
        assert (operation.method, operation.path) == ("POST", f"/opal{tool.endpoint}")
        assert bool(operation.extensions.get("x-ai-analysis")) == tool.ai


def check(param: Param, schema: dict[str, Any]) -> None:
    # An optional parameter may be sent as null, which means "not given" (as a connector built
    # with the Opal tools SDK takes it: tests/opal/test_sdk_oracle.py); a required one may not.
    nullable = not param.required
    assert schema["type"] == ([param.type, "null"] if nullable else param.type), param.name
    enum = [*param.enum, None] if param.enum and nullable else list(param.enum)
    assert schema.get("enum", []) == enum, param.name
    if param.minimum is not None:
        assert (schema["minimum"], schema["maximum"]) == (param.minimum, param.maximum)
    if param.default is not None and param.type != "object":
        assert schema["default"] == param.default, param.name
    if param.type == "string":
        assert schema.get("maxLength") == param.max_length, param.name
        assert schema.get("minLength", 0) == param.min_length, param.name
        assert ("pattern" in schema) == (param.pattern is not None), param.name
    for field in param.fields:
        check(field, schema["properties"][field.name])
    if param.fields:
        assert schema.get("required", []) == [f.name for f in param.fields if f.required]


@pytest.mark.parametrize("tool", TOOLS, ids=lambda tool: tool.name)
def test_parameter_schema_matches_the_catalog(tool: Tool) -> None:
    (operation,) = (op for op in SPEC.operations if op.operation_id == tool.name)
    assert operation.body is not None and operation.body.required
    wrapped, bare = operation.body.schema["anyOf"]
    assert wrapped["properties"]["parameters"] == bare
    assert bare.get("required", []) == [p.name for p in tool.signature.params if p.required]
    assert list(bare["properties"]) == [p.name for p in tool.signature.params]
    for param in tool.signature.params:
        check(param, bare["properties"][param.name])

"""The Opal tools SDK as the oracle of the discovery format.

Its own models must take every function we publish and give it back unchanged, and the same
tool signatures registered with the SDK (as pydantic parameter models, the way a connector
written with it would declare them) must publish the same discovery document, field by field.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Optional

import httpx
import pytest

from mockserver.opal.catalog import TOOLS, Tool
from mockserver.opal.params import Param, ParameterError
from mockserver.testing.opal import OpalFake
from mockserver.testing.transport import in_process_client

sdk = pytest.importorskip("opal_tools_sdk")
fastapi = pytest.importorskip("fastapi")
pydantic = pytest.importorskip("pydantic")
from opal_tools_sdk import _registry  # noqa: E402
from opal_tools_sdk.models import Function, Parameter, ParameterType  # noqa: E402

PYTHON_TYPES: dict[str, type] = {"string": str, "integer": int, "number": float, "boolean": bool}


def parse_function(published: dict[str, Any]) -> Function:
    """The SDK's model of one published function (unknown keys would fail here)."""
    parameters = [
        Parameter(
            name=p["name"],
            param_type=ParameterType(p["type"]),
            description=p["description"],
            required=p["required"],
            in_context=p["in_context"],
            schema=p.get("schema"),
        )
        for p in published["parameters"]
    ]
    fields = {k: v for k, v in published.items() if k != "parameters"}
    return Function(parameters=parameters, **fields)


def test_sdk_models_parse_every_published_function(opal: OpalFake) -> None:
    document = opal.discovery()
    assert set(document) == {"functions"}
    for published in document["functions"]:
        assert parse_function(published).to_dict() == published


def field_type(param: Param) -> Any:
    if param.type == "object":
        return parameter_model(f"{param.name.capitalize()}Model", param.fields)
    return PYTHON_TYPES[param.type]


def parameter_model(name: str, params: tuple[Param, ...]) -> Any:
    """A pydantic model declaring ``params`` as a connector built with the SDK would."""
    fields: dict[str, Any] = {}
    for param in params:
        python_type = field_type(param)
        info = pydantic.Field(description=param.description)
        if param.required:
            fields[param.name] = (python_type, info)
        else:
            optional = pydantic.Field(None, description=param.description)
            # typing.Optional, not `X | None`: the SDK recognises only typing.Union as optional.
            fields[param.name] = (Optional[python_type], optional)  # noqa: UP045
    return pydantic.create_model(name, **fields)


def register(tool: Tool, seen: list[dict[str, Any]] | None = None) -> None:
    model = parameter_model(f"{tool.name}_parameters", tool.signature.params)

    async def handler(parameters: Any) -> dict[str, Any]:
        if seen is not None:
            seen.append(parameters.model_dump())
        return {}

    handler.__annotations__ = {"parameters": model, "return": dict}
    sdk.tool(tool.name, tool.description)(handler)


@contextmanager
def sdk_connector(seen: list[dict[str, Any]] | None = None) -> Iterator[httpx.Client]:
    """A connector built with the SDK declaring our tools' signatures (handlers record the
    parameters they were given in ``seen``), and a client to it."""
    saved = list(_registry.services)
    _registry.services.clear()  # the SDK registers decorated tools on every live service
    try:
        app = fastapi.FastAPI()
        sdk.ToolsService(app)
        with warnings.catch_warnings():
            # The SDK probes models with pydantic v1's `__fields__` first (its code, not ours).
            warnings.simplefilter("ignore", pydantic.warnings.PydanticDeprecatedSince20)
            for tool in TOOLS:
                register(tool, seen)
        with in_process_client(app) as client:
            yield client
    finally:
        _registry.services[:] = saved


@pytest.fixture
def sdk_discovery() -> Iterator[dict[str, Any]]:
    with sdk_connector() as client:
        response = client.get("/discovery")
        assert response.status_code == 200
        yield response.json()


def test_same_signatures_registered_with_the_sdk_publish_the_same_document(
    opal: OpalFake, sdk_discovery: dict[str, Any]
) -> None:
    ours = opal.discovery()
    assert set(ours) == set(sdk_discovery)
    assert [f["name"] for f in ours["functions"]] == [f["name"] for f in sdk_discovery["functions"]]
    for mine, theirs in zip(ours["functions"], sdk_discovery["functions"], strict=True):
        assert set(mine) == set(theirs), mine["name"]
        for key in mine:
            if key != "parameters":
                assert mine[key] == theirs[key], (mine["name"], key)
        assert len(mine["parameters"]) == len(theirs["parameters"])
        for p_mine, p_theirs in zip(mine["parameters"], theirs["parameters"], strict=True):
            assert p_mine == p_theirs, (mine["name"], p_mine["name"])


REQUIRED_VALUES = {
    "sessionId": "1:1",
    "id": "everyone",
    "operationId": "op",
    "segmentId": "everyone",
    "type": "TYPE_INDIVIDUAL",
    "timeRange": {},
    "format": "FORMAT_CSV",
    "pre_prompt": "p",
    "post_prompt": "q",
}


@pytest.mark.parametrize("tool", TOOLS, ids=lambda tool: tool.name)
def test_null_is_not_given_for_optional_and_refused_for_required_parameters(tool: Tool) -> None:
    """The oracle for null parameters: the SDK hands a handler the same parameters for an
    optional one sent as null as for one left out, and refuses (400) a required one sent as
    null; our validator does the same."""
    required = {p.name: REQUIRED_VALUES[p.name] for p in tool.signature.params if p.required}
    nulls = {p.name: None for p in tool.signature.params if not p.required}
    seen: list[dict[str, Any]] = []
    with sdk_connector(seen) as client:
        for parameters in (required, {**required, **nulls}):
            assert client.post(tool.endpoint, json={"parameters": parameters}).status_code == 200
        assert seen[0] == seen[1]
        for name in required:
            given = {**required, name: None}
            answer = client.post(tool.endpoint, json={"parameters": given})
            assert answer.status_code == 400, name
            with pytest.raises(ParameterError, match=f"{name} must be .*, not null"):
                tool.signature.validate(given)
    if not tool.signature.rules.one_of_required:
        assert tool.signature.validate({**required, **nulls}) == tool.signature.validate(required)

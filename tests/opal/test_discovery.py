"""GET /opal/discovery: every tool of the seed, in the Opal tools format; the AI toggle."""

from __future__ import annotations

from typing import Any

from mockserver.testing.opal import OpalFake
from tests.opal.conftest import AI_TOOLS, SEED_TOOLS, OpalApp


def test_lists_every_tool_of_the_seed(opal: OpalFake) -> None:
    functions = opal.discovery()["functions"]
    assert [f["name"] for f in functions] == list(SEED_TOOLS)
    for function in functions:
        assert function["endpoint"] == f"/tools/{function['name']}"
        assert function["http_method"] == "POST"
        assert "Use it" in function["description"]  # says when to use it
        for parameter in function["parameters"]:
            assert set(parameter) >= {"name", "type", "description", "required", "in_context"}


def test_parameters_are_the_seeds(opal: OpalFake) -> None:
    functions = {f["name"]: f for f in opal.discovery()["functions"]}

    def params(tool: str) -> dict[str, tuple[str, bool]]:
        return {p["name"]: (p["type"], p["required"]) for p in functions[tool]["parameters"]}

    assert params("fullstory_list_sessions") == {
        "uid": ("string", False),
        "email": ("string", False),
        "limit": ("integer", False),
    }
    assert params("fullstory_visit_profile") == {
        "uid": ("string", False),
        "email": ("string", False),
        "limit": ("integer", False),
        "llm": ("object", False),
    }
    assert params("fullstory_get_custom_session_summary") == {
        "sessionId": ("string", True),
        "pre_prompt": ("string", True),
        "post_prompt": ("string", True),
        "temperature": ("number", False),
    }
    assert params("fullstory_create_segment_export") == {
        "segmentId": ("string", True),
        "type": ("string", True),
        "timeRange": ("object", True),
        "format": ("string", True),
        "fields": ("string", False),
        "timezone": ("string", False),
    }
    assert params("fullstory_list_segments") == {
        "limit": ("integer", False),
        "paginationToken": ("string", False),
        "creator": ("string", False),
    }
    for tool in AI_TOOLS - {"fullstory_visit_profile", "fullstory_get_custom_session_summary"}:
        assert params(tool) == {"sessionId": ("string", True)}


def test_ai_toggle_off_hides_the_ai_tools(opal_app: OpalApp) -> None:
    with opal_app(opal_ai_analysis=False) as client:
        functions: list[dict[str, Any]] = client.get("/opal/discovery").json()["functions"]
        assert [f["name"] for f in functions] == [t for t in SEED_TOOLS if t not in AI_TOOLS]
        hidden = client.post(
            "/opal/tools/fullstory_get_session_quick_summary", json={"sessionId": "1:2"}
        )
        assert hidden.status_code == 404
        assert "AI-powered session analysis is off" in hidden.json()["detail"]
        shown = client.post("/opal/tools/fullstory_list_sessions", json={"uid": "jane-checkout"})
        assert shown.status_code == 200


def test_discovery_is_public_and_journaled(opal: OpalFake) -> None:
    opal.discovery()
    (entry,) = opal.tool_calls("opalDiscovery")
    assert entry.status == 200 and entry.tenant == opal.fullstory.tenant_id

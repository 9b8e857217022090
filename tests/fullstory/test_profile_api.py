"""Summary profile CRUD over HTTP: v2 and the beta form, every documented error."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from mockserver.fullstory.summaries.builtin import BUILTIN_PROFILES
from mockserver.settings import Settings

BUILTIN_IDS = [p.id for p in BUILTIN_PROFILES]
SCHEMA = {
    "type": "OBJECT",
    "properties": {
        "summary": {"type": "STRING"},
        "issues": {"type": "ARRAY", "items": {"type": "STRING"}},
    },
    "required": ["summary"],
}
BODY: dict[str, Any] = {
    "name": "Checkout triage",
    "slice": {"mode": "LAST", "event_limit": 200, "duration_limit_ms": "600000"},
    "context": {"exclude": ["location"]},
    "events": {"include_types": ["navigate", "click", "network-error"]},
    "cache": {"enable_event_cache": True},
    "llm": {"pre_prompt": "You are support.", "post_prompt": "Summarize.", "temperature": 0.3,
            "response_schema": SCHEMA},
}  # fmt: skip


@pytest.fixture
def settings() -> Settings:
    return Settings(validate_responses=True, users=30)


def error(response: httpx.Response, status: int, *named: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert set(body) == {"message", "code"}
    for word in named:
        assert word in body["message"], body
    return body


def test_create_read_update_list_delete(client: httpx.Client) -> None:
    created = client.post("/v2/visit_profile", json={**BODY, "profile_id": "ignored"})
    assert created.status_code == 200 and set(created.json()) == {"id"}
    pid = created.json()["id"]
    read = client.get(f"/v2/visit_profile/{pid}").json()
    assert read == {
        "id": pid,
        "name": "Checkout triage",
        "configuration": {
            "slice": {"mode": "LAST", "event_limit": 200, "duration_limit_ms": "600000"},
            "context": {"exclude": ["location"]},
            "events": {"include_types": ["navigate", "click", "network-error"]},
            "cache": {"enable_event_cache": True},
        },
        "llm": BODY["llm"],
    }
    numeric = client.post(f"/v2/visit_profile/{pid}", json={"slice": {"duration_limit_ms": 5}})
    assert numeric.json() == {"id": pid}
    updated = client.get(f"/v2/visit_profile/{pid}").json()
    assert updated["configuration"]["slice"] == {"duration_limit_ms": "5"}  # int64 as a string
    assert updated["name"] == "" and updated["llm"] == {}  # an update replaces the whole body
    listed = client.get("/v2/visit_profile", params={"limit": 100}).json()
    assert [p["id"] for p in listed["profiles"]] == [*BUILTIN_IDS, pid]
    assert listed["next_page_token"] == ""
    assert client.delete(f"/v2/visit_profile/{pid}").json() == {}
    for response in (
        client.get(f"/v2/visit_profile/{pid}"),
        client.post(f"/v2/visit_profile/{pid}", json={}),
        client.delete(f"/v2/visit_profile/{pid}"),
    ):
        assert error(response, 404, pid)["code"] == "resource_not_found"


def test_list_pages_with_tokens(client: httpx.Client) -> None:
    ids = [client.post("/v2/visit_profile", json={"name": f"p{n}"}).json()["id"] for n in range(5)]
    first = client.get("/v2/visit_profile").json()
    assert len(first["profiles"]) == len(BUILTIN_IDS) + 5 <= 20 and first["next_page_token"] == ""
    seen, token = [], None
    while True:
        params: dict[str, Any] = {"limit": 4, **({"page_token": token} if token else {})}
        page = client.get("/v2/visit_profile", params=params).json()
        seen += [p["id"] for p in page["profiles"]]
        if seen == BUILTIN_IDS[:4]:
            client.delete(f"/v2/visit_profile/{ids[0]}")  # deleted before its page: not listed
            ids.append(client.post("/v2/visit_profile", json={}).json()["id"])  # listed at the end
        token = page["next_page_token"]
        if not token:
            break
    assert seen == [*BUILTIN_IDS, *ids[1:]]


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ({"slice": {"mode": "SIDEWAYS"}}, "slice/mode"),
        ({"slice": {"duration_limit_ms": "soon"}}, "duration_limit_ms"),
        ({"context": {"include": ["planet"]}}, "context/include"),
        ({"llm": {"temperature": 1.5}}, "temperature"),
        ({"llm": {"temperature": -0.1}}, "temperature"),
        ({"llm": {"response_schema": {"type": "object"}}}, "response_schema"),
        ({"llm": {"response_schema": {"type": "OBJECT", "$schema": "x"}}}, "$schema"),
        ({"llm": {"response_schema": {"$id": "x", "type": "OBJECT"}}}, "$id"),
        ({"llm": {"response_schema": {"type": "OBJECT", "properties": {"a": {"type": "string"}}}}},
         "llm.response_schema.properties.a.type"),
        ({"llm": {"response_schema": {"type": "OBJECT", "required": ["x"]}}}, "required"),
        ({"llm": {"response_schema": {"type": "STRING"}}}, "OBJECT at the root"),
        ({"llm": {"model": "GPT"}}, "model"),
        ({"name": 7}, "name"),
    ],
)  # fmt: skip
def test_bad_bodies_get_400_naming_the_field(client: httpx.Client, body: Any, named: str) -> None:
    error(client.post("/v2/visit_profile", json=body), 400, named)
    error(client.post("/v2/visit_profile/quick", json=body), 400, named)


def test_bad_list_parameters(client: httpx.Client) -> None:
    error(client.get("/v2/visit_profile", params={"limit": 101}), 400, "limit")
    error(client.get("/v2/visit_profile", params={"limit": 0}), 400, "limit")
    error(client.get("/v2/visit_profile", params={"page_token": "nope"}), 400, "page_token")


def test_credentials_are_required(anon_client: httpx.Client) -> None:
    assert error(anon_client.get("/v2/visit_profile"), 401)["code"] == "unauthorized"
    error(anon_client.post("/v2/visit_profile", json={}), 401)


# -- the beta form (seed 000) ---------------------------------------------------------------

SEED_EXAMPLE = {
    "configuration": {
        "exclude_event_types": [None],
        "include_event_types": [None],
        "screenshot_event_types": [None],
    },
    "model": "INVALID",
}


def test_the_seeds_own_curl_example_gets_the_documented_400(client: httpx.Client) -> None:
    body = error(client.post("/v2beta/visit_profile", json=SEED_EXAMPLE), 400)
    assert body["code"] in ("invalid_argument", "required_field")
    assert any(field in body["message"] for field in ("id", "model", "event_types"))
    with_id = client.post("/v2beta/visit_profile", json={**SEED_EXAMPLE, "id": "seed"})
    assert any(f in error(with_id, 400)["message"] for f in ("model", "event_types"))


def test_beta_create_read_list_delete(client: httpx.Client) -> None:
    body = {
        "id": "support-triage",
        "configuration": {
            "exclude_event_types": ["mouse-thrash"],
            "include_event_types": ["click"],
            "screenshot_event_types": ["error-click"],
        },
        "pre_prompt": "You are support.",
        "post_prompt": "Summarize.",
        "response_schema": SCHEMA,
        "model": "GEMINI_2_FLASH_LITE",
        "temperature": 0.25,
    }
    assert client.post("/v2beta/visit_profile", json=body).json() == {"id": "support-triage"}
    assert client.get("/v2beta/visit_profile/support-triage").json() == body
    v2 = client.get("/v2/visit_profile/support-triage").json()  # one profile, two forms
    assert v2["configuration"]["events"] == {
        "exclude_types": ["mouse-thrash"],
        "include_types": ["click"],
    }
    assert v2["llm"]["model"] == "GEMINI_2_FLASH_LITE"
    listed = client.get("/v2beta/visit_profile", params={"limit": 100}).json()
    assert listed["profiles"][-1] == body and listed["next_page_token"] == ""
    error(client.post("/v2beta/visit_profile", json=body), 400, "support-triage", "already")
    assert client.delete("/v2beta/visit_profile/support-triage").json() == {}
    error(client.get("/v2beta/visit_profile/support-triage"), 404, "support-triage")
    error(client.delete("/v2beta/visit_profile/support-triage"), 404)


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ({}, "id"),
        ({"id": "x", "model": "GEMINI_3"}, "model"),
        ({"id": "x", "temperature": 1.01}, "temperature"),
        ({"id": "x", "temperature": -1}, "temperature"),
        ({"id": "bad id/with slash"}, "id"),
        ({"id": "x", "response_schema": {"type": "OBJECT",
                                         "properties": {"a": {"type": "number"}}}},
         "response_schema.properties.a.type"),
        ({"id": "x", "configuration": {"include_event_types": [None]}}, "include_event_types"),
    ],
)  # fmt: skip
def test_beta_errors_name_the_field(client: httpx.Client, body: Any, named: str) -> None:
    error(client.post("/v2beta/visit_profile", json=body), 400, named)

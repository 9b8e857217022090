"""Cognigy through the shared pipeline: auth schemes, the error envelope for every documented
error (unknown routes, wrong methods, bad JSON, big bodies), Accept, tenant isolation, faults,
rate limits, the journal and the served spec."""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree

import httpx
import pytest

from mockserver.app import MockServerApp
from mockserver.testing.transport import in_process_client
from tests.cognigy.conftest import PROFILES, PROJECT, Create, seed_body
from tests.cognigy.test_profiles import error
from tests.conftest import ADMIN_KEY


def test_the_three_ways_to_send_a_key(anon_client: httpx.Client, create: Create) -> None:
    made = create("a")
    path = f"{PROFILES}/{made['_id']}"
    assert anon_client.get(path, headers={"X-API-Key": ADMIN_KEY}).status_code == 200
    assert anon_client.get(path, params={"api_key": ADMIN_KEY}).status_code == 200
    bearer = {"Authorization": f"Bearer {ADMIN_KEY}"}
    assert anon_client.get(path, headers=bearer).status_code == 200
    body = error(anon_client.get(path), 401, 401)
    assert body["type"] == "Unauthorized" and body["title"] == "Unauthorized Error"
    error(anon_client.get(path, headers={"X-API-Key": "nope"}), 401, 401)
    # FullStory's scheme is not Cognigy's.
    error(anon_client.get(path, headers={"Authorization": f"Basic {ADMIN_KEY}"}), 401, 401)


def test_unknown_routes_and_wrong_methods_answer_in_cognigy_shape(
    cognigy: httpx.Client, anon_client: httpx.Client
) -> None:
    body = error(cognigy.get("/new/v2.0/nothing"), 404, 1002)
    assert body["instance"] == "/v2.0/nothing"
    error(anon_client.get("/new/v3/profiles"), 404, 1002)
    wrong = cognigy.put(PROFILES, json={})
    error(wrong, 405, 1013)
    assert wrong.headers["allow"] == "GET, POST"


def test_bad_bodies(cognigy: httpx.Client, settings: Any) -> None:
    bad_json = cognigy.post(
        PROFILES, content=b'{"profile": {', headers={"content-type": "application/json"}
    )
    assert "not valid JSON" in error(bad_json, 400, 1005)["detail"]
    error(cognigy.post(PROFILES, content=b""), 400, 1000)  # no body at all
    error(cognigy.post(PROFILES, json={"profile": {}}), 400, 1000)  # no projectId
    error(cognigy.post(PROFILES, json=seed_body(active="yes")), 400, 1005)
    form = cognigy.post(PROFILES, content=b"a=1", headers={"content-type": "text/plain"})
    error(form, 400, 1005)
    big = b'{"projectId": "' + b"a" * settings.max_body_bytes + b'"}'
    oversized = cognigy.post(PROFILES, content=big, headers={"content-type": "application/json"})
    assert error(oversized, 413, 413)["type"] == "Payload Too Large"
    error(cognigy.get(f"{PROFILES}/NOT-AN-ID"), 400, 1005)


def test_list_parameters_are_checked(cognigy: httpx.Client) -> None:
    error(cognigy.get(PROFILES), 400, 1000)  # projectId is required
    for params in ({"limit": 0}, {"limit": 101}, {"skip": -1}, {"sort": "colour:asc"},
                   {"sort": "_id:sideways"}, {"next": "a" * 24}, {"next": "x"}):  # fmt: skip
        error(cognigy.get(PROFILES, params={"projectId": PROJECT, **params}), 400, 1005)


def test_accept_picks_the_representation(cognigy: httpx.Client, create: Create) -> None:
    made = create("a", firstname='Ann, "the" first')
    one = f"{PROFILES}/{made['_id']}"
    listing = {"projectId": PROJECT}
    assert cognigy.get(one, headers={"Accept": "*/*"}).json() == made
    hal = cognigy.get(one, headers={"Accept": "application/hal+json"})
    assert hal.headers["content-type"] == "application/hal+json"
    assert hal.json() == {**made, "_links": {"self": {"href": one}}}
    hal_list = cognigy.get(PROFILES, params=listing, headers={"Accept": "application/hal+json"})
    assert hal_list.json()["items"][0]["_links"]["self"]["href"] == one
    for xml_type in ("application/xml", "text/xml"):
        xml = cognigy.get(one, headers={"Accept": xml_type})
        assert xml.headers["content-type"] == xml_type
        root = ElementTree.fromstring(xml.content)
        assert root.findtext("_id") == made["_id"]
        assert root.findtext("profile/firstname") == 'Ann, "the" first'
    csv = cognigy.get(PROFILES, params=listing, headers={"Accept": "text/csv"})
    assert csv.headers["content-type"] == "text/csv"
    lines = csv.text.splitlines()
    assert lines[0].startswith("_id,projectId,active,lastChanged,contactIds")
    assert made["_id"] in lines[1] and '"Ann, ""the"" first"' in lines[1]
    body = error(cognigy.get(one, headers={"Accept": "text/csv"}), 400, 1005)
    assert "application/json" in body["detail"] and "application/xml" in body["detail"]
    error(cognigy.get(PROFILES, params=listing, headers={"Accept": "application/xml"}), 400, 1005)


def test_an_unproducible_accept_changes_nothing(cognigy: httpx.Client) -> None:
    refused = cognigy.post(PROFILES, json=seed_body(), headers={"Accept": "text/csv"})
    error(refused, 400, 1005)
    assert cognigy.get(PROFILES, params={"projectId": PROJECT}).json()["total"] == 0


def test_tenants_are_isolated(app: MockServerApp, cognigy: httpx.Client, create: Create) -> None:
    made = create("shared")
    state = app.state.server
    other_key = state.create_key("o-OTHER-na1", state.keys.find(ADMIN_KEY).level)
    with in_process_client(app, headers={"X-API-Key": other_key.secret}) as other:
        error(other.get(f"{PROFILES}/{made['_id']}"), 404, 1002)
        error(other.delete(f"{PROFILES}/{made['_id']}"), 404, 1002)
        assert other.get(PROFILES, params={"projectId": PROJECT}).json()["total"] == 0
        mine = other.post(PROFILES, json=seed_body(contactIds=["shared"]))
        assert mine.status_code == 201  # the same contact id in another tenant
    assert cognigy.get(f"{PROFILES}/{made['_id']}").status_code == 200


def test_fault_rules_and_rate_limits_speak_cognigy(
    app: MockServerApp, cognigy: httpx.Client, create: Create
) -> None:
    made = create("a")
    state = app.state.server
    from mockserver.core.faults import FaultSpec

    rule = {"match": {"operation_id": "readProfile"}, "action": {"type": "error", "status": 404}}
    state.add_fault(FaultSpec.from_dict({**rule, "times": 1}))
    error(cognigy.get(f"{PROFILES}/{made['_id']}"), 404, 1002)
    conflict = {"match": {"operation_id": "createProfile"},
                "action": {"type": "error", "status": 409, "code": "1004"}}  # fmt: skip
    state.add_fault(FaultSpec.from_dict({**conflict, "times": 1}))
    error(cognigy.post(PROFILES, json=seed_body(contactIds=["free"])), 409, 1004)
    assert cognigy.get(f"{PROFILES}/{made['_id']}").status_code == 200
    with pytest.raises(ValueError, match="does not document status 409"):
        state.add_fault(
            FaultSpec.from_dict(
                {
                    "match": {"operation_id": "getProfileSchema"},
                    "action": {"type": "error", "status": 409},
                }
            )
        )
    tenant = state.tenant(state.keys.find(ADMIN_KEY).tenant)
    from mockserver.core.ratelimit import RateLimitPolicy

    tenant.limiter.configure("cognigy-read", RateLimitPolicy(0.001, 1))
    assert cognigy.get(f"{PROFILES}/{made['_id']}").status_code == 200
    limited = cognigy.get(f"{PROFILES}/{made['_id']}")
    assert error(limited, 429, 429)["type"] == "Too Many Requests"
    assert int(limited.headers["retry-after"]) >= 1
    assert cognigy.post(PROFILES, json=seed_body()).status_code == 201  # another group


def test_the_journal_records_cognigy_calls(app: MockServerApp, create: Create) -> None:
    from mockserver.core.journal import JournalQuery

    made = create("a")
    journal = app.state.server.journal
    entries = journal.query(JournalQuery(operation_id="createProfile"))
    assert [(e.method, e.path, e.status) for e in entries] == [("POST", PROFILES, 201)]
    with in_process_client(app) as anon:
        anon.get(f"{PROFILES}/{made['_id']}", params={"api_key": ADMIN_KEY})
    read = journal.query(JournalQuery(operation_id="readProfile"))[-1]
    assert ADMIN_KEY not in str(read.to_dict())  # a key in the query is not journaled


def test_the_spec_is_served_at_its_own_path(anon_client: httpx.Client) -> None:
    spec = anon_client.get("/new/openapi.json")
    assert spec.status_code == 200
    assert "/new/v2.0/profiles/{profileId}/merge" in spec.json()["paths"]
    error(anon_client.post("/new/openapi.json"), 405, 1013)

"""Every profile route through HTTP: shapes, ids, timestamps, PATCH merge semantics, merge and
unmerge, contact-id uniqueness, data export/removal and the project schema."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from mockserver.cognigy import store as store_module
from mockserver.cognigy.ids import user_id
from mockserver.core.keys import ApiKey
from tests.cognigy.conftest import (
    OTHER_PROJECT,
    PROFILES,
    PROJECT,
    SEED_PROFILE,
    Create,
    seed_body,
)
from tests.conftest import ADMIN_KEY

MONGO_ID = re.compile(r"[a-z0-9]{24}")
SEED_CREATED_AT = 1694518620  # the example's createdAt/lastChanged


def error(response: httpx.Response, status: int, code: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["status"] == status and body["code"] == code, body
    assert set(body) == {"type", "title", "status", "detail", "instance", "code", "traceId",
                         "details"}  # fmt: skip
    assert body["title"] == body["type"] + " Error"
    assert body["traceId"].startswith("api--")
    return body


def test_the_seed_create_example_round_trips_exactly(app: Any, cognigy: httpx.Client) -> None:
    app.state.server.clock.freeze(datetime.fromtimestamp(SEED_CREATED_AT, UTC))
    response = cognigy.post(PROFILES, json=seed_body())
    assert response.status_code == 201
    created = response.json()
    me = user_id(ApiKey(ADMIN_KEY, "t", 3).key_id)  # type: ignore[arg-type]
    # The documented response, its "<string>" placeholders filled with real ids.
    expected = {**SEED_PROFILE, "_id": created["_id"], "createdAt": SEED_CREATED_AT,
                "lastChanged": SEED_CREATED_AT, "createdBy": me, "lastChangedBy": me}  # fmt: skip
    assert list(created) == list(expected)
    assert created == expected
    assert MONGO_ID.fullmatch(created["_id"]) and MONGO_ID.fullmatch(me)
    assert int(created["_id"][:8], 16) == SEED_CREATED_AT  # an ObjectId: time first
    read = cognigy.get(f"{PROFILES}/{created['_id']}")
    assert read.status_code == 200 and read.json() == created


def test_patch_deep_merges_profile_and_replaces_the_rest(
    cognigy: httpx.Client, create: Create
) -> None:
    policy = {"accepted": False, "meta": {"v1": {"timestamp": 1}}}
    made = create("c-1", firstname="Ann", privacy_policy=policy, tasks=["a"])
    patch = {
        "profile": {
            "lastname": "Lee",
            "privacy_policy": {"accepted": True},
            "tasks": ["b"],
            "firstname": None,
        },
        "active": False,
        "contactIds": ["c-1", "c-2"],
    }
    response = cognigy.patch(f"{PROFILES}/{made['_id']}", json=patch)
    assert response.status_code == 204 and response.content == b""
    now = cognigy.get(f"{PROFILES}/{made['_id']}").json()
    assert now["profile"] == {
        "privacy_policy": {"accepted": True, "meta": {"v1": {"timestamp": 1}}},
        "tasks": ["b"],
        "lastname": "Lee",
    }
    assert now["active"] is False and now["contactIds"] == ["c-1", "c-2"]
    assert now["createdAt"] == made["createdAt"]


def test_patch_of_a_missing_profile_is_1002(cognigy: httpx.Client) -> None:
    body = error(cognigy.patch(f"{PROFILES}/{'a' * 24}", json={"active": True}), 404, 1002)
    assert body["type"] == "Not Found" and body["instance"] == f"/v2.0/profiles/{'a' * 24}"


def test_timestamps_follow_the_clock(app: Any, cognigy: httpx.Client, create: Create) -> None:
    clock = app.state.server.clock
    clock.freeze(None)
    made = create("c-1")
    clock.advance(90)
    cognigy.patch(f"{PROFILES}/{made['_id']}", json={"active": False})
    now = cognigy.get(f"{PROFILES}/{made['_id']}").json()
    assert now["lastChanged"] == made["createdAt"] + 90


def test_a_contact_id_belongs_to_one_profile_per_project(
    cognigy: httpx.Client, create: Create
) -> None:
    first = create("shared")
    body = error(cognigy.post(PROFILES, json=seed_body(contactIds=["shared"])), 409, 1004)
    assert first["_id"] in body["detail"]
    create("shared", project=OTHER_PROJECT)  # another project is another namespace
    other = create("mine")
    patch = cognigy.patch(f"{PROFILES}/{other['_id']}", json={"contactIds": ["mine", "shared"]})
    error(patch, 409, 1004)
    repeat = cognigy.post(PROFILES, json=seed_body(contactIds=["x", "x"]))
    error(repeat, 400, 1005)


def test_delete_frees_contact_ids(cognigy: httpx.Client, create: Create) -> None:
    made = create("c-1")
    assert cognigy.delete(f"{PROFILES}/{made['_id']}").status_code == 204
    error(cognigy.get(f"{PROFILES}/{made['_id']}"), 404, 1002)
    error(cognigy.delete(f"{PROFILES}/{made['_id']}"), 404, 1002)
    create("c-1")


def test_merge_moves_contact_ids_and_data(cognigy: httpx.Client, create: Create) -> None:
    target = create("t-1", firstname="Tess", tasks=["a"])
    source = create("s-1", firstname="Sam", lastname="Stone", tasks=["a", "b"])
    cognigy.patch(f"{PROFILES}/{source['_id']}", json={"contactIds": ["s-1", "s-2"]})
    response = cognigy.post(
        f"{PROFILES}/{target['_id']}/merge", json={"contactId": "s-2", "projectId": PROJECT}
    )
    assert response.status_code == 200, response.text
    merged = response.json()
    assert merged["_id"] == target["_id"]
    assert merged["contactIds"] == ["t-1", "s-1", "s-2"]
    assert merged["profile"] == {"firstname": "Tess", "tasks": ["a", "b"], "lastname": "Stone"}
    error(cognigy.get(f"{PROFILES}/{source['_id']}"), 404, 1002)
    # A contact id nobody holds is simply added; one already here changes nothing.
    again = cognigy.post(
        f"{PROFILES}/{target['_id']}/merge", json={"contactId": "new", "projectId": PROJECT}
    )
    assert again.json()["contactIds"] == ["t-1", "s-1", "s-2", "new"]
    wrong_project = cognigy.post(
        f"{PROFILES}/{target['_id']}/merge", json={"contactId": "x", "projectId": OTHER_PROJECT}
    )
    error(wrong_project, 404, 1002)


def test_unmerge_splits_a_contact_off(cognigy: httpx.Client, create: Create) -> None:
    made = create("a", firstname="Ann")
    cognigy.patch(f"{PROFILES}/{made['_id']}", json={"contactIds": ["a", "b"]})
    response = cognigy.post(f"{PROFILES}/{made['_id']}/unmerge", json={"contactId": "b"})
    assert response.status_code == 200 and response.json() == {}
    assert cognigy.get(f"{PROFILES}/{made['_id']}").json()["contactIds"] == ["a"]
    listed = cognigy.get(PROFILES, params={"projectId": PROJECT, "filter": "b"}).json()
    assert [item["contactIds"] for item in listed["items"]] == [["b"]]
    assert listed["items"][0]["profile"] == {}
    missing = cognigy.post(f"{PROFILES}/{made['_id']}/unmerge", json={"contactId": "zz"})
    error(missing, 404, 1002)


def test_remove_contact_id(cognigy: httpx.Client, create: Create) -> None:
    made = create("a")
    path = f"{PROFILES}/{made['_id']}/contactids/remove"
    response = cognigy.post(path, json={"contactId": "a"})
    assert response.status_code == 200 and response.json() == {}
    assert cognigy.get(f"{PROFILES}/{made['_id']}").json()["contactIds"] == []
    error(cognigy.post(path, json={"contactId": "a"}), 404, 1002)
    error(cognigy.post(path, json={}), 400, 1000)  # contactId missing
    create("a")  # free again


def test_export_and_remove_data(cognigy: httpx.Client, create: Create) -> None:
    made = create("a", firstname="Ann")
    exported = cognigy.post(f"{PROFILES}/{made['_id']}/data/export")
    assert exported.status_code == 200
    assert exported.json() == {**made, "sessions": []}
    removed = cognigy.post(f"{PROFILES}/{made['_id']}/data/remove")
    assert removed.status_code == 200 and removed.json() == {}
    after = cognigy.get(f"{PROFILES}/{made['_id']}").json()
    assert after["profile"] == {} and after["contactIds"] == ["a"]
    error(cognigy.post(f"{PROFILES}/{'0' * 24}/data/export"), 404, 1002)


def test_schema_custom_fields_are_validated_on_profiles(
    cognigy: httpx.Client, create: Create
) -> None:
    path = f"/new/v2.0/profiles/schema/{PROJECT}"
    before = cognigy.get(path).json()
    assert before["schema"]["firstname"] == "string" and "plan" not in before["schema"]
    body = error(cognigy.post(PROFILES, json=seed_body(profile={"plan": "gold"})), 400, 1005)
    assert "plan" in body["detail"]
    details = [*before["details"], {"field": "Plan", "internal": "plan", "type": "string"},
               {"field": "Score", "internal": "score", "type": "number"}]  # fmt: skip
    response = cognigy.put(path, json={"details": details})
    assert response.status_code == 200
    assert response.json()["schema"]["plan"] == "string"
    assert cognigy.get(path).json() == response.json()
    create("a", plan="gold", score=3.5)
    error(cognigy.post(PROFILES, json=seed_body(profile={"score": "high"})), 400, 1005)
    # Another project's schema is its own.
    create_other = cognigy.post(PROFILES, json=seed_body(OTHER_PROJECT, profile={"plan": "x"}))
    error(create_other, 400, 1005)
    bad_type = [{"field": "First", "internal": "firstname", "type": "number"}]
    error(cognigy.put(path, json={"details": bad_type}), 400, 1005)
    bad_name = [{"field": "x", "internal": "1x", "type": "string"}]
    error(cognigy.put(path, json={"details": bad_name}), 400, 1005)


def test_schema_put_needs_an_admin_key(standard: httpx.Client) -> None:
    path = f"/new/v2.0/profiles/schema/{PROJECT}"
    assert standard.get(path).status_code == 200
    error(standard.put(path, json={"details": []}), 403, 403)


def test_unmerge_keeps_the_tenants_profile_bound(
    cognigy: httpx.Client, create: Create, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unmerge makes a profile: at the bound it is refused; the contact stays where it was."""
    made = create("a")
    cognigy.patch(f"{PROFILES}/{made['_id']}", json={"contactIds": ["a", "b"]})
    monkeypatch.setattr(store_module, "MAX_PROFILES", 1)
    refused = cognigy.post(f"{PROFILES}/{made['_id']}/unmerge", json={"contactId": "b"})
    assert refused.status_code == 400, refused.text
    assert "at most 1 profiles" in refused.text
    assert cognigy.get(f"{PROFILES}/{made['_id']}").json()["contactIds"] == ["a", "b"]

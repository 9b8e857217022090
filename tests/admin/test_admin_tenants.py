"""Tenants over the admin API: create (with a key), get, put, list, reset, delete, isolation."""

from __future__ import annotations

import httpx

from .admin_helpers import ClientFor, admin_error, new_tenant, ok

JANE = "jane.checkout@example.com"

SCENARIO = """
version: 1
users:
  - uid: ada
    email: ada@example.com
    sessions:
      - pages:
          - url: https://shop.example.com/
            title: Home
            events:
              - {type: click, at: 1}
"""


def test_create_tenant_with_key_gives_a_working_isolated_key(
    admin: httpx.Client, client_for: ClientFor
) -> None:
    created = ok(
        admin.post(
            "/__admin/tenants",
            json={"tenant_id": "o-A-na1", "seed": 5, "users": 10, "key": {"level": "standard"}},
        ),
        201,
    )
    assert created["tenant"] == {
        "tenant_id": "o-A-na1",
        "seed": 5,
        "users": 10,
        "scenario": "default",
        "configured": True,
        "keys": [{k: v for k, v in created["key"].items() if k != "secret"}],
    }
    key = created["key"]
    assert key["level"] == "standard" and key["tenant"] == "o-A-na1" and key["secret"]
    me = ok(client_for(key["secret"]).get("/me"))
    assert me["orgId"] == "o-A-na1" and me["role"] == "USER"


def test_created_tenant_id_is_made_up_and_unique(admin: httpx.Client) -> None:
    first = ok(admin.post("/__admin/tenants", json={}), 201)["tenant"]["tenant_id"]
    second = ok(admin.post("/__admin/tenants", json={}), 201)["tenant"]["tenant_id"]
    assert first != second and first.startswith("o-MOCK")


def test_create_existing_tenant_is_a_conflict(admin: httpx.Client) -> None:
    ok(admin.post("/__admin/tenants", json={"tenant_id": "o-A-na1"}), 201)
    admin_error(admin.post("/__admin/tenants", json={"tenant_id": "o-A-na1"}), 409)
    # the default tenant exists through its keys
    admin_error(admin.post("/__admin/tenants", json={"tenant_id": "o-MOCK-na1"}), 409)


def test_get_list_and_unknown(admin: httpx.Client) -> None:
    default = ok(admin.get("/__admin/tenants/o-MOCK-na1"))
    assert default["configured"] is False and len(default["keys"]) == 3
    assert all("secret" not in key for key in default["keys"])
    admin_error(admin.get("/__admin/tenants/o-NOPE-na1"), 404)
    admin_error(admin.get("/__admin/tenants/bad%20id"), 400)
    ok(admin.post("/__admin/tenants", json={"tenant_id": "o-B-na1"}), 201)
    ids = [t["tenant_id"] for t in ok(admin.get("/__admin/tenants"))["tenants"]]
    assert ids == ["o-B-na1", "o-MOCK-na1"]


def test_put_sets_the_world_and_uploaded_scenario(
    admin: httpx.Client, client_for: ClientFor
) -> None:
    secret = new_tenant(admin, "o-A-na1")
    fs = client_for(secret)
    assert len(ok(fs.get("/v2/sessions", params={"email": JANE}))["results"]) > 0
    info = ok(admin.put("/__admin/tenants/o-A-na1", json={"users": 5, "scenario_yaml": SCENARIO}))
    assert info["scenario"] == "<uploaded>" and info["users"] == 5
    assert ok(fs.get("/v2/sessions", params={"email": JANE}))["results"] == []
    assert len(ok(fs.get("/v2/sessions", params={"email": "ada@example.com"}))["results"]) == 1
    info = ok(admin.put("/__admin/tenants/o-A-na1", json={"scenario": "none"}))
    assert info["scenario"] is None


def test_bad_configs_are_400_and_change_nothing(admin: httpx.Client) -> None:
    ok(admin.put("/__admin/tenants/o-A-na1", json={"seed": 3}))
    admin_error(admin.put("/__admin/tenants/o-A-na1", json={"scenario": "no-such-fixture"}), 400)
    admin_error(admin.put("/__admin/tenants/o-A-na1", json={"scenario": "../etc/passwd"}), 400)
    bad_yaml = admin.put("/__admin/tenants/o-A-na1", json={"scenario_yaml": "users: [{uid: 1}]"})
    assert "users" in admin_error(bad_yaml, 400)["message"]
    both = {"scenario": "default", "scenario_yaml": SCENARIO}
    admin_error(admin.put("/__admin/tenants/o-A-na1", json=both), 400)
    admin_error(admin.put("/__admin/tenants/o-A-na1", json={"users": -1}), 400)
    admin_error(admin.put("/__admin/tenants/o-A-na1", json={"colour": "red"}), 400)
    admin_error(
        admin.put(
            "/__admin/tenants/o-A-na1", content=b"{", headers={"content-type": "application/json"}
        ),
        400,
    )
    assert ok(admin.get("/__admin/tenants/o-A-na1"))["seed"] == 3


def test_reset_tenant_clears_its_journal_only(admin: httpx.Client, client_for: ClientFor) -> None:
    a, b = new_tenant(admin, "o-A-na1"), new_tenant(admin, "o-B-na1")
    ok(client_for(a).get("/me"))
    ok(client_for(b).get("/me"))
    ok(admin.post("/__admin/tenants/o-A-na1/reset"))
    journal = ok(admin.get("/__admin/journal"))["entries"]
    assert [e["tenant"] for e in journal] == ["o-B-na1"]
    admin_error(admin.post("/__admin/tenants/o-NOPE-na1/reset"), 404)


def test_delete_tenant_revokes_its_keys(admin: httpx.Client, client_for: ClientFor) -> None:
    secret = new_tenant(admin, "o-A-na1")
    fs = client_for(secret)
    ok(fs.get("/me"))
    deleted = ok(admin.delete("/__admin/tenants/o-A-na1"))
    assert deleted["deleted"] == "o-A-na1" and len(deleted["revoked_keys"]) == 1
    assert fs.get("/me").status_code == 401
    admin_error(admin.get("/__admin/tenants/o-A-na1"), 404)
    admin_error(admin.delete("/__admin/tenants/o-A-na1"), 404)


def test_reset_all_returns_to_a_fresh_start(admin: httpx.Client, client_for: ClientFor) -> None:
    secret = new_tenant(admin, "o-A-na1")
    ok(admin.post("/__admin/faults", json={"action": {"type": "latency", "ms": 1}}), 201)
    ok(admin.post("/__admin/clock/advance", json={"seconds": 60}))
    ok(client_for(secret).get("/me"))
    assert ok(admin.post("/__admin/reset")) == {"reset": "all"}
    assert ok(admin.get("/__admin/journal"))["entries"] == []
    assert client_for(secret).get("/me").status_code == 401  # created keys are gone
    assert ok(admin.get("/__admin/faults"))["faults"] == []
    assert ok(admin.get("/__admin/clock"))["now"] == "2026-09-01T00:00:00Z"
    ids = [t["tenant_id"] for t in ok(admin.get("/__admin/tenants"))["tenants"]]
    assert ids == ["o-MOCK-na1"]
    assert client_for("mock-admin-key").get("/me").status_code == 200


def test_two_tenants_never_see_each_other(admin: httpx.Client, client_for: ClientFor) -> None:
    a = client_for(new_tenant(admin, "o-A-na1", seed=1, scenario="none"))
    b = client_for(new_tenant(admin, "o-B-na1", seed=2, scenario="none"))
    assert ok(a.get("/me"))["orgId"] == "o-A-na1"
    assert ok(b.get("/me"))["orgId"] == "o-B-na1"
    # Different seeds: different worlds. A user of A's world is not a user of B's.
    events_a = ok(a.get("/v2/sessions", params={"uid": "nobody"}))
    assert events_a == {"results": []}
    journal_a = ok(admin.get("/__admin/journal", params={"tenant": "o-A-na1"}))["entries"]
    journal_b = ok(admin.get("/__admin/journal", params={"tenant": "o-B-na1"}))["entries"]
    assert {e["tenant"] for e in journal_a} == {"o-A-na1"} and len(journal_a) == 2
    assert {e["tenant"] for e in journal_b} == {"o-B-na1"} and len(journal_b) == 1
    # A fault scoped to A never touches B; A's rate limits never touch B.
    fault = {"match": {"tenant": "o-A-na1"}, "action": {"type": "error", "status": 500}}
    ok(admin.post("/__admin/faults", json=fault), 201)
    limits = {"groups": {"me": {"rate_per_second": 1, "burst": 1}}}
    ok(admin.put("/__admin/tenants/o-A-na1/rate-limits", json=limits))
    assert a.get("/me").status_code == 500
    assert [b.get("/me").status_code for _ in range(5)] == [200] * 5

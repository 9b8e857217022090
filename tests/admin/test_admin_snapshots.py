"""Tenant snapshots: export → reset → import gives the same answers; bad imports change nothing."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from .admin_helpers import ClientFor, admin_error, new_tenant, ok

JANE = "jane.checkout@example.com"


def session_ids(fs: httpx.Client) -> list[str]:
    results = fs.get("/v2/sessions", params={"email": JANE, "limit": 3}).json()["results"]
    return [item["id"] for item in results]


def answers(fs: httpx.Client) -> list[Any]:
    return [
        fs.get("/me").json(),
        fs.get("/v2/sessions", params={"email": JANE, "limit": 3}).json(),
        fs.get("/sessions/v2", params={"uid": "jane-checkout"}).json(),
    ]


def test_round_trip(admin: httpx.Client, client_for: ClientFor) -> None:
    fs = client_for(new_tenant(admin, "o-A-na1", seed=77, users=50))
    ok(admin.put("/__admin/tenants/o-A-na1/lifecycle", json={"kinds": {"X": "polls:4"}}))
    limits = {"groups": {"sessions": {"rate_per_second": 1, "burst": 30}}}
    ok(admin.put("/__admin/tenants/o-A-na1/rate-limits", json=limits))
    before = answers(fs)
    snapshot = ok(admin.get("/__admin/tenants/o-A-na1/snapshot"))
    assert snapshot["format"] == "mockserver-tenant" and snapshot["config"]["seed"] == 77
    assert snapshot["config"]["scenario_text"]  # the scenario travels with the snapshot
    assert len(snapshot["journal"]) == 3 and snapshot["rate_limits"]["buckets"]

    ok(admin.put("/__admin/tenants/o-A-na1", json={"seed": 1, "scenario": "none"}))
    ok(admin.post("/__admin/tenants/o-A-na1/reset"))
    assert ok(admin.get("/__admin/tenants/o-A-na1/lifecycle"))["kinds"] == {}

    info = ok(admin.put("/__admin/tenants/o-A-na1/snapshot", json=snapshot))
    assert info["seed"] == 77 and info["users"] == 50
    assert ok(admin.get("/__admin/tenants/o-A-na1/snapshot")) == snapshot
    assert answers(fs) == before


def test_import_into_another_tenant(admin: httpx.Client, client_for: ClientFor) -> None:
    a = client_for(new_tenant(admin, "o-A-na1", seed=5))
    before = session_ids(a)
    snapshot = ok(admin.get("/__admin/tenants/o-A-na1/snapshot"))
    ok(admin.put("/__admin/tenants/o-B-na1/snapshot", json=snapshot))
    b = client_for(
        ok(admin.post("/__admin/keys", json={"tenant": "o-B-na1", "level": "admin"}), 201)["secret"]
    )
    assert session_ids(b) == before
    b_journal = ok(admin.get("/__admin/journal", params={"tenant": "o-B-na1"}))["entries"]
    assert {e["tenant"] for e in b_journal} == {"o-B-na1"}
    seqs = [e["seq"] for e in ok(admin.get("/__admin/journal"))["entries"]]
    assert len(seqs) == len(set(seqs))  # copied entries got fresh sequence numbers


@pytest.mark.parametrize(
    "damage",
    [
        lambda s: s.update(format="something-else"),
        lambda s: s.update(version=2),
        lambda s: s["config"].update(scenario_text="users: [{uid: 1}]"),
        lambda s: s["config"].update(users=-5),
        lambda s: s["lifecycle"].update(default="whenever"),
        lambda s: s["rate_limits"].update(default={"rate_per_second": 0, "burst": 1}),
        lambda s: s["journal"].append({"seq": 1}),
        lambda s: s.pop("journal"),
    ],
)
def test_bad_imports_are_400_and_change_nothing(admin: httpx.Client, damage: Any) -> None:
    ok(admin.put("/__admin/tenants/o-A-na1", json={"seed": 9}))
    snapshot = ok(admin.get("/__admin/tenants/o-A-na1/snapshot"))
    damage(snapshot)
    admin_error(admin.put("/__admin/tenants/o-A-na1/snapshot", json=snapshot), 400)
    assert ok(admin.get("/__admin/tenants/o-A-na1"))["seed"] == 9


def test_snapshot_of_unknown_tenant_is_404(admin: httpx.Client) -> None:
    admin_error(admin.get("/__admin/tenants/o-NOPE-na1/snapshot"), 404)

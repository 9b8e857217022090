"""The request journal over the admin API: queries, bounds, clearing."""

from __future__ import annotations

import httpx
import pytest

from .admin_helpers import ClientFor, admin_error, new_tenant, ok

JANE = "jane.checkout@example.com"


def test_entries_are_json_and_queryable(admin: httpx.Client, client: httpx.Client) -> None:
    ok(client.get("/me"))
    ok(admin.post("/__admin/clock/advance", json={"seconds": 10}))
    ok(client.get("/v2/sessions", params={"email": JANE, "limit": 1}))
    assert client.get("/v2/sessions/1:2/events").status_code == 404
    entries = ok(admin.get("/__admin/journal"))["entries"]
    assert [e["operation_id"] for e in entries] == ["getMe", "listSessionsV2", "getSessionEvents"]
    me = entries[0]
    assert me["tenant"] == "o-MOCK-na1" and me["key_id"].startswith("key_")
    assert me["response_body"]["orgId"] == "o-MOCK-na1" and me["time"] == "2026-09-01T00:00:00Z"
    assert entries[1]["query"] == {"email": [JANE], "limit": ["1"]}

    def ops(**params: str | int) -> list[str]:
        page = ok(admin.get("/__admin/journal", params=params))
        assert page["count"] == len(page["entries"])
        return [e["operation_id"] for e in page["entries"]]

    assert ops(operation="getMe") == ["getMe"]
    assert ops(status=404) == ["getSessionEvents"]
    assert ops(method="GET", path_prefix="/v2/sessions/") == ["getSessionEvents"]
    assert ops(contains="app_url") == ["listSessionsV2"]  # in the response body
    assert ops(contains="does not exist") == ["getSessionEvents"]
    assert ops(since="2026-09-01T00:00:05Z") == ["listSessionsV2", "getSessionEvents"]
    assert ops(until="2026-09-01T00:00:05Z") == ["getMe"]
    assert ops(limit=1) == ["getSessionEvents"]
    assert ops(tenant="o-OTHER-na1") == []


def test_unauthenticated_requests_are_journaled(
    admin: httpx.Client, anon_client: httpx.Client
) -> None:
    assert anon_client.get("/me").status_code == 401
    entries = ok(admin.get("/__admin/journal", params={"tenant": "(unauthenticated)"}))["entries"]
    assert [(e["status"], e["key_id"]) for e in entries] == [(401, None)]


@pytest.mark.parametrize(
    "params",
    [{"status": "teapot"}, {"since": "yesterday"}, {"limit": 0}, {"method": "BREW"}],
)
def test_bad_queries_are_400(admin: httpx.Client, params: dict[str, str | int]) -> None:
    admin_error(admin.get("/__admin/journal", params=params), 400)


def test_cap_keeps_the_newest_per_tenant(admin: httpx.Client, client_for: ClientFor) -> None:
    a = client_for(new_tenant(admin, "o-A-na1"))
    b = client_for(new_tenant(admin, "o-B-na1"))
    assert ok(admin.put("/__admin/journal/settings", json={"capacity": 3})) == {
        "capacity": 3,
        "text_limit": 65536,
    }
    for uid in ["u1", "u2", "u3", "u4", "u5"]:
        ok(a.get("/v2/sessions", params={"uid": uid}))
    ok(b.get("/me"))
    page = ok(admin.get("/__admin/journal", params={"tenant": "o-A-na1"}))
    assert page["capacity"] == 3
    assert [e["query"]["uid"] for e in page["entries"]] == [["u3"], ["u4"], ["u5"]]
    assert len(ok(admin.get("/__admin/journal", params={"tenant": "o-B-na1"}))["entries"]) == 1
    for _ in range(50):  # memory stays flat: never more than the cap
        ok(a.get("/me"))
    assert len(ok(admin.get("/__admin/journal", params={"tenant": "o-A-na1"}))["entries"]) == 3


def test_text_limit_truncates_bodies(admin: httpx.Client, client: httpx.Client) -> None:
    ok(admin.put("/__admin/journal/settings", json={"text_limit": 10}))
    ok(client.get("/me"))
    entry = ok(admin.get("/__admin/journal"))["entries"][0]
    assert len(entry["response_text"]) == 10 and entry["response_truncated"] is True
    assert entry["response_body"] is None
    assert ok(admin.get("/__admin/journal/settings"))["text_limit"] == 10
    admin_error(admin.put("/__admin/journal/settings", json={"capacity": 0}), 400)
    admin_error(admin.put("/__admin/journal/settings", json={}), 400)


def test_clear_per_tenant_or_all(admin: httpx.Client, client_for: ClientFor) -> None:
    a = client_for(new_tenant(admin, "o-A-na1"))
    b = client_for(new_tenant(admin, "o-B-na1"))
    ok(a.get("/me"))
    ok(a.get("/me"))
    ok(b.get("/me"))
    assert ok(admin.delete("/__admin/journal", params={"tenant": "o-A-na1"})) == {"removed": 2}
    assert [e["tenant"] for e in ok(admin.get("/__admin/journal"))["entries"]] == ["o-B-na1"]
    assert ok(admin.delete("/__admin/journal")) == {"removed": 1}
    assert ok(admin.get("/__admin/journal"))["entries"] == []

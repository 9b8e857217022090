"""Fault rules through HTTP: validation, count, seeded probability and every action."""

from __future__ import annotations

from typing import Any

import anyio
import httpx
import pytest

from mockserver.app import MockServerApp, create_app
from mockserver.http.transport_faults import ConnectionDropped
from mockserver.settings import Settings
from mockserver.testing.server import serve_in_thread
from mockserver.testing.transport import in_process_client, mark_in_process

from .admin_helpers import admin_error, ok

ME_ERROR = {"match": {"operation_id": "getMe"}, "action": {"type": "error", "status": 500}}


def add(admin: httpx.Client, rule: dict[str, Any]) -> dict[str, Any]:
    created: dict[str, Any] = ok(admin.post("/__admin/faults", json=rule), 201)
    return created


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        ({"match": {"operation_id": "getMe"}, "action": {"type": "error", "status": 404}}, "404"),
        ({"match": {"operation_id": "nope"}, "action": {"type": "latency", "ms": 1}}, "nope"),
        ({"action": {"type": "error", "status": 418}}, "418"),
        ({"action": {"type": "error", "status": 200}}, "status"),
        ({"action": {"type": "truncate_body", "keep_bytes": 1, "keep_fraction": 0.5}}, ""),
        ({"action": {"type": "explode"}}, ""),
        ({"action": {"type": "latency", "ms": 5}, "times": 0}, "times"),
        ({"action": {"type": "latency", "ms": 5}, "probability": 1.5}, "probability"),
        ({"match": {"colour": "red"}, "action": {"type": "drop_connection"}}, ""),
    ],
)
def test_bad_rules_are_400(admin: httpx.Client, rule: dict[str, Any], words: str) -> None:
    error = admin_error(admin.post("/__admin/faults", json=rule), 400)
    assert words in error["message"]
    assert ok(admin.get("/__admin/faults"))["faults"] == []


def test_documented_status_without_operation_is_accepted(admin: httpx.Client) -> None:
    rule = add(admin, {"action": {"type": "error", "status": 404}, "match": {"path": "/v2/*"}})
    assert rule["action"] == {"type": "error", "status": 404}


def test_times_counts_firings_then_the_rule_is_gone(
    admin: httpx.Client, client: httpx.Client
) -> None:
    rule = add(admin, {**ME_ERROR, "times": 2})
    assert rule == {
        "id": rule["id"],
        "match": {"operation_id": "getMe"},
        "action": {"type": "error", "status": 500},
        "times": 2,
        "probability": None,
        "seed": 1,
        "evaluations": 0,
        "fired": 0,
    }
    first = client.get("/me")
    assert first.status_code == 500
    assert first.json() == {"message": "Server error was encountered", "code": "server_error"}
    assert ok(admin.get(f"/__admin/faults/{rule['id']}"))["times"] == 1
    assert client.get("/me").status_code == 500
    assert client.get("/me").status_code == 200
    admin_error(admin.get(f"/__admin/faults/{rule['id']}"), 404)


def test_error_overrides_and_injected_429(admin: httpx.Client, client: httpx.Client) -> None:
    add(
        admin,
        {
            "match": {"operation_id": "getMe", "method": "GET"},
            "action": {"type": "error", "status": 401, "code": "nope_nope", "message": "go away"},
            "times": 1,
        },
    )
    assert client.get("/me").json() == {"message": "go away", "code": "nope_nope"}
    add(admin, {"match": {"path": "/me"}, "action": {"type": "error", "status": 429}, "times": 1})
    throttled = client.get("/me")
    assert throttled.status_code == 429 and throttled.headers["Retry-After"] == "1"
    assert throttled.json()["code"] == "too_many_requests"


def test_match_by_key_and_tenant(
    admin: httpx.Client, client: httpx.Client, app: MockServerApp
) -> None:
    keys = ok(admin.get("/__admin/keys"))["keys"]
    standard = next(k["key_id"] for k in keys if k["level"] == "standard")
    add(admin, {"match": {"key_id": standard}, "action": {"type": "error", "status": 401}})
    assert client.get("/me").status_code == 200  # the admin key is not matched
    with in_process_client(app, headers={"Authorization": "Basic mock-standard-key"}) as other:
        assert other.get("/me").status_code == 401


def statuses_with_probability(settings: Settings) -> list[int]:
    app = create_app(settings)
    key = {"Authorization": "Basic mock-admin-key"}
    with in_process_client(app) as admin, in_process_client(app, headers=key) as fs:
        add(admin, {**ME_ERROR, "probability": 0.5, "seed": 99})
        return [fs.get("/me").status_code for _ in range(30)]


def test_probability_with_a_seed_is_reproducible(settings: Settings) -> None:
    first = statuses_with_probability(settings)
    assert first == statuses_with_probability(settings)
    assert 5 < first.count(500) < 25 and first.count(200) + first.count(500) == 30


def test_latency_is_labelled_in_the_journal(admin: httpx.Client, client: httpx.Client) -> None:
    rule = add(admin, {"match": {"operation_id": "getMe"}, "action": {"type": "latency", "ms": 1}})
    assert client.get("/me").status_code == 200
    entry = ok(admin.get("/__admin/journal"))["entries"][-1]
    assert entry["fault"] == f"{rule['id']}:latency 1ms" and entry["status"] == 200


def test_truncate_body_in_process(admin: httpx.Client, client: httpx.Client) -> None:
    rule = {
        "match": {"operation_id": "getMe"},
        "action": {"type": "truncate_body", "keep_bytes": 5},
    }
    add(admin, {**rule, "times": 1})
    with pytest.raises(httpx.RemoteProtocolError):
        client.get("/me")
    assert client.get("/me").status_code == 200
    entry = ok(admin.get("/__admin/journal", params={"operation": "getMe"}))["entries"][0]
    assert entry["fault"].endswith(":truncate_body")


def test_drop_connection_in_process(
    admin: httpx.Client, client: httpx.Client, app: MockServerApp
) -> None:
    add(admin, {**ME_ERROR, "action": {"type": "drop_connection"}, "times": 2})
    with pytest.raises(httpx.RemoteProtocolError):
        client.get("/me")

    async def raw_call() -> None:
        transport = httpx.ASGITransport(app=mark_in_process(app))
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as raw:
            await raw.get("/me", headers={"Authorization": "Basic mock-admin-key"})

    with pytest.raises(ConnectionDropped):
        anyio.run(raw_call)


def test_drop_and_truncate_over_a_real_socket(admin: httpx.Client, app: MockServerApp) -> None:
    add(admin, {**ME_ERROR, "action": {"type": "drop_connection"}, "times": 1})
    cut = {"type": "truncate_body", "keep_fraction": 0.5}
    add(admin, {**ME_ERROR, "action": cut, "times": 1})
    key = {"Authorization": "Basic mock-admin-key"}
    with serve_in_thread(app) as url, httpx.Client(base_url=url, headers=key) as real:
        with pytest.raises(httpx.RemoteProtocolError):
            real.get("/me")
        with pytest.raises(httpx.RemoteProtocolError):
            real.get("/me")
        assert real.get("/me").status_code == 200


def test_list_delete_and_clear(admin: httpx.Client) -> None:
    first = add(admin, {"action": {"type": "latency", "ms": 1}})
    second = add(admin, {"action": {"type": "drop_connection"}, "match": {"path": "/nowhere"}})
    listed = ok(admin.get("/__admin/faults"))["faults"]
    assert [r["id"] for r in listed] == [first["id"], second["id"]]
    assert ok(admin.delete(f"/__admin/faults/{first['id']}")) == first
    admin_error(admin.delete(f"/__admin/faults/{first['id']}"), 404)
    admin_error(admin.get("/__admin/faults/not-an-id"), 400)
    assert ok(admin.delete("/__admin/faults")) == {"removed": 1}
    assert ok(admin.get("/__admin/faults"))["faults"] == []
    third = add(admin, {"action": {"type": "latency", "ms": 1}})
    assert third["id"] not in {first["id"], second["id"]}  # ids are never reused

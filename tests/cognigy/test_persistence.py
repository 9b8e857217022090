"""Cognigy profiles live in the tenant's ``cognigy`` store: on disk with --state-file before the
answer goes out, in tenant snapshots, and gone on reset."""

from __future__ import annotations

from pathlib import Path

import httpx
import orjson

from mockserver.app import create_app
from mockserver.cognigy.store import ListQuery
from mockserver.settings import Settings
from mockserver.testing.transport import in_process_client
from tests.cognigy.conftest import PROFILES, PROJECT, seed_body
from tests.conftest import ADMIN_KEY

KEY = {"X-API-Key": ADMIN_KEY}


def _schema(client: httpx.Client) -> None:
    details = [{"field": "Plan", "internal": "plan", "type": "string"}]
    assert client.put(f"{PROFILES}/schema/{PROJECT}", json={"details": details}).status_code == 200


def test_profiles_survive_a_restart(tmp_path: Path) -> None:
    settings = Settings(state_file=tmp_path / "state.json", users=100)
    with in_process_client(create_app(settings), headers=KEY) as client:
        _schema(client)
        made = client.post(PROFILES, json=seed_body(profile={"plan": "gold"})).json()
    # no shutdown: the write was saved before it was answered
    with in_process_client(create_app(settings), headers=KEY) as client:
        assert client.get(f"{PROFILES}/{made['_id']}").json() == made
        assert client.post(PROFILES, json=seed_body()).status_code == 409  # contact index too
        assert client.get(f"{PROFILES}/schema/{PROJECT}").json()["schema"]["plan"] == "string"
        fresh = client.post(PROFILES, json=seed_body(contactIds=["new"])).json()
        assert fresh["_id"] != made["_id"]


def test_tenant_snapshots_carry_profiles_and_reset_clears_them() -> None:
    app = create_app(Settings(users=100))
    with (
        in_process_client(app, headers=KEY) as client,
        in_process_client(app) as admin,
    ):
        made = client.post(PROFILES, json=seed_body()).json()

        def listed() -> list[str]:
            page = client.get(PROFILES, params={"projectId": PROJECT}).json()
            return [item["_id"] for item in page["items"]]

        assert listed() == [made["_id"]]
        tenant = app.state.server.keys.find(ADMIN_KEY).tenant
        snapshot = admin.get(f"/__admin/tenants/{tenant}/snapshot").json()
        assert snapshot["stores"]["cognigy"]["profiles"][0]["_id"] == made["_id"]
        assert admin.post(f"/__admin/tenants/{tenant}/reset").status_code in (200, 204)
        assert client.get(f"{PROFILES}/{made['_id']}").status_code == 404
        assert listed() == []  # no page kept from before the reset
        assert admin.put(f"/__admin/tenants/{tenant}/snapshot", json=snapshot).status_code == 200
        assert client.get(f"{PROFILES}/{made['_id']}").json() == made
        assert listed() == [made["_id"]]
        broken = {**snapshot, "stores": {"cognigy": {"profiles": [{"_id": "x"}]}}}
        assert admin.put(f"/__admin/tenants/{tenant}/snapshot", json=broken).status_code == 400
        assert client.get(f"{PROFILES}/{made['_id']}").json() == made


def test_a_store_restored_in_place_lists_what_it_now_holds() -> None:
    """Restoring swaps the content under the same store: no list page of the old content may
    survive it (a JSON page is kept until the profiles change)."""
    app = create_app(Settings(users=100))
    with in_process_client(app, headers=KEY) as client:
        first = client.post(PROFILES, json=seed_body()).json()
        store = app.state.server.tenant(app.state.server.keys.find(ADMIN_KEY).tenant).cognigy
        saved = store.snapshot()
        second = client.post(PROFILES, json=seed_body(contactIds=["other"])).json()
        query = ListQuery(PROJECT)
        assert [i["_id"] for i in orjson.loads(store.list_profiles_json(query))["items"]] == [
            first["_id"],
            second["_id"],
        ]
        store.restore(saved)
        assert orjson.loads(store.list_profiles_json(query))["items"] == [
            {k: first[k] for k in ("_id", "active", "profile")}
            | {"projectId": PROJECT, "lastChanged": first["lastChanged"]}
            | {"contactIds": first["contactIds"]}
        ]

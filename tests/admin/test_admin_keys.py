"""API keys over the admin API: create (secret shown once), list (never secrets), revoke."""

from __future__ import annotations

import httpx
import pytest

from mockserver.app import MockServerApp, create_app
from mockserver.settings import Settings
from mockserver.testing.transport import in_process_client

from .admin_helpers import ClientFor, admin_error, ok


def test_create_list_use_and_revoke(admin: httpx.Client, client_for: ClientFor) -> None:
    body = {"tenant": "o-A-na1", "level": "architect", "email": "arch@example.com"}
    created = ok(admin.post("/__admin/keys", json=body), 201)
    assert created["secret"].startswith("mock-") and created["key_id"].startswith("key_")
    me = ok(client_for(created["secret"]).get("/me"))
    assert me == {"email": "arch@example.com", "orgId": "o-A-na1", "role": "ARCHITECT"}

    listed = ok(admin.get("/__admin/keys", params={"tenant": "o-A-na1"}))["keys"]
    assert listed == [{k: v for k, v in created.items() if k != "secret"}]
    everything = admin.get("/__admin/keys").text
    assert created["secret"] not in everything and "mock-admin-key" not in everything

    revoked = ok(admin.delete(f"/__admin/keys/{created['key_id']}"))
    assert revoked["revoked"] is True
    assert client_for(created["secret"]).get("/me").status_code == 401
    assert ok(admin.get("/__admin/keys", params={"tenant": "o-A-na1"}))["keys"] == []
    with_revoked = {"tenant": "o-A-na1", "include_revoked": "true"}
    assert len(ok(admin.get("/__admin/keys", params=with_revoked))["keys"]) == 1
    admin_error(admin.delete(f"/__admin/keys/{created['key_id']}"), 404)


def test_chosen_secret_and_conflicts(admin: httpx.Client, client_for: ClientFor) -> None:
    body = {"tenant": "o-A-na1", "level": "admin", "secret": "my-own-secret"}
    ok(admin.post("/__admin/keys", json=body), 201)
    assert client_for("my-own-secret").get("/me").status_code == 200
    admin_error(admin.post("/__admin/keys", json=body), 409)


@pytest.mark.parametrize(
    "body",
    [
        {"tenant": "o-A-na1", "level": "owner"},
        {"tenant": "o-A-na1"},
        {"level": "admin"},
        {"tenant": "o-A-na1", "level": "admin", "email": "not-an-email"},
        {"tenant": "o A", "level": "admin"},
    ],
)
def test_bad_key_requests_are_400(admin: httpx.Client, body: object) -> None:
    admin_error(admin.post("/__admin/keys", json=body), 400)


def test_revoke_unknown_key(admin: httpx.Client) -> None:
    admin_error(admin.delete("/__admin/keys/key_000000000000"), 404)
    admin_error(admin.delete("/__admin/keys/mock-admin-key"), 400)  # a secret is not an id


def _made_up(application: MockServerApp, **extra: object) -> list[str]:
    with in_process_client(application) as admin:
        body = {"tenant": "t", "level": "admin", **extra}
        return [ok(admin.post("/__admin/keys", json=body), 201)["secret"] for _ in range(3)]


def test_made_up_secrets_are_unpredictable(app: MockServerApp, settings: Settings) -> None:
    # Another tenant's client knows the seed (the banner prints it): it must not be able to
    # compute this key from it.
    first = _made_up(app)
    assert len(set(first)) == 3
    assert not set(first) & set(_made_up(create_app(settings)))
    assert not set(first) & set(_made_up(create_app(settings), deterministic=True))


def test_deterministic_secrets_on_request(app: MockServerApp, settings: Settings) -> None:
    first = _made_up(app, deterministic=True)
    assert len(set(first)) == 3
    assert _made_up(create_app(settings), deterministic=True) == first


def test_a_new_tenants_key_is_unpredictable_unless_asked(settings: Settings) -> None:
    def tenant_key(**key: object) -> str:
        with in_process_client(create_app(settings)) as admin:
            body = {"tenant_id": "o-K-na1", "key": {"level": "admin", **key}}
            return str(ok(admin.post("/__admin/tenants", json=body), 201)["key"]["secret"])

    assert tenant_key() != tenant_key()
    assert tenant_key(deterministic=True) == tenant_key(deterministic=True)

"""--admin-token protects every admin operation but health; without it the API is open."""

from __future__ import annotations

import pytest

from mockserver.app import MockServerApp, create_app
from mockserver.settings import Settings
from mockserver.testing.transport import in_process_client

from .admin_helpers import admin_error, ok

CALLS = [
    ("GET", "/__admin/tenants"),
    ("POST", "/__admin/reset"),
    ("GET", "/__admin/clock"),
    ("GET", "/__admin/keys"),
    ("GET", "/__admin/faults"),
    ("DELETE", "/__admin/faults"),
    ("GET", "/__admin/journal"),
    ("GET", "/__admin/tenants/o-MOCK-na1/snapshot"),
    ("GET", "/__admin/rate-limits"),
]


@pytest.fixture
def app() -> MockServerApp:
    return create_app(Settings(validate_responses=True, admin_token="s3cret"))


@pytest.mark.parametrize(("method", "path"), CALLS)
def test_token_required(app: MockServerApp, method: str, path: str) -> None:
    with in_process_client(app) as anon:
        admin_error(anon.request(method, path), 401)
    with in_process_client(app, headers={"Authorization": "Bearer wrong"}) as wrong:
        admin_error(wrong.request(method, path), 401)
    with in_process_client(app, headers={"Authorization": "Bearer s3cret"}) as right:
        assert right.request(method, path).status_code == 200


def test_health_stays_open(app: MockServerApp) -> None:
    with in_process_client(app) as anon:
        assert ok(anon.get("/__admin/health"))["status"] == "ok"


def test_fullstory_keys_are_not_admin_tokens(app: MockServerApp) -> None:
    with in_process_client(app, headers={"Authorization": "Basic mock-admin-key"}) as fs:
        admin_error(fs.get("/__admin/keys"), 401)


@pytest.mark.parametrize("sent", ["café".encode(), b"caf\xe9", b"\xff\xfe", "s3cret€".encode()])
def test_non_ascii_tokens_are_refused_in_the_envelope(app: MockServerApp, sent: bytes) -> None:
    # Header values arrive as raw bytes; a non-ASCII one must be a 401, not a 500.
    with in_process_client(app) as anon:
        response = anon.get("/__admin/keys", headers=[(b"Authorization", b"Bearer " + sent)])
        admin_error(response, 401)


def test_a_non_ascii_configured_token_works() -> None:
    app = create_app(Settings(validate_responses=True, admin_token="café"))
    with in_process_client(app) as client:
        right = [(b"Authorization", "Bearer café".encode())]
        assert client.get("/__admin/keys", headers=right).status_code == 200
        admin_error(client.get("/__admin/keys", headers={"Authorization": "Bearer cafe"}), 401)
        admin_error(
            client.get("/__admin/keys", headers=[(b"Authorization", b"Bearer caf\xe9")]), 401
        )

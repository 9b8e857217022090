"""Bearer-token auth as the Opal SDK's static-token middleware; the Basic-key connector."""

from __future__ import annotations

from mockserver.testing.opal import OpalFake
from tests.opal.conftest import JANE_UID, OpalApp

TOOL = "/opal/tools/fullstory_list_sessions"
BODY = {"parameters": {"uid": JANE_UID}}


def test_bearer_token_as_the_sdk(opal_app: OpalApp) -> None:
    with opal_app(opal_token="s3cret") as client:
        assert client.get("/opal/discovery").status_code == 200  # public, as in the SDK
        missing = client.post(TOOL, json=BODY)
        assert (missing.status_code, missing.json()) == (401, {"detail": "Missing bearer token"})
        for wrong in ("Basic mock-admin-key", "bearer s3cret", "Bearer"):
            response = client.post(TOOL, json=BODY, headers={"Authorization": wrong})
            assert response.json() == {"detail": "Missing bearer token"}, wrong
        invalid = client.post(TOOL, json=BODY, headers={"Authorization": "Bearer s3cre"})
        assert (invalid.status_code, invalid.json()) == (401, {"detail": "Invalid bearer token"})
        good = client.post(TOOL, json=BODY, headers={"Authorization": "Bearer s3cret"})
        assert good.status_code == 200 and good.json()["sessions"]
        # Refused calls are journaled too, as unauthenticated.
        journal = client.get("/__admin/journal", params={"operation": "fullstory_list_sessions"})
        statuses = [e["status"] for e in journal.json()["entries"]]
        assert statuses == [401, 401, 401, 401, 401, 200]


def test_without_a_token_the_configured_key_is_the_connector(opal_app: OpalApp) -> None:
    with opal_app(opal_key="mock-standard-key") as client:
        assert client.post(TOOL, json=BODY).status_code == 200
        (call,) = client.get("/__admin/journal", params={"operation": "listSessions"}).json()[
            "entries"
        ]
        assert call["tenant"] == "o-MOCK-na1"
        assert call["key_id"] != "(unauthenticated)"


def test_a_basic_key_picks_its_own_tenant(opal: OpalFake) -> None:
    opal.run("fullstory_list_sessions", uid=JANE_UID)
    (api_call,) = opal.fullstory_calls()
    assert api_call.tenant == opal.fullstory.tenant_id
    unknown = opal.http.post(TOOL, json=BODY, headers={"Authorization": "Basic not-a-key"})
    assert (unknown.status_code, unknown.json()) == (401, {"detail": "Invalid FullStory API key"})

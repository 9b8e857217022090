"""The second backend: the Opal service in front of a FullStory API reached over HTTP (here
another fake, served by uvicorn on 127.0.0.1), answering exactly as the in-process one."""

from __future__ import annotations

import httpx

from mockserver.app import create_app
from mockserver.settings import Settings
from mockserver.testing.server import serve_in_thread
from mockserver.testing.transport import in_process_client
from tests.opal.conftest import JANE_UID

TOOL = "/opal/tools/fullstory_list_sessions"


def test_a_served_fullstory_over_http_answers_as_in_process() -> None:
    upstream_app = create_app(Settings(validate_responses=True, users=200))
    with serve_in_thread(upstream_app) as upstream_url:
        front = create_app(
            Settings(validate_responses=True, users=200, opal_fullstory_url=upstream_url)
        )
        local = create_app(Settings(validate_responses=True, users=200))
        with in_process_client(front) as remote_client, in_process_client(local) as local_client:
            over_http = remote_client.post(TOOL, json={"parameters": {"uid": JANE_UID}})
            in_process = local_client.post(TOOL, json={"parameters": {"uid": JANE_UID}})
            assert over_http.status_code == in_process.status_code == 200
            assert over_http.json() == in_process.json()
            # Unknown here is fine over HTTP: the key is the upstream's to judge.
            refused = remote_client.post(
                TOOL, json={"uid": JANE_UID}, headers={"Authorization": "Basic wrong-key"}
            )
            assert refused.status_code == 502
            assert "refused the connector's API key" in refused.json()["detail"]
        # The upstream fake saw the FullStory calls, over its socket, with the connector's key.
        with httpx.Client(base_url=upstream_url) as admin:
            entries = admin.get("/__admin/journal").json()["entries"]
        assert [(e["operation_id"], e["status"]) for e in entries] == [
            ("listSessions", 200),
            ("listSessions", 401),
        ]
        assert entries[0]["tenant"] == "o-MOCK-na1"


def test_an_unreachable_fullstory_is_a_502() -> None:
    with serve_in_thread(create_app(Settings(users=10))) as gone_url:
        pass  # served and stopped: nothing listens there any more
    front = create_app(Settings(users=10, opal_fullstory_url=gone_url))
    with in_process_client(front) as client:
        response = client.post(TOOL, json={"uid": JANE_UID})
    assert response.status_code == 502
    assert "FullStory could not be reached" in response.json()["detail"]

"""The tools over HTTP, through the FullStory API: answers, journal, faults and rate limits."""

from __future__ import annotations

import pytest

from mockserver.testing.fake import Fake
from mockserver.testing.opal import OpalFake
from tests.opal.conftest import JANE_EMAIL, JANE_FAILED_CHECKOUT, JANE_UID


def test_list_sessions_is_the_list_sessions_api(opal: OpalFake, fullstory: Fake) -> None:
    answer = opal.run("fullstory_list_sessions", uid=JANE_UID, limit=5)
    with fullstory.client() as client:
        direct = client.get("/sessions/v2", params={"uid": JANE_UID, "limit": 5}).json()
    assert answer == direct
    first = answer["sessions"][0]
    assert f"{first['userId']}:{first['sessionId']}" == JANE_FAILED_CHECKOUT
    # The tool call and the FullStory call it made, both in this test's tenant's journal (the
    # FullStory call first: it finished inside the tool call).
    api_call, tool_call, _direct_call = fullstory.calls()
    assert tool_call.operation_id == "fullstory_list_sessions"
    assert api_call.operation_id == "listSessions"
    assert api_call.query == {"uid": [JANE_UID], "limit": ["5"]}
    assert api_call.key_id == fullstory.key.key_id  # with the connector's key


def test_list_sessions_union_of_uid_and_email(opal: OpalFake, fullstory: Fake) -> None:
    by_email = opal.run("fullstory_list_sessions", email=JANE_EMAIL)
    both = opal.run("fullstory_list_sessions", uid="sam-support", email=JANE_EMAIL, limit=100)
    sam = opal.run("fullstory_list_sessions", uid="sam-support", limit=100)
    ids = {(s["userId"], s["sessionId"]) for s in both["sessions"]}
    assert ids == {(s["userId"], s["sessionId"]) for s in [*by_email["sessions"], *sam["sessions"]]}
    fullstory.assert_called("listSessions", times=1, uid="sam-support", email=JANE_EMAIL)


def test_unknown_user_has_no_sessions(opal: OpalFake) -> None:
    assert opal.run("fullstory_list_sessions", uid="nobody-at-all") == {"sessions": []}


@pytest.mark.parametrize(
    ("status", "tool_status"),
    [(400, 400), (401, 502), (403, 403), (429, 429), (500, 502)],
)
def test_fullstory_errors_become_tool_errors(
    opal: OpalFake, fullstory: Fake, status: int, tool_status: int
) -> None:
    fullstory.add_fault(
        match={"operation_id": "listSessions"}, action={"type": "error", "status": status}
    )
    response = opal.call("fullstory_list_sessions", uid=JANE_UID)
    assert response.status_code == tool_status
    detail = response.json()["detail"]
    assert detail.startswith("fullstory_list_sessions: ")
    assert f"FullStory answered {status} " in detail
    if status == 429:
        assert response.headers["Retry-After"] == "1"
    (api_call,) = opal.fullstory_calls()
    assert api_call.fault is not None


def test_fullstory_hanging_up_is_a_502(opal: OpalFake, fullstory: Fake) -> None:
    fullstory.add_fault(match={"operation_id": "listSessions"}, action={"type": "drop_connection"})
    response = opal.call("fullstory_list_sessions", uid=JANE_UID)
    assert response.status_code == 502
    assert "FullStory could not be reached" in response.json()["detail"]


def test_faults_on_the_tool_itself(opal: OpalFake, fullstory: Fake) -> None:
    fullstory.add_fault(
        match={"operation_id": "fullstory_list_sessions"},
        action={"type": "error", "status": 500, "message": "tool broke"},
        times=1,
    )
    response = opal.call("fullstory_list_sessions", uid=JANE_UID)
    assert (response.status_code, response.json()) == (500, {"detail": "tool broke"})
    assert opal.fullstory_calls() == []  # the fault answered before the tool ran
    assert opal.call("fullstory_list_sessions", uid=JANE_UID).status_code == 200


def test_tool_calls_are_rate_limited_per_group(opal: OpalFake, fullstory: Fake) -> None:
    fullstory.freeze_clock()
    fullstory.set_rate_limits({"groups": {"opal-tools": {"rate_per_second": 0.01, "burst": 1}}})
    assert opal.call("fullstory_list_sessions", uid=JANE_UID).status_code == 200
    limited = opal.call("fullstory_list_sessions", uid=JANE_UID)
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) >= 1
    assert set(limited.json()) == {"detail"}
    assert len(opal.fullstory_calls()) == 1  # the refused call never reached FullStory
    fullstory.advance_clock(200)
    assert opal.call("fullstory_list_sessions", uid=JANE_UID).status_code == 200

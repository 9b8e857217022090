"""The README's Opal example, as it is written there."""

from __future__ import annotations

from mockserver.testing.opal import OpalFake


def test_support_summary_of_the_failed_checkout(opal: OpalFake) -> None:
    sessions = opal.run("fullstory_list_sessions", uid="jane-checkout")["sessions"]
    session_id = f"{sessions[0]['userId']}:{sessions[0]['sessionId']}"
    summary = opal.run("fullstory_get_session_support_summary", sessionId=session_id)
    assert summary["config_profile"] == "support"
    opal.fullstory.assert_called("generateSessionSummary", config_profile="support")

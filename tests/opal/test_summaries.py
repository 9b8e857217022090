"""The AI-analysis tools, through FullStory's summary API: built-in profiles, a profile built
from the caller's prompts (and deleted after), and the cross-session visit-profile report."""

from __future__ import annotations

from typing import Any

import pytest

from mockserver.opal.profiles import BUILTIN_PROFILES
from mockserver.testing.fake import Fake
from mockserver.testing.opal import OpalFake
from tests.opal.conftest import JANE_EMAIL, JANE_FAILED_CHECKOUT, JANE_UID


def direct_summary(fullstory: Fake, session_id: str, profile: str) -> dict[str, Any]:
    with fullstory.client() as client:
        response = client.get(
            f"/v2/sessions/{session_id}/summary", params={"config_profile": profile}
        )
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def profile_ids(fullstory: Fake) -> list[str]:
    with fullstory.client() as client:
        listed = client.get("/v2/visit_profile", params={"limit": 100}).json()
    return sorted(p["id"] for p in listed["profiles"])


@pytest.mark.parametrize(("tool", "profile"), sorted(BUILTIN_PROFILES.items()))
def test_summary_tools_use_their_builtin_profile(
    opal: OpalFake, fullstory: Fake, tool: str, profile: str
) -> None:
    answer = opal.run(tool, sessionId=JANE_FAILED_CHECKOUT)
    expected = direct_summary(fullstory, JANE_FAILED_CHECKOUT, profile)
    assert answer == {"session_id": JANE_FAILED_CHECKOUT, "config_profile": profile, **expected}
    assert answer["summary"]
    fullstory.assert_called("generateSessionSummary", times=2, config_profile=profile)


def test_the_builtin_profiles_exist_at_fullstory(fullstory: Fake) -> None:
    assert set(BUILTIN_PROFILES.values()) <= set(profile_ids(fullstory))


def test_a_session_fullstory_does_not_have_is_404(opal: OpalFake) -> None:
    response = opal.call("fullstory_get_session_quick_summary", sessionId="1:2")
    assert response.status_code == 404
    assert "FullStory answered 404 resource_not_found" in response.json()["detail"]


def test_custom_summary_builds_a_profile_from_its_prompts(opal: OpalFake, fullstory: Fake) -> None:
    before = profile_ids(fullstory)
    answer = opal.run(
        "fullstory_get_custom_session_summary",
        sessionId=JANE_FAILED_CHECKOUT,
        pre_prompt="You are a payments engineer.",
        post_prompt="List what went wrong at payment.",
        temperature=0.1,
    )
    assert answer["session_id"] == JANE_FAILED_CHECKOUT and answer["summary"]
    assert answer["llm"] == {
        "temperature": 0.1,
        "pre_prompt": "You are a payments engineer.",
        "post_prompt": "List what went wrong at payment.",
    }
    created, summarized, deleted = (
        e for e in opal.fullstory_calls() if e.operation_id != "listVisitProfiles"
    )
    assert created.operation_id == "createVisitProfile"
    assert '"pre_prompt":"You are a payments engineer."' in created.request_text
    profile_id = created.response_text.split('"id":"')[1].split('"')[0]
    assert summarized.operation_id == "generateSessionSummary"
    assert summarized.query["config_profile"] == [profile_id]
    assert (deleted.operation_id, deleted.status) == ("deleteVisitProfile", 200)
    assert profile_ids(fullstory) == before  # nothing left behind


def test_custom_summary_temperature_defaults_to_0_4(opal: OpalFake) -> None:
    answer = opal.run(
        "fullstory_get_custom_session_summary",
        sessionId=JANE_FAILED_CHECKOUT,
        pre_prompt="a",
        post_prompt="b",
    )
    assert answer["llm"]["temperature"] == 0.4


def test_visit_profile_report_is_traceable_to_sessions(opal: OpalFake, fullstory: Fake) -> None:
    report = opal.run("fullstory_visit_profile", uid=JANE_UID)
    with fullstory.client() as client:
        listed = client.get("/sessions/v2", params={"uid": JANE_UID, "limit": 5}).json()
    session_ids = [f"{s['userId']}:{s['sessionId']}" for s in listed["sessions"]]
    assert report["user"] == {"uid": JANE_UID}
    assert [s["session_id"] for s in report["sessions"]] == session_ids
    assert report["sessions_analyzed"] == len(session_ids) >= 2
    for session in report["sessions"]:  # each session's summary is FullStory's support summary
        expected = direct_summary(fullstory, session["session_id"], "support")
        assert session["summary"] == expected["summary"]
    findings = [
        *report["goals"],
        *report["frustrations"],
        *report["technical_errors"],
        *report["recommendations"],
    ]
    assert findings
    for finding in findings:
        assert finding["sessions"] and set(finding["sessions"]) <= set(session_ids)
    # The failed checkout's payment failure, traced to that session.
    errors = {e["error"]: e for e in report["technical_errors"]}
    payment = errors["POST https://www.acmeoutfitters.com/api/payments -> HTTP 500"]
    assert payment["sessions"] == [JANE_FAILED_CHECKOUT]
    rage = next(f for f in report["frustrations"] if f["type"] == "rage-click")
    assert (rage["target"], rage["sessions"]) == ("Place order", [JANE_FAILED_CHECKOUT])
    assert any(
        "api/payments" in r["recommendation"] and r["sessions"] == [JANE_FAILED_CHECKOUT]
        for r in report["recommendations"]
    )
    recurring = [g for g in report["goals"] if g["recurring"]]
    assert recurring and all(len(g["sessions"]) > 1 for g in recurring)


def test_visit_profile_with_email_limit_and_llm(opal: OpalFake, fullstory: Fake) -> None:
    before = profile_ids(fullstory)
    llm = {"pre_prompt": "You are a customer success manager.", "post_prompt": "Be brief."}
    report = opal.run("fullstory_visit_profile", email=JANE_EMAIL, limit=1, llm=llm)
    assert report["user"] == {"email": JANE_EMAIL}
    assert [s["session_id"] for s in report["sessions"]] == [JANE_FAILED_CHECKOUT]
    assert report["analysis"] == {"llm": {**llm, "temperature": 0.2}}
    summaries = fullstory.calls("generateSessionSummary")
    assert summaries and all(e.query["config_profile"] != ["support"] for e in summaries)
    assert profile_ids(fullstory) == before


def test_visit_profile_of_a_user_without_sessions_is_404(opal: OpalFake) -> None:
    response = opal.call("fullstory_visit_profile", uid="nobody-at-all")
    assert response.status_code == 404
    assert "no sessions found for uid 'nobody-at-all'" in response.json()["detail"]


@pytest.mark.xfail(
    strict=True,
    reason="issue 7: the summarizer does not see the failed checkout's payment errors yet",
)
def test_support_summary_of_the_failed_checkout_names_the_payment_failure(
    opal: OpalFake,
) -> None:
    support = opal.run("fullstory_get_session_support_summary", sessionId=JANE_FAILED_CHECKOUT)
    assert support["response"]["errors"]

"""Generate Summary over HTTP: profiles, overrides, aliases, errors, the control plane
(journal, faults, rate limits, snapshots, state file, reset), latency and determinism."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import jsonschema_rs
import pytest

from mockserver.app import create_app
from mockserver.core.clock import ClockMode, parse_rfc3339
from mockserver.fullstory.summaries.builtin import BUILTIN_PROFILES
from mockserver.fullstory.summaries.dialect import to_json_schema
from mockserver.settings import Settings
from mockserver.testing.fake import Fake
from mockserver.testing.transport import in_process_client
from tests.fullstory.summaries.test_properties import all_text, mentioned, truth

JANE_FAILED = "5914802517630194781:7210365481229753190"
SUMMARY = f"/v2/sessions/{JANE_FAILED}/summary"
COUNTS = {
    "type": "OBJECT",
    "properties": {
        "click_count": {"type": "INTEGER"},
        "page_count": {"type": "INTEGER"},
        "summary": {"type": "STRING"},
    },
    "required": ["click_count", "page_count", "summary"],
}


@pytest.fixture
def settings() -> Settings:
    return Settings(validate_responses=True, users=30)


def test_every_builtin_profile_answers_with_a_valid_response(client: httpx.Client) -> None:
    for profile in BUILTIN_PROFILES:
        answer = client.get(SUMMARY, params={"config_profile": profile.id})
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert set(body) == {"summary", "response", "response_schema"}
        assert body["response_schema"] == profile.response_schema
        validator = jsonschema_rs.validator_for(to_json_schema(profile.response_schema))
        assert validator.is_valid(body["response"]), body["response"]


def test_without_a_profile_a_simple_synopsis(client: httpx.Client) -> None:
    body = client.get(SUMMARY).json()
    assert list(body) == ["summary"] and "/checkout" in body["summary"]


def test_alias_beta_path_and_post_agree(client: httpx.Client) -> None:
    plain = client.get(SUMMARY, params={"config_profile": "support"}).content
    assert client.get(SUMMARY, params={"config_profile_id": "support"}).content == plain
    beta = client.get(
        f"/v2beta/sessions/{JANE_FAILED}/summary", params={"config_profile": "support"}
    )
    assert beta.content == plain
    assert client.post(SUMMARY, json={"config_profile": "support"}).content == plain
    assert client.post(SUMMARY, json={"config_profile_id": "support"}).content == plain


def test_overrides_append_arrays_and_replace_scalars(client: httpx.Client) -> None:
    pid = client.post(
        "/v2/visit_profile",
        json={"events": {"include_types": ["navigate"]}, "llm": {"response_schema": COUNTS}},
    ).json()["id"]
    only_pages = client.get(SUMMARY, params={"config_profile": pid}).json()["response"]
    assert only_pages["click_count"] == 0 and only_pages["page_count"] > 0
    merged = client.post(
        SUMMARY, json={"config_profile": pid, "events": {"include_types": ["click"]}}
    ).json()["response"]
    assert merged["click_count"] > 0  # ["navigate"] + ["click"]: both kinds now
    assert merged["page_count"] == only_pages["page_count"]
    brief = client.post(
        SUMMARY, json={"config_profile": pid, "llm": {"post_prompt": "Briefly, as a list"}}
    ).json()
    assert brief["summary"].startswith("- ") and brief["response_schema"] == COUNTS
    other = {"type": "OBJECT", "properties": {"outcome": {"type": "STRING"}}}
    replaced = client.post(
        SUMMARY, json={"config_profile": pid, "llm": {"response_schema": other}}
    ).json()
    assert replaced["response_schema"] == other and set(replaced["response"]) == {"outcome"}
    # the stored profile is untouched by overrides
    assert client.get(f"/v2/visit_profile/{pid}").json()["llm"]["response_schema"] == COUNTS


def test_end_timestamp_keeps_earlier_events(client: httpx.Client) -> None:
    events = client.get(f"/v2/sessions/{JANE_FAILED}/events").json()["events"]
    cut = events[1]["event_time"]
    pid = client.post("/v2/visit_profile", json={"llm": {"response_schema": COUNTS}}).json()["id"]
    early = client.get(SUMMARY, params={"config_profile": pid, "end_timestamp": cut}).json()
    full = client.get(SUMMARY, params={"config_profile": pid}).json()
    assert early["response"]["page_count"] == 1 < full["response"]["page_count"]


def test_an_updated_profile_gives_a_new_answer(client: httpx.Client) -> None:
    pid = client.post("/v2/visit_profile", json={"llm": {"post_prompt": "x"}}).json()["id"]
    before = client.get(SUMMARY, params={"config_profile": pid}).json()
    client.post(f"/v2/visit_profile/{pid}", json={"llm": {"response_schema": COUNTS}})
    after = client.get(SUMMARY, params={"config_profile": pid}).json()
    assert "response" not in before and "response" in after


def test_errors(client: httpx.Client) -> None:
    missing = client.get(SUMMARY, params={"config_profile": "nope"})
    assert missing.status_code == 404 and "nope" in missing.json()["message"]
    assert client.get("/v2/sessions/1:2/summary").status_code == 404
    assert client.get("/v2/sessions/abc/summary").json()["code"] == "invalid_argument"
    bad_time = client.get(SUMMARY, params={"end_timestamp": "yesterday"})
    assert bad_time.status_code == 400 and "end_timestamp" in bad_time.json()["message"]
    for body, named in (
        ({"llm": {"temperature": 3}}, "temperature"),
        ({"llm": {"response_schema": {"type": "OBJECT", "required": ["b"]}}}, "required"),
        ({"slice": {"mode": "NOW"}}, "mode"),
    ):  # fmt: skip
        response = client.post(SUMMARY, json=body)
        assert response.status_code == 400 and named in response.json()["message"], response.text


def test_determinism_across_processes(client: httpx.Client) -> None:
    here = client.get(SUMMARY, params={"config_profile": "technical"}).content
    script = (
        "from mockserver.app import create_app\n"
        "from mockserver.settings import Settings\n"
        "from mockserver.testing.transport import in_process_client\n"
        "import sys\n"
        "app = create_app(Settings(users=30))\n"
        "with in_process_client(app, headers={'Authorization': 'Basic mock-admin-key'}) as c:\n"
        f"    answer = c.get('{SUMMARY}', params={{'config_profile': 'technical'}})\n"
        "    sys.stdout.buffer.write(answer.content)\n"
    )  # fmt: skip
    there = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, check=True, timeout=120
    ).stdout
    assert there == here


def test_pinned_failed_checkout_names_payment_failure_exception_and_rage_clicks(
    client: httpx.Client,
) -> None:
    for profile in ("support", "technical"):
        text = client.get(SUMMARY, params={"config_profile": profile}).json()["summary"]
        assert "/api/payments failed with HTTP" in text
        assert "xception" in text and "TypeError" in text
        assert 'rage clicks on "Place order"' in text


# -- control plane and plugin --------------------------------------------------------------


@pytest.mark.mockserver(profiles=[{"id": "mine", "post_prompt": "Be brief", "name": "Mine"}])
def test_marker_preloads_profiles_and_journal_records(
    fullstory: Fake, fullstory_client: httpx.Client
) -> None:
    assert fullstory.profile("mine")["name"] == "Mine"
    made = fullstory.create_profile(response_schema=COUNTS, temperature=0.5)
    assert fullstory_client.get(f"/v2/visit_profile/{made}").json()["llm"]["temperature"] == 0.5
    fullstory_client.get(SUMMARY, params={"config_profile": "mine"})
    fullstory.assert_called("generateSessionSummary", times=1, config_profile="mine")
    with pytest.raises(ValueError, match="temperature"):
        fullstory.create_profile(temperature=2)


@pytest.mark.mockserver(
    faults=[{"match": {"operation_id": "generateSessionSummary"},
             "action": {"type": "error", "status": 429}, "times": 1}]
)  # fmt: skip
def test_faults_apply_to_summaries(fullstory_client: httpx.Client) -> None:
    first = fullstory_client.get(SUMMARY)
    assert first.status_code == 429 and first.headers["Retry-After"]
    assert fullstory_client.get(SUMMARY).status_code == 200


@pytest.mark.mockserver(
    clock="frozen", rate_limits={"groups": {"summaries": {"rate_per_second": 1, "burst": 2}}}
)
def test_summaries_have_their_own_rate_limit_group(fullstory_client: httpx.Client) -> None:
    assert [fullstory_client.get(SUMMARY).status_code for _ in range(3)] == [200, 200, 429]
    assert fullstory_client.get("/v2/visit_profile").status_code == 200  # "profiles" is apart


def test_snapshot_reset_and_state_file(tmp_path: Path) -> None:
    settings = Settings(
        validate_responses=True, users=30, clock=ClockMode.FROZEN, state_file=tmp_path / "s.json"
    )
    app = create_app(settings)
    key = {"Authorization": "Basic mock-admin-key"}
    with in_process_client(app, headers=key) as fs, in_process_client(app) as admin:
        pid = fs.post("/v2/visit_profile", json={"name": "kept"}).json()["id"]
        fs.delete("/v2/visit_profile/quick")
        snapshot = admin.get("/__admin/tenants/o-MOCK-na1/snapshot").json()
        assert [p["id"] for p in snapshot["stores"]["fullstory.visit_profiles"]["profiles"]][
            -1
        ] == pid
    again = create_app(settings)  # every acknowledged write is on disk
    with in_process_client(again, headers=key) as fs, in_process_client(again) as admin:
        assert fs.get(f"/v2/visit_profile/{pid}").json()["name"] == "kept"
        assert fs.get("/v2/visit_profile/quick").status_code == 404
        admin.post("/__admin/tenants/o-MOCK-na1/reset")
        assert fs.get(f"/v2/visit_profile/{pid}").status_code == 404
        assert fs.get("/v2/visit_profile/quick").status_code == 200  # built-ins come back
        admin.put("/__admin/tenants/o-MOCK-na1/snapshot", json=snapshot)
        assert fs.get(f"/v2/visit_profile/{pid}").json()["name"] == "kept"


def test_realistic_latency_is_spent_on_the_clock(tmp_path: Path) -> None:
    app = create_app(Settings(validate_responses=True, users=30, clock=ClockMode.FROZEN))
    key = {"Authorization": "Basic mock-admin-key"}
    with in_process_client(app, headers=key) as fs, in_process_client(app) as admin:

        def clock() -> str:
            now: str = admin.get("/__admin/clock").json()["now"]
            return now

        start = clock()
        fs.get(SUMMARY, params={"config_profile": "quick"})
        assert clock() == start  # off by default
        assert admin.get("/__admin/summaries/latency").json() == {"mode": "off"}
        assert admin.put("/__admin/summaries/latency", json={"mode": "realistic"}).json() == {
            "mode": "realistic"
        }
        fs.get(SUMMARY, params={"config_profile": "quick"})
        spent = (parse_rfc3339(clock()) - parse_rfc3339(start)).total_seconds()
        assert 1.0 <= spent <= 12.0  # time passed on the frozen clock; nothing slept
        bad = admin.put("/__admin/summaries/latency", json={"mode": "slow"})
        assert bad.status_code == 400
        admin.post("/__admin/reset")
        assert admin.get("/__admin/summaries/latency").json() == {"mode": "off"}


def test_latency_setting_is_parsed() -> None:
    assert (
        Settings.from_env({"MOCKSERVER_SUMMARY_LATENCY": "Realistic"}).summary_latency
        == "realistic"
    )
    with pytest.raises(ValueError, match="MOCKSERVER_SUMMARY_LATENCY"):
        Settings.from_env({"MOCKSERVER_SUMMARY_LATENCY": "fast"})


def test_world_sessions_mention_only_what_their_events_hold(app: Any, client: httpx.Client) -> None:
    """The summarizer's property on real world sessions (issue 7's Events model), end to end."""
    world = app.state.server.tenant("o-MOCK-na1").fullstory.world
    sessions = [JANE_FAILED] + [
        str(session.session_id)
        for i in range(12)
        for session in world.sessions_of(world.user_at(i))[:1]
    ]
    for sid in sessions:
        real = truth(client.get(f"/v2/sessions/{sid}/events").json()["events"])
        for profile in ("quick", "support", "technical", "cmp_error_detection"):
            answer = client.get(f"/v2/sessions/{sid}/summary", params={"config_profile": profile})
            said = mentioned(all_text(answer.json()))
            for kind in ("errors", "requests", "rage"):
                assert said[kind] <= real[kind], (sid, profile, kind)
                if profile in ("support", "technical"):
                    assert mentioned(answer.json()["summary"])[kind] == real[kind], (sid, kind)

"""FullStory operations through HTTP: list semantics, ids, context options, /me."""

from __future__ import annotations

from datetime import datetime

import httpx
import pytest

from mockserver.app import MockServerApp
from mockserver.fullstory.world.generator import World

JANE = {"uid": "jane-checkout", "email": "jane.checkout@example.com"}
SAM_EMAIL = "sam.support@example.com"
JANE_FAILED = "5914802517630194781:7210365481229753190"


def _world(app: MockServerApp) -> World:
    world: World = app.state.server.tenant("o-MOCK-na1").fullstory.world
    return world


def _busy_user_index(world: World, at_least: int) -> int:
    return next(
        i for i in range(world.config.users) if len(world.sessions_of(world.user_at(i))) >= at_least
    )


def test_legacy_list_shape_is_camel_case_strings(client: httpx.Client) -> None:
    sessions = client.get("/sessions/v2", params={"email": JANE["email"]}).json()["sessions"]
    assert sessions
    for item in sessions:
        assert set(item) == {"userId", "sessionId", "createdTime", "fsUrl"}
        assert all(isinstance(v, str) for v in item.values())
        assert item["fsUrl"] == (
            f"https://app.fullstory.com/ui/o-MOCK-na1/session/{item['userId']}:{item['sessionId']}"
        )


def test_lists_are_most_recent_first_and_limited(app: MockServerApp, client: httpx.Client) -> None:
    world = _world(app)
    user = world.user_at(_busy_user_index(world, 4))
    full = client.get("/v2/sessions", params={"uid": user.uid}).json()["results"]
    times = [datetime.fromisoformat(r["created_time"]) for r in full]
    assert times == sorted(times, reverse=True) and len(full) == len(world.sessions_of(user))
    two = client.get("/v2/sessions", params={"uid": user.uid, "limit": "2"}).json()["results"]
    assert two == full[:2]
    legacy = client.get("/sessions/v2", params={"uid": user.uid, "limit": 3}).json()["sessions"]
    assert [f"{s['userId']}:{s['sessionId']}" for s in legacy] == [r["id"] for r in full[:3]]
    assert [int(s["createdTime"]) for s in legacy] == [int(t.timestamp()) for t in times[:3]]


def test_limit_defaults_to_20(app: MockServerApp, client: httpx.Client) -> None:
    world = _world(app)
    first, second = (world.user_at(i) for i in range(2))
    # Two users' union can pass 20 only with many sessions; check the default by counting.
    expected = min(20, len(world.sessions_of(first)) + len(world.sessions_of(second)))
    response = client.get("/sessions/v2", params={"uid": first.uid, "email": second.email})
    assert len(response.json()["sessions"]) == expected


@pytest.mark.parametrize("limit", ["101", "1000000", "9223372036854775807"])
def test_any_positive_int64_limit_is_accepted(client: httpx.Client, limit: str) -> None:
    for path in ("/sessions/v2", "/v2/sessions"):
        response = client.get(path, params={"uid": JANE["uid"], "limit": limit})
        assert response.status_code == 200, (path, limit)
        body = response.json()
        assert len(body.get("sessions", body.get("results", []))) == 2  # all Jane has


def test_default_limit_truncates_a_regular_users_sessions(
    app: MockServerApp, client: httpx.Client
) -> None:
    world = _world(app)
    regular = next(
        world.user_at(i) for i in range(1000) if len(world.sessions_of(world.user_at(i))) > 20
    )
    listed = client.get("/v2/sessions", params={"uid": regular.uid}).json()["results"]
    assert len(listed) == 20
    everything = client.get("/v2/sessions", params={"uid": regular.uid, "limit": "1000"})
    assert len(everything.json()["results"]) == len(world.sessions_of(regular))


@pytest.mark.parametrize("limit", ["0", "-1", "9223372036854775808", "many", "2.5", ""])
def test_out_of_range_limit_is_400(client: httpx.Client, limit: str) -> None:
    for path in ("/sessions/v2", "/v2/sessions"):
        response = client.get(path, params={"uid": JANE["uid"], "limit": limit})
        assert response.status_code == 400, (path, limit)
        assert response.json()["code"] == "invalid_argument"


def test_union_of_uid_and_email(client: httpx.Client) -> None:
    jane = client.get("/v2/sessions", params={"uid": JANE["uid"]}).json()["results"]
    sam = client.get("/v2/sessions", params={"email": SAM_EMAIL}).json()["results"]
    both = client.get("/v2/sessions", params={"uid": JANE["uid"], "email": SAM_EMAIL}).json()[
        "results"
    ]
    assert {r["id"] for r in both} == {r["id"] for r in jane + sam}
    same_user = client.get("/v2/sessions", params=JANE).json()["results"]
    assert same_user == jane  # the same user named twice is not listed twice


def test_neither_uid_nor_email_is_400_required_field(client: httpx.Client) -> None:
    for path in ("/sessions/v2", "/v2/sessions"):
        response = client.get(path)
        assert response.status_code == 400
        assert response.json()["code"] == "required_field"


def test_unknown_user_has_no_sessions(client: httpx.Client) -> None:
    assert client.get("/sessions/v2", params={"email": "nobody@nowhere.test"}).json() == {
        "sessions": []
    }
    assert client.get("/v2/sessions", params={"uid": "usr_doesnotexist"}).json() == {"results": []}


def test_session_uid_finds_one_session_and_excludes_uid(
    app: MockServerApp, client: httpx.Client
) -> None:
    world = _world(app)
    ref = world.sessions_of(world.user_at(_busy_user_index(world, 1)))[0]
    results = client.get("/v2/sessions", params={"session_uid": ref.session_uid}).json()["results"]
    assert [r["id"] for r in results] == [str(ref.session_id)]
    assert client.get("/v2/sessions", params={"session_uid": "no-such"}).json() == {"results": []}
    mixed = client.get("/v2/sessions", params={"session_uid": ref.session_uid, "uid": "x"})
    assert mixed.status_code == 400 and mixed.json()["code"] == "invalid_argument"


@pytest.mark.parametrize(
    "encoded", [JANE_FAILED.replace(":", "%3A"), JANE_FAILED.replace(":", "%3a"), JANE_FAILED]
)
def test_session_ids_arrive_url_encoded(client: httpx.Client, encoded: str) -> None:
    events = client.get(f"/v2/sessions/{encoded}/events").json()["events"]
    assert events and {e["session_id"] for e in events} == {JANE_FAILED.split(":")[1]}


@pytest.mark.parametrize(
    "bad", ["12345", "1:2:3", "abc%3Adef", "%3A123", "99999999999999999999%3A1"]
)
def test_malformed_session_id_is_400(client: httpx.Client, bad: str) -> None:
    for response in (
        client.get(f"/v2/sessions/{bad}/events"),
        client.post(f"/v2/sessions/{bad}/context"),
    ):
        assert response.status_code == 400, bad
        assert response.json()["code"] == "invalid_argument"


def test_unknown_session_is_404(client: httpx.Client) -> None:
    for response in (
        client.get("/v2/sessions/1%3A2/events"),
        client.post("/v2/sessions/1%3A2/context", json={}),
    ):
        assert response.status_code == 404
        assert response.json()["code"] == "resource_not_found"


def test_events_tell_the_failed_checkout(client: httpx.Client) -> None:
    events = client.get(f"/v2/sessions/{JANE_FAILED}/events").json()["events"]
    kinds = {e["event_type"] for e in events}
    assert {"navigate", "request", "console_message", "exception", "click"} <= kinds
    assert not any("-" in kind for kind in kinds)
    times = [e["event_time"] for e in events]
    assert times == sorted(times)


def test_context_honours_filters(client: httpx.Client) -> None:
    url = f"/v2/sessions/{JANE_FAILED}/context"
    full = client.post(url, json={}).json()["context_data"]
    assert set(full["context"]) >= {
        "org_context",
        "user_context",
        "location_context",
        "device_context",
    }
    assert full["context"]["user_context"]["email"] == JANE["email"]

    only_errors = client.post(url, json={"events": {"include_types": ["console-error"]}}).json()
    types = {e["type"] for page in only_errors["context_data"]["pages"] for e in page["events"]}
    assert types == {"console-error"}

    no_user = client.post(url, json={"context": {"exclude": ["user", "device"]}}).json()[
        "context_data"
    ]["context"]
    assert (
        "user_context" not in no_user
        and "device_context" not in no_user
        and "org_context" in no_user
    )

    last_three = client.post(url, json={"slice": {"mode": "LAST", "event_limit": 3}}).json()
    kept = [e for page in last_three["context_data"]["pages"] for e in page["events"]]
    all_events = [e for page in full["pages"] for e in page["events"]]
    assert kept == all_events[-3:]

    no_times = client.post(url, json={"events": {"exclude_event_timestamps": True}}).json()
    assert all("timestamp" not in e for p in no_times["context_data"]["pages"] for e in p["events"])


def test_context_rejects_what_the_schema_cannot(client: httpx.Client) -> None:
    response = client.post(
        f"/v2/sessions/{JANE_FAILED}/context",
        json={"slice": {"start_timestamp": "2026-08-30T22:00:00"}},
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("key", "role"),
    [
        ("mock-admin-key", "ADMIN"),
        ("mock-architect-key", "ARCHITECT"),
        ("mock-standard-key", "USER"),
    ],
)
def test_me_reports_the_key(anon_client: httpx.Client, key: str, role: str) -> None:
    body = anon_client.get("/me", headers={"Authorization": f"Basic {key}"}).json()
    assert body["role"] == role and body["orgId"] == "o-MOCK-na1" and body["email"]

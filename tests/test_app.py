from __future__ import annotations

import hashlib
import subprocess
import sys
from typing import Any

import httpx
import pytest

from mockserver.app import create_app
from mockserver.core.clock import ClockMode
from mockserver.http.pipeline import ApiMount
from mockserver.http.routing import SpecDriftError, SpecRouter
from mockserver.settings import Settings
from mockserver.testing.transport import in_process_client

KEY = {"Authorization": "Basic mock-admin-key"}

# A fixed request script touching every operation; its answers must be byte-identical.
SCRIPT: list[tuple[str, str, dict[str, Any] | None]] = [
    ("GET", "/sessions/v2?email=jane.checkout@example.com", None),
    ("GET", "/v2/sessions?uid=jane-checkout&limit=1", None),
    ("GET", "/v2/sessions/5914802517630194781%3A7210365481229753190/events", None),
    (
        "POST",
        "/v2/sessions/5914802517630194781%3A7210365481229753190/context",
        {"slice": {"mode": "LAST", "event_limit": 5}},
    ),
    ("GET", "/me", None),
]


def transcript_digest(seed: int, users: int = 500) -> str:
    app = create_app(Settings(seed=seed, users=users, clock=ClockMode.FROZEN))
    digest = hashlib.sha256()
    with in_process_client(app, headers=KEY) as client:
        world = app.state.server.tenant("o-MOCK-na1").fullstory.world
        generated = [world.user_at(i) for i in (0, 7, users - 1)]
        requests = [
            *SCRIPT,
            *(("GET", f"/sessions/v2?uid={u.uid}&email={u.email}", None) for u in generated),
        ]
        for user in generated:
            for ref in world.sessions_of(user)[:2]:
                requests.append(("GET", f"/v2/sessions/{ref.session_id}/events", None))
                requests.append(("POST", f"/v2/sessions/{ref.session_id}/context", {}))
        for method, url, body in requests:
            response = client.request(method, url, json=body)
            assert response.status_code == 200, (url, response.text)
            digest.update(response.content)
    return digest.hexdigest()


def test_same_seed_same_bytes_across_processes() -> None:
    here = transcript_digest(seed=7)
    code = "from tests.test_app import transcript_digest; print(transcript_digest(seed=7))"
    there = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert here == there


def test_different_seed_different_world() -> None:
    assert transcript_digest(seed=7) != transcript_digest(seed=8)


def test_a_million_users_behave_like_a_thousand() -> None:
    """Scale by behaviour: the last of 10**6 users is found by uid and email and has sessions
    served, and building the tenant generated nobody else."""
    app = create_app(Settings(users=1_000_000, scenario="none"))
    world = app.state.server.tenant("o-MOCK-na1").fullstory.world
    last = world.user_at(999_999)
    with in_process_client(app, headers=KEY) as client:
        by_uid = client.get("/v2/sessions", params={"uid": last.uid}).json()["results"]
        by_email = client.get("/v2/sessions", params={"email": last.email}).json()["results"]
    assert by_uid == by_email
    assert len(world._users) <= 2  # only the users looked up were ever generated


def test_openapi_document_is_served(client: httpx.Client) -> None:
    document = client.get("/openapi.json").json()
    assert document["openapi"].startswith("3.1")
    assert "/sessions/v2" in document["paths"]
    assert client.get("/__admin/openapi.json").json()["info"]["title"].startswith("mockserver")


def test_health_is_open(anon_client: httpx.Client) -> None:
    body = anon_client.get("/__admin/health").json()
    assert body["status"] == "ok"
    assert body["apis"] == ["cognigy", "fullstory", "opal", "admin"]  # every API served


def test_drift_stops_startup() -> None:
    app = create_app(Settings())
    mounts = app.spec_router.mounts
    mount: ApiMount[Any] = next(m for m in mounts if m.name == "fullstory")
    broken = ApiMount(
        name=mount.name,
        prefix=mount.prefix,
        operations=mount.operations,
        handlers={k: v for k, v in mount.handlers.items() if k != "getMe"}
        | {"extra": lambda c: None},
        envelope=mount.envelope,
        authenticator=mount.authenticator,
        context=mount.context,
    )
    with pytest.raises(
        SpecDriftError, match=r"no handler: getMe; handlers with no operation in the spec: extra"
    ):
        SpecRouter([broken])


def test_two_apps_are_two_worlds() -> None:
    first, second = create_app(Settings()), create_app(Settings())
    assert first.state.server is not second.state.server
    assert first.state.server.journal is not second.state.server.journal

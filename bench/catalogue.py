"""The main read endpoints of every API, as the benchmark suite calls them.

A :class:`Call` is one request (method, path with query, headers, body). :func:`prepare` makes the
fake ready for them through any ``httpx.Client`` (a served fake over loopback or the plugin's
in-process transport): it creates the Cognigy profiles and the segment export the reads need,
picks a generated user and a large session, and returns the calls with the fake's own answer to
each. Those answers are what the bare Starlette app serves back, byte for byte.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import httpx
from cognigy import PROJECT, profile_body
from opal import UID
from run import choose_email, user_with_session_size
from summaries import SESSION

FULLSTORY_KEY = {"Authorization": "Basic mock-admin-key"}
COGNIGY_KEY = {"X-API-Key": "mock-admin-key"}
JSON = {"Content-Type": "application/json"}
LARGE_SESSION_TARGET = 10**9  # "closest to a billion events": the largest session scanned


@dataclass(frozen=True, slots=True)
class Call:
    """One measured request. ``spec`` names the OpenAPI document Prism serves for it."""

    api: str
    name: str
    spec: str
    method: str
    path: str
    headers: tuple[tuple[str, str], ...]
    body: bytes | None = None


@dataclass(frozen=True, slots=True)
class Answer:
    """What the fake answered to a call before any load."""

    call: Call
    status: int
    media_type: str
    body: bytes


@dataclass(frozen=True, slots=True)
class Prepared:
    answers: list[Answer]
    notes: list[str]


def call(api: str, name: str, spec: str, path: str, headers: dict[str, str]) -> Call:
    return Call(api, name, spec, "GET", path, tuple(headers.items()))


def post(api: str, name: str, spec: str, path: str, headers: dict[str, str], *, body: Any) -> Call:
    payload = json.dumps(body, separators=(",", ":")).encode()
    return Call(api, name, spec, "POST", path, tuple({**headers, **JSON}.items()), payload)


def send(client: httpx.Client, c: Call) -> httpx.Response:
    return client.request(c.method, c.path, headers=dict(c.headers), content=c.body)


def ok_json(response: httpx.Response, what: str) -> Any:
    if not 200 <= response.status_code < 300:
        raise RuntimeError(f"{what}: {response.status_code} {response.text[:300]}")
    return response.json()


def largest_session_user(users: int, scan: int) -> str:
    """The generated user whose latest session is the largest among the first ``scan`` users,
    found in process (the world is deterministic: the served fake has the same user)."""
    from mockserver.core.keys import DEFAULT_TENANT
    from mockserver.settings import Settings
    from mockserver.state import ServerState

    world = ServerState(Settings(users=users)).tenant(DEFAULT_TENANT).fullstory.world
    email = user_with_session_size(world, min(users, scan), LARGE_SESSION_TARGET)
    if email is None:
        raise RuntimeError(f"none of the first {scan} users has a session")
    return email


def large_session_path(client: httpx.Client, events_email: str) -> str:
    """The events path of ``events_email``'s latest session."""
    query = str(httpx.QueryParams({"email": events_email}))
    listing = send(client, call("", "", "", f"/sessions/v2?{query}", FULLSTORY_KEY))
    first = ok_json(listing, events_email)["sessions"][0]
    return f"/v2/sessions/{first['userId']}:{first['sessionId']}/events"


def export_operation(client: httpx.Client) -> str:
    body = {
        "segmentId": "everyone",
        "type": "TYPE_EVENT",
        "format": "FORMAT_NDJSON",
        "timeRange": {"start": "", "end": ""},
        "segmentTimeRange": {"start": "", "end": ""},
    }
    created = send(client, post("", "", "", "/segments/v1/exports", FULLSTORY_KEY, body=body))
    return str(ok_json(created, "create a segment export")["operationId"])


def cognigy_profile(client: httpx.Client, profiles: int) -> str:
    """Create ``profiles`` contact profiles (so the list has pages); return the last one's id."""
    last = ""
    for n in range(profiles):
        create = post("", "", "", "/new/v2.0/profiles", COGNIGY_KEY, body=profile_body(n))
        made = send(client, create)
        last = str(ok_json(made, "create a Cognigy profile")["_id"])
    return last


def calls_for(client: httpx.Client, users: int, events_email: str, profiles: int) -> list[Call]:
    email, _ = choose_email("auto", users)
    sessions_query = str(httpx.QueryParams({"email": email}))
    events_path = large_session_path(client, events_email)
    operation = export_operation(client)
    profile = cognigy_profile(client, profiles)
    fs, cg, op = "FullStory", "Cognigy", "Opal"
    return [
        call(fs, "list sessions", "fullstory", f"/sessions/v2?{sessions_query}", FULLSTORY_KEY),
        call(fs, "events of a large session", "fullstory", events_path, FULLSTORY_KEY),
        call(fs, "summary (support profile)", "fullstory",
             f"/v2/sessions/{SESSION}/summary?config_profile=support", FULLSTORY_KEY),
        call(fs, "list segments", "fullstory", "/segments/v1", FULLSTORY_KEY),
        call(fs, "get operation", "fullstory", f"/operations/v1/{operation}", FULLSTORY_KEY),
        call(cg, "read a contact profile", "cognigy", f"/new/v2.0/profiles/{profile}",
             COGNIGY_KEY),
        call(cg, "list contact profiles", "cognigy",
             f"/new/v2.0/profiles?projectId={PROJECT}&limit=25", COGNIGY_KEY),
        call(op, "discovery", "opal", "/opal/discovery", {}),
        post(op, "tool call: fullstory_list_sessions", "opal",
             "/opal/tools/fullstory_list_sessions", FULLSTORY_KEY,
             body={"parameters": {"uid": UID}}),
    ]  # fmt: skip


def prepare(client: httpx.Client, users: int, events_email: str, profiles: int) -> Prepared:
    """Make the fake ready for every call and record its answer to each (all must be 2xx).
    ``events_email`` is :func:`largest_session_user`'s answer (computed once per run)."""
    calls = calls_for(client, users, events_email, profiles)
    answers = []
    for c in calls:
        response = send(client, c)
        ok_json(response, f"{c.method} {c.path}")
        media_type = response.headers.get("content-type", "application/json")
        answers.append(Answer(c, response.status_code, media_type, response.content))
    events = next(a for a in answers if a.call.path.endswith("/events"))
    count = len(json.loads(events.body).get("events", []))
    notes = [
        f"events of a large session: {count:,} events ({len(events.body):,} bytes), the latest "
        f"session of {events_email}",
        f"Cognigy reads run over {profiles:,} profiles created through the API first",
    ]
    return Prepared(answers, notes)


def select(calls: Sequence[Answer], quick: bool) -> list[Answer]:
    """Every endpoint, or in quick mode the first of each API."""
    if not quick:
        return list(calls)
    seen: set[str] = set()
    chosen = []
    for a in calls:
        if a.call.api not in seen:
            seen.add(a.call.api)
            chosen.append(a)
    return chosen


def bare_manifest(answers: Sequence[Answer], body_files: Sequence[str]) -> list[dict[str, Any]]:
    """bare_app.py's ``--routes`` manifest: the route path is the call's path without its query."""
    return [
        {
            "method": a.call.method,
            "path": a.call.path.partition("?")[0],
            "status": a.status,
            "media_type": a.media_type,
            "body_file": body_file,
        }
        for a, body_file in zip(answers, body_files, strict=True)
    ]

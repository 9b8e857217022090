"""The narrow in-process entry (mockserver/http/direct_entry.py) against the whole ASGI request
it stands in for (mockserver/http/direct.py's ``call_asgi``): two identical servers get the same
requests, one each way, and must end up answering the same bytes, with the same journal, the
same rate-limit buckets and the same fault rules (firings, counts). Any step the entry skipped or
did differently shows up here as a difference."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace
from typing import Any, NamedTuple
from urllib.parse import parse_qs, urlencode

import orjson
import pytest

from mockserver.app import MockServerApp, create_app
from mockserver.core.clock import ClockMode
from mockserver.core.keys import DEFAULT_TENANT, KeyLevel
from mockserver.http import direct_entry
from mockserver.http.auth import Credentials, Principal
from mockserver.http.direct import DirectResponse, call_asgi
from mockserver.http.pipeline import ApiMount, Outcome, serve
from mockserver.http.spec import Operation
from mockserver.http.transport_faults import ConnectionDropped
from mockserver.opal.profiles import prompt_profile
from mockserver.settings import Settings
from tests.twins import state_of, twin

HOST = "fullstory.in-process"
ADMIN = {"authorization": "Basic mock-admin-key"}
STANDARD = {"authorization": "Basic mock-standard-key"}
JSON_BODY = {"content-type": "application/json"}
MAX_BODY = 4096
BURST = 8


class Request(NamedTuple):
    method: str
    path: str  # encoded, as on the wire
    headers: Mapping[str, str] = ADMIN
    query: Mapping[str, list[str]] | None = None
    body: bytes = b""


# One answer as both paths report it: status, headers and body, or the dropped connection.
Seen = tuple[Any, ...]
Way = Callable[[MockServerApp, Request], Awaitable[Seen]]


async def by_asgi(
    app: MockServerApp, request: Request, seen: Callable[[DirectResponse], Seen]
) -> Seen:
    """The request as an ASGI server would hand it over (the query as its text); what ``seen``
    reads of its answer, or the dropped connection."""
    text = urlencode(request.query or {}, doseq=True)
    target = f"{request.path}?{text}" if text else request.path
    headers = list(request.headers.items())
    try:
        answer = await call_asgi(
            app, request.method, target, host=HOST, headers=headers, body=request.body
        )
    except ConnectionDropped as exc:
        return ("dropped", str(exc))
    return seen(answer)


def everything(answer: DirectResponse) -> Seen:
    return (answer.status, answer.headers, answer.body)


def what_answer_reads(answer: DirectResponse) -> Seen:
    """What a caller of :meth:`DirectEntry.answer` reads of an answer: the status, the body
    and, for a failure, Retry-After."""
    retry = None if 200 <= answer.status < 300 else answer.header("retry-after")
    return (answer.status, answer.body, retry)


async def whole(app: MockServerApp, request: Request) -> Seen:
    return await by_asgi(app, request, everything)


async def whole_read(app: MockServerApp, request: Request) -> Seen:
    return await by_asgi(app, request, what_answer_reads)


async def direct(app: MockServerApp, request: Request) -> Seen:
    try:
        answer = await app.direct.call(
            request.method, request.path, host=HOST, headers=request.headers,
            body=request.body, query=request.query or {},
        )  # fmt: skip
    except ConnectionDropped as exc:
        return ("dropped", str(exc))
    return everything(answer)


async def answered(app: MockServerApp, request: Request) -> Seen:
    try:
        return await app.direct.answer(
            request.method, request.path, host=HOST, headers=request.headers,
            body=request.body, query=request.query or {},
        )  # fmt: skip
    except ConnectionDropped as exc:
        return ("dropped", str(exc))


async def admin(app: MockServerApp, method: str, path: str, body: Any = None) -> Any:
    content = orjson.dumps(body) if body is not None else b""
    answer = await call_asgi(
        app, method, path, host="admin", headers=[("content-type", "application/json")],
        body=content,
    )  # fmt: skip
    assert answer.status < 300, answer.body
    return orjson.loads(answer.body)


def fault(operation: str, action: dict[str, Any], times: int | None = None) -> dict[str, Any]:
    rule: dict[str, Any] = {"match": {"operation_id": operation}, "action": action}
    if times is not None:
        rule["times"] = times
    return rule


FAULTS = [
    fault("getMe", {"type": "error", "status": 500}, times=1),
    fault("getMe", {"type": "error", "status": 429}, times=1),  # Retry-After: 1
    fault("getSegment", {"type": "drop_connection"}, times=1),
    fault("listSegments", {"type": "truncate_body", "keep_bytes": 5}, times=1),
    fault("listSegments", {"type": "latency", "ms": 1}, times=2),
]

PROFILE = orjson.dumps(prompt_profile("direct entry", "You are a tester.", "Summarize.", 0.5))

REQUESTS = [
    # Successes: a query as values, one needing decoding, path parameters (an encoded ":").
    Request("GET", "/sessions/v2", query={"uid": ["jane-checkout"], "limit": ["3"]}),
    Request("GET", "/sessions/v2", query={"email": ["a b+c@x.io"]}),
    Request("GET", "/me"),
    Request("GET", "/segments/v1/everyone"),
    Request("POST", "/v2/visit_profile", {**ADMIN, **JSON_BODY}, body=PROFILE),
    # Bad input: each in its documented envelope and status.
    Request("GET", "/sessions/v2", query={"uid": ["x"], "limit": ["0"]}),
    Request("GET", "/sessions/v2", query={"limit": ["2"], "uid": ["a", "b"]}),
    Request("GET", "/sessions/v2", query={}),
    Request("GET", "/sessions/v2", {}, query={"uid": ["x"]}),  # no key
    Request("GET", "/sessions/v2", {"authorization": "Basic wrong"}, query={"uid": ["x"]}),
    Request("POST", "/segments/v1/exports", {**STANDARD, **JSON_BODY}, body=b"{}"),  # level
    Request("POST", "/v2/visit_profile", {**ADMIN, **JSON_BODY}, body=b"{not json"),
    Request("POST", "/v2/visit_profile", {**ADMIN, "content-type": "text/plain"}, body=b"x y"),
    Request("POST", "/v2/visit_profile", {**ADMIN, **JSON_BODY}, body=b"{}"),
    Request("POST", "/v2/visit_profile", {**ADMIN, **JSON_BODY}, body=b" " * (MAX_BODY + 1)),
    Request("POST", "/v2/visit_profile", ADMIN),  # a required body missing
    Request("DELETE", "/sessions/v2"),  # 405 with Allow
    Request("GET", "/no/such/route"),  # 404 from the fallback
    Request("GET", "/v2/sessions/no%3Asuch/summary"),
    Request("GET", "/new/v2.0/profiles"),  # another API's envelope (Cognigy's)
    Request("GET", "/openapi.json", {}),  # a served document, not an operation
    # Faults: errors, a dropped connection, a cut-off body, latency; each fires as ruled.
    Request("GET", "/me"),
    Request("GET", "/me"),
    Request("GET", "/segments/v1/everyone"),
    Request("GET", "/segments/v1"),
    Request("GET", "/segments/v1"),
    Request("GET", "/segments/v1"),
    # Rate limits: the standard key's bucket for /sessions/v2 runs out here.
    *[Request("GET", "/sessions/v2", STANDARD, query={"uid": ["jane-checkout"]})] * (BURST + 1),
]


async def served(app: MockServerApp, way: Way) -> list[Seen]:
    for rule in FAULTS:
        await admin(app, "POST", "/__admin/faults", rule)
    return [await way(app, request) for request in REQUESTS]


def test_the_entry_answers_and_records_what_the_whole_request_does() -> None:
    whole_app, direct_app = (twin(burst=BURST, max_body_bytes=MAX_BODY) for _ in range(2))
    expected = asyncio.run(served(whole_app, whole))
    found = asyncio.run(served(direct_app, direct))
    for request, want, got in zip(REQUESTS, expected, found, strict=True):
        assert got == want, request
    # The sequence meant what it says: every kind of answer it is there for came up.
    statuses = [seen[0] for seen in expected]
    assert {200, 400, 401, 403, 404, 405, 413, 429, 500, "dropped"} <= set(statuses)
    assert state_of(direct_app) == state_of(whole_app)


def test_the_entry_answer_is_what_a_reader_of_the_whole_request_sees() -> None:
    """:meth:`DirectEntry.answer` (the Opal tools' way in): the same steps as the whole request,
    the status, body and a failure's Retry-After handed back without the headers."""
    whole_app, direct_app = (twin(burst=BURST, max_body_bytes=MAX_BODY) for _ in range(2))
    expected = asyncio.run(served(whole_app, whole_read))
    found = asyncio.run(served(direct_app, answered))
    for request, want, got in zip(REQUESTS, expected, found, strict=True):
        assert got == want, request
    retries = {seen[2] for seen in expected if seen[0] != "dropped"}
    assert {None, "1"} <= retries  # the injected 429's, and a rate limit's own
    assert len(retries) > 2
    assert state_of(direct_app) == state_of(whole_app)


@pytest.mark.parametrize("step", ["guard", "recorder", "authenticator"])
def test_the_comparison_sees_a_skipped_step(step: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Not vacuous: an entry that skipped the guards (limits, faults), the journal or the key
    check would fail the comparison above."""
    skipped: dict[str, Any] = {step: AnybodyIn() if step == "authenticator" else None}

    def careless(mount: ApiMount[Any], *args: Any, **kwargs: Any) -> Awaitable[Outcome]:
        return serve(replace(mount, **skipped), *args, **kwargs)

    whole_app, direct_app = (twin(burst=BURST, max_body_bytes=MAX_BODY) for _ in range(2))
    expected = asyncio.run(served(whole_app, whole))
    monkeypatch.setattr(direct_entry, "serve", careless)
    found = asyncio.run(served(direct_app, direct))
    assert (found, state_of(direct_app)) != (expected, state_of(whole_app))


class AnybodyIn:
    """Lets anybody in as the admin key's tenant (a check that looks at nothing)."""

    header_names = frozenset({"authorization"})

    def authenticate(self, credentials: Credentials, operation: Operation) -> Principal:
        return Principal("anybody", DEFAULT_TENANT, KeyLevel.ADMIN)


@pytest.mark.parametrize("target", ["/sessions/v2?uid=a", "/sessions/v2?uid=a&limit=2"])
def test_a_query_in_the_target_is_read_as_text(target: str) -> None:
    app = create_app(Settings(users=10))
    path, _, text = target.partition("?")
    as_text = asyncio.run(app.direct.call("GET", target, host=HOST, headers=ADMIN))
    query = {name: [value] for name, value in (pair.split("=") for pair in text.split("&"))}
    as_values = asyncio.run(app.direct.call("GET", path, host=HOST, headers=ADMIN, query=query))
    assert as_text == as_values
    with pytest.raises(ValueError, match="not both"):
        asyncio.run(app.direct.call("GET", target, host=HOST, headers=ADMIN, query=query))


async def export_link(app: MockServerApp) -> str:
    """A finished export's signed download link (a path and a signed query)."""
    everything = {"start": "", "end": ""}
    export = {"segmentId": "everyone", "type": "TYPE_EVENT", "format": "FORMAT_NDJSON"}
    body = orjson.dumps({**export, "timeRange": everything, "segmentTimeRange": everything})
    created = await call_asgi(
        app, "POST", "/segments/v1/exports", host=HOST, body=body,
        headers=[*ADMIN.items(), *JSON_BODY.items()],
    )  # fmt: skip
    operation_id = orjson.loads(created.body)["operationId"]
    for _ in range(10):  # the default lifecycle completes an export within a few polls
        polled = await call_asgi(
            app, "GET", f"/operations/v1/{operation_id}", host=HOST, headers=[*ADMIN.items()]
        )
        results = orjson.loads(polled.body).get("results") or {}
        if "searchExportId" in results:
            break
    export_id = results["searchExportId"]
    found = await call_asgi(
        app, "GET", f"/search/v1/exports/{export_id}/results", host=HOST, headers=[*ADMIN.items()]
    )
    location: str = orjson.loads(found.body)["location"]
    return location.split(HOST, 1)[1]


def test_a_streamed_download_is_handed_over_whole() -> None:
    """An export file (a streamed body, another API's envelope and journal rules: the signature
    is journaled redacted) comes back as the whole request collects it."""
    app = create_app(Settings(users=4, clock=ClockMode.FROZEN))
    journal = app.state.server.journal

    async def both() -> list[Seen]:
        target = await export_link(app)
        path, _, text = target.partition("?")
        fetch = Request("GET", path, {}, query=parse_qs(text, keep_blank_values=True))
        return [
            await whole(app, fetch), await direct(app, fetch),
            await whole_read(app, fetch), await answered(app, fetch),
        ]  # fmt: skip

    by_whole, by_direct, read_whole, by_answer = asyncio.run(both())
    assert by_whole == by_direct
    assert read_whole == by_answer
    assert by_whole[0] == 200 and by_whole[2].count(b"\n") > 1
    entries = [entry.to_dict() for entry in journal.query()][-4:]
    for entry in entries:
        del entry["seq"]
    assert entries[0] == entries[1] == entries[2] == entries[3]


# The same query given as values again, then differing in one value, then in its order, and a
# bad one twice: the entry keeps validated inputs by the query's items (http/inputs_cache.py)
# as the whole request keeps them by its text, and answers as it would without them.
REPEATS = [
    Request("GET", "/sessions/v2", query={"uid": ["jane-checkout"], "limit": ["3"]}),
    Request("GET", "/sessions/v2", query={"uid": ["jane-checkout"], "limit": ["3"]}),
    Request("GET", "/sessions/v2", query={"uid": ["jane-checkout"], "limit": ["1"]}),
    Request("GET", "/sessions/v2", query={"uid": ["jane-checkout"], "limit": ["0"]}),
    Request("GET", "/sessions/v2", query={"uid": ["jane-checkout"], "limit": ["0"]}),
    Request("GET", "/sessions/v2", query={"limit": ["1"], "uid": ["jane-checkout"]}),
    Request("GET", "/sessions/v2", query={"uid": ["jane-checkout"], "limit": ["1"]}),
    Request("GET", "/sessions/v2", {}, query={"uid": ["jane-checkout"], "limit": ["1"]}),
]


@pytest.mark.parametrize("way", [direct, answered])
def test_a_repeated_query_is_answered_as_the_whole_request_answers_it(way: Way) -> None:
    whole_app, direct_app = (twin(burst=BURST, max_body_bytes=MAX_BODY) for _ in range(2))
    seen = whole if way is direct else whole_read

    async def each(app: MockServerApp, ask: Way) -> list[Seen]:
        return [await ask(app, request) for request in REPEATS]

    expected = asyncio.run(each(whole_app, seen))
    found = asyncio.run(each(direct_app, way))
    for request, want, got in zip(REPEATS, expected, found, strict=True):
        assert got == want, request
    assert [seen[0] for seen in expected] == [200, 200, 200, 400, 400, 200, 200, 401]
    assert expected[0] != expected[2]  # one value apart: a different answer, not the kept one
    assert state_of(direct_app) == state_of(whole_app)
    # Three valid queries as values (limit 3, limit 1, and limit 1 in the other order) kept.
    cache = direct_app.spec_router.static["/sessions/v2"].by_method["GET"].inputs  # type: ignore[attr-defined]
    assert len(cache) == 3

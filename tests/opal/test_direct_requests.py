"""The tools' in-process requests to FullStory (mockserver/opal/client.py's DirectRequester, on
the pipeline's narrow entry) against the same requests made as whole ASGI requests (what the
tools sent before: mockserver/http/direct.py's ``call_asgi``, with an HTTP client's headers).

Two identical servers get the same tool calls, one each way: the Opal answers, the journal of
both APIs, the rate-limit buckets and the fault rules' counters must end up the same."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

import orjson
import pytest

from mockserver.app import MockServerApp
from mockserver.core.keys import DEFAULT_TENANT
from mockserver.http.direct import call_asgi
from mockserver.http.transport_faults import ConnectionDropped
from mockserver.opal import client as opal_client
from mockserver.opal.client import IN_PROCESS_HOST, Answer, FullStoryError
from tests.opal.conftest import JANE_UID
from tests.twins import state_of, twin

KEY = {"Authorization": "Basic mock-admin-key"}
BURST = 30


class WholeRequester:
    """The requester as it was: each FullStory call one whole ASGI request to the app."""

    def __init__(self, app: MockServerApp, key: str) -> None:
        self.app = app
        self.key = key

    async def __aenter__(self) -> WholeRequester:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    async def request(
        self, method: str, path: str, query: Mapping[str, Any], content: bytes | None
    ) -> Answer:
        headers = [("Accept", "*/*"), ("Authorization", f"Basic {self.key}")]
        if content is not None:
            headers.append(("Content-Type", "application/json"))
        try:
            response = await call_asgi(
                self.app, method, path, host=IN_PROCESS_HOST, headers=headers,
                body=content or b"", query=opal_client._sent(query),
            )  # fmt: skip
        except ConnectionDropped as exc:
            raise FullStoryError(0, "unreachable", f"RemoteProtocolError: {exc}") from None
        return Answer(response.status, response.body, response.header("retry-after"))


def fault(operation: str, action: dict[str, Any]) -> dict[str, Any]:
    return {"match": {"operation_id": operation}, "action": action, "times": 1}


FAULTS = [
    fault("listSessions", {"type": "error", "status": 429}),
    fault("getSegment", {"type": "drop_connection"}),
    fault("listSegments", {"type": "truncate_body", "keep_bytes": 3}),
]

CALLS: list[tuple[str, dict[str, Any]]] = [
    ("fullstory_list_sessions", {"limit": 2}),  # the tool's own 400: no FullStory call
    ("fullstory_get_segment", {"id": "everyone"}),  # dropped: unreachable
    ("fullstory_get_segment", {"id": "everyone"}),
    ("fullstory_get_segment", {"id": "no such/segment"}),  # an encoded path segment, a 404
    ("fullstory_list_segments", {}),  # cut off
    ("fullstory_list_segments", {"limit": 1}),
    ("fullstory_list_sessions", {"uid": JANE_UID}),  # the injected 429: Retry-After passed on
    ("fullstory_list_sessions", {"email": "nobody+x@example.com"}),
    ("fullstory_get_session_quick_summary", {"sessionId": "1:2"}),
    ("fullstory_get_custom_session_summary",
     {"sessionId": "1:2", "pre_prompt": "You are a tester.", "post_prompt": "Summarize."}),
    ("fullstory_visit_profile", {"uid": JANE_UID, "limit": 1}),
    ("fullstory_create_segment_export", {"segmentId": "everyone", "type": "TYPE_EVENT",
                                         "format": "FORMAT_NDJSON", "timeRange": {}}),
    # By now the key's "sessions" bucket at FullStory is spent (served() left it two calls):
    # visit_profile above and these are refused there, with FullStory's Retry-After.
    *[("fullstory_list_sessions", {"uid": JANE_UID})] * 2,
]  # fmt: skip


async def post(app: MockServerApp, path: str, body: Any, headers: Mapping[str, str]) -> Any:
    answer = await call_asgi(
        app, "POST", path, host="opal.test", body=orjson.dumps(body),
        headers=[("Content-Type", "application/json"), *headers.items()],
    )  # fmt: skip
    return answer.status, answer.headers, answer.body


async def served(app: MockServerApp) -> list[Any]:
    for _ in range(BURST - 2):  # the same key's FullStory sessions bucket, nearly spent
        drained = await call_asgi(
            app, "GET", f"/sessions/v2?uid={JANE_UID}", host="fs.test", headers=[*KEY.items()]
        )
        assert drained.status == 200
    for rule in FAULTS:
        status, _, body = await post(app, "/__admin/faults", rule, {})
        assert status == 201, body
    return [
        await post(app, f"/opal/tools/{tool}", {"parameters": parameters}, KEY)
        for tool, parameters in CALLS
    ]


def test_tool_calls_through_the_entry_match_whole_requests(monkeypatch: pytest.MonkeyPatch) -> None:
    new_app, old_app = twin(burst=BURST), twin(burst=BURST)
    found = asyncio.run(served(new_app))
    made: list[WholeRequester] = []

    def whole_requests(backend: opal_client.InProcessBackend, key: str) -> Any:
        made.append(WholeRequester(old_app, key))
        return opal_client.FullStoryClient(made[-1])

    monkeypatch.setattr(opal_client.InProcessBackend, "client", whole_requests)
    expected = asyncio.run(served(old_app))
    assert made  # the old way did serve the old app's tool calls
    for (tool, parameters), want, got in zip(CALLS, expected, found, strict=True):
        assert got == want, (tool, parameters)
    statuses = {status for status, _, _ in expected}
    assert {200, 400, 404, 429, 502} <= statuses
    assert state_of(new_app) == state_of(old_app)
    journaled = {entry.operation_id for entry in new_app.state.server.journal.query()}
    assert {"listSessions", "getSegment", "createVisitProfile"} <= journaled
    assert DEFAULT_TENANT in new_app.state.server.journal.tenants()

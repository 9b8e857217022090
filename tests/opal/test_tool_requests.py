"""What the segment and export tools send to FullStory and how they read its answers, checked
against a scripted FullStory (httpx.MockTransport): the request bodies, the download URL added
once an export is complete, and the Architect level explained from ``/me``."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
import orjson
import pytest

from mockserver.http.errors import ApiError
from mockserver.opal.catalog import TOOLS_BY_NAME
from mockserver.opal.client import FullStoryClient, FullStoryError, HttpRequester
from mockserver.opal.errors import tool_error

Responder = Callable[[httpx.Request], httpx.Response]
EXPORT = {
    "segmentId": "everyone",
    "type": "TYPE_SESSIONS",
    "timeRange": {"start": "2024-01-01T00:00:00Z", "end": ""},
    "format": "FORMAT_NDJSON",
    "fields": "user_email_str, evt_price_real,",
    "timezone": "Europe/London",
}


def run_tool(
    name: str, params: dict[str, Any], respond: Responder
) -> tuple[Any, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return respond(request)

    tool = TOOLS_BY_NAME[name]

    async def go() -> Any:
        transport = httpx.MockTransport(handler)
        async with httpx.AsyncClient(transport=transport, base_url="http://fs.test") as http:
            try:
                client = FullStoryClient(HttpRequester(http))
                return await tool.run(client, tool.signature.validate(params))
            except FullStoryError as exc:
                return tool_error(name, exc)
            except ApiError as exc:  # a tool's own error (the Architect level)
                return exc

    return asyncio.run(go()), seen


def json_response(status: int, body: Any) -> httpx.Response:
    return httpx.Response(status, content=orjson.dumps(body))


def test_export_request_body() -> None:
    answer, (request,) = run_tool(
        "fullstory_create_segment_export",
        EXPORT,
        lambda r: json_response(200, {"operationId": "op-1"}),
    )
    assert answer == {"operationId": "op-1"}
    assert (request.method, request.url.path) == ("POST", "/segments/v1/exports")
    assert orjson.loads(request.content) == {
        "segmentId": "everyone",
        "type": "TYPE_EVENT",
        "format": "FORMAT_NDJSON",
        "timeRange": {"start": "2024-01-01T00:00:00Z", "end": ""},
        "eventDetails": {"scope": "SCOPE_SESSIONS"},
        "fields": ["user_email_str", "evt_price_real"],
        "timezone": "Europe/London",
    }


def test_export_below_architect_names_both_levels() -> None:
    def respond(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/me":
            return json_response(200, {"email": "s@x.test", "orgId": "o", "role": "USER"})
        return json_response(403, {"code": "forbidden", "message": "insufficient permissions"})

    error, requests = run_tool("fullstory_create_segment_export", EXPORT, respond)
    assert isinstance(error, ApiError) and error.status == 403
    assert error.message.startswith(
        "fullstory_create_segment_export needs a FullStory API key of level Architect or above; "
        "the connector has a Standard key."
    )
    assert [r.url.path for r in requests] == ["/segments/v1/exports", "/me"]


@pytest.mark.parametrize(
    ("state", "results", "follows"),
    [
        ("PENDING", None, False),
        ("FAILED", None, False),
        ("COMPLETED", {"searchExportId": "se-1", "expires": "2026-09-08T00:00:00Z"}, True),
    ],
)
def test_operation_status_adds_the_download_url_when_complete(
    state: str, results: Any, follows: bool
) -> None:
    operation = {"id": "op-1", "type": "SEARCH_EXPORT", "state": state, "results": results}
    link = {"location": "http://files.test/x.gz?sig=1", "expires": "2026-09-01T00:05:00Z"}

    def respond(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/operations/v1/op-1":
            return json_response(200, operation)
        assert request.url.path == "/search/v1/exports/se-1/results"
        return json_response(200, link)

    answer, requests = run_tool("fullstory_get_operation_status", {"operationId": "op-1"}, respond)
    assert len(requests) == (2 if follows else 1)
    if follows:
        assert answer == {
            **operation,
            "downloadUrl": link["location"],
            "downloadUrlExpires": link["expires"],
        }
    else:
        assert answer == operation


def test_ids_are_sent_as_one_encoded_path_segment() -> None:
    _, (request,) = run_tool(
        "fullstory_get_segment",
        {"id": "patrick@fullstory.com:4241245858598272/x"},
        lambda r: json_response(200, {"id": "x"}),
    )
    assert request.url.raw_path == b"/segments/v1/patrick%40fullstory.com%3A4241245858598272%2Fx"


def test_list_segments_query() -> None:
    _, (request,) = run_tool(
        "fullstory_list_segments",
        {"limit": 7, "creator": "a@b.test", "paginationToken": "tok"},
        lambda r: json_response(200, {"segments": []}),
    )
    assert dict(request.url.params) == {
        "limit": "7",
        "paginationToken": "tok",
        "creator": "a@b.test",
    }


def test_a_non_json_success_is_a_502() -> None:
    error, _ = run_tool(
        "fullstory_get_segment", {"id": "x"}, lambda r: httpx.Response(200, content=b"<html>")
    )
    assert isinstance(error, ApiError) and error.status == 502

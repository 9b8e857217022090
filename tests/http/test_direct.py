"""One in-process ASGI request (mockserver/http/direct.py): the scope an ASGI server would build,
the body fed once, the answer collected whole; app errors and dropped connections propagate."""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import urlencode

import pytest
from starlette.types import Message, Receive, Scope, Send

from mockserver.app import create_app
from mockserver.http.direct import call_asgi
from mockserver.http.transport_faults import IN_PROCESS, ConnectionDropped
from mockserver.settings import Settings


class Echo:
    """Answers with what it saw, in two body chunks; reads the body, then waits for the end."""

    def __init__(self) -> None:
        self.scope: Scope = {}
        self.messages: list[Message] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.scope = scope
        self.messages.append(await receive())
        await send({"type": "http.response.start", "status": 201, "headers": [(b"x-a", b"1")]})
        await send({"type": "http.response.body", "body": b"hello ", "more_body": True})
        await send({"type": "http.response.body", "body": b"world"})
        self.messages.append(await receive())  # after the answer: the client is gone


def test_the_scope_is_a_server_s_and_the_answer_is_whole() -> None:
    app = Echo()
    answer = asyncio.run(
        call_asgi(
            app, "POST", "/v2/sessions/u%3As/summary?x=1&y=%20", host="fs.test",
            headers=[("Authorization", "Basic k"), ("Content-Type", "application/json")],
            body=b"{}",
        )
    )  # fmt: skip
    assert (answer.status, answer.body, answer.header("X-A")) == (201, b"hello world", "1")
    assert answer.header("missing") is None
    scope = app.scope
    assert scope["path"] == "/v2/sessions/u:s/summary"
    assert scope["raw_path"] == b"/v2/sessions/u%3As/summary"
    assert scope["query_string"] == b"x=1&y=%20"
    assert scope[IN_PROCESS] is True
    assert dict(scope["headers"]) == {
        b"host": b"fs.test",
        b"authorization": b"Basic k",
        b"content-type": b"application/json",
        b"content-length": b"2",
    }
    assert app.messages == [
        {"type": "http.request", "body": b"{}", "more_body": False},
        {"type": "http.disconnect"},
    ]


def test_a_get_has_no_content_length_and_app_errors_propagate() -> None:
    async def failing(scope: Scope, receive: Receive, send: Send) -> None:
        assert not any(name == b"content-length" for name, _ in scope["headers"])
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        asyncio.run(call_asgi(failing, "GET", "/x", host="h"))


def test_a_dropped_connection_is_raised_as_under_the_test_transports() -> None:
    app = create_app(Settings(users=10))
    key = [("Authorization", "Basic mock-admin-key")]

    async def run() -> Any:
        rule = b'{"match": {"operation_id": "getMe"}, "action": {"type": "drop_connection"}}'
        made = await call_asgi(
            app, "POST", "/__admin/faults", host="h",
            headers=[("Content-Type", "application/json")], body=rule,
        )  # fmt: skip
        assert made.status == 201, made.body
        return await call_asgi(app, "GET", "/me", host="h", headers=key)

    with pytest.raises(ConnectionDropped):
        asyncio.run(run())


class Streamer:
    """Sends its answer in chunks while a watcher reads on (as the pipeline's stream does to
    notice a client that leaves): the watcher must see the disconnect only after the end."""

    def __init__(self, cancel_watch: bool) -> None:
        self.cancel_watch = cancel_watch
        self.seen: list[str] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def watch() -> None:
            while (message := await receive())["type"] != "http.disconnect":
                self.seen.append(message["type"])
            self.seen.append("disconnect")

        watcher = asyncio.ensure_future(watch())
        await send({"type": "http.response.start", "status": 200, "headers": []})
        for chunk in (b"a", b"b"):
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
            for _ in range(3):
                await asyncio.sleep(0)
            assert not watcher.done()  # the answer is not over: nobody has left
        if self.cancel_watch:  # the pipeline cancels its watch once the stream is done
            watcher.cancel()
            await send({"type": "http.response.body", "body": b"c"})
            with pytest.raises(asyncio.CancelledError):
                await watcher
            return
        await send({"type": "http.response.body", "body": b"c"})
        await watcher


@pytest.mark.parametrize("cancel_watch", [False, True])
def test_a_read_during_the_answer_waits_for_its_end(cancel_watch: bool) -> None:
    app = Streamer(cancel_watch)
    answer = asyncio.run(call_asgi(app, "GET", "/x", host="h"))
    assert answer.body == b"abc"
    assert app.seen == (["http.request"] if cancel_watch else ["http.request", "disconnect"])


@pytest.mark.parametrize(
    "params",
    [
        {"uid": "jane-checkout", "limit": "20"},
        {"email": "a b+c@x.io", "limit": "3"},  # quoted in the text: "+" and " " and "@"
        {"uid": "ä&=%41", "limit": "0"},  # an invalid limit: the same 400
        {},
    ],
)
def test_a_query_given_as_values_is_served_as_its_text_would_be(params: dict[str, str]) -> None:
    """Same status, headers, body and journal entry (but its number and time) either way."""
    app = create_app(Settings(users=10))
    key = [("Authorization", "Basic mock-admin-key")]
    journal = app.state.server.journal

    async def both() -> list[tuple[Any, ...]]:
        text = f"/sessions/v2?{urlencode(params)}" if params else "/sessions/v2"
        as_text = await call_asgi(app, "GET", text, host="h", headers=key)
        as_values = await call_asgi(app, "GET", "/sessions/v2", host="h", headers=key, query=params)
        return [(a.status, a.headers, a.body) for a in (as_text, as_values)]

    made = asyncio.run(both())
    assert made[0] == made[1]
    entries = [e.to_dict() for e in journal.query()][-2:]
    for entry in entries:
        entry.pop("seq")
        entry.pop("time", None)
        entry.pop("timestamp", None)
    assert entries[0] == entries[1]
    assert entries[0]["query"] == {name: [value] for name, value in params.items()}


def test_a_query_is_given_once() -> None:
    with pytest.raises(ValueError, match="not both"):
        asyncio.run(call_asgi(Echo(), "GET", "/x?a=1", host="h", query={"a": "1"}))

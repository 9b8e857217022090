"""One ASGI request made in process, without an HTTP client: a whole request to any ASGI app,
scope and all. (The Opal tools call this server's FullStory API through the narrower
:mod:`mockserver.http.direct_entry`, which skips the scope; it falls back to this for what is
not an API operation, and the tests hold the two to the same answers.)

An httpx client over an ASGI transport costs several times the request itself (building and
parsing URLs, headers and a Response, a task group per request); this builds the scope an ASGI
server would, feeds the body, and collects the answer. The scope is marked in-process
(``IN_PROCESS``), so a fault rule that drops the connection or cuts the body makes the app raise
:class:`~mockserver.http.transport_faults.ConnectionDropped`, as under the test transports; an
exception from the app propagates, as with httpx's ``raise_app_exceptions``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from typing import NamedTuple
from urllib.parse import unquote

from starlette.types import ASGIApp, Message

from mockserver.http.query import STRUCTURED_QUERY
from mockserver.http.transport_faults import IN_PROCESS

CLIENT_ADDRESS = ("127.0.0.1", 123)  # who an in-process call comes from (httpx uses the same)


class DirectResponse(NamedTuple):
    """The whole answer. A NamedTuple: a frozen dataclass cost ~2 µs to build per call."""

    status: int
    headers: tuple[tuple[bytes, bytes], ...]
    body: bytes

    def header(self, name: str) -> str | None:
        """The first header called ``name`` (any case), or None."""
        wanted = name.lower().encode("latin-1")
        for key, value in self.headers:
            if key.lower() == wanted:
                return value.decode("latin-1")
        return None


async def call_asgi(
    app: ASGIApp,
    method: str,
    target: str,
    *,
    host: str,
    headers: Sequence[tuple[str, str]] = (),
    body: bytes = b"",
    query: Mapping[str, str] | None = None,
) -> DirectResponse:
    """``method target`` (an encoded path and optional ``?query``) on ``app``, as a request to
    ``http://host``; the whole answer, once the app has finished. ``query`` (one value per
    name) is the query given as values instead of text in ``target``: the pipeline takes it as
    it would take it parsed from the text, without encoding and parsing it."""
    raw_path, _, query_text = target.partition("?")
    scope_headers = [(b"host", host.encode("latin-1"))]
    scope_headers += [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers]
    if body or method not in ("GET", "HEAD", "DELETE"):
        scope_headers.append((b"content-length", str(len(body)).encode("latin-1")))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": unquote(raw_path),
        "raw_path": raw_path.encode("latin-1"),
        "query_string": query_text.encode("latin-1"),
        "root_path": "",
        "headers": scope_headers,
        "server": (host, 80),
        "client": CLIENT_ADDRESS,
        "extensions": {},
        IN_PROCESS: True,
    }
    if query is not None:
        if query_text:
            raise ValueError("give the query as text in the target or as values, not both")
        scope[STRUCTURED_QUERY] = {name: [value] for name, value in query.items()}
    answer = _Collector(body)
    try:
        await app(scope, answer.receive, answer.send)
    finally:
        answer.finish()
    return DirectResponse(answer.status, answer.headers, b"".join(answer.chunks))


class _Collector:
    """The client's side of one call: feeds the body once, collects the answer. A second
    read waits for the end of the answer (as a client that stays), then reports a disconnect;
    the wait is only set up if the app reads again (most never do)."""

    __slots__ = ("body", "chunks", "done", "headers", "sent_body", "status", "waiter")

    def __init__(self, body: bytes) -> None:
        self.body = body
        self.sent_body = False
        self.done = False
        self.waiter: asyncio.Future[None] | None = None
        self.status = 500
        self.headers: tuple[tuple[bytes, bytes], ...] = ()
        self.chunks: list[bytes] = []

    async def receive(self) -> Message:
        if not self.sent_body:
            self.sent_body = True
            return {"type": "http.request", "body": self.body, "more_body": False}
        if not self.done:
            if self.waiter is None:
                self.waiter = asyncio.get_running_loop().create_future()
            await asyncio.shield(self.waiter)
        return {"type": "http.disconnect"}

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            self.headers = tuple(message.get("headers", ()))
        elif message["type"] == "http.response.body":
            self.chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                self.finish()

    def finish(self) -> None:
        self.done = True
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result(None)

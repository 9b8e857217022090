"""The tools' only way to FullStory: its documented HTTP API, behind one small client.

Two backends give the client its transport:

* :class:`InProcessBackend` calls the fake's own FullStory API in process (through the
  pipeline's narrow entry, :class:`mockserver.http.direct_entry.DirectEntry`: no HTTP client, no
  ASGI scope), with the connector's key (so every call is authenticated, rate-limited,
  fault-injected and journaled like any other client's);
* :class:`HttpBackend` calls a FullStory base URL: the real API, or another running fake.

The tools cannot tell them apart; nothing in :mod:`mockserver.opal` reads the fake's state.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol
from urllib.parse import quote

import orjson

from mockserver.core.lru import bounded
from mockserver.http.direct_entry import Answered, DirectEntry
from mockserver.http.transport_faults import ConnectionDropped

if TYPE_CHECKING:  # httpx is imported by the HTTP backend only, when it is used
    import httpx

IN_PROCESS_HOST = "fullstory.in-process"
HTTP_TIMEOUT_SECONDS = 60.0  # a summary of a long session takes a while at the real API


class FullStoryError(Exception):
    """FullStory answered an error (or could not be reached: ``status`` 0)."""

    def __init__(self, status: int, code: str, message: str, retry_after: str | None = None):
        self.status = status
        self.code = code
        self.message = message
        self.retry_after = retry_after
        super().__init__(f"{status} {code}: {message}")


class Answer(NamedTuple):
    """What FullStory answered, as much of it as the client reads. A NamedTuple: a frozen
    dataclass cost ~2 µs to build per call."""

    status: int
    content: bytes
    retry_after: str | None = None

    @property
    def reason(self) -> str:
        try:
            return HTTPStatus(self.status).phrase
        except ValueError:
            return ""


class Requester(Protocol):
    """One opened connection to FullStory, authenticated with the connector's key. ``query``
    is the request's query parameters as the tools give them: a None value is left out, any
    other is sent as its ``str()``. The answer: status, body and a failure's Retry-After (an
    :class:`Answer`, or the same fields as a plain tuple)."""

    def request(
        self, method: str, path: str, query: Mapping[str, Any], content: bytes | None
    ) -> Awaitable[tuple[int, bytes, str | None]]: ...


# A tool's run: its FullStory calls through a client, given the checked parameters.
ToolRun = Callable[["FullStoryClient", dict[str, Any]], Awaitable[Any]]


class Backend(Protocol):
    def open(self, key: str) -> contextlib.AbstractAsyncContextManager[Requester]: ...

    def run_tool(self, key: str, run: ToolRun, values: dict[str, Any]) -> Awaitable[Any]:
        """``run`` with a client authenticated with ``key``, opened and closed around it
        where the backend has a connection to open."""
        ...

    @property
    def label(self) -> str: ...


def _auth(key: str) -> dict[str, str]:
    # FullStory's scheme: the raw key after "Basic " (api-facts section 3).
    return {"Authorization": f"Basic {key}"}


_JSON_CONTENT = MappingProxyType({"content-type": "application/json"})  # lower-case: decoded


def _json_headers(content: bytes | None) -> dict[str, str]:
    return {"Content-Type": "application/json"} if content is not None else {}


def _sent(query: Mapping[str, Any]) -> dict[str, str]:
    """The query parameters an HTTP client sends for ``query`` (see :class:`Requester`)."""
    return {name: str(value) for name, value in query.items() if value is not None}


class DirectRequester:
    """Requests to the app in process; it is its own (empty) async context, so opening one for
    a tool call costs no generator-based context manager. A plain class: a frozen dataclass
    cost ~2 µs to build per tool call. Immutable once made: one serves every call with its key
    (see :meth:`InProcessBackend.client`)."""

    __slots__ = ("entry", "headers", "json_headers")

    def __init__(self, entry: DirectEntry, key: str) -> None:
        self.entry = entry
        # The headers an HTTP client would send (lower-case, as the pipeline reads them); plain
        # dicts for the pipeline's lookups, never changed.
        self.headers = {"accept": "*/*", "authorization": _auth(key)["Authorization"]}
        self.json_headers = {**self.headers, **_JSON_CONTENT}

    async def __aenter__(self) -> DirectRequester:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    def request(
        self, method: str, path: str, query: Mapping[str, Any], content: bytes | None
    ) -> Awaitable[Answered]:
        """The entry's coroutine itself, not one more coroutine around it: a dropped connection
        (:class:`ConnectionDropped`) reaches :meth:`FullStoryClient.call`, which reports it."""
        # The query as values: the pipeline reads what it would parse from their urlencoded
        # text, without the encoding and the parsing (tests/opal/test_client.py).
        return self.entry.answer(
            method, path, host=IN_PROCESS_HOST,
            headers=self.headers if content is None else self.json_headers,
            body=content or b"",
            query={name: [str(value)] for name, value in query.items() if value is not None},
        )  # fmt: skip


# Keys whose client an in-process backend keeps (past that it starts over): the connector's
# own and the keys its callers bring (each one this server holds: see OpalAuthenticator).
CLIENTS_KEPT = 256


@dataclass(frozen=True)
class InProcessBackend:
    """The fake's own FullStory API, called in process. ``entry`` is a getter: the app that
    serves the Opal tools is the one that serves FullStory, and it is built after the mount."""

    entry: Callable[[], DirectEntry]
    # One client per key, made at its first tool call: nothing to open or close in process,
    # and the requester's headers are the same for every call with the key (~2 µs a call).
    _clients: dict[str, FullStoryClient] = field(default_factory=dict, repr=False)

    @property
    def label(self) -> str:
        return "in-process"

    def open(self, key: str) -> DirectRequester:
        return DirectRequester(self.entry(), key)

    def run_tool(self, key: str, run: ToolRun, values: dict[str, Any]) -> Awaitable[Any]:
        # Nothing to open or close in process: the key's kept client, and run's own awaitable.
        return run(self.client(key), values)

    def client(self, key: str) -> FullStoryClient:
        """The client for tool calls with ``key`` (kept: no context to enter in process)."""
        client = self._clients.get(key)
        if client is None:
            client = bounded(self._clients, CLIENTS_KEPT)[key] = FullStoryClient(self.open(key))
        return client


@dataclass(frozen=True, slots=True)
class HttpRequester:
    """Sends the connector's FullStory requests over HTTP (the other FullStory named by
    ``--opal-fullstory-url``)."""

    http: httpx.AsyncClient

    async def request(
        self, method: str, path: str, query: Mapping[str, Any], content: bytes | None
    ) -> Answer:
        import httpx

        try:
            response = await self.http.request(
                method, path, params=_sent(query), content=content, headers=_json_headers(content)
            )
        except httpx.HTTPError as exc:
            raise FullStoryError(0, "unreachable", f"{type(exc).__name__}: {exc}") from None
        return Answer(response.status_code, response.content, response.headers.get("Retry-After"))


@dataclass(frozen=True)
class HttpBackend:
    """A FullStory API at ``base_url`` (``https://api.fullstory.com``, or a fake's URL)."""

    base_url: str

    @property
    def label(self) -> str:
        return self.base_url

    async def run_tool(self, key: str, run: ToolRun, values: dict[str, Any]) -> Any:
        async with self.open(key) as http:
            return await run(FullStoryClient(http), values)

    @contextlib.asynccontextmanager
    async def open(self, key: str) -> AsyncIterator[Requester]:
        import httpx  # only a server fronting another FullStory needs an HTTP client

        async with httpx.AsyncClient(
            base_url=self.base_url.rstrip("/"), headers=_auth(key), timeout=HTTP_TIMEOUT_SECONDS
        ) as client:
            yield HttpRequester(client)


_NO_QUERY: Mapping[str, Any] = MappingProxyType({})


def segment(value: str) -> str:
    """One path segment, percent-encoded (a session id's ``:`` becomes ``%3A``, as FullStory
    asks)."""
    return quote(value, safe="")


class FullStoryClient:
    """The FullStory endpoints the tools use, as plain calls that return the decoded answer or
    raise :class:`FullStoryError`."""

    def __init__(self, http: Requester) -> None:
        self.http = http

    async def call(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, Any] | None = None,
        body: Any = None,
    ) -> Any:
        content = orjson.dumps(body) if body is not None else None
        try:
            status, data, retry_after = await self.http.request(
                method, path, query or _NO_QUERY, content
            )
        except ConnectionDropped as exc:
            # In process, what an HTTP client reports when the server hangs up (a fault rule
            # asked for it).
            raise FullStoryError(0, "unreachable", f"RemoteProtocolError: {exc}") from None
        return _decode(status, data, retry_after)

    # The shorthands hand back call()'s coroutine rather than awaiting it in one of their own
    # (a coroutine per FullStory request saved; the caller awaits either way).
    def get(self, path: str, **query: Any) -> Awaitable[Any]:
        return self.call("GET", path, query=query)

    def post(self, path: str, body: Any, **query: Any) -> Awaitable[Any]:
        return self.call("POST", path, query=query, body=body)

    def delete(self, path: str) -> Awaitable[Any]:
        return self.call("DELETE", path)


def _decode(status: int, content: bytes, retry_after: str | None) -> Any:
    try:
        data = orjson.loads(content) if content else {}
    except orjson.JSONDecodeError:
        data = None
    if 200 <= status < 300:
        if data is None:
            raise FullStoryError(status, "bad_response", "FullStory sent no JSON")
        return data
    # FullStory's envelope is {"message", "code"}; anything else is reported as it came.
    message = data.get("message") if isinstance(data, dict) else None
    code = data.get("code") if isinstance(data, dict) else None
    text = content.decode("utf-8", "replace")[:200]
    raise FullStoryError(
        status,
        str(code or "error"),
        str(message or text or Answer(status, content).reason),
        retry_after,
    )

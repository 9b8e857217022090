"""The tools' only way to FullStory: its documented HTTP API, behind one small client.

Two backends give the client its transport:

* :class:`InProcessBackend` calls the fake's own FullStory app in process (one direct ASGI call,
  :func:`mockserver.http.direct.call_asgi`, no HTTP client), with the connector's key (so every
  call is authenticated, rate-limited, fault-injected and journaled like any other client's);
* :class:`HttpBackend` calls a FullStory base URL: the real API, or another running fake.

The tools cannot tell them apart; nothing in :mod:`mockserver.opal` reads the fake's state.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol
from urllib.parse import quote

import orjson
from starlette.types import ASGIApp

from mockserver.http.direct import call_asgi
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
    def is_success(self) -> bool:
        return 200 <= self.status < 300

    @property
    def reason(self) -> str:
        try:
            return HTTPStatus(self.status).phrase
        except ValueError:
            return ""


class Requester(Protocol):
    """One opened connection to FullStory, authenticated with the connector's key."""

    async def request(
        self, method: str, path: str, params: Mapping[str, str], content: bytes | None
    ) -> Answer: ...


class Backend(Protocol):
    def open(self, key: str) -> contextlib.AbstractAsyncContextManager[Requester]: ...

    @property
    def label(self) -> str: ...


def _auth(key: str) -> dict[str, str]:
    # FullStory's scheme: the raw key after "Basic " (api-facts section 3).
    return {"Authorization": f"Basic {key}"}


def _json_headers(content: bytes | None) -> dict[str, str]:
    return {"Content-Type": "application/json"} if content is not None else {}


class DirectRequester:
    """Requests to the app in process; it is its own (empty) async context, so opening one for
    a tool call costs no generator-based context manager. A plain class: a frozen dataclass
    cost ~2 µs to build per tool call."""

    __slots__ = ("app", "key")

    def __init__(self, app: ASGIApp, key: str) -> None:
        self.app = app
        self.key = key

    async def __aenter__(self) -> DirectRequester:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    async def request(
        self, method: str, path: str, params: Mapping[str, str], content: bytes | None
    ) -> Answer:
        headers = [("Accept", "*/*"), *_auth(self.key).items(), *_json_headers(content).items()]
        try:
            # The query as values: the pipeline reads what it would parse from their urlencoded
            # text, without the encoding and the parsing (tests/opal/test_client.py).
            response = await call_asgi(
                self.app, method, path, host=IN_PROCESS_HOST, headers=headers,
                body=content or b"", query=params,
            )  # fmt: skip
        except ConnectionDropped as exc:
            # What an HTTP client reports when the server hangs up (a fault rule asked for it).
            raise FullStoryError(0, "unreachable", f"RemoteProtocolError: {exc}") from None
        return Answer(response.status, response.body, response.header("retry-after"))


@dataclass(frozen=True)
class InProcessBackend:
    """The fake's own FullStory API, called in process. ``app`` is a getter: the app that
    serves the Opal tools is the one that serves FullStory, and it is built after the mount."""

    app: Callable[[], ASGIApp]

    @property
    def label(self) -> str:
        return "in-process"

    def open(self, key: str) -> DirectRequester:
        return DirectRequester(self.app(), key)


@dataclass(frozen=True, slots=True)
class HttpRequester:
    """Sends the connector's FullStory requests over HTTP (the other FullStory named by
    ``--opal-fullstory-url``)."""

    http: httpx.AsyncClient

    async def request(
        self, method: str, path: str, params: Mapping[str, str], content: bytes | None
    ) -> Answer:
        import httpx

        try:
            response = await self.http.request(
                method, path, params=params, content=content, headers=_json_headers(content)
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

    @contextlib.asynccontextmanager
    async def open(self, key: str) -> AsyncIterator[Requester]:
        import httpx  # only a server fronting another FullStory needs an HTTP client

        async with httpx.AsyncClient(
            base_url=self.base_url.rstrip("/"), headers=_auth(key), timeout=HTTP_TIMEOUT_SECONDS
        ) as client:
            yield HttpRequester(client)


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
        params = {k: str(v) for k, v in (query or {}).items() if v is not None}
        content = orjson.dumps(body) if body is not None else None
        return _decode(await self.http.request(method, path, params, content))

    async def get(self, path: str, **query: Any) -> Any:
        return await self.call("GET", path, query=query)

    async def post(self, path: str, body: Any, **query: Any) -> Any:
        return await self.call("POST", path, query=query, body=body)

    async def delete(self, path: str) -> Any:
        return await self.call("DELETE", path)


def _decode(response: Answer) -> Any:
    try:
        data = orjson.loads(response.content) if response.content else {}
    except orjson.JSONDecodeError:
        data = None
    if response.is_success:
        if data is None:
            raise FullStoryError(response.status, "bad_response", "FullStory sent no JSON")
        return data
    # FullStory's envelope is {"message", "code"}; anything else is reported as it came.
    message = data.get("message") if isinstance(data, dict) else None
    code = data.get("code") if isinstance(data, dict) else None
    text = response.content.decode("utf-8", "replace")[:200]
    raise FullStoryError(
        response.status,
        str(code or "error"),
        str(message or text or response.reason),
        response.retry_after,
    )

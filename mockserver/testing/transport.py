"""httpx transports that call an ASGI app in process, sync and async.

httpx ships only an async ASGI transport. The sync one runs it on an event loop in a helper
thread (anyio's blocking portal), so plain ``def`` tests get an ``httpx.Client`` with no port and
no sockets, and the app's state is touched from one loop only.

Both mark the scope as in-process (``IN_PROCESS``), so a fault rule that drops the connection or
cuts the body makes the app raise :class:`ConnectionDropped`; the transports turn that into the
``httpx.RemoteProtocolError`` a real client sees when a server hangs up on it.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterator
from types import TracebackType

import httpx
from anyio.from_thread import BlockingPortal, start_blocking_portal
from starlette.types import ASGIApp

from mockserver.http.in_process import AsyncASGITransport, mark_in_process

__all__ = [
    "AsyncASGITransport",
    "PortalOwner",
    "SyncASGITransport",
    "async_in_process_client",
    "in_process_client",
    "mark_in_process",
]

DEFAULT_BASE_URL = "http://mockserver.test"


class SyncASGITransport(httpx.BaseTransport):
    def __init__(self, app: ASGIApp, portal: BlockingPortal) -> None:
        self._inner = AsyncASGITransport(app)
        self._portal = portal

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        async_request = httpx.Request(
            request.method,
            request.url,
            headers=request.headers,
            content=body,
            extensions=request.extensions,
        )

        async def call() -> tuple[int, httpx.Headers, bytes]:
            response = await self._inner.handle_async_request(async_request)
            return response.status_code, response.headers, response.content

        try:
            status, headers, content = self._portal.call(call)
        except httpx.RemoteProtocolError as exc:
            raise httpx.RemoteProtocolError(str(exc), request=request) from None
        return httpx.Response(status, headers=headers, content=content, request=request)


class PortalOwner(contextlib.AbstractContextManager["PortalOwner"]):
    """Owns the helper thread's event loop for as long as clients need it."""

    def __init__(self) -> None:
        self._stack = contextlib.ExitStack()
        self.portal: BlockingPortal = self._stack.enter_context(start_blocking_portal())

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stack.close()


@contextlib.contextmanager
def in_process_client(
    app: ASGIApp, *, headers: dict[str, str] | None = None, base_url: str = DEFAULT_BASE_URL
) -> Iterator[httpx.Client]:
    with (
        PortalOwner() as owner,
        httpx.Client(
            transport=SyncASGITransport(app, owner.portal), base_url=base_url, headers=headers
        ) as client,
    ):
        yield client


@contextlib.asynccontextmanager
async def async_in_process_client(
    app: ASGIApp, *, headers: dict[str, str] | None = None, base_url: str = DEFAULT_BASE_URL
) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        transport=AsyncASGITransport(app), base_url=base_url, headers=headers
    ) as client:
        yield client

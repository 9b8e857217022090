"""A synchronous httpx transport that calls an ASGI app in process.

httpx ships only an async ASGI transport. This one runs it on an event loop in a helper thread
(anyio's blocking portal), so plain ``def`` tests get an ``httpx.Client`` with no port and no
sockets, and the app's state is touched from one loop only.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from types import TracebackType

import httpx
from anyio.from_thread import BlockingPortal, start_blocking_portal
from starlette.types import ASGIApp


class SyncASGITransport(httpx.BaseTransport):
    def __init__(self, app: ASGIApp, portal: BlockingPortal) -> None:
        self._inner = httpx.ASGITransport(app=app)
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
            content = await response.aread()
            return response.status_code, response.headers, content

        status, headers, content = self._portal.call(call)
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
    app: ASGIApp, *, headers: dict[str, str] | None = None, base_url: str = "http://mockserver.test"
) -> Iterator[httpx.Client]:
    with (
        PortalOwner() as owner,
        httpx.Client(
            transport=SyncASGITransport(app, owner.portal), base_url=base_url, headers=headers
        ) as client,
    ):
        yield client

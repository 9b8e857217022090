"""An httpx transport that calls an ASGI app in process (no socket), for tests (one API of this
server calling another uses the lighter :mod:`mockserver.http.direct` instead).

It marks the scope as in-process (``IN_PROCESS``), so a fault rule that drops the connection or
cuts the body makes the app raise :class:`ConnectionDropped`; the transport turns that into the
``httpx.RemoteProtocolError`` a real client sees when a server hangs up on it.
"""

from __future__ import annotations

import httpx
from starlette.types import ASGIApp, Receive, Scope, Send

from mockserver.http.transport_faults import IN_PROCESS, ConnectionDropped


def mark_in_process(app: ASGIApp) -> ASGIApp:
    """Wrap ``app`` so every scope it sees says "no socket behind me"."""

    async def marked(scope: Scope, receive: Receive, send: Send) -> None:
        scope[IN_PROCESS] = True
        await app(scope, receive, send)

    return marked


class AsyncASGITransport(httpx.AsyncBaseTransport):
    """httpx's ASGI transport, plus the in-process marker and dropped-connection translation."""

    def __init__(self, app: ASGIApp) -> None:
        self._inner = httpx.ASGITransport(app=mark_in_process(app))

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            response = await self._inner.handle_async_request(request)
            # Read inside the try: a cut-off body is only noticed once the app has finished.
            await response.aread()
        except ConnectionDropped as exc:
            raise httpx.RemoteProtocolError(str(exc), request=request) from None
        return response

"""uvicorn's HTTP protocol (httptools), with limits a shared server needs, and errors in the
owning API's envelope wherever the protocol lets the app answer.

* **time to receive headers** (``--header-timeout``): a connection that has not sent a whole
  request head in time is closed, so slow or half-open clients cannot pile up. uvicorn itself
  only times out idle keep-alive connections.
* **request target** (``--max-target-bytes``) and **headers** (``--max-header-bytes``,
  ``--max-header-count``): what is over the limit is not stored (memory stays bounded), and the
  app answers 414 or 431 in the envelope.
* **malformed requests** (raw non-ASCII or NUL bytes in the target, NUL in a header, an unknown
  method, a bad ``Content-Length``, ``Content-Length`` with ``Transfer-Encoding``): the parser
  stops before the app sees anything; the 400 is written here, in the envelope of the API the
  target belongs to, instead of uvicorn's plain text.
* **concurrent connections** (``--max-connections``): uvicorn's ``limit_concurrency``; beyond
  it uvicorn answers ``503`` in plain text itself (documented in the README fidelity table).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from mockserver.http.errors import ApiError, HeadersTooLarge, InvalidArgument, UriTooLong

# The scope key through which the protocol hands the app a refusal to answer in its envelope.
REFUSAL = "mockserver.refusal"

Render = Callable[[str, ApiError], bytes]  # (path, error) -> the owning API's JSON body


@dataclass(frozen=True, slots=True)
class ProtocolLimits:
    """The HTTP protocol's limits on a request's head: how long it may take, and the size of
    its target and headers."""

    header_timeout: float = 10.0
    max_target_bytes: int = 16 * 1024
    max_header_bytes: int = 64 * 1024
    max_header_count: int = 100


class LimitedHttpToolsProtocol(HttpToolsProtocol):
    limits = ProtocolLimits()
    render: Render | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_timer: asyncio.TimerHandle | None = None
        self._head_pending = False  # a request head has begun and is not complete yet
        self._refusal: ApiError | None = None
        self._header_bytes = 0
        self._header_count = 0
        self._received = b""  # the start of what was sent, to find the target of a bad request
        self.url = b""  # set per request by on_message_begin; empty until the first one

    # -- time to receive a request head ----------------------------------------------------

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_head_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_head_timer()
        super().connection_lost(exc)

    def _arm_head_timer(self) -> None:
        self._disarm_head_timer()
        self._head_timer = self.loop.call_later(self.limits.header_timeout, self._head_too_slow)

    def _disarm_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_too_slow(self) -> None:
        self._head_timer = None
        if not self.transport.is_closing():
            self.transport.close()  # no answer: the request line may not even be complete

    # -- sizes --------------------------------------------------------------------------------

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._refusal = None
        self._header_bytes = self._header_count = 0
        # The next request on a kept-alive connection: timed from the end of the bytes that
        # began it (data_received), and only if they did not complete its head: most heads
        # arrive whole, and then no timer is made and cancelled per request.
        self._head_pending = True

    def on_url(self, url: bytes) -> None:
        url = self.url + url
        limit = self.limits.max_target_bytes
        if len(url) > limit:
            self._refuse(UriTooLong(f"the request target exceeds {limit} bytes"))
            url = url[:limit]  # the start is kept: it says which API is meant
        self.url = url

    def on_header(self, name: bytes, value: bytes) -> None:
        self._header_count += 1
        self._header_bytes += len(name) + len(value) + 4  # ": " and CRLF, as sent
        limits = self.limits
        too_many = self._header_count > limits.max_header_count
        if too_many or self._header_bytes > limits.max_header_bytes:
            self._refuse(
                HeadersTooLarge(
                    f"request headers exceed {limits.max_header_count} fields or "
                    f"{limits.max_header_bytes} bytes"
                )
            )
            return  # not stored
        # uvicorn's own on_header, inlined: the parser calls this for every header of every
        # request, and a call through super() costs about as much as the work itself.
        name = name.lower()
        if name == b"expect" and value.lower() == b"100-continue":
            self.expect_100_continue = True
        self.headers.append((name, value))

    def on_headers_complete(self) -> None:
        self._head_pending = False
        self._disarm_head_timer()
        if self._refusal is not None:
            self.scope[REFUSAL] = self._refusal  # type: ignore[literal-required]
        super().on_headers_complete()

    def _refuse(self, error: ApiError) -> None:
        if self._refusal is None:
            self._refusal = error

    # -- malformed requests ------------------------------------------------------------------

    def data_received(self, data: bytes) -> None:
        if not self.url:  # the parser may refuse a request line before its target
            self._received = (self._received + data)[:_TARGET_SNIFF]
        super().data_received(data)
        if self._head_pending and self._head_timer is None:
            self._arm_head_timer()  # a head still incomplete: it has the timeout from now

    def send_400_response(self, msg: str) -> None:
        render = self.render
        if render is None:
            super().send_400_response(msg)
            return
        target = self.url or _target_of(self._received)
        path = target.split(b"?", 1)[0].decode("latin-1") or "/"
        body = render(path, InvalidArgument(f"malformed HTTP request: {msg.rstrip('.')}"))
        head = (
            b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\n"
            b"content-length: " + str(len(body)).encode() + b"\r\nconnection: close\r\n\r\n"
        )
        self.transport.write(head + body)
        self.transport.close()


_TARGET_SNIFF = 512


def _target_of(received: bytes) -> bytes:
    """``/x`` from ``FOO /x HTTP/1.1`` (empty if there is no such line)."""
    parts = received.split(b"\r\n", 1)[0].split(b" ")
    return parts[1] if len(parts) > 1 else b""


def protocol_class(limits: ProtocolLimits, render: Render) -> type[LimitedHttpToolsProtocol]:
    """A protocol class carrying these limits (uvicorn instantiates it per connection)."""
    return type(
        "MockserverHttpProtocol", (LimitedHttpToolsProtocol,), {"limits": limits, "render": render}
    )


def uvicorn_options(settings: Any, render: Render) -> dict[str, Any]:
    """The ``uvicorn.Config`` keywords for these settings' connection limits."""
    limits = ProtocolLimits(
        header_timeout=settings.header_timeout,
        max_target_bytes=settings.max_target_bytes,
        max_header_bytes=settings.max_header_bytes,
        max_header_count=settings.max_header_count,
    )
    return {
        "http": protocol_class(limits, render),
        "limit_concurrency": settings.max_connections,
        "server_header": False,
        # No WebSockets (no API here has one): "auto" imports the websockets library at every
        # start (~20 ms), and an upgrade request is then answered by the API as plain HTTP
        # instead of a bare 403 outside every API's envelope.
        "ws": "none",
    }

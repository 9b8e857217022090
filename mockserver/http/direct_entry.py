"""The narrow in-process entry into the request pipeline: one API of this server calling another
(the Opal tools calling FullStory) with the request already decoded.

:func:`mockserver.http.direct.call_asgi` builds the scope an ASGI server would, and the app then
takes it apart again: routing through the app, header decoding, the query, the send/collect
round of messages. Here the caller hands over the decoded method, path, query values and
headers; the path is routed by the same router, and the request runs through the pipeline's
own :func:`~mockserver.http.pipeline.serve`, the function behind every ASGI request, so auth,
rate limits, faults, validation, the handler, the save and the journal entry are the very
same steps. Only the answer is handed back instead of sent: the same status, headers and body
``call_asgi`` collects, and the same :class:`ConnectionDropped` for a dropped or cut-off
connection (tests/http/test_direct_entry.py compares the two paths).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Iterable, Mapping
from typing import NamedTuple
from urllib.parse import unquote, urlencode

from starlette.types import ASGIApp

from mockserver.http.direct import DirectResponse, call_asgi
from mockserver.http.pipeline import (
    FallbackDispatcher,
    Incoming,
    Outcome,
    PathDispatcher,
    response_headers,
    serve,
)
from mockserver.http.query import parse_query
from mockserver.http.routing import SpecRouter
from mockserver.http.transport_faults import DROPPED, ConnectionDropped

log = logging.getLogger("mockserver")
# Records of every call built as the pipeline builds its own (see _new in http/pipeline.py).
_new = tuple.__new__


class _Request(NamedTuple):
    """A decoded request as the entry's callers hand it over (``raw_path`` still encoded, no
    ``?query``: the query is values)."""

    method: str
    raw_path: str
    host: str
    headers: Mapping[str, str]
    body: bytes
    query: Mapping[str, list[str]]


class DirectEntry:
    """Serves decoded requests with ``router``; what it does not route to an API's pipeline
    (a served spec document) goes to ``app`` as a whole ASGI request."""

    __slots__ = ("app", "router")

    def __init__(self, router: SpecRouter, app: ASGIApp) -> None:
        self.router = router
        self.app = app

    async def call(
        self,
        method: str,
        target: str,
        *,
        host: str,
        headers: Mapping[str, str],
        body: bytes = b"",
        query: Mapping[str, list[str]] | None = None,
    ) -> DirectResponse:
        """``method target`` as :func:`~mockserver.http.direct.call_asgi` would make it to
        ``http://host``. ``target`` is an encoded path (and optional ``?query``); ``query``,
        ``{name: [values]}``, is the query as values instead; ``headers`` are the request's
        headers with lower-case names, besides ``host`` (the pipeline looks only at those its
        API reads: a declared ``content-length`` is the length of ``body``)."""
        raw_path, _, query_text = target.partition("?")
        if query is None:
            query = parse_query(query_text.encode("latin-1"))
        elif query_text:
            raise ValueError("give the query as text in the target or as values, not both")
        request = _new(_Request, (method, raw_path, host, headers, body, query))
        served = self._served(request)
        if served is None:  # not an API's operation: the app serves it as it serves any client
            return await self._whole(request)
        return await _handed_over(await served, unquoted(raw_path))

    async def answer(
        self,
        method: str,
        path: str,
        *,
        host: str,
        headers: Mapping[str, str],
        body: bytes,
        query: Mapping[str, list[str]],
    ) -> Answered:
        """:meth:`call` for a caller that reads only the status, the body and a failure's
        ``Retry-After`` (the Opal tools' requester): the same request and steps, the answer
        without the response headers built (``path`` has no ``?query``: the query is values).
        tests/http/test_direct_entry.py holds it to :meth:`call`'s answer."""
        request = _new(_Request, (method, path, host, headers, body, query))
        served = self._served(request)
        if served is None:
            whole = await self._whole(request)
            status = whole.status
            retry = None if 200 <= status < 300 else whole.header("retry-after")
            return status, whole.body, retry
        status, payload, reply_headers, _, transport, stream = await served
        if transport is not None:  # dropped, or cut off before the end: no answer either way
            raise ConnectionDropped(DROPPED)
        if stream is not None and status < 400:
            payload = await _collected(stream, unquoted(path))
        if 200 <= status < 300 or not reply_headers:
            return status, payload, None
        # As DirectResponse.header reads it from the sent headers: the first, in any case.
        retry = next((v for k, v in reply_headers.items() if k.lower() == "retry-after"), None)
        return status, payload, retry

    def _served(self, request: _Request) -> Awaitable[Outcome] | None:
        """The pipeline's coroutine serving the request (its :class:`Outcome`), or None for
        what is not an API's operation (:meth:`_whole` serves that)."""
        method, raw_path, host, headers, body, query = request
        path = unquoted(raw_path)
        endpoint, path_params = self.router.resolve(path)
        if isinstance(endpoint, PathDispatcher):
            mount, by_method = endpoint.mount, endpoint.by_method
            compiled, allowed = by_method.get(method), by_method
        elif isinstance(endpoint, FallbackDispatcher):
            mount, compiled, allowed = endpoint.owner(path), None, None
        else:
            return None
        # call_asgi's scope names no server port when there is a host: its origin is the host.
        incoming = _new(Incoming, (method, path, query, headers, path_params, f"http://{host}"))
        return serve(mount, compiled, incoming, body, allowed=allowed)

    async def _whole(self, request: _Request) -> DirectResponse:
        """The request as a whole ASGI request to the app (a served spec document)."""
        method, raw_path, host, headers, body, query = request
        pairs = [(name, value) for name, value in headers.items() if name != "host"]
        text = urlencode(query, doseq=True)
        whole = f"{raw_path}?{text}" if text else raw_path
        return await call_asgi(self.app, method, whole, host=host, headers=pairs, body=body)


# What DirectEntry.answer hands back: the status, the body and a failure's Retry-After.
Answered = tuple[int, bytes, str | None]


def unquoted(raw_path: str) -> str:
    """The percent-decoded path, as an ASGI server's scope gives it."""
    return unquote(raw_path) if "%" in raw_path else raw_path  # most paths: nothing to do


async def _handed_over(outcome: Outcome, path: str) -> DirectResponse:
    """The answer as ``call_asgi`` collects it from the pipeline's send (``_send`` and
    ``_send_stream`` in :mod:`mockserver.http.pipeline`)."""
    status, payload, headers, media_type, transport, stream = outcome
    if transport is not None:  # dropped, or cut off before the end: no answer either way
        raise ConnectionDropped(DROPPED)
    if stream is not None and status < 400:
        body = await _collected(stream, path)
        return DirectResponse(status, tuple(response_headers(media_type, headers, None)), body)
    raw_headers = response_headers(media_type, headers, len(payload))
    return _new(DirectResponse, (status, tuple(raw_headers), payload))


async def _collected(stream: Iterable[bytes], path: str) -> bytes:
    """A streamed body, whole. A failure half way drops the connection, as the pipeline's
    stream does once the status is sent; between chunks other requests are served."""
    chunks: list[bytes] = []
    try:
        for chunk in stream:
            if chunk:
                chunks.append(chunk)
                await asyncio.sleep(0)
    except Exception:
        log.exception("stream of %s failed; dropping the connection", path)
        raise ConnectionDropped(DROPPED) from None
    finally:
        close = getattr(stream, "close", None)
        if close is not None:
            close()
    return b"".join(chunks)

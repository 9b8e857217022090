"""One way out: handlers return plain data (or a :class:`Reply`); this module encodes it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

import orjson

JSON = "application/json"
NO_HEADERS: Mapping[str, str] = MappingProxyType({})


class Reply(NamedTuple):
    """A handler's answer when the spec's single 2xx status or plain JSON is not enough.

    A NamedTuple: immutable, and built in half a frozen dataclass's time (one per request)."""

    body: Any = None
    status: int | None = None  # None: the operation's documented 2xx
    headers: Mapping[str, str] = NO_HEADERS
    raw: bytes | None = None  # pre-encoded bytes (files, served documents)
    media_type: str = JSON
    # Awaited before the answer is sent (e.g. a summary's generation time, driven by the clock).
    pause: Callable[[], Awaitable[None]] | None = None
    # A body produced while it is sent (export files): chunks are pulled one at a time, so a
    # file of any size is never held in memory. Set nothing else that describes the body.
    stream: Iterable[bytes] | None = None


def encode(body: Any) -> bytes:
    # orjson keeps insertion order and writes no whitespace: same data, same bytes.
    return orjson.dumps(body)


def raw_reply(raw: bytes) -> Reply:
    """``Reply(raw=raw)``: pre-encoded JSON with every other field its default, built through
    ``tuple.__new__`` (a NamedTuple's own ``__new__`` with a keyword costs about three times
    as much; the listing handlers answer this way on every request)."""
    return _new_reply(Reply, (None, None, NO_HEADERS, raw, JSON, None, None))


_new_reply = tuple.__new__

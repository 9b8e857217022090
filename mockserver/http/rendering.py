"""One way out: handlers return plain data (or a :class:`Reply`); this module encodes it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson

JSON = "application/json"


@dataclass(frozen=True, slots=True)
class Reply:
    """A handler's answer when the spec's single 2xx status or plain JSON is not enough."""

    body: Any = None
    status: int | None = None  # None: the operation's documented 2xx
    headers: Mapping[str, str] = field(default_factory=dict)
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

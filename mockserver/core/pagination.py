"""Opaque page tokens for list endpoints: an offset bound to the list's parameters, so a token
used with different parameters (other than ``limit``, which may change between pages) is
refused instead of silently paging through another list."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from typing import TypeVar

import orjson

T = TypeVar("T")


class BadPageToken(ValueError):
    pass


def _fingerprint(params: object) -> str:
    return hashlib.sha256(orjson.dumps(params, option=orjson.OPT_SORT_KEYS)).hexdigest()[:12]


def make_token(offset: int, params: object) -> str:
    raw = orjson.dumps({"o": offset, "p": _fingerprint(params)})
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def read_token(token: str, params: object) -> int:
    try:
        data = orjson.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        offset, fingerprint = data["o"], data["p"]
    except (ValueError, TypeError, KeyError):
        raise BadPageToken("is not a page token this list handed out") from None
    if not isinstance(offset, int) or offset < 0 or fingerprint != _fingerprint(params):
        raise BadPageToken("belongs to a list with other parameters")
    return offset


def page(
    items: Sequence[T], token: str | None, limit: int, params: object
) -> tuple[list[T], str | None]:
    """One page of ``items`` and the token of the next one (None on the last page)."""
    offset = read_token(token, params) if token else 0
    chunk = list(items[offset : offset + limit])
    more = offset + limit < len(items)
    return chunk, make_token(offset + limit, params) if more else None

"""A value made from an immutable object once and handed out again while that object stays the
same: what the request path would otherwise rebuild on every request (a key's principal)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

S = TypeVar("S")
V = TypeVar("V")


class MadeOnce(Generic[S, V]):
    """``make(source)`` kept under ``name`` while ``name`` still comes with the same ``source``
    object (checked by identity: a replaced source, such as a revoked key's new record, gets a
    new value). At most ``limit`` names are kept; past that, the memo starts over."""

    __slots__ = ("_made", "limit", "make")

    def __init__(self, make: Callable[[S], V], limit: int = 256) -> None:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        self.make = make
        self.limit = limit
        self._made: dict[str, tuple[S, V]] = {}

    def get(self, name: str, source: S) -> V:
        found = self._made.get(name)
        if found is not None and found[0] is source:
            return found[1]
        if len(self._made) >= self.limit:
            self._made.clear()
        value = self.make(source)
        self._made[name] = (source, value)
        return value

    def __len__(self) -> int:
        return len(self._made)

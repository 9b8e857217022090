"""One tenant's segments: the fixed ones (built-ins, seeded, the scenario's) and those defined
at runtime through the admin API, which are tenant state (snapshots, state file, reset)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterable
from typing import Any

from mockserver.core.lru import ChangeCache, LruCache
from mockserver.core.stores import Changed, unchanged
from mockserver.fullstory.segments.model import Segment

MAX_RUNTIME_SEGMENTS = 1000
# Encoded answers (list pages, single segments) kept until the segments change: a page holds at
# most 100 segments of a few hundred bytes, so the byte bound only matters for long names.
ANSWER_CACHE_SIZE = 256
ANSWER_CACHE_BYTES = 4 * 1024 * 1024


class SegmentError(ValueError):
    """A segment that cannot be defined or removed; the message says why."""


class SegmentStore:
    def __init__(self, fixed: Iterable[Segment], changed: Changed = unchanged) -> None:
        self._fixed = {segment.id: segment for segment in fixed}
        self._runtime: dict[str, Segment] = {}
        self._changed = changed
        self._lock = threading.Lock()
        self._answers: ChangeCache[Hashable, bytes] = ChangeCache(
            LruCache(ANSWER_CACHE_SIZE, weigh=len, max_weight=ANSWER_CACHE_BYTES)
        )

    def answer(self, key: Hashable, build: Callable[[], bytes]) -> bytes:
        """The encoded answer ``build()`` gives, kept under ``key`` until the segments change
        (a runtime segment defined, replaced or removed; a restore). ``key`` must hold every
        input of the answer besides the segments. The fixed segments never change: a reset or
        another scenario builds a new store."""
        return self._answers.get_or_create(key, build)

    def all(self) -> list[Segment]:
        """Built-ins, then seeded and scenario segments, then runtime ones in definition order."""
        with self._lock:
            return [*self._fixed.values(), *self._runtime.values()]

    def get(self, segment_id: str) -> Segment | None:
        with self._lock:
            return self._fixed.get(segment_id) or self._runtime.get(segment_id)

    def is_fixed(self, segment_id: str) -> bool:
        return segment_id in self._fixed

    def define(self, segment: Segment) -> Segment:
        """Add a runtime segment, or replace the runtime segment with its id."""
        with self._lock:
            if segment.id in self._fixed:
                raise SegmentError(f"segment {segment.id!r} is built in or seeded; pick another id")
            if segment.id not in self._runtime and len(self._runtime) >= MAX_RUNTIME_SEGMENTS:
                raise SegmentError(f"a tenant holds at most {MAX_RUNTIME_SEGMENTS} segments")
            self._runtime[segment.id] = segment
            self._answers.invalidate()
        self._changed()
        return segment

    def remove(self, segment_id: str) -> Segment | None:
        with self._lock:
            if segment_id in self._fixed:
                raise SegmentError(f"segment {segment_id!r} is built in or seeded")
            removed = self._runtime.pop(segment_id, None)
            if removed is not None:
                self._answers.invalidate()
        if removed is not None:
            self._changed()
        return removed

    def snapshot(self) -> list[dict[str, Any]]:
        with self._lock:
            return [segment.to_dict() for segment in self._runtime.values()]

    def restore(self, data: Any) -> None:
        if not isinstance(data, list):
            raise TypeError("segments must be a list")
        segments = [Segment.from_dict(item) for item in data]  # all parsed before any change
        clash = [s.id for s in segments if s.id in self._fixed]
        if clash or len(segments) > MAX_RUNTIME_SEGMENTS:
            raise ValueError(f"segments: ids taken by fixed segments {clash} or too many")
        with self._lock:
            self._runtime = {segment.id: segment for segment in segments}
            self._answers.invalidate()

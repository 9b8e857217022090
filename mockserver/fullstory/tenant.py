"""One organisation's FullStory state: its generated world, its summary profiles (and, as they
land, segments and exports). Rebuilt from the constructor on reset."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from mockserver.core.clock import Clock
from mockserver.core.stores import Changed, unchanged
from mockserver.fullstory.profiles.store import ProfileStore
from mockserver.fullstory.summaries.latency import GenerationLatency
from mockserver.fullstory.world.generator import LruCache, World
from mockserver.http.rendering import encode

ANSWER_CACHE_SIZE = 1024
# Events answers run to megabytes for the longest sessions: the cache is bounded in bytes too.
ANSWER_CACHE_BYTES = 64 * 1024 * 1024


class FullStoryTenant:
    def __init__(
        self,
        tenant_id: str,
        world: World,
        *,
        changed: Changed = unchanged,
        latency: GenerationLatency | None = None,
    ) -> None:
        self.tenant_id = tenant_id
        self.world = world
        self.profiles = ProfileStore(tenant_id, changed)
        self.latency = latency or GenerationLatency("off", Clock())
        self._answers: LruCache[Hashable, bytes] = LruCache(
            ANSWER_CACHE_SIZE, weigh=len, max_weight=ANSWER_CACHE_BYTES
        )

    def world_answer(self, key: Hashable, build: Callable[[], Any]) -> bytes:
        """The encoded answer ``build()`` gives, cached under ``key``.

        Only for answers that are pure functions of the world (listings, events): the world
        never changes once built (a reset builds a new tenant), so they never go stale, and
        rendering plus encoding costs more than serving. Mutable state (profiles, exports)
        must never be answered through here; a summary may, keyed by the full content of the
        effective profile it was computed from (never by a profile id).
        """
        return self._answers.get_or_create(key, lambda: encode(build()))

    def world_answer_raw(self, key: Hashable, build: Callable[[], bytes]) -> bytes:
        """As :meth:`world_answer`, for a builder that encodes its answer itself."""
        return self._answers.get_or_create(key, build)

"""One organisation's FullStory state: its generated world, its summary profiles, its segments
and export operations. Rebuilt from the constructor on reset."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from mockserver.core.clock import Clock
from mockserver.core.lifecycle import LifecyclePolicies
from mockserver.core.lru import LruCache
from mockserver.core.stores import Changed, TenantStore, unchanged
from mockserver.fullstory.exports.links import LinkStore
from mockserver.fullstory.exports.operations import OperationStore
from mockserver.fullstory.profiles.model import Profile
from mockserver.fullstory.profiles.store import ProfileStore
from mockserver.fullstory.segments.catalog import BUILT_INS, seeded_segments
from mockserver.fullstory.segments.model import Segment
from mockserver.fullstory.segments.store import SegmentStore
from mockserver.fullstory.summaries.latency import GenerationLatency
from mockserver.fullstory.world.generator import World
from mockserver.http.rendering import encode

ANSWER_CACHE_SIZE = 1024
# Effective summary profiles of GET summaries, by (profile id, end_timestamp): see
# summary_handlers.effective_profile. A few kilobytes each.
SUMMARY_PROFILE_CACHE_SIZE = 256
EffectiveProfile = tuple[Profile | None, dict[str, Any], bytes]
# Events answers run to megabytes for the longest sessions: the cache is bounded in bytes too.
ANSWER_CACHE_BYTES = 64 * 1024 * 1024


class FullStoryTenant:
    def __init__(
        self,
        tenant_id: str,
        world: World,
        *,
        clock: Clock | None = None,
        lifecycles: LifecyclePolicies | None = None,
        scenario_segments: tuple[Segment, ...] = (),
        changed: Changed = unchanged,
        latency: GenerationLatency | None = None,
    ) -> None:
        self.tenant_id = tenant_id
        self.world = world
        self.clock = clock or Clock()
        self.profiles = ProfileStore(tenant_id, changed)
        self.latency = latency or GenerationLatency("off", self.clock)
        self._answers: LruCache[Hashable, bytes] = LruCache(
            ANSWER_CACHE_SIZE, weigh=len, max_weight=ANSWER_CACHE_BYTES
        )
        # (stored profile it was merged from, effective body, canonical bytes)
        self.summary_profiles: LruCache[Hashable, EffectiveProfile] = LruCache(
            SUMMARY_PROFILE_CACHE_SIZE
        )
        fixed = (*BUILT_INS, *seeded_segments(world), *scenario_segments)
        self.segments = SegmentStore(fixed, changed)
        self.operations = OperationStore(
            tenant_id, world.config.seed, self.clock, lifecycles or LifecyclePolicies(), changed
        )
        self.links = LinkStore(tenant_id, changed)

    def stores(self) -> dict[str, TenantStore]:
        """The segment and export state to persist, by store name (mockserver.core.stores);
        summary profiles are registered by the tenant under their own name."""
        return {
            "fullstory.segments": self.segments,
            "fullstory.operations": self.operations,
            "fullstory.export_links": self.links,
        }

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

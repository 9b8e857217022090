"""One organisation's FullStory state: its generated world (and, as they land, its summary
profiles, segments and exports). Rebuilt from the constructor on reset."""

from __future__ import annotations

from typing import Any

from mockserver.fullstory.events_model import session_events
from mockserver.fullstory.world.generator import LruCache, World
from mockserver.fullstory.world.models import Session

EVENTS_CACHE_SIZE = 512


class FullStoryTenant:
    def __init__(self, tenant_id: str, world: World) -> None:
        self.tenant_id = tenant_id
        self.world = world
        # Rendering a session's events model costs more than serving it; sessions are
        # immutable, so the rendering is cached with them. Nobody mutates these lists.
        self._events: LruCache[str, list[dict[str, Any]]] = LruCache(EVENTS_CACHE_SIZE)

    def events_of(self, session: Session) -> list[dict[str, Any]]:
        return self._events.get_or_create(str(session.session_id), lambda: session_events(session))

"""One organisation's FullStory state: its generated world (and, as they land, its summary
profiles, segments and exports). Rebuilt from the constructor on reset."""

from __future__ import annotations

from dataclasses import dataclass

from mockserver.fullstory.world.generator import World


@dataclass(slots=True)
class FullStoryTenant:
    tenant_id: str
    world: World

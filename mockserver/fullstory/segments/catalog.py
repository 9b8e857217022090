"""The segments a tenant starts with: FullStory's built-ins and a few seeded custom segments.

Built-ins have no ``created`` (the contract: "Will not be present for built-in segments") and, by
the same proto3 rule that omits unset fields, no ``creator``. Seeded segments are a pure function
of the world's seed, so two servers with one seed list the same segments.
"""

from __future__ import annotations

import string
from datetime import timedelta

from mockserver.core.rng import derive_rng
from mockserver.fullstory.segments.model import Segment
from mockserver.fullstory.segments.rules import Rule
from mockserver.fullstory.world.generator import World

BUILT_INS: tuple[Segment, ...] = (
    Segment("everyone", "Everyone", Rule()),
    Segment("rageClicks", "Rage Clicks", Rule(event="rage_click")),
    Segment("deadClicks", "Dead Clicks", Rule(event="dead_click")),
    Segment("errorClicks", "Error Clicks", Rule(event="error_click")),
)

_SEEDED: tuple[tuple[str, Rule], ...] = (
    ("Reached checkout", Rule(page_path="/checkout")),
    ("Completed a purchase", Rule(custom_event="Order Completed")),
    ("Checkout errors", Rule(event="network_error", page_path="/checkout")),
    ("Mobile shoppers", Rule(device="Mobile")),
    ("Premium plan", Rule(user_properties={"plan": "premium"})),
    ("Visitors from Canada", Rule(country="Canada")),
)
_TEAM = ("alice", "bob", "carmen", "deepak", "erin", "farid")
_ID_ALPHABET = string.ascii_lowercase + string.digits


def seeded_segments(world: World) -> tuple[Segment, ...]:
    """The org's custom segments, made by its team before the world's epoch."""
    rng = derive_rng(world.config.seed, "segments")
    domain = world.org.domain
    segments = []
    for n, (name, rule) in enumerate(_SEEDED):
        created = world.config.epoch - timedelta(
            days=rng.randint(95, 400), seconds=rng.randint(0, 86_399), milliseconds=n
        )
        segment_id = "".join(rng.choice(_ID_ALPHABET) for _ in range(12))
        creator = f"{rng.choice(_TEAM)}@{domain}"
        segments.append(Segment(segment_id, name, rule, creator, created))
    return tuple(segments)

"""The procedural, lazy, deterministic FullStory world and its scenario pins."""

from mockserver.fullstory.world.generator import World, WorldConfig
from mockserver.fullstory.world.models import (
    Device,
    Event,
    Location,
    OrgInfo,
    Page,
    Session,
    SessionRef,
    User,
)
from mockserver.fullstory.world.scenario import Scenario, ScenarioError, load_scenario

__all__ = [
    "Device",
    "Event",
    "Location",
    "OrgInfo",
    "Page",
    "Scenario",
    "ScenarioError",
    "Session",
    "SessionRef",
    "User",
    "World",
    "WorldConfig",
    "load_scenario",
]

"""Who is in a segment, found lazily: users are walked one at a time and each is checked against
the rule, so a segment of a 10**6-user world is never materialised; callers stream members.

A user is a member when the user-level conditions hold and one of the user's sessions that
starts inside the segment's time range meets the session conditions and, if the rule has event
conditions, holds a matching event. Events are read as the events endpoint renders them
(``session_events``), so members agree with what the sessions and events endpoints show.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mockserver.fullstory.events_model import session_events
from mockserver.fullstory.segments.rules import Rule
from mockserver.fullstory.world.generator import World
from mockserver.fullstory.world.models import Session, SessionRef, User


@dataclass(frozen=True, slots=True)
class TimeRange:
    """``[start, end)``; ``None`` is open on that side."""

    start: datetime | None = None
    end: datetime | None = None

    def contains(self, at: datetime) -> bool:
        return (self.start is None or at >= self.start) and (self.end is None or at < self.end)


@dataclass(frozen=True, slots=True)
class RenderedSession:
    """A session with its events rendered once, for rules and export rows alike."""

    session: Session
    events: list[dict[str, Any]]


def all_users(world: World) -> Iterator[User]:
    """Scenario-pinned users first, then the generated population by index."""
    if world.scenario is not None:
        for pinned in world.scenario.users:
            yield pinned.user
    for index in range(world.config.users):
        yield world.user_at(index)


def render(world: World, ref: SessionRef) -> RenderedSession | None:
    session = world.session(ref.session_id)
    if session is None:
        return None
    return RenderedSession(session, session_events(session))


def qualifying_sessions(
    world: World, user: User, rule: Rule, window: TimeRange
) -> Iterator[RenderedSession]:
    """The user's sessions starting in ``window`` that make the user a member, oldest first."""
    if not rule.matches_user(user):
        return
    for ref in reversed(world.sessions_of(user)):
        if not window.contains(ref.created):
            continue
        rendered = render(world, ref)
        if rendered is None or not rule.matches_device(rendered.session.device.device):
            continue
        if not rule.has_event_criteria or any(rule.matches_event(e) for e in rendered.events):
            yield rendered


def is_member(world: World, user: User, rule: Rule, window: TimeRange) -> bool:
    if not rule.has_event_criteria and rule.device is None:
        # Decided without generating a single session: the common, cheap case.
        return rule.matches_user(user) and any(
            window.contains(ref.created) for ref in world.sessions_of(user)
        )
    return next(qualifying_sessions(world, user, rule, window), None) is not None


def members(world: World, rule: Rule, window: TimeRange) -> Iterator[User]:
    for user in all_users(world):
        if is_member(world, user, rule, window):
            yield user

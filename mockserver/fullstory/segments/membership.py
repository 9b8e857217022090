"""Who is in a segment, found lazily: users are walked one at a time and each is checked against
the rule, so a segment of a 10**6-user world is never materialised; callers stream members.

A user is a member when the user-level conditions hold and one of the user's sessions that
starts inside the segment's time range meets the session conditions and, if the rule has event
conditions, holds a matching event. Events are read as the events endpoint renders them (the
parts rules read, :mod:`~mockserver.fullstory.segments.matchable`), so members agree with what
the sessions and events endpoints show.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from mockserver.fullstory.segments.matchable import MatchableEvent, matchable_events
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


@dataclass(slots=True)
class ScannedSession:
    """A session read once for both the membership check and the export rows; the parts rules
    read are built on first use (a rule without event conditions never needs them)."""

    session: Session
    _matchable: list[MatchableEvent] | None = field(default=None, repr=False)

    @property
    def matchable(self) -> list[MatchableEvent]:
        if self._matchable is None:
            self._matchable = matchable_events(self.session)
        return self._matchable


class UserScan:
    """The sessions of one user, each generated at most once while the user is being looked at
    (membership first, then rows), and never put in the world's session cache."""

    def __init__(self, world: World) -> None:
        self.world = world
        self._user: User | None = None
        self._seen: dict[str, ScannedSession | None] = {}

    def session(self, user: User, ref: SessionRef) -> ScannedSession | None:
        if user is not self._user and user != self._user:  # identity first: once per session
            self._user = user
            self._seen.clear()  # one user's sessions at a time: memory stays flat
        key = str(ref.session_id)
        if key not in self._seen:
            session = self.world.scanned_session(ref.session_id)
            self._seen[key] = ScannedSession(session) if session is not None else None
        return self._seen[key]


def all_users(world: World) -> Iterator[User]:
    """Scenario-pinned users first, then the generated population by index."""
    if world.scenario is not None:
        for pinned in world.scenario.users:
            yield pinned.user
    for index in range(world.config.users):
        yield world.user_at(index)


def qualifying_sessions(
    scan: UserScan, user: User, rule: Rule, window: TimeRange
) -> Iterator[ScannedSession]:
    """The user's sessions starting in ``window`` that make the user a member, oldest first."""
    if not rule.matches_user(user):
        return
    for ref in reversed(scan.world.sessions_of(user)):
        if not window.contains(ref.created):
            continue
        scanned = scan.session(user, ref)
        if scanned is None or not rule.matches_device(scanned.session.device.device):
            continue
        if not rule.has_event_criteria or any(map(rule.matches_event, scanned.matchable)):
            yield scanned


def is_member(scan: UserScan, user: User, rule: Rule, window: TimeRange) -> bool:
    if not rule.has_event_criteria and rule.device is None:
        # Decided without generating a single session: the common, cheap case.
        return rule.matches_user(user) and any(
            window.contains(ref.created) for ref in scan.world.sessions_of(user)
        )
    return next(qualifying_sessions(scan, user, rule, window), None) is not None


def members(world: World, rule: Rule, window: TimeRange) -> Iterator[User]:
    scan = UserScan(world)
    for user in all_users(world):
        if is_member(scan, user, rule, window):
            yield user

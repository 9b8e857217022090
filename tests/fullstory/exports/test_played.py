"""An export plays each generated session on its own recorder (played.py): every session must
come out with the world's pages and, event for event, the times, pages, keys and custom
variables the export reads from the world's own events."""

from __future__ import annotations

from datetime import UTC, datetime

from mockserver.fullstory.exports.played import ExportEvent, played_session
from mockserver.fullstory.exports.session_rows import event_key
from mockserver.fullstory.segments.membership import all_users
from mockserver.fullstory.world.generator import World, WorldConfig
from mockserver.fullstory.world.models import Session
from tests.fullstory.exports.test_session_rows import world as scenario_world

EPOCH = datetime(2026, 9, 1, tzinfo=UTC)


def expected(session: Session) -> list[ExportEvent]:
    return [
        ExportEvent(e.time_us, e.page_index, *event_key(e.type, e.properties, e.name))
        for e in session.events
    ]


def test_every_generated_session_plays_the_same_for_an_export() -> None:
    # Two seeds, every journey many times over (a few hundred sessions, long ones included).
    checked = 0
    for seed in (3, 7):
        world = World(WorldConfig(seed, 40, "o-1A2B3C-na1", "Acme", EPOCH))
        for user in all_users(world):
            for number, ref in enumerate(reversed(world.sessions_of(user))):
                session = world.scanned_session(ref.session_id)
                played = played_session(world, ref, number)
                assert session is not None and played is not None
                assert played.pages == session.pages
                assert played.initial_referrer == session.initial_referrer
                assert played.device == session.device and played.ref == session.ref
                assert list(played.events) == expected(session)
                checked += 1
    assert checked > 200


def test_pinned_sessions_are_not_played() -> None:
    world = scenario_world()
    pinned = next(iter(world.scenario.users)) if world.scenario else None
    assert pinned is not None
    for number, ref in enumerate(reversed(world.sessions_of(pinned.user))):
        assert played_session(world, ref, number) is None

"""Rules read the parts of events matchable_events builds from the world; they must decide as
they would on the events endpoint's rendered events."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver.fullstory.events_model import session_events
from mockserver.fullstory.segments.catalog import BUILT_INS, seeded_segments
from mockserver.fullstory.segments.event_kinds import KNOWN_KINDS
from mockserver.fullstory.segments.matchable import matchable_events
from mockserver.fullstory.segments.rules import Rule
from tests.fullstory.exports.test_session_rows import users, world

RULES: tuple[Rule, ...] = (
    *(segment.rule for segment in BUILT_INS),
    *(segment.rule for segment in seeded_segments(world())),
    *(Rule(event=kind) for kind in sorted(KNOWN_KINDS)),
    Rule(page_path="/products"),
    Rule(custom_event="Added to Cart", page_path="/products"),
)


@settings(max_examples=30, deadline=None)
@given(st.data())
def test_rules_decide_alike_on_matchable_and_rendered_events(data: st.DataObject) -> None:
    user = data.draw(st.sampled_from(users()), label="user")
    ref = data.draw(st.sampled_from(world().sessions_of(user)), label="session")
    session = world().session(ref.session_id)
    assert session is not None
    rendered = session_events(session)
    light = matchable_events(session)
    assert len(light) == len(rendered)
    for rule in RULES:
        assert [rule.matches_event(e) for e in light] == [rule.matches_event(e) for e in rendered]

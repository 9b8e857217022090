"""Export rows are read from the world's events directly (session_rows.py); here every column of
every row of random sessions is held to what the events endpoint renders for the same event, by
a reference that reads only the endpoint's answer (``session_events``)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, tzinfo
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver.fullstory.events_model import session_events
from mockserver.fullstory.exports.columns import EVENT_LEVEL_COLUMNS, format_time, user_vars
from mockserver.fullstory.exports.session_rows import SessionRows, user_cells
from mockserver.fullstory.exports.times import TimeText, epoch_ms
from mockserver.fullstory.segments.event_kinds import click_flavour
from mockserver.fullstory.segments.membership import all_users
from mockserver.fullstory.world.generator import World, WorldConfig
from mockserver.fullstory.world.models import Session, User
from mockserver.fullstory.world.scenario import load_scenario

REPO = Path(__file__).resolve().parents[3]
EPOCH = datetime(2026, 9, 1, tzinfo=UTC)
ZONES: tuple[tzinfo, ...] = (UTC, ZoneInfo("America/New_York"), ZoneInfo("Asia/Kolkata"))
_SKIPPED = {"event_name", "event_definition_id", "additional_event_definition_ids"}


@cache
def world() -> World:
    scenario = load_scenario(REPO / "fixtures" / "default.yaml")
    return World(WorldConfig(11, 300, "o-1A2B3C-na1", "Acme", EPOCH), scenario)


@cache
def users() -> tuple[User, ...]:
    # The scenario's pinned users first, then generated ones; only users with sessions.
    return tuple(user for user in all_users(world()) if world().sessions_of(user))


def reference_rows(session: Session, zone: tzinfo) -> list[dict[str, Any]]:
    """The rows as derived from the events endpoint's answer alone."""
    user = session.user
    events = session_events(session)
    first_start = world().sessions_of(user)[-1].created
    view_starts: dict[str, datetime] = {}
    for event in events:
        view_starts.setdefault(event["view_id"], datetime.fromisoformat(event["event_time"]))
    rows = []
    for event in events:
        props, source = event["event_properties"], event["source_properties"]
        target = props.get("target") if isinstance(props.get("target"), dict) else {}
        agent, referrer = source["user_agent"], source["initial_referrer"]
        is_custom = event["event_type"] == "custom"
        row = {
            "IndvId": user.device_id,
            "UserId": event["device_id"],
            "SessionId": event["session_id"],
            "PageId": event["view_id"],
            "UserCreated": format_time(first_start, zone),
            "UserAppKey": user.uid,
            "UserDisplayName": user.display_name,
            "UserEmail": user.email,
            "SessionStart": format_time(session.ref.created, zone),
            "PageStart": format_time(view_starts[event["view_id"]], zone),
            "EventStart": format_time(datetime.fromisoformat(event["event_time"]), zone),
            "EventType": event["event_type"],
            "EventSubType": props.get("navigate_reason", "")
            if event["event_type"] == "navigate"
            else click_flavour(event),
            "EventCustomName": props.get("event_name", "") if is_custom else "",
            "EventTargetText": target.get("text") or props.get("target_text") or "",
            "EventTargetSelector": target.get("raw_selector") or props.get("target_selector") or "",
            "PageUrl": source["url"]["full_url"],
            "PageRefererUrl": referrer["full_url"] if referrer else "",
            "PageBrowser": agent["browser"],
            "PageBrowserVersion": agent["browser_version"],
            "PageDevice": agent["device"],
            "PagePlatform": agent["operating_system"],
            "PageUserAgent": agent["raw_user_agent"],
            "PageCountry": user.location.country,
            "PageRegion": user.location.region,
            "PageCity": user.location.city,
            **user_vars(user),
        }
        if is_custom:
            row.update(
                (f"evt_{name}_{_kind(value)}", value)
                for name, value in props.items()
                if name not in _SKIPPED and not isinstance(value, dict | list)
            )
        rows.append(row)
    return rows


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    return "int" if isinstance(value, int) else "real" if isinstance(value, float) else "str"


def fast_rows(session: Session, zone: tzinfo) -> list[dict[str, Any]]:
    rows = SessionRows(session, world().sessions_of(session.user)[-1].created, zone, TimeText(zone))
    out = []
    for event in session.events:
        shared: Mapping[str, Any] = rows.page_values(event.page_index)
        out.append({**shared, **rows.event_values(event, epoch_ms(event.time_us))})
    return out


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_every_column_agrees_with_the_events_endpoint(data: st.DataObject) -> None:
    user = data.draw(st.sampled_from(users()), label="user")
    refs = world().sessions_of(user)
    ref = data.draw(st.sampled_from(refs), label="session")
    zone = data.draw(st.sampled_from(ZONES), label="zone")
    session = world().session(ref.session_id)
    assert session is not None
    assert fast_rows(session, zone) == reference_rows(session, zone)


def test_pinned_sessions_with_custom_events_and_flavoured_clicks_agree() -> None:
    # The scenario's sessions hold rage and error clicks and custom events with properties.
    seen_kinds: set[str] = set()
    for user in users()[:3]:
        for ref in world().sessions_of(user):
            session = world().session(ref.session_id)
            assert session is not None
            rows = fast_rows(session, ZONES[1])
            assert rows == reference_rows(session, ZONES[1])
            seen_kinds.update(row["EventSubType"] for row in rows)
            seen_kinds.update(k for row in rows for k in row if k.startswith("evt_"))
    assert {"rage", "error"} <= seen_kinds
    assert any(kind.startswith("evt_") for kind in seen_kinds)


def test_the_page_part_is_one_object_per_page() -> None:
    ref = world().sessions_of(users()[-1])[0]
    session = world().session(ref.session_id)
    assert session is not None
    rows = SessionRows(session, ref.created, UTC, TimeText(UTC))
    first = session.events[0].page_index
    assert rows.page_values(first) is rows.page_values(first)


def test_a_users_cells_made_once_give_each_session_the_same_columns() -> None:
    # An export makes a user's cells once for all their sessions (rows.py).
    user = users()[-1]
    first = world().sessions_of(user)[-1].created
    for zone in ZONES:
        text = TimeText(zone)
        cells = user_cells(user, first, text)
        for ref in world().sessions_of(user):
            session = world().session(ref.session_id)
            assert session is not None
            given_cells = SessionRows(session, first, zone, text, cells).session_values
            made_here = SessionRows(session, first, zone, text).session_values
            assert list(given_cells.items()) == list(made_here.items())
            # Pinned to their sources too, not only to the other path's output.
            assert given_cells["UserCreated"] == format_time(first, zone)
            assert {k: v for k, v in given_cells.items() if k.startswith("user_")} == dict(
                user_vars(user)
            )


def test_an_event_part_starts_with_the_event_columns_in_file_order() -> None:
    # Default JSON rows encode a part without custom variables whole (layout.json_fragments).
    for user in users()[:3]:
        for ref in world().sessions_of(user):
            session = world().session(ref.session_id)
            assert session is not None
            rows = SessionRows(session, ref.created, UTC, TimeText(UTC))
            for event in session.events:
                own = list(rows.event_values(event, epoch_ms(event.time_us)))
                assert tuple(own[: len(EVENT_LEVEL_COLUMNS)]) == EVENT_LEVEL_COLUMNS
                assert all(name.startswith("evt_") for name in own[len(EVENT_LEVEL_COLUMNS) :])
